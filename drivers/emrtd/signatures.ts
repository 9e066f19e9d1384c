// Signature verification for SOD, certificates, CRLs and Active Authentication with ECDSA,
// through Node's OpenSSL (which, unlike WebCrypto, knows the Brainpool curves many CSCAs use).
// Shared by cert/ (passive authentication) and protocol/ (active authentication), so it sits
// at the root with the other helpers: protocol/ may not depend on cert/.
import { verify as cryptoVerify, constants, type KeyObject } from 'node:crypto';
import { decodeOid, decodeSmallInt, TAG } from './der.js';
import { fail } from './errors.js';
import { ECDSA_PLAIN, hashByOid, type HashName } from './oids.js';
import { readTlv, readTlvs } from './tlv.js';

type Scheme =
  | { kind: 'pkcs1'; hash: HashName }
  | { kind: 'pss'; hash: HashName; saltLength: number }
  | { kind: 'ecdsa'; hash: HashName; encoding: 'der' | 'ieee-p1363' };

const RSA_PKCS1: Record<string, HashName> = {
  '1.2.840.113549.1.1.5': 'sha1',
  '1.2.840.113549.1.1.14': 'sha224',
  '1.2.840.113549.1.1.11': 'sha256',
  '1.2.840.113549.1.1.12': 'sha384',
  '1.2.840.113549.1.1.13': 'sha512',
};
const ECDSA_DER: Record<string, HashName> = {
  '1.2.840.10045.4.1': 'sha1',
  '1.2.840.10045.4.3.1': 'sha224',
  '1.2.840.10045.4.3.2': 'sha256',
  '1.2.840.10045.4.3.3': 'sha384',
  '1.2.840.10045.4.3.4': 'sha512',
};
const PLAIN_HASHES: HashName[] = ['sha1', 'sha224', 'sha256', 'sha384', 'sha512'];

function pssParams(params: Uint8Array | null): { hash: HashName; saltLength: number } {
  let hash: HashName = 'sha1';
  let saltLength = 20;
  if (!params) return { hash, saltLength };
  const seq = readTlv(params, 0);
  if (seq.tag !== TAG.SEQUENCE) fail('malformed-asn1', 'RSASSA-PSS parameters are not a SEQUENCE');
  for (const t of readTlvs(seq.value)) {
    if (t.tag === 0xa0) {
      const alg = readTlvs(readTlv(t.value, 0).value)[0];
      const h = alg && alg.tag === TAG.OID ? hashByOid(decodeOid(alg.value)) : undefined;
      if (!h) fail('unsupported', 'RSASSA-PSS hash algorithm');
      hash = h;
    } else if (t.tag === 0xa2) saltLength = decodeSmallInt(readTlv(t.value, 0), 'PSS salt length');
  }
  return { hash, saltLength };
}

/** Resolves a signature algorithm; `digestHint` serves algorithms that name no hash (rsaEncryption, ecPublicKey). */
export function signatureScheme(oid: string, params: Uint8Array | null, digestHint?: HashName): Scheme {
  if (RSA_PKCS1[oid]) return { kind: 'pkcs1', hash: RSA_PKCS1[oid] };
  if (ECDSA_DER[oid]) return { kind: 'ecdsa', hash: ECDSA_DER[oid], encoding: 'der' };
  if (oid === '1.2.840.113549.1.1.10') return { kind: 'pss', ...pssParams(params) };
  if (oid.startsWith(ECDSA_PLAIN + '.')) {
    const hash = PLAIN_HASHES[Number(oid.slice(ECDSA_PLAIN.length + 1)) - 1];
    if (hash) return { kind: 'ecdsa', hash, encoding: 'ieee-p1363' };
  }
  if (oid === '1.2.840.113549.1.1.1' && digestHint) return { kind: 'pkcs1', hash: digestHint };
  if (oid === '1.2.840.10045.2.1' && digestHint) return { kind: 'ecdsa', hash: digestHint, encoding: 'der' };
  fail('unsupported', `signature algorithm ${oid}`);
}

/** True when the signature verifies; false for any bad signature or key mismatch (never throws for those). */
export function verifyWith(scheme: Scheme, key: KeyObject, data: Uint8Array, signature: Uint8Array): boolean {
  try {
    if (scheme.kind === 'pkcs1') return cryptoVerify(scheme.hash, data, { key, padding: constants.RSA_PKCS1_PADDING }, signature);
    if (scheme.kind === 'pss')
      return cryptoVerify(scheme.hash, data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: scheme.saltLength }, signature);
    return cryptoVerify(scheme.hash, data, { key, dsaEncoding: scheme.encoding }, signature);
  } catch {
    return false;
  }
}
