// Basic Access Control (ICAO Doc 9303 Part 11 §4.3, Appendix D): keys from the MRZ,
// mutual authentication with 2-key 3DES and retail MAC, session keys and SSC.
import { randomBytes } from 'node:crypto';
import { concat, equalBytes, xor } from '../bytes.js';
import type { ChipSession } from './card-channel.js';
import { KDF_ENC, KDF_MAC, kdf, pad, retailMac, sha1, tdesDecrypt, tdesEncrypt } from './crypto.js';
import { fail } from '../errors.js';
import { mrzInformation, type MrzKey } from '../lds/mrz.js';
import { SecureMessaging, type SmKeys } from './secure-messaging.js';

export interface BacKeys {
  kEnc: Uint8Array;
  kMac: Uint8Array;
}

/** Kseed = first 16 bytes of SHA-1(MRZ information). */
export function bacKeySeed(key: MrzKey): Uint8Array {
  return sha1(new TextEncoder().encode(mrzInformation(key))).subarray(0, 16);
}

export function deriveBacKeys(seed: Uint8Array): BacKeys {
  return { kEnc: kdf(seed, KDF_ENC, '3DES'), kMac: kdf(seed, KDF_MAC, '3DES') };
}

/** E.IFD || M.IFD: the EXTERNAL AUTHENTICATE data for S = RND.IFD || RND.IC || K.IFD. */
export function externalAuthenticateData(keys: BacKeys, rndIfd: Uint8Array, rndIc: Uint8Array, kIfd: Uint8Array): Uint8Array {
  const e = tdesEncrypt(keys.kEnc, concat(rndIfd, rndIc, kIfd));
  return concat(e, retailMac(keys.kMac, pad(e, 8)));
}

/** Checks the chip's E.IC || M.IC and derives the session keys and SSC. */
export function completeBac(keys: BacKeys, rndIfd: Uint8Array, rndIc: Uint8Array, kIfd: Uint8Array, response: Uint8Array): SmKeys {
  if (response.length !== 40) fail('authentication-failed', `MUTUAL AUTHENTICATE answer of ${response.length} bytes, not 40`);
  const e = response.subarray(0, 32);
  if (!equalBytes(retailMac(keys.kMac, pad(e, 8)), response.subarray(32)))
    fail('authentication-failed', "the chip's BAC cryptogram MAC does not verify");
  const r = tdesDecrypt(keys.kEnc, e);
  if (!equalBytes(r.subarray(0, 8), rndIc) || !equalBytes(r.subarray(8, 16), rndIfd))
    fail('authentication-failed', 'the chip did not return our challenge');
  const seed = xor(kIfd, r.subarray(16, 32));
  return {
    alg: '3DES',
    ksEnc: kdf(seed, KDF_ENC, '3DES'),
    ksMac: kdf(seed, KDF_MAC, '3DES'),
    ssc: concat(rndIc.subarray(4, 8), rndIfd.subarray(4, 8)),
  };
}

/** Runs BAC on a session and starts secure messaging. Wrong MRZ data gives EmrtdError('access-denied'). */
export async function performBac(
  session: ChipSession,
  key: MrzKey,
  random: (n: number) => Uint8Array = (n) => new Uint8Array(randomBytes(n)),
): Promise<SecureMessaging> {
  const keys = deriveBacKeys(bacKeySeed(key));
  const challenge = await session.plain({ cla: 0x00, ins: 0x84, p1: 0, p2: 0, ne: 8 });
  if (challenge.sw !== 0x9000 || challenge.data.length !== 8)
    fail('card-status', `GET CHALLENGE failed (${challenge.sw.toString(16)}, ${challenge.data.length} bytes)`, challenge.sw);
  const rndIc = new Uint8Array(challenge.data);
  const rndIfd = random(8);
  const kIfd = random(16);
  const resp = await session.plain({
    cla: 0x00,
    ins: 0x82,
    p1: 0,
    p2: 0,
    data: externalAuthenticateData(keys, rndIfd, rndIc, kIfd),
    ne: 40,
  });
  if (resp.sw === 0x6300 || resp.sw === 0x6982)
    fail('access-denied', 'BAC refused: the document number, date of birth or expiry does not match this card', resp.sw);
  if (resp.sw !== 0x9000) fail('card-status', `MUTUAL AUTHENTICATE failed (${resp.sw.toString(16)})`, resp.sw);
  const sm = new SecureMessaging(completeBac(keys, rndIfd, rndIc, kIfd, resp.data));
  session.startSecureMessaging(sm);
  return sm;
}
