// Secure messaging (ICAO Doc 9303 Part 11 §9.8; ISO/IEC 7816-4 §10): protected command and
// response APDUs with DO'85'/'87' (cryptogram), DO'97' (Le), DO'99' (status), DO'8E' (MAC),
// and a send sequence counter incremented before every command and every response.
// Both sides are here because both follow the same rules: the terminal protects commands
// and checks responses; a chip (the simulator's) does the reverse.
import type { CommandApdu, ResponseApdu } from './apdu.js';
import { concat, equalBytes } from '../bytes.js';
import {
  aesCmac,
  aesDecrypt,
  aesEcbBlock,
  aesEncrypt,
  blockSize,
  pad,
  retailMac,
  tdesDecrypt,
  tdesEncrypt,
  unpad,
  type CipherAlg,
} from './crypto.js';
import { EmrtdError, fail } from '../errors.js';
import { readTlv, tlv, type Tlv } from '../tlv.js';

export interface SmKeys {
  alg: CipherAlg;
  ksEnc: Uint8Array;
  ksMac: Uint8Array;
  /** Initial send sequence counter: 8 bytes for 3DES, 16 for AES. */
  ssc: Uint8Array;
}

/** Status words a chip may send without protection: errors and SM failures, never success. */
function mayBeUnprotected(sw: number): boolean {
  return sw !== 0x9000 && sw >> 8 !== 0x61 && sw >> 8 !== 0x62 && sw >> 8 !== 0x63;
}

export class SecureMessaging {
  readonly alg: CipherAlg;
  private readonly ksEnc: Uint8Array;
  private readonly ksMac: Uint8Array;
  private readonly ssc: Uint8Array;
  private readonly block: 8 | 16;

  constructor(keys: SmKeys) {
    this.alg = keys.alg;
    this.block = blockSize(keys.alg);
    if (keys.ssc.length !== this.block) fail('secure-messaging', `SSC of ${keys.ssc.length} bytes for ${keys.alg}`);
    this.ksEnc = new Uint8Array(keys.ksEnc);
    this.ksMac = new Uint8Array(keys.ksMac);
    this.ssc = new Uint8Array(keys.ssc);
  }

  /** The current send sequence counter (a copy). */
  get sendSequenceCounter(): Uint8Array {
    return new Uint8Array(this.ssc);
  }

  private incrementSsc(): void {
    for (let i = this.ssc.length - 1; i >= 0; i--) {
      this.ssc[i] = (this.ssc[i]! + 1) & 0xff;
      if (this.ssc[i] !== 0) break;
    }
  }

  private iv(): Uint8Array {
    return this.alg === '3DES' ? new Uint8Array(8) : aesEcbBlock(this.ksEnc, this.ssc);
  }

  private encrypt(data: Uint8Array): Uint8Array {
    const p = pad(data, this.block);
    return this.alg === '3DES' ? tdesEncrypt(this.ksEnc, p) : aesEncrypt(this.ksEnc, p, this.iv());
  }

  private decrypt(data: Uint8Array): Uint8Array {
    if (data.length === 0 || data.length % this.block !== 0) fail('secure-messaging', `cryptogram of ${data.length} bytes`);
    return unpad(this.alg === '3DES' ? tdesDecrypt(this.ksEnc, data) : aesDecrypt(this.ksEnc, data, this.iv()));
  }

  /** MAC over SSC || input, padded: retail MAC for 3DES, AES-CMAC truncated to 8 bytes. */
  mac(input: Uint8Array): Uint8Array {
    const n = pad(concat(this.ssc, input), this.block);
    return this.alg === '3DES' ? retailMac(this.ksMac, n) : aesCmac(this.ksMac, n).subarray(0, 8);
  }

  private cryptogramDo(ins: number, data: Uint8Array): Uint8Array {
    // Odd INS (e.g. READ BINARY B1) carry BER-TLV data: DO'85' without the padding indicator.
    return ins & 1 ? tlv(0x85, this.encrypt(data)) : tlv(0x87, Uint8Array.of(0x01), this.encrypt(data));
  }

  // ---- terminal side ----

  /** Protects a command. The result always asks for a response (Le 00, or 0000 when extended). */
  protectCommand(cmd: CommandApdu, extended = false): CommandApdu {
    if ((cmd.cla & 0x0c) !== 0) fail('secure-messaging', 'command is already protected');
    this.incrementSsc();
    const cla = cmd.cla | 0x0c;
    const header = Uint8Array.of(cla, cmd.ins, cmd.p1, cmd.p2);
    const ne = cmd.ne ?? 0;
    const useExtended = extended || ne > 256 || (cmd.data?.length ?? 0) > 200;
    const dos: Uint8Array[] = [];
    if (cmd.data && cmd.data.length > 0) dos.push(this.cryptogramDo(cmd.ins, cmd.data));
    if (ne > 0) dos.push(tlv(0x97, useExtended ? Uint8Array.of((ne >> 8) & 0xff, ne & 0xff) : Uint8Array.of(ne & 0xff)));
    const body = concat(...dos);
    const cc = this.mac(concat(pad(header, this.block), body));
    return { cla, ins: cmd.ins, p1: cmd.p1, p2: cmd.p2, data: concat(body, tlv(0x8e, cc)), ne: useExtended ? 65536 : 256 };
  }

  /** Checks and opens a protected response. Any failure ends the session (EmrtdError 'secure-messaging'). */
  unprotectResponse(resp: ResponseApdu): ResponseApdu {
    this.incrementSsc();
    if (resp.data.length === 0) {
      if (resp.sw === 0x6987 || resp.sw === 0x6988)
        fail('secure-messaging', `the chip reports a secure messaging error (${resp.sw.toString(16)})`, resp.sw);
      if (mayBeUnprotected(resp.sw)) return resp;
      fail('secure-messaging', `unprotected response with status ${resp.sw.toString(16)}`, resp.sw);
    }
    let cryptogram: Tlv | undefined;
    let status: Tlv | undefined;
    let mac: Tlv | undefined;
    let offset = 0;
    let macEnd = 0;
    try {
      while (offset < resp.data.length) {
        const t = readTlv(resp.data, offset);
        if (mac) fail('secure-messaging', 'data after DO 8E');
        if (t.tag === 0x87 || t.tag === 0x85) {
          if (cryptogram || status) fail('secure-messaging', 'cryptogram out of order or repeated');
          cryptogram = t;
        } else if (t.tag === 0x99) {
          if (status) fail('secure-messaging', 'DO 99 repeated');
          status = t;
        } else if (t.tag === 0x8e) {
          mac = t;
          macEnd = offset;
        } else fail('secure-messaging', `unexpected data object ${t.tag.toString(16)} in a protected response`);
        offset += t.length;
      }
    } catch (err) {
      if (err instanceof EmrtdError && err.code === 'malformed-tlv')
        fail('secure-messaging', `protected response is not valid TLV: ${err.message}`);
      throw err;
    }
    if (!mac) fail('secure-messaging', 'protected response has no MAC (DO 8E)');
    if (mac.value.length !== 8) fail('secure-messaging', `MAC of ${mac.value.length} bytes`);
    if (!equalBytes(this.mac(resp.data.subarray(0, macEnd)), mac.value)) fail('secure-messaging', 'response MAC does not verify');
    let sw = resp.sw;
    if (status) {
      if (status.value.length !== 2) fail('secure-messaging', 'DO 99 is not two bytes');
      sw = (status.value[0]! << 8) | status.value[1]!;
    }
    let data: Uint8Array = new Uint8Array(0);
    if (cryptogram) {
      if (cryptogram.tag === 0x87) {
        if (cryptogram.value[0] !== 0x01) fail('secure-messaging', 'DO 87 without padding indicator 01');
        data = this.decrypt(cryptogram.value.subarray(1));
      } else data = this.decrypt(cryptogram.value);
    }
    return { data, sw };
  }

  // ---- chip side ----

  /**
   * Checks and opens a protected command. Returns the plain command; throws EmrtdError
   * 'secure-messaging' (answer 6988 and drop the keys) on any failure.
   */
  unprotectCommand(cmd: CommandApdu & { extended?: boolean }): CommandApdu & { extended: boolean } {
    this.incrementSsc();
    if ((cmd.cla & 0x0c) !== 0x0c) fail('secure-messaging', 'command is not protected');
    const header = Uint8Array.of(cmd.cla, cmd.ins, cmd.p1, cmd.p2);
    const body = cmd.data ?? new Uint8Array(0);
    let cryptogram: Tlv | undefined;
    let le: Tlv | undefined;
    let mac: Tlv | undefined;
    let macStart = 0;
    let offset = 0;
    try {
      while (offset < body.length) {
        const t = readTlv(body, offset);
        if (mac) fail('secure-messaging', 'data after DO 8E');
        if (t.tag === 0x87 || t.tag === 0x85) {
          if (cryptogram || le) fail('secure-messaging', 'cryptogram out of order or repeated');
          cryptogram = t;
        } else if (t.tag === 0x97) {
          if (le) fail('secure-messaging', 'DO 97 repeated');
          le = t;
        } else if (t.tag === 0x8e) {
          mac = t;
          macStart = offset;
        } else fail('secure-messaging', `unexpected data object ${t.tag.toString(16)}`);
        offset += t.length;
      }
    } catch (err) {
      if (err instanceof EmrtdError && err.code === 'malformed-tlv')
        fail('secure-messaging', `protected command is not valid TLV: ${err.message}`);
      throw err;
    }
    if (!mac || mac.value.length !== 8) fail('secure-messaging', 'protected command has no 8-byte MAC');
    if (!equalBytes(this.mac(concat(pad(header, this.block), body.subarray(0, macStart))), mac.value))
      fail('secure-messaging', 'command MAC does not verify');
    let data: Uint8Array | undefined;
    if (cryptogram) {
      if (cryptogram.tag === 0x87) {
        if (cryptogram.value[0] !== 0x01) fail('secure-messaging', 'DO 87 without padding indicator 01');
        data = this.decrypt(cryptogram.value.subarray(1));
      } else data = this.decrypt(cryptogram.value);
    }
    let ne = 0;
    if (le) {
      if (le.value.length === 1) ne = le.value[0] === 0 ? 256 : le.value[0]!;
      else if (le.value.length === 2) ne = (le.value[0]! << 8) | le.value[1]! || 65536;
      else fail('secure-messaging', 'DO 97 longer than two bytes');
    }
    return {
      cla: cmd.cla & ~0x0c,
      ins: cmd.ins,
      p1: cmd.p1,
      p2: cmd.p2,
      ...(data ? { data } : {}),
      ne,
      extended: (le?.value.length ?? 0) === 2 || cmd.extended === true,
    };
  }

  /** Protects a response (chip side): cryptogram if there is data, DO'99', DO'8E'. */
  protectResponse(ins: number, data: Uint8Array, sw: number): Uint8Array {
    this.incrementSsc();
    const dos: Uint8Array[] = [];
    if (data.length > 0) dos.push(this.cryptogramDo(ins, data));
    dos.push(tlv(0x99, Uint8Array.of(sw >> 8, sw & 0xff)));
    const body = concat(...dos);
    return concat(body, tlv(0x8e, this.mac(body)));
  }
}
