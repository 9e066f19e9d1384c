// Active authentication on a real document's captured exchange (RSA-1792, ISO/IEC 9796-2
// scheme 1, SHA-256), through 3DES secure messaging with the captured session state.
import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { verifyActiveAuthentication } from '../protocol/active-auth.js';
import { encodeCommand, parseResponse } from '../protocol/apdu.js';
import { hex } from '../bytes.js';
import { encodeDg15, parseDg15 } from '../lds/dg15.js';
import { SecureMessaging } from '../protocol/secure-messaging.js';
import { AA, vector } from './vectors.js';

const v = (name: string) => vector(AA, name);

describe('active authentication, real capture', () => {
  const challenge = v('RND.IFD (AA challenge)');
  const dg15 = parseDg15(v('DG15 (RSA-1792 public key)'));

  it('protects INTERNAL AUTHENTICATE exactly as captured and verifies the signature', () => {
    const sm = new SecureMessaging({
      alg: '3DES',
      ksEnc: v('SM state before AA: KSenc (3DES)'),
      ksMac: v('SM state before AA: KSmac'),
      ssc: v('SM state before AA: SSC'),
    });
    const cmd = sm.protectCommand({ cla: 0, ins: 0x88, p1: 0, p2: 0, data: challenge, ne: 256 });
    expect(hex(encodeCommand(cmd))).toBe(hex(v('INTERNAL AUTHENTICATE protected C-APDU')));
    const resp = sm.unprotectResponse(parseResponse(v('INTERNAL AUTHENTICATE protected R-APDU')));
    expect(resp.sw).toBe(0x9000);
    expect(resp.data.length).toBe(224);
    expect(dg15.type).toBe('rsa');
    expect(verifyActiveAuthentication(dg15, challenge, resp.data)).toEqual({ ok: true });
  });

  it('refuses the same signature over another challenge, and a tampered signature', () => {
    const sm = new SecureMessaging({
      alg: '3DES',
      ksEnc: v('SM state before AA: KSenc (3DES)'),
      ksMac: v('SM state before AA: KSmac'),
      ssc: v('SM state before AA: SSC'),
    });
    sm.protectCommand({ cla: 0, ins: 0x88, p1: 0, p2: 0, data: challenge, ne: 256 });
    const sig = sm.unprotectResponse(parseResponse(v('INTERNAL AUTHENTICATE protected R-APDU'))).data;
    const other = new Uint8Array(challenge);
    other[0]! ^= 1;
    expect(verifyActiveAuthentication(dg15, other, sig).ok).toBe(false);
    const bad = new Uint8Array(sig);
    bad[100]! ^= 1;
    expect(verifyActiveAuthentication(dg15, challenge, bad).ok).toBe(false);
    expect(verifyActiveAuthentication(dg15, challenge, sig.subarray(1)).ok).toBe(false);
  });
});

describe('active authentication, ECDSA', () => {
  it('verifies plain and DER ECDSA signatures over the challenge', () => {
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'brainpoolP256r1' });
    const dg15 = parseDg15(encodeDg15(new Uint8Array(publicKey.export({ format: 'der', type: 'spki' }))));
    const challenge = Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8);
    const plain = new Uint8Array(sign('sha256', challenge, { key: privateKey, dsaEncoding: 'ieee-p1363' }));
    expect(verifyActiveAuthentication(dg15, challenge, plain, '0.4.0.127.0.7.1.1.4.1.3')).toEqual({ ok: true });
    expect(verifyActiveAuthentication(dg15, challenge, plain)).toEqual({ ok: true });
    const der = new Uint8Array(sign('sha256', challenge, privateKey));
    expect(verifyActiveAuthentication(dg15, challenge, der)).toEqual({ ok: true });
    expect(verifyActiveAuthentication(dg15, Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0), plain).ok).toBe(false);
  });
});
