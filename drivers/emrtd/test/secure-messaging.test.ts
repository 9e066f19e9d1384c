// 3DES secure messaging against ICAO Doc 9303 Part 11 Appendix D.4, from both sides.
import { describe, expect, it } from 'vitest';
import { encodeCommand, parseCommand, parseResponse } from '../protocol/apdu.js';
import { concat, hex } from '../bytes.js';
import { EmrtdError } from '../errors.js';
import { SecureMessaging } from '../protocol/secure-messaging.js';
import { BAC, SM3DES, vector } from './vectors.js';

const keys = () => ({
  alg: '3DES' as const,
  ksEnc: vector(BAC, 'KSenc (parity adjusted)'),
  ksMac: vector(BAC, 'KSmac (parity adjusted)'),
  ssc: vector(BAC, 'SSC = RND.IC[4:8]||RND.IFD[4:8]'),
});
const v = (name: string) => vector(SM3DES, name);
const flip = (b: Uint8Array, i: number) => {
  b[i]! ^= 1;
  return b;
};

describe('terminal side (D.4)', () => {
  it('protects SELECT and READ BINARY and opens the responses, byte for byte', () => {
    const sm = new SecureMessaging(keys());
    const select = sm.protectCommand(parseCommand(v('SELECT EF.COM unprotected')));
    expect(hex(encodeCommand(select))).toBe(hex(v('SELECT protected C-APDU')));
    expect(hex(sm.sendSequenceCounter)).toBe(hex(v('SELECT SSC (incremented)')));
    expect(sm.unprotectResponse(parseResponse(v('SELECT protected R-APDU')))).toEqual({ data: new Uint8Array(0), sw: 0x9000 });

    const read4 = sm.protectCommand(parseCommand(v('READ BINARY(4) unprotected')));
    expect(hex(encodeCommand(read4))).toBe(hex(v('READ BINARY(4) protected C-APDU')));
    expect(hex(sm.unprotectResponse(parseResponse(v('READ BINARY(4) protected R-APDU'))).data)).toBe(
      hex(v('READ BINARY(4) decrypted data')),
    );

    const read18 = sm.protectCommand(parseCommand(v('READ BINARY(18 @4) unprotected')));
    expect(hex(encodeCommand(read18))).toBe(hex(v('READ BINARY(18) protected C-APDU')));
    expect(hex(sm.unprotectResponse(parseResponse(v('READ BINARY(18) protected R-APDU'))).data)).toBe(
      hex(v('READ BINARY(18) decrypted data')),
    );
  });

  it('computes the MAC of the worked example', () => {
    const sm = new SecureMessaging(keys());
    sm.protectCommand(parseCommand(v('SELECT EF.COM unprotected')));
    // After the command the SSC is ..C227; the response MAC covers SSC ..C228.
    const expected = v('SELECT resp CC');
    const r = parseResponse(v('SELECT protected R-APDU'));
    expect(() => sm.unprotectResponse(r)).not.toThrow();
    expect(hex(r.data.subarray(6, 14))).toBe(hex(expected));
  });

  it.each([
    ['a flipped MAC bit', (b: Uint8Array) => flip(b, b.length - 3), /MAC does not verify/],
    ['a flipped cryptogram bit', (b: Uint8Array) => flip(b, 4), /MAC does not verify/],
    ['a missing MAC', (b: Uint8Array) => concat(b.subarray(0, b.length - 12), b.subarray(b.length - 2)), /no MAC/],
    ['an unknown data object', (b: Uint8Array) => concat(Uint8Array.of(0x53, 1, 0), b), /unexpected data object 53/],
    ['a truncated data object', (b: Uint8Array) => concat(b.subarray(0, 5), b.subarray(b.length - 2)), /not valid TLV/],
  ])('ends the session on %s', (_label, mutate, message) => {
    const sm = new SecureMessaging(keys());
    sm.protectCommand(parseCommand(v('SELECT EF.COM unprotected')));
    sm.unprotectResponse(parseResponse(v('SELECT protected R-APDU')));
    sm.protectCommand(parseCommand(v('READ BINARY(4) unprotected')));
    const bytes = mutate(new Uint8Array(v('READ BINARY(4) protected R-APDU')));
    expect(() => sm.unprotectResponse(parseResponse(bytes))).toThrow(message);
  });

  it('refuses an unprotected success and reports SM errors from the chip', () => {
    const sm = new SecureMessaging(keys());
    sm.protectCommand(parseCommand(v('SELECT EF.COM unprotected')));
    expect(() => sm.unprotectResponse({ data: new Uint8Array(0), sw: 0x9000 })).toThrow(EmrtdError);
    const sm2 = new SecureMessaging(keys());
    sm2.protectCommand(parseCommand(v('SELECT EF.COM unprotected')));
    expect(() => sm2.unprotectResponse({ data: new Uint8Array(0), sw: 0x6988 })).toThrow(/secure messaging error/);
    const sm3 = new SecureMessaging(keys());
    sm3.protectCommand(parseCommand(v('SELECT EF.COM unprotected')));
    expect(sm3.unprotectResponse({ data: new Uint8Array(0), sw: 0x6a82 })).toEqual({ data: new Uint8Array(0), sw: 0x6a82 });
  });
});

describe('chip side (D.4)', () => {
  it('opens the protected commands and protects the responses, byte for byte', () => {
    const chip = new SecureMessaging(keys());
    const select = chip.unprotectCommand(parseCommand(v('SELECT protected C-APDU')));
    expect(hex(encodeCommand({ ...select, ne: 0 }))).toBe(hex(v('SELECT EF.COM unprotected')));
    expect(hex(chip.protectResponse(select.ins, new Uint8Array(0), 0x9000))).toBe(hex(v('SELECT protected R-APDU').subarray(0, -2)));

    const read4 = chip.unprotectCommand(parseCommand(v('READ BINARY(4) protected C-APDU')));
    expect(hex(encodeCommand(read4))).toBe(hex(v('READ BINARY(4) unprotected')));
    expect(hex(chip.protectResponse(read4.ins, v('READ BINARY(4) decrypted data'), 0x9000))).toBe(
      hex(v('READ BINARY(4) protected R-APDU').subarray(0, -2)),
    );

    const read18 = chip.unprotectCommand(parseCommand(v('READ BINARY(18) protected C-APDU')));
    expect(hex(encodeCommand(read18))).toBe(hex(v('READ BINARY(18 @4) unprotected')));
    expect(hex(chip.protectResponse(read18.ins, v('READ BINARY(18) decrypted data'), 0x9000))).toBe(
      hex(v('READ BINARY(18) protected R-APDU').subarray(0, -2)),
    );
  });

  it('refuses a command whose MAC is wrong', () => {
    const chip = new SecureMessaging(keys());
    const bytes = new Uint8Array(v('SELECT protected C-APDU'));
    bytes[bytes.length - 2]! ^= 1;
    expect(() => chip.unprotectCommand(parseCommand(bytes))).toThrow(/MAC does not verify/);
  });
});

describe('AES secure messaging', () => {
  it('round-trips between terminal and chip with a 16-byte SSC and CMAC', () => {
    const k = {
      alg: 'AES-128' as const,
      ksEnc: vector('icao9303_p11_appG1_pace_ecdh_gm_brainpoolP256r1', 'KSenc (AES-128)'),
      ksMac: vector('icao9303_p11_appG1_pace_ecdh_gm_brainpoolP256r1', 'KSmac (AES-128)'),
      ssc: new Uint8Array(16),
    };
    const terminal = new SecureMessaging(k);
    const chip = new SecureMessaging(k);
    for (const [ins, data, ne] of [
      [0xa4, Uint8Array.of(1, 0x1e), 0],
      [0xb0, undefined, 223],
      [0xb1, Uint8Array.of(0x54, 2, 0x80, 0), 1000],
    ] as const) {
      const cmd = terminal.protectCommand({ cla: 0, ins, p1: 0, p2: 0, ...(data ? { data } : {}), ne });
      const plain = chip.unprotectCommand(parseCommand(encodeCommand(cmd)));
      expect(plain.ins).toBe(ins);
      expect(plain.ne).toBe(ne);
      const payload = new Uint8Array(ne > 0 ? Math.min(ne, 300) : 0).fill(7);
      const resp = terminal.unprotectResponse(parseResponse(new Uint8Array([...chip.protectResponse(ins, payload, 0x9000), 0x90, 0])));
      expect(resp).toEqual({ data: payload, sw: 0x9000 });
    }
  });
});
