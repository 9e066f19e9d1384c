// Active authentication (ICAO Doc 9303 Part 11 §6.1): the chip signs our random challenge
// with the private key matching DG15. RSA with ISO/IEC 9796-2 digital signature scheme 1,
// or ECDSA (plain r||s per BSI TR-03111, with the hash DG14's ActiveAuthenticationInfo names).
import { constants, createHash, publicDecrypt } from 'node:crypto';
import { bytesToBigint, bigintToBytes, concat, equalBytes } from '../bytes.js';
import { fail } from '../errors.js';
import type { Dg15 } from '../lds/dg15.js';
import type { HashName } from '../oids.js';
import { signatureScheme, verifyWith } from '../signatures.js';

/** ISO/IEC 9796-2 trailers: BC = implicit SHA-1; xxCC names the hash. */
const TRAILER_HASH: Record<number, HashName> = { 0x33: 'sha1', 0x34: 'sha256', 0x35: 'sha512', 0x36: 'sha384', 0x38: 'sha224' };
const HASH_LEN: Record<HashName, number> = { sha1: 20, sha224: 28, sha256: 32, sha384: 48, sha512: 64 };

/** Opens an ISO 9796-2 scheme 1 signature and checks it covers `challenge`. */
export function verifyRsa9796(dg15: Dg15, challenge: Uint8Array, signature: Uint8Array): { ok: boolean; reason?: string } {
  const jwk = dg15.key.export({ format: 'jwk' });
  const n = bytesToBigint(new Uint8Array(Buffer.from(jwk.n ?? '', 'base64url')));
  const k = Math.ceil(n.toString(16).length / 2);
  if (signature.length !== k) return { ok: false, reason: `signature of ${signature.length} bytes for a ${k * 8}-bit key` };
  if (bytesToBigint(signature) >= n) return { ok: false, reason: 'signature is not smaller than the modulus' };
  let m: Uint8Array;
  try {
    m = new Uint8Array(publicDecrypt({ key: dg15.key, padding: constants.RSA_NO_PADDING }, signature));
  } catch {
    return { ok: false, reason: 'RSA operation failed' };
  }
  // The signer may have sent n - s (ISO 9796-2 allows the smaller of the two representatives).
  if ((m[m.length - 1]! & 0x0f) !== 0x0c) m = bigintToBytes(n - bytesToBigint(m), k);
  const last = m[m.length - 1]!;
  let hash: HashName;
  let trailer: number;
  if (last === 0xbc) {
    hash = 'sha1';
    trailer = 1;
  } else if (last === 0xcc && TRAILER_HASH[m[m.length - 2]!]) {
    hash = TRAILER_HASH[m[m.length - 2]!]!;
    trailer = 2;
  } else return { ok: false, reason: 'no ISO/IEC 9796-2 trailer' };
  if ((m[0]! & 0xc0) !== 0x40) return { ok: false, reason: 'no ISO/IEC 9796-2 header' };
  const partial = (m[0]! & 0x20) !== 0;
  const digestStart = m.length - trailer - HASH_LEN[hash];
  if (digestStart < 1) return { ok: false, reason: 'signature too short for its hash' };
  // Recovered message M1 starts after the header nibble's padding (total recovery pads with 0xBB…0xBA).
  let start = 1;
  if (!partial) {
    while (start < digestStart && m[start - 1] !== 0xba) start++;
    if (m[start - 1] !== 0xba) return { ok: false, reason: 'bad ISO/IEC 9796-2 padding' };
  }
  const m1 = m.subarray(start, digestStart);
  const digest = m.subarray(digestStart, digestStart + HASH_LEN[hash]);
  const expected = new Uint8Array(createHash(hash).update(concat(m1, challenge)).digest());
  return equalBytes(expected, digest) ? { ok: true } : { ok: false, reason: 'the signed digest does not cover our challenge' };
}

/** Verifies an AA answer. `ecdsaAlgorithm` is DG14's ActiveAuthenticationInfo signature algorithm OID, when present. */
export function verifyActiveAuthentication(
  dg15: Dg15,
  challenge: Uint8Array,
  signature: Uint8Array,
  ecdsaAlgorithm?: string,
): { ok: boolean; reason?: string } {
  if (challenge.length !== 8) fail('malformed-apdu', 'an AA challenge is 8 bytes');
  if (dg15.type === 'rsa') return verifyRsa9796(dg15, challenge, signature);
  const encoding = signature[0] === 0x30 ? 'der' : 'ieee-p1363';
  const hashes: HashName[] = ecdsaAlgorithm
    ? [signatureScheme(ecdsaAlgorithm, null).hash]
    : ['sha256', 'sha1', 'sha224', 'sha384', 'sha512'];
  for (const hash of hashes) {
    if (verifyWith({ kind: 'ecdsa', hash, encoding }, dg15.key, challenge, signature)) return { ok: true };
  }
  return { ok: false, reason: 'the ECDSA signature does not verify with the DG15 key' };
}
