// PACE ECDH generic mapping against ICAO Doc 9303 Part 11 Appendix G.1 (brainpoolP256r1,
// AES-128), byte for byte: the terminal's every command and derived value.
import { describe, expect, it } from 'vitest';
import { bytesToBigint, hex } from '../bytes.js';
import { ChipSession } from '../protocol/card-channel.js';
import { KDF_PI, kdf } from '../protocol/crypto.js';
import { curveById } from '../protocol/curves.js';
import { ecGroup } from '../protocol/ec.js';
import { authenticationToken, decryptNonce, genericMapping, mseSetAt, passwordSecret, performPace } from '../protocol/pace.js';
import { parseSecurityInfos, type PaceInfo } from '../lds/security-infos.js';
import { PACE, vector } from './vectors.js';
import { ScriptedChannel } from './scripted-channel.js';

const v = (name: string) => vector(PACE, name);
const pw = { kind: 'mrz' as const, key: { documentNumber: 'T22000129', dateOfBirth: '640812', dateOfExpiry: '101031' } };
const group = ecGroup(curveById(13)!);
const point = (name: string) => group.decode(Uint8Array.of(4, ...v(name)), name);

describe('PACE G.1 pieces', () => {
  it('parses EF.CardAccess into a PACEInfo', () => {
    expect(parseSecurityInfos(v('EF.CardAccess (PACEInfo, wrapped in SET)'))).toEqual([
      { kind: 'pace', protocol: '0.4.0.127.0.7.2.2.4.2.2', version: 2, parameterId: 13 },
    ]);
  });
  it('derives K and K_pi from the MRZ', () => {
    expect(hex(passwordSecret(pw))).toBe(hex(v('K = SHA1(MRZ_information)')));
    expect(hex(kdf(passwordSecret(pw), KDF_PI, 'AES-128'))).toBe(hex(v('K_pi = KDF(K,3) AES-128')));
  });
  it('decrypts the nonce', () => {
    expect(hex(decryptNonce('AES-128', v('K_pi = KDF(K,3) AES-128'), v('encrypted nonce z')))).toBe(hex(v('decrypted nonce s')));
  });
  it('maps the generator (shared point H, then G~)', () => {
    const h = point('chip mapping public key X||Y').multiply(bytesToBigint(v('terminal mapping private key')));
    expect(hex(group.encode(h).subarray(1))).toBe(hex(v('shared point H X||Y')));
    expect(hex(group.encode(group.G.multiply(bytesToBigint(v('terminal mapping private key')))).subarray(1))).toBe(
      hex(v('terminal mapping public key X||Y')),
    );
    const mapped = genericMapping(group, v('decrypted nonce s'), h);
    expect(hex(group.encode(mapped).subarray(1))).toBe(hex(v('mapped generator G~ X||Y')));
    expect(hex(group.encode(mapped.multiply(bytesToBigint(v('chip ephemeral private key')))).subarray(1))).toBe(
      hex(v('chip ephemeral public key X||Y')),
    );
  });
  it('computes both authentication tokens', () => {
    const oid = '0.4.0.127.0.7.2.2.4.2.2';
    expect(hex(authenticationToken('AES-128', v('KSmac (AES-128)'), oid, Uint8Array.of(4, ...v('chip ephemeral public key X||Y'))))).toBe(
      hex(v('T_IFD')),
    );
    expect(
      hex(authenticationToken('AES-128', v('KSmac (AES-128)'), oid, Uint8Array.of(4, ...v('terminal ephemeral public key X||Y')))),
    ).toBe(hex(v('T_IC')));
  });
  it('builds MSE:Set AT with and without the parameter id', () => {
    const info: PaceInfo = { kind: 'pace', protocol: '0.4.0.127.0.7.2.2.4.2.2', version: 2, parameterId: 13 };
    expect(hex(new Uint8Array([0x00, 0x22, 0xc1, 0xa4, 0x12, ...mseSetAt(info, pw)]))).toBe(hex(v('MSE:Set AT (as in gmrtd test)')));
    const { parameterId: _omit, ...noParam } = info;
    expect(hex(new Uint8Array([0x00, 0x22, 0xc1, 0xa4, 0x0f, ...mseSetAt(noParam, pw)]))).toBe(hex(v('MSE:Set AT (as in dmrtd test)')));
  });
});

describe('PACE G.1 full exchange', () => {
  it("sends exactly the worked example's APDUs and ends with its session keys", async () => {
    const ok = Uint8Array.of(0x90, 0x00);
    const channel = new ScriptedChannel([
      { command: v('MSE:Set AT (as in gmrtd test)'), response: ok },
      { command: v('GA1 C-APDU'), response: v('GA1 R-APDU (encrypted nonce)') },
      { command: v('GA2 C-APDU'), response: v('GA2 R-APDU') },
      { command: v('GA3 C-APDU'), response: v('GA3 R-APDU') },
      { command: v('GA4 C-APDU'), response: v('GA4 R-APDU') },
    ]);
    const session = new ChipSession(channel);
    const info = parseSecurityInfos(v('EF.CardAccess (PACEInfo, wrapped in SET)'))[0] as PaceInfo;
    const sm = await performPace(session, info, pw, {
      mappingKey: bytesToBigint(v('terminal mapping private key')),
      ephemeralKey: bytesToBigint(v('terminal ephemeral private key')),
    });
    expect(channel.done).toBe(true);
    expect(hex(sm.sendSequenceCounter)).toBe(hex(v('SSC after PACE (AES)')));
    expect(session.secureMessaging).toBe(sm);
  });

  it('refuses a chip token that does not verify', async () => {
    const badGa4 = new Uint8Array(v('GA4 R-APDU'));
    badGa4[5]! ^= 1;
    const ok = Uint8Array.of(0x90, 0x00);
    const channel = new ScriptedChannel([
      { command: () => true, response: ok },
      { command: () => true, response: v('GA1 R-APDU (encrypted nonce)') },
      { command: () => true, response: v('GA2 R-APDU') },
      { command: () => true, response: v('GA3 R-APDU') },
      { command: () => true, response: badGa4 },
    ]);
    const info = parseSecurityInfos(v('EF.CardAccess (PACEInfo, wrapped in SET)'))[0] as PaceInfo;
    await expect(
      performPace(new ChipSession(channel), info, pw, {
        mappingKey: bytesToBigint(v('terminal mapping private key')),
        ephemeralKey: bytesToBigint(v('terminal ephemeral private key')),
      }),
    ).rejects.toMatchObject({ code: 'authentication-failed' });
  });

  it('refuses a chip mapping key that is not on the curve', async () => {
    const bad = new Uint8Array(v('GA2 R-APDU'));
    bad[10]! ^= 1;
    const channel = new ScriptedChannel([
      { command: () => true, response: Uint8Array.of(0x90, 0) },
      { command: () => true, response: v('GA1 R-APDU (encrypted nonce)') },
      { command: () => true, response: bad },
    ]);
    const info = parseSecurityInfos(v('EF.CardAccess (PACEInfo, wrapped in SET)'))[0] as PaceInfo;
    await expect(performPace(new ChipSession(channel), info, pw)).rejects.toThrow(/not a point/);
  });
});
