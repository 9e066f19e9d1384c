// PACE (ICAO Doc 9303 Part 11 §4.4) with ECDH generic mapping, terminal side: the password
// (MRZ or CAN) encrypts a nonce; generic mapping makes a fresh generator from it; an
// ephemeral ECDH on that generator gives the session keys; authentication tokens prove
// both sides hold them. 3DES and AES-128/192/256, standardized curves 8-18.
import { bytesToBigint, concat, equalBytes } from '../bytes.js';
import type { ChipSession } from './card-channel.js';
import {
  KDF_ENC,
  KDF_MAC,
  KDF_PI,
  aesCmac,
  aesDecrypt,
  blockSize,
  kdf,
  pad,
  retailMac,
  sha1,
  tdesDecrypt,
  type CipherAlg,
} from './crypto.js';
import { curveById } from './curves.js';
import { encodeOid } from '../der.js';
import { ecGroup, type EcGroup, type EcPoint } from './ec.js';
import { EmrtdError, fail } from '../errors.js';
import { mrzInformation, type MrzKey } from '../lds/mrz.js';
import { paceSuite } from '../oids.js';
import { SecureMessaging } from './secure-messaging.js';
import type { PaceInfo } from '../lds/security-infos.js';
import { expectTlv, readTlvs, tlv } from '../tlv.js';

export type PacePassword = { kind: 'mrz'; key: MrzKey } | { kind: 'can'; can: string };

/** Password reference in MSE:Set AT (DO'83'). */
export const PASSWORD_REF = { mrz: 1, can: 2 } as const;

/** K = f(π): SHA-1 of the MRZ information, or the CAN's characters. */
export function passwordSecret(pw: PacePassword): Uint8Array {
  if (pw.kind === 'mrz') return sha1(new TextEncoder().encode(mrzInformation(pw.key)));
  if (!/^\d{6}$/.test(pw.can)) fail('malformed-lds', 'a CAN is six digits');
  return new TextEncoder().encode(pw.can);
}

export function decryptNonce(alg: CipherAlg, kPi: Uint8Array, z: Uint8Array): Uint8Array {
  if (z.length === 0 || z.length % blockSize(alg) !== 0) fail('authentication-failed', `encrypted nonce of ${z.length} bytes`);
  return alg === '3DES' ? tdesDecrypt(kPi, z) : aesDecrypt(kPi, z);
}

/** Generic mapping: G~ = s·G + H, where H is the ECDH of the mapping keys. */
export function genericMapping(group: EcGroup, nonce: Uint8Array, shared: EcPoint): EcPoint {
  const s = bytesToBigint(nonce) % group.params.n;
  const mapped = s === 0n ? shared : group.G.multiply(s).add(shared);
  if (mapped.is0()) fail('authentication-failed', 'mapped generator is the point at infinity');
  return mapped;
}

/** The authentication token: MAC over 7F49 { 06 OID, 86 public point }. */
export function authenticationToken(alg: CipherAlg, ksMac: Uint8Array, protocolOid: string, publicPoint: Uint8Array): Uint8Array {
  const input = tlv(0x7f49, tlv(0x06, encodeOid(protocolOid)), tlv(0x86, publicPoint));
  return alg === '3DES' ? retailMac(ksMac, pad(input, 8)) : aesCmac(ksMac, input).subarray(0, 8);
}

export function mseSetAt(info: PaceInfo, pw: PacePassword): Uint8Array {
  return concat(
    tlv(0x80, encodeOid(info.protocol)),
    tlv(0x83, Uint8Array.of(PASSWORD_REF[pw.kind])),
    ...(info.parameterId !== undefined ? [tlv(0x84, Uint8Array.of(info.parameterId))] : []),
  );
}

/** Opens a 7C dynamic authentication data answer and returns the one inner object's value. */
function dynamicData(data: Uint8Array, tag: number, step: string): Uint8Array {
  try {
    const outer = expectTlv(data, 0x7c, step);
    const inner = readTlvs(outer.value).find((t) => t.tag === tag);
    if (!inner) fail('authentication-failed', `${step}: no data object ${tag.toString(16)} in the answer`);
    return inner.value;
  } catch (err) {
    if (err instanceof EmrtdError && err.code !== 'authentication-failed') fail('authentication-failed', `${step}: ${err.message}`);
    throw err;
  }
}

export interface PaceRandom {
  /** Scalars for the terminal's mapping and ephemeral keys (tests inject the worked example's). */
  mappingKey?: bigint;
  ephemeralKey?: bigint;
}

/** Runs PACE and starts secure messaging. A wrong password ends in EmrtdError('access-denied'). */
export async function performPace(session: ChipSession, info: PaceInfo, pw: PacePassword, keys: PaceRandom = {}): Promise<SecureMessaging> {
  const suite = paceSuite(info.protocol);
  if (!suite) fail('unsupported', `PACE protocol ${info.protocol} is not known`);
  if (suite.agreement !== 'ECDH' || suite.mapping !== 'GM')
    fail('unsupported', `PACE ${suite.agreement}-${suite.mapping} is not supported (ECDH generic mapping is)`);
  if (info.parameterId === undefined) fail('unsupported', 'PACEInfo without a standardized domain parameter id');
  const curve = curveById(info.parameterId);
  if (!curve) fail('unsupported', `PACE domain parameters ${info.parameterId} are not a standardized elliptic curve`);
  const group = ecGroup(curve);
  const alg = suite.cipher;

  const set = await session.plain({ cla: 0x00, ins: 0x22, p1: 0xc1, p2: 0xa4, data: mseSetAt(info, pw) });
  if (set.sw !== 0x9000) fail('card-status', `MSE:Set AT for PACE refused (${set.sw.toString(16)})`, set.sw);

  const ga = async (chain: boolean, inner: Uint8Array, step: string) => {
    const r = await session.plain({ cla: chain ? 0x10 : 0x00, ins: 0x86, p1: 0, p2: 0, data: tlv(0x7c, inner), ne: 256 });
    if (r.sw !== 0x9000) {
      if ((r.sw & 0xfff0) === 0x63c0 || r.sw === 0x6300 || r.sw === 0x6982)
        fail('access-denied', `PACE refused at ${step}: the MRZ data or CAN does not match this card`, r.sw);
      fail('card-status', `GENERAL AUTHENTICATE (${step}) failed (${r.sw.toString(16)})`, r.sw);
    }
    return r.data;
  };

  // 1. Encrypted nonce.
  const z = dynamicData(await ga(true, new Uint8Array(0), 'encrypted nonce'), 0x80, 'encrypted nonce');
  const s = decryptNonce(alg, kdf(passwordSecret(pw), KDF_PI, alg), z);

  // 2. Generic mapping.
  const mapSk = keys.mappingKey ?? group.randomScalar();
  const mapPk = group.encode(group.G.multiply(mapSk));
  const chipMapBytes = dynamicData(await ga(true, tlv(0x81, mapPk), 'mapping'), 0x82, 'mapping');
  const chipMap = group.decode(chipMapBytes, "chip's mapping key");
  if (equalBytes(chipMapBytes, mapPk)) fail('authentication-failed', "the chip's mapping key equals ours");
  const mappedG = genericMapping(group, s, chipMap.multiply(mapSk));

  // 3. Ephemeral key agreement on the mapped generator.
  const ephSk = keys.ephemeralKey ?? group.randomScalar();
  const ephPkPoint = mappedG.multiply(ephSk);
  const ephPk = group.encode(ephPkPoint);
  const chipEphBytes = dynamicData(await ga(true, tlv(0x83, ephPk), 'key agreement'), 0x84, 'key agreement');
  const chipEph = group.decode(chipEphBytes, "chip's ephemeral key");
  if (equalBytes(chipEphBytes, ephPk)) fail('authentication-failed', "the chip's ephemeral key equals ours");
  const shared = group.xBytes(chipEph.multiply(ephSk));
  const ksEnc = kdf(shared, KDF_ENC, alg);
  const ksMac = kdf(shared, KDF_MAC, alg);

  // 4. Mutual authentication tokens.
  const tIfd = authenticationToken(alg, ksMac, info.protocol, chipEphBytes);
  const tIc = dynamicData(await ga(false, tlv(0x85, tIfd), 'authentication token'), 0x86, 'authentication token');
  if (!equalBytes(tIc, authenticationToken(alg, ksMac, info.protocol, ephPk)))
    fail('authentication-failed', "the chip's PACE authentication token does not verify");

  const sm = new SecureMessaging({ alg, ksEnc, ksMac, ssc: new Uint8Array(blockSize(alg)) });
  session.startSecureMessaging(sm);
  return sm;
}
