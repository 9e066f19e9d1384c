// DG15: the Active Authentication public key (a DER SubjectPublicKeyInfo, RSA or EC).
import { createPublicKey, type KeyObject } from 'node:crypto';
import { fail } from '../errors.js';
import { expectTlv, tlv } from '../tlv.js';

export interface Dg15 {
  spki: Uint8Array;
  key: KeyObject;
  type: 'rsa' | 'ec';
}

export function parseDg15(bytes: Uint8Array): Dg15 {
  let spki: Uint8Array;
  try {
    spki = expectTlv(bytes, 0x6f, 'DG15').value;
  } catch (err) {
    fail('malformed-lds', `DG15: ${(err as Error).message}`);
  }
  let key: KeyObject;
  try {
    key = createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
  } catch {
    fail('malformed-lds', 'DG15 does not hold a public key OpenSSL can read');
  }
  const t = key.asymmetricKeyType;
  if (t !== 'rsa' && t !== 'ec') fail('unsupported', `DG15 key type ${t ?? 'unknown'}`);
  return { spki, key, type: t };
}

export function encodeDg15(spki: Uint8Array): Uint8Array {
  return tlv(0x6f, spki);
}
