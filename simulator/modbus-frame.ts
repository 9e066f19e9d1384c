// Modbus TCP frames for the virtual gate: the MBAP header (transaction id, protocol id 0,
// length of what follows, unit id) around a PDU, and the four function codes a gate needs:
// 01 read coils, 02 read discrete inputs, 05 write single coil, 15 write multiple coils.
// Parsing is strict: anything that is not exactly one of these is an exception code or a
// framing error, never a throw.

export const MBAP_LENGTH = 7;
/** The largest PDU (Modbus Application Protocol v1.1b3: 253 bytes; ADU 260 on TCP). */
export const MAX_PDU = 253;
export const MAX_READ_BITS = 2000;
export const MAX_WRITE_BITS = 1968;

export const EXCEPTION = {
  illegalFunction: 0x01,
  illegalDataAddress: 0x02,
  illegalDataValue: 0x03,
  gatewayTargetFailed: 0x0b,
} as const;

export interface Adu {
  transactionId: number;
  unitId: number;
  pdu: Uint8Array;
}

export type ModbusRequest =
  | { fc: 1 | 2; address: number; quantity: number }
  | { fc: 5; address: number; value: boolean }
  | { fc: 15; address: number; values: boolean[] };

export type DecodedRequest = { ok: true; request: ModbusRequest } | { ok: false; fc: number; exception: number };

export type FrameSplit = { ok: true; frames: Adu[]; rest: Uint8Array } | { ok: false; reason: string };

export function encodeAdu(adu: Adu): Uint8Array {
  const out = new Uint8Array(MBAP_LENGTH + adu.pdu.length);
  const v = new DataView(out.buffer);
  v.setUint16(0, adu.transactionId);
  v.setUint16(2, 0);
  v.setUint16(4, adu.pdu.length + 1);
  out[6] = adu.unitId;
  out.set(adu.pdu, MBAP_LENGTH);
  return out;
}

/**
 * Takes the whole frames off the front of a stream's bytes. A header that cannot be Modbus
 * (protocol id not 0, a length out of range) is a framing error: after it nothing can be
 * found again in the stream, so the connection is to be dropped.
 */
export function splitFrames(bytes: Uint8Array): FrameSplit {
  const frames: Adu[] = [];
  let at = 0;
  while (bytes.length - at >= MBAP_LENGTH) {
    const v = new DataView(bytes.buffer, bytes.byteOffset + at);
    const protocolId = v.getUint16(2);
    const length = v.getUint16(4);
    if (protocolId !== 0) return { ok: false, reason: `protocol id ${protocolId}, not 0` };
    if (length < 2 || length > MAX_PDU + 1) return { ok: false, reason: `length ${length} out of range` };
    if (bytes.length - at < 6 + length) break;
    frames.push({
      transactionId: v.getUint16(0),
      unitId: bytes[at + 6]!,
      pdu: bytes.slice(at + MBAP_LENGTH, at + 6 + length),
    });
    at += 6 + length;
  }
  return { ok: true, frames, rest: bytes.slice(at) };
}

export function encodeRequest(req: ModbusRequest): Uint8Array {
  switch (req.fc) {
    case 1:
    case 2:
      return u8(req.fc, req.address >> 8, req.address, req.quantity >> 8, req.quantity);
    case 5:
      return u8(5, req.address >> 8, req.address, req.value ? 0xff : 0, 0);
    case 15: {
      const packed = packBits(req.values);
      const n = req.values.length;
      return Uint8Array.of(15, req.address >> 8, req.address & 0xff, n >> 8, n & 0xff, packed.length, ...packed);
    }
  }
}

export function decodeRequest(pdu: Uint8Array): DecodedRequest {
  const fc = pdu[0] ?? 0;
  const bad = (exception: number): DecodedRequest => ({ ok: false, fc, exception });
  if (fc !== 1 && fc !== 2 && fc !== 5 && fc !== 15) return bad(EXCEPTION.illegalFunction);
  if (pdu.length < 5) return bad(EXCEPTION.illegalDataValue);
  const address = (pdu[1]! << 8) | pdu[2]!;
  const word = (pdu[3]! << 8) | pdu[4]!;
  if (fc === 1 || fc === 2) {
    if (pdu.length !== 5 || word < 1 || word > MAX_READ_BITS) return bad(EXCEPTION.illegalDataValue);
    return { ok: true, request: { fc, address, quantity: word } };
  }
  if (fc === 5) {
    if (pdu.length !== 5 || (word !== 0xff00 && word !== 0x0000)) return bad(EXCEPTION.illegalDataValue);
    return { ok: true, request: { fc, address, value: word === 0xff00 } };
  }
  const byteCount = pdu[5];
  if (word < 1 || word > MAX_WRITE_BITS || byteCount !== Math.ceil(word / 8) || pdu.length !== 6 + byteCount)
    return bad(EXCEPTION.illegalDataValue);
  return { ok: true, request: { fc, address, values: unpackBits(pdu.subarray(6), word) } };
}

/** The normal reply to a request, given the bits read (FC 01/02; ignored for writes). */
export function encodeResponse(req: ModbusRequest, bits: readonly boolean[] = []): Uint8Array {
  switch (req.fc) {
    case 1:
    case 2: {
      const packed = packBits(bits.slice(0, req.quantity));
      return Uint8Array.of(req.fc, packed.length, ...packed);
    }
    case 5:
      // The echo of the request.
      return encodeRequest(req);
    case 15:
      return u8(15, req.address >> 8, req.address, req.values.length >> 8, req.values.length);
  }
}

/** The bits of a read reply (FC 01/02), or null if it is not one for `quantity` bits. */
export function decodeReadResponse(pdu: Uint8Array, fc: 1 | 2, quantity: number): boolean[] | null {
  if (pdu[0] !== fc || pdu.length < 2 || pdu[1] !== Math.ceil(quantity / 8) || pdu.length !== 2 + pdu[1]) return null;
  return unpackBits(pdu.subarray(2), quantity);
}

export function exceptionPdu(fc: number, exception: number): Uint8Array {
  return Uint8Array.of((fc | 0x80) & 0xff, exception);
}

function u8(...bytes: number[]): Uint8Array {
  return Uint8Array.from(bytes, (b) => b & 0xff);
}

/** Coils and inputs travel LSB first: bit 0 of the first byte is the first address. */
function packBits(values: readonly boolean[]): number[] {
  const out = new Array<number>(Math.ceil(values.length / 8)).fill(0);
  values.forEach((on, i) => {
    if (on) out[i >> 3]! |= 1 << (i & 7);
  });
  return out;
}

function unpackBits(bytes: Uint8Array, count: number): boolean[] {
  return Array.from({ length: count }, (_, i) => ((bytes[i >> 3]! >> (i & 7)) & 1) === 1);
}
