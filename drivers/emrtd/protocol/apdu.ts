// ISO/IEC 7816-4 command and response APDUs: cases 1-4, short and extended length.
import { concat } from '../bytes.js';
import { fail } from '../errors.js';

export interface CommandApdu {
  cla: number;
  ins: number;
  p1: number;
  p2: number;
  data?: Uint8Array;
  /** Expected response length Ne: 0 = none expected; 256 (short) or 65536 (extended) = "all". */
  ne?: number;
}

export interface ResponseApdu {
  data: Uint8Array;
  sw: number;
}

export const SW = {
  OK: 0x9000,
  WRONG_LENGTH: 0x6700,
  SECURITY_STATUS_NOT_SATISFIED: 0x6982,
  AUTH_METHOD_BLOCKED: 0x6983,
  CONDITIONS_NOT_SATISFIED: 0x6985,
  COMMAND_NOT_ALLOWED: 0x6986,
  SM_DATA_MISSING: 0x6987,
  SM_DATA_INCORRECT: 0x6988,
  WRONG_DATA: 0x6a80,
  FILE_NOT_FOUND: 0x6a82,
  WRONG_P1P2: 0x6b00,
  INS_NOT_SUPPORTED: 0x6d00,
  CLA_NOT_SUPPORTED: 0x6e00,
  UNKNOWN: 0x6f00,
  END_OF_FILE_WARNING: 0x6282,
} as const;

export function isExtended(cmd: CommandApdu): boolean {
  return (cmd.data?.length ?? 0) > 255 || (cmd.ne ?? 0) > 256;
}

/** Encodes a command; `forceExtended` uses extended length even where short would do. */
export function encodeCommand(cmd: CommandApdu, forceExtended = false): Uint8Array {
  const header = Uint8Array.of(cmd.cla, cmd.ins, cmd.p1, cmd.p2);
  const nc = cmd.data?.length ?? 0;
  const ne = cmd.ne ?? 0;
  if (nc > 65535) fail('malformed-apdu', `command data of ${nc} bytes`);
  if (ne < 0 || ne > 65536) fail('malformed-apdu', `Ne of ${ne}`);
  const extended = forceExtended || isExtended(cmd);
  const parts: Uint8Array[] = [header];
  if (!extended) {
    if (nc > 0) parts.push(Uint8Array.of(nc), cmd.data!);
    if (ne > 0) parts.push(Uint8Array.of(ne === 256 ? 0 : ne));
  } else {
    if (nc > 0) parts.push(Uint8Array.of(0, nc >> 8, nc & 0xff), cmd.data!);
    if (ne > 0) {
      const le = ne === 65536 ? 0 : ne;
      parts.push(nc > 0 ? Uint8Array.of(le >> 8, le & 0xff) : Uint8Array.of(0, le >> 8, le & 0xff));
    }
  }
  return concat(...parts);
}

/** Decodes a command (the chip's side). Total: malformed bytes give EmrtdError('malformed-apdu'). */
export function parseCommand(bytes: Uint8Array): CommandApdu & { extended: boolean } {
  if (bytes.length < 4) fail('malformed-apdu', `command of ${bytes.length} bytes`);
  const [cla, ins, p1, p2] = [bytes[0]!, bytes[1]!, bytes[2]!, bytes[3]!];
  const body = bytes.subarray(4);
  const base = { cla, ins, p1, p2 };
  if (body.length === 0) return { ...base, ne: 0, extended: false };
  if (body.length === 1) return { ...base, ne: body[0] === 0 ? 256 : body[0]!, extended: false };
  if (body[0] !== 0) {
    const nc = body[0]!;
    if (body.length === 1 + nc) return { ...base, data: body.subarray(1), ne: 0, extended: false };
    if (body.length === 2 + nc)
      return { ...base, data: body.subarray(1, 1 + nc), ne: body[1 + nc] === 0 ? 256 : body[1 + nc]!, extended: false };
    fail('malformed-apdu', `Lc ${nc} does not match a body of ${body.length} bytes`);
  }
  if (body.length === 3) {
    const le = (body[1]! << 8) | body[2]!;
    return { ...base, ne: le === 0 ? 65536 : le, extended: true };
  }
  if (body.length < 3) fail('malformed-apdu', 'extended length cut short');
  const nc = (body[1]! << 8) | body[2]!;
  if (nc === 0) fail('malformed-apdu', 'extended Lc of zero');
  if (body.length === 3 + nc) return { ...base, data: body.subarray(3), ne: 0, extended: true };
  if (body.length === 5 + nc) {
    const le = (body[3 + nc]! << 8) | body[4 + nc]!;
    return { ...base, data: body.subarray(3, 3 + nc), ne: le === 0 ? 65536 : le, extended: true };
  }
  fail('malformed-apdu', `extended Lc ${nc} does not match a body of ${body.length} bytes`);
}

export function parseResponse(bytes: Uint8Array): ResponseApdu {
  if (bytes.length < 2) fail('malformed-apdu', `response of ${bytes.length} bytes has no status word`);
  return { data: bytes.subarray(0, bytes.length - 2), sw: (bytes[bytes.length - 2]! << 8) | bytes[bytes.length - 1]! };
}

export function encodeResponse(data: Uint8Array, sw: number): Uint8Array {
  return concat(data, Uint8Array.of(sw >> 8, sw & 0xff));
}

export function swHex(sw: number): string {
  return sw.toString(16).toUpperCase().padStart(4, '0');
}
