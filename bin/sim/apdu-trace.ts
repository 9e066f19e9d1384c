// One line of the simulator's APDU trace: the command's header (CLA INS P1 P2), how many
// bytes went each way and the status word. Never the data itself: under secure messaging it
// is ciphertext anyway, and before it (BAC/PACE) the chip's answers are the only thing shown.
const hex = (n: number) => n.toString(16).padStart(2, '0').toUpperCase();

const INS: Record<number, string> = {
  0xa4: 'SELECT',
  0xb0: 'READ BINARY',
  0xb1: 'READ BINARY',
  0x84: 'GET CHALLENGE',
  0x82: 'EXTERNAL AUTHENTICATE',
  0x88: 'INTERNAL AUTHENTICATE',
  0x86: 'GENERAL AUTHENTICATE',
  0x22: 'MSE',
};

/** `00 A4 04 0C  SELECT  →9000  cmd 13 B, resp 0 B` */
export function apduTraceLine(command: Uint8Array, response: Uint8Array): string {
  const header = Array.from(command.subarray(0, 4), hex).join(' ');
  const ins = command.length >= 2 ? (INS[command[1]!] ?? 'INS ' + hex(command[1]!)) : '?';
  const sw = response.length >= 2 ? hex(response[response.length - 2]!) + hex(response[response.length - 1]!) : '----';
  const secure = command.length >= 1 && (command[0]! & 0x0c) === 0x0c ? ' (secure messaging)' : '';
  return `${header}  ${ins}${secure}  → ${sw}  cmd ${command.length} B, resp ${Math.max(0, response.length - 2)} B`;
}
