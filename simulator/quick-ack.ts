// vsmartcard's vpcd writes each message's 2-byte length and its payload in two send()s without
// TCP_NODELAY, so Nagle holds the payload until our side acknowledges the length; Linux delays
// that ACK by up to 40 ms on an interactive connection. A virtual card would then take 40 ms
// per APDU, which no real card does. TCP_QUICKACK (not exposed by Node) makes the kernel ACK at
// once; it is a hint that lapses, so the card sets it again after every read and write.
// Linux only; elsewhere this does nothing and the simulator is just slower.
import type { Socket } from 'node:net';
import koffi from 'koffi';

const IPPROTO_TCP = 6;
const TCP_QUICKACK = 12;

type SetSockOpt = (fd: number, level: number, name: number, value: number[], length: number) => number;
let setsockopt: SetSockOpt | null | undefined;

function load(): SetSockOpt | null {
  if (setsockopt !== undefined) return setsockopt;
  try {
    setsockopt =
      process.platform === 'linux'
        ? (koffi.load('libc.so.6').func('int setsockopt(int, int, int, _In_ int *, uint32_t)') as SetSockOpt)
        : null;
  } catch {
    setsockopt = null;
  }
  return setsockopt;
}

export function quickAck(socket: Socket): void {
  const fn = load();
  const fd = (socket as unknown as { _handle?: { fd?: number } })._handle?.fd;
  if (fn && typeof fd === 'number' && fd >= 0) fn(fd, IPPROTO_TCP, TCP_QUICKACK, [1], 4);
}
