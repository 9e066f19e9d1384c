// DG1: the MRZ as printed (61 { 5F1F mrz }).
import { fail } from '../errors.js';
import { expectTlv, findTlv, readTlvs, tlv } from '../tlv.js';
import { parseTd1, type Td1 } from './mrz.js';

export function parseDg1(bytes: Uint8Array): Td1 {
  const mrz = findTlv(readTlvs(expectTlv(bytes, 0x61, 'DG1').value), 0x5f1f);
  if (!mrz) fail('malformed-lds', 'DG1 has no MRZ (5F1F)');
  const text = new TextDecoder('latin1').decode(mrz.value);
  if (text.length !== 90) fail('unsupported', `DG1 holds an MRZ of ${text.length} characters; only TD1 ID cards (90) are read`);
  return parseTd1(text);
}

export function encodeDg1(lines: readonly string[]): Uint8Array {
  return tlv(0x61, tlv(0x5f1f, new TextEncoder().encode(lines.join(''))));
}
