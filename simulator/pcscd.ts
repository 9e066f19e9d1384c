// A private pcscd for tests, benchmarks and demos: its own socket and its own reader
// configuration (one vsmartcard vpcd device = two virtual slots, on `port` and `port + 1`),
// started in the foreground and stopped with the test. The system pcscd is left alone:
// pcscd 1.9 always serves /run/pcscd/pcscd.comm, so ours runs in a private mount namespace
// where a temporary folder is mounted over /run/pcscd; clients reach it through that folder
// with PCSCLITE_CSOCK_NAME.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export const VPCD_DRIVER = '/usr/lib/pcsc/drivers/serial/libifdvpcd.so';
const PCSCD = ['/usr/sbin/pcscd', '/sbin/pcscd', '/usr/bin/pcscd'];

export interface PrivatePcscd {
  /** Set PCSCLITE_CSOCK_NAME to this in any process that should talk to this pcscd. */
  socket: string;
  /** vpcd slot ports: readers "Virtual PCD 00 00" and "Virtual PCD 00 01". */
  ports: [number, number];
  stop(): Promise<void>;
}

/** Names what is missing for the real PC/SC stack, or null when it is all there. */
export function missingPcscStack(): string | null {
  if (!PCSCD.some(existsSync)) return 'pcscd is not installed: run `npm run setup` as root (installs the Debian package "pcscd")';
  if (!existsSync(VPCD_DRIVER))
    return 'the vpcd driver is not installed: run `npm run setup` as root (installs the Debian package "vsmartcard-vpcd")';
  return null;
}

/**
 * `o.dir`: the folder its socket lives in, kept after stop. A process that starts a second
 * pcscd after the first must give the same folder: libpcsclite learns the socket's path once
 * per process, and would knock on the old one forever.
 */
export async function startPrivatePcscd(port: number, timeoutMs = 10_000, o: { dir?: string } = {}): Promise<PrivatePcscd> {
  const missing = missingPcscStack();
  if (missing) throw new Error(missing);
  const bin = PCSCD.find(existsSync)!;
  const dir = o.dir ?? mkdtempSync(join(tmpdir(), 'kiosk-pcscd-'));
  const conf = join(dir, 'reader.conf.d');
  mkdirSync(conf, { recursive: true });
  writeFileSync(
    join(conf, 'vpcd'),
    `FRIENDLYNAME "Virtual PCD"\nDEVICENAME /dev/null:${port}\nLIBPATH ${VPCD_DRIVER}\nCHANNELID ${port}\n`,
  );
  const socket = join(dir, 'pcscd.comm');
  rmSync(socket, { force: true }); // a previous one's, in a given folder
  const unshare = ['--mount', '--propagation', 'private', ...(process.getuid?.() === 0 ? [] : ['--map-root-user'])];
  const script = 'mkdir -p /run/pcscd && mount --bind "$0" /run/pcscd && exec "$1" --foreground --config "$2" --error';
  const child: ChildProcess = spawn('unshare', [...unshare, '--', 'sh', '-c', script, dir, bin, conf], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(socket)) {
    if (child.exitCode !== null) throw new Error(`pcscd exited (${child.exitCode}): ${stderr.trim()}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`pcscd did not start within ${timeoutMs} ms: ${stderr.trim()}`);
    }
    await sleep(50);
  }
  return {
    socket,
    ports: [port, port + 1],
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([exited, sleep(3000)]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      if (!o.dir) rmSync(dir, { recursive: true, force: true });
      else rmSync(socket, { force: true });
    },
  };
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '0.0.0.0', () => server.close(() => resolve(true)));
  });
}

/** A free pair of TCP ports (p, p+1), for the two vpcd slots. */
export async function freePortPair(): Promise<number> {
  for (let tries = 0; tries < 50; tries++) {
    const p = 20000 + Math.floor(Math.random() * 10000) * 2;
    if ((await portFree(p)) && (await portFree(p + 1))) return p;
  }
  throw new Error('no free pair of TCP ports found');
}
