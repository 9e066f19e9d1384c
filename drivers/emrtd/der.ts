// The few DER pieces the protocols need directly (OIDs, INTEGERs, SEQUENCE walking), over
// our TLV reader. Certificates and CMS go through pkijs/asn1js instead (passive-auth.ts).
import { fail } from './errors.js';
import { readTlvs, type Tlv } from './tlv.js';

export const TAG = {
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  UTF8: 0x0c,
  PRINTABLE: 0x13,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

export function decodeOid(bytes: Uint8Array): string {
  if (bytes.length === 0 || bytes.length > 64) fail('malformed-asn1', `OID of ${bytes.length} bytes`);
  const arcs: number[] = [];
  let value = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (value === 0 && b === 0x80) fail('malformed-asn1', 'OID arc with a leading 80 byte');
    value = value * 128 + (b & 0x7f);
    if (value > Number.MAX_SAFE_INTEGER / 128) fail('malformed-asn1', 'OID arc too large');
    if ((b & 0x80) === 0) {
      if (arcs.length === 0) {
        const first = value < 80 ? Math.floor(value / 40) : 2;
        arcs.push(first, value - first * 40);
      } else arcs.push(value);
      value = 0;
    } else if (i === bytes.length - 1) fail('malformed-asn1', 'OID ends inside an arc');
  }
  return arcs.join('.');
}

export function encodeOid(oid: string): Uint8Array {
  const arcs = oid.split('.').map(Number);
  if (arcs.length < 2 || arcs.some((a) => !Number.isSafeInteger(a) || a < 0)) throw new Error(`bad OID ${oid}`);
  const out: number[] = [];
  const push = (n: number) => {
    const tmp = [n & 0x7f];
    for (let v = Math.floor(n / 128); v > 0; v = Math.floor(v / 128)) tmp.unshift((v & 0x7f) | 0x80);
    out.push(...tmp);
  };
  push(arcs[0]! * 40 + arcs[1]!);
  for (const a of arcs.slice(2)) push(a);
  return Uint8Array.from(out);
}

/** A non-negative INTEGER small enough for a JS number (versions, ids). */
export function decodeSmallInt(t: Tlv, what: string): number {
  if (t.tag !== TAG.INTEGER) fail('malformed-asn1', `${what} is not an INTEGER`);
  if (t.value.length === 0 || t.value.length > 6) fail('malformed-asn1', `${what}: INTEGER of ${t.value.length} bytes`);
  if (t.value[0]! & 0x80) fail('malformed-asn1', `${what} is negative`);
  let n = 0;
  for (const b of t.value) n = n * 256 + b;
  return n;
}

export function children(t: Tlv, tag: number, what: string): Tlv[] {
  if (t.tag !== tag) fail('malformed-asn1', `${what}: tag ${t.tag.toString(16)} where ${tag.toString(16)} was expected`);
  return readTlvs(t.value);
}
