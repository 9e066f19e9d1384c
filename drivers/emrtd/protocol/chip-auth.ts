// Chip authentication (ICAO Doc 9303 Part 11 §6.2), ECDH: an ephemeral key agreement with
// the chip's static key from DG14 replaces the secure messaging keys. Only a chip holding
// the private key can go on talking, which proves it is not a copy. 3DES uses MSE:Set KAT;
// AES uses MSE:Set AT and GENERAL AUTHENTICATE.
import { bytesToBigint, concat } from '../bytes.js';
import type { ChipSession } from './card-channel.js';
import { KDF_ENC, KDF_MAC, blockSize, kdf } from './crypto.js';
import { STANDARD_CURVES, type CurveParams } from './curves.js';
import { TAG, children, decodeOid, decodeSmallInt, encodeOid } from '../der.js';
import { ecGroup, type EcGroup, type EcPoint } from './ec.js';
import { EmrtdError, fail } from '../errors.js';
import { ID_CA, ID_PK_ECDH, caSuite } from '../oids.js';
import { SecureMessaging } from './secure-messaging.js';
import type { ChipAuthenticationInfo, ChipAuthenticationPublicKeyInfo, SecurityInfo } from '../lds/security-infos.js';
import { readTlv, tlv } from '../tlv.js';

const EC_PUBLIC_KEY = '1.2.840.10045.2.1';
const NAMED: Record<string, string> = {
  '1.2.840.10045.3.1.1': 'prime192v1',
  '1.3.132.0.33': 'secp224r1',
  '1.2.840.10045.3.1.7': 'prime256v1',
  '1.3.132.0.34': 'secp384r1',
  '1.3.132.0.35': 'secp521r1',
  '1.3.36.3.3.2.8.1.1.3': 'brainpoolP192r1',
  '1.3.36.3.3.2.8.1.1.5': 'brainpoolP224r1',
  '1.3.36.3.3.2.8.1.1.7': 'brainpoolP256r1',
  '1.3.36.3.3.2.8.1.1.9': 'brainpoolP320r1',
  '1.3.36.3.3.2.8.1.1.11': 'brainpoolP384r1',
  '1.3.36.3.3.2.8.1.1.13': 'brainpoolP512r1',
};

/** Domain parameters given as a named curve, a standardized id, or explicit ECParameters matching one. */
function curveOf(params: ReturnType<typeof readTlv>): CurveParams {
  if (params.tag === TAG.OID) {
    const name = NAMED[decodeOid(params.value)];
    const c = STANDARD_CURVES.find((x) => x.opensslName === name);
    if (!c) fail('unsupported', `chip authentication curve ${decodeOid(params.value)}`);
    return c;
  }
  if (params.tag === TAG.INTEGER) {
    const id = decodeSmallInt(params, 'standardized domain parameter id');
    const c = STANDARD_CURVES.find((x) => x.id === id);
    if (!c) fail('unsupported', `chip authentication domain parameters ${id}`);
    return c;
  }
  const [, fieldId, curve, base, order] = children(params, TAG.SEQUENCE, 'ECParameters');
  if (!fieldId || !curve || !base || !order) fail('malformed-asn1', 'ECParameters is missing fields');
  const p = bytesToBigint(children(fieldId, TAG.SEQUENCE, 'FieldID')[1]?.value ?? new Uint8Array());
  const [a, b] = children(curve, TAG.SEQUENCE, 'Curve');
  const n = bytesToBigint(order.value);
  const match = STANDARD_CURVES.find(
    (c) =>
      c.p === p && c.n === n && c.a === bytesToBigint(a?.value ?? new Uint8Array()) && c.b === bytesToBigint(b?.value ?? new Uint8Array()),
  );
  if (!match) fail('unsupported', 'chip authentication uses explicit domain parameters that match no standardized curve');
  return match;
}

export interface CaPublicKey {
  group: EcGroup;
  point: EcPoint;
  keyId?: number;
}

export function parseCaPublicKey(info: ChipAuthenticationPublicKeyInfo): CaPublicKey {
  if (info.protocol !== ID_PK_ECDH) fail('unsupported', 'DH chip authentication is not supported (ECDH is)');
  try {
    const spki = readTlv(info.subjectPublicKeyInfo, 0);
    const [algId, key] = children(spki, TAG.SEQUENCE, 'SubjectPublicKeyInfo');
    if (!algId || !key || key.tag !== TAG.BIT_STRING) fail('malformed-asn1', 'SubjectPublicKeyInfo is malformed');
    const [oid, params] = children(algId, TAG.SEQUENCE, 'AlgorithmIdentifier');
    if (!oid || !params) fail('malformed-asn1', 'chip authentication key without domain parameters');
    const alg = decodeOid(oid.value);
    if (alg !== ID_PK_ECDH && alg !== EC_PUBLIC_KEY) fail('unsupported', `chip authentication key algorithm ${alg}`);
    const group = ecGroup(curveOf(params));
    const point = group.decode(key.value.subarray(1), "chip's chip-authentication key");
    return { group, point, ...(info.keyId !== undefined ? { keyId: info.keyId } : {}) };
  } catch (err) {
    if (err instanceof EmrtdError && (err.code === 'malformed-tlv' || err.code === 'malformed-asn1'))
      fail('malformed-lds', `DG14 chip authentication key: ${err.message}`);
    throw err;
  }
}

/** The CA protocol and key DG14 offers, if any (ECDH only; the first with a matching key id). */
export function chooseChipAuthentication(
  infos: SecurityInfo[],
): { info: ChipAuthenticationInfo; key: ChipAuthenticationPublicKeyInfo } | null {
  const keys = infos.filter((i): i is ChipAuthenticationPublicKeyInfo => i.kind === 'ca-public-key' && i.protocol === ID_PK_ECDH);
  for (const info of infos) {
    if (info.kind !== 'ca' || caSuite(info.protocol)?.agreement !== 'ECDH') continue;
    const key = keys.find((k) => k.keyId === info.keyId) ?? (keys.length === 1 ? keys[0] : undefined);
    if (key) return { info, key };
  }
  // Version-1 chips may list only the key: 3DES is then implied.
  if (keys.length === 1) return { info: { kind: 'ca', protocol: `${ID_CA}.2.1`, version: 1 }, key: keys[0]! };
  return null;
}

/** Runs chip authentication on a session under secure messaging and switches it to the new keys. */
export async function performChipAuthentication(
  session: ChipSession,
  info: ChipAuthenticationInfo,
  key: ChipAuthenticationPublicKeyInfo,
  ephemeralKey?: bigint,
): Promise<SecureMessaging> {
  const suite = caSuite(info.protocol);
  if (!suite || suite.agreement !== 'ECDH') fail('unsupported', `chip authentication ${info.protocol}`);
  const { group, point, keyId } = parseCaPublicKey(key);
  const sk = ephemeralKey ?? group.randomScalar();
  const pk = group.encode(group.G.multiply(sk));
  const shared = group.xBytes(point.multiply(sk));
  const keyRef = keyId !== undefined ? [tlv(0x84, Uint8Array.of(keyId))] : [];
  if (suite.cipher === '3DES') {
    await session.expectOk(
      { cla: 0x00, ins: 0x22, p1: 0x41, p2: 0xa6, data: concat(tlv(0x91, pk), ...keyRef) },
      'MSE:Set KAT (chip authentication)',
    );
  } else {
    await session.expectOk(
      { cla: 0x00, ins: 0x22, p1: 0x41, p2: 0xa4, data: concat(tlv(0x80, encodeOid(info.protocol)), ...keyRef) },
      'MSE:Set AT (chip authentication)',
    );
    await session.expectOk(
      { cla: 0x00, ins: 0x86, p1: 0, p2: 0, data: tlv(0x7c, tlv(0x80, pk)), ne: 256 },
      'GENERAL AUTHENTICATE (chip authentication)',
    );
  }
  const alg = suite.cipher;
  const sm = new SecureMessaging({
    alg,
    ksEnc: kdf(shared, KDF_ENC, alg),
    ksMac: kdf(shared, KDF_MAC, alg),
    ssc: new Uint8Array(blockSize(alg)),
  });
  session.startSecureMessaging(sm);
  return sm;
}
