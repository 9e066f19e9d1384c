// BER-TLV as ISO/IEC 7816-4 and ICAO 9303 use it: tags up to three bytes, definite lengths
// up to four bytes. Total: any input yields TLVs or an EmrtdError('malformed-tlv').
import { concat } from './bytes.js';
import { fail } from './errors.js';

export interface Tlv {
  /** The tag's bytes read big-endian, e.g. 0x5F1F, 0x7F49. */
  tag: number;
  constructed: boolean;
  value: Uint8Array;
  /** Offset of the tag in the buffer it was read from, and the total encoded length. */
  offset: number;
  length: number;
}

export function readTlv(buf: Uint8Array, offset = 0): Tlv {
  let i = offset;
  if (i >= buf.length) fail('malformed-tlv', `no tag at offset ${offset}`);
  const first = buf[i++]!;
  let tag = first;
  if ((first & 0x1f) === 0x1f) {
    let n = 0;
    for (;;) {
      if (i >= buf.length) fail('malformed-tlv', `tag cut short at offset ${offset}`);
      const b = buf[i++]!;
      tag = tag * 256 + b;
      if (++n > 2) fail('malformed-tlv', `tag longer than 3 bytes at offset ${offset}`);
      if ((b & 0x80) === 0) break;
    }
  }
  if (i >= buf.length) fail('malformed-tlv', `no length for tag ${tag.toString(16)} at offset ${offset}`);
  const l0 = buf[i++]!;
  let len: number;
  if (l0 < 0x80) len = l0;
  else if (l0 === 0x80) fail('malformed-tlv', `indefinite length at offset ${offset}`);
  else {
    const n = l0 & 0x7f;
    if (n > 4) fail('malformed-tlv', `length of ${n} bytes at offset ${offset}`);
    if (i + n > buf.length) fail('malformed-tlv', `length cut short at offset ${offset}`);
    len = 0;
    for (let k = 0; k < n; k++) len = len * 256 + buf[i++]!;
  }
  if (len > buf.length - i)
    fail('malformed-tlv', `value of tag ${tag.toString(16)} runs ${len - (buf.length - i)} bytes past the end (offset ${offset})`);
  return { tag, constructed: (first & 0x20) !== 0, value: buf.subarray(i, i + len), offset, length: i + len - offset };
}

/** All TLVs laid end to end in `buf` (which must hold nothing else). */
export function readTlvs(buf: Uint8Array): Tlv[] {
  const out: Tlv[] = [];
  let offset = 0;
  while (offset < buf.length) {
    const t = readTlv(buf, offset);
    out.push(t);
    offset += t.length;
  }
  return out;
}

/** The single TLV `buf` holds, which must have the expected tag and no trailing bytes. */
export function expectTlv(buf: Uint8Array, tag: number, what: string): Tlv {
  const t = readTlv(buf, 0);
  if (t.tag !== tag) fail('malformed-tlv', `${what}: tag ${t.tag.toString(16)} where ${tag.toString(16)} was expected`);
  if (t.length !== buf.length) fail('malformed-tlv', `${what}: ${buf.length - t.length} bytes after the value`);
  return t;
}

export function findTlv(tlvs: Tlv[], tag: number): Tlv | undefined {
  return tlvs.find((t) => t.tag === tag);
}

export function encodeLength(n: number): Uint8Array {
  if (n < 0x80) return Uint8Array.of(n);
  if (n < 0x100) return Uint8Array.of(0x81, n);
  if (n < 0x10000) return Uint8Array.of(0x82, n >> 8, n & 0xff);
  if (n < 0x1000000) return Uint8Array.of(0x83, n >> 16, (n >> 8) & 0xff, n & 0xff);
  return Uint8Array.of(0x84, (n >>> 24) & 0xff, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff);
}

export function encodeTag(tag: number): Uint8Array {
  if (tag < 0x100) return Uint8Array.of(tag);
  if (tag < 0x10000) return Uint8Array.of(tag >> 8, tag & 0xff);
  return Uint8Array.of(tag >> 16, (tag >> 8) & 0xff, tag & 0xff);
}

export function tlv(tag: number, ...values: Uint8Array[]): Uint8Array {
  const value = values.length === 1 ? values[0]! : concat(...values);
  return concat(encodeTag(tag), encodeLength(value.length), value);
}
