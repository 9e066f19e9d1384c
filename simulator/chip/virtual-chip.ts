// A virtual CCCD chip: the card's side of ICAO Doc 9303 Part 11 and ISO/IEC 7816-4 —
// SELECT, READ BINARY (B0 with offsets or short file ids, B1 with DO'54'), GET CHALLENGE,
// MUTUAL AUTHENTICATE (BAC), MSE:Set AT + GENERAL AUTHENTICATE (PACE ECDH-GM, and chip
// authentication), MSE:Set KAT, INTERNAL AUTHENTICATE (active authentication), all under
// secure messaging once access is granted. It answers as the standard says, not as our reader
// happens to ask: tests of other readers rely on that.
import { constants, createHash, privateEncrypt, randomBytes, sign } from 'node:crypto';
import { encodeResponse, parseCommand, type CommandApdu } from '../../drivers/emrtd/protocol/apdu.js';
import { bacKeySeed, deriveBacKeys } from '../../drivers/emrtd/protocol/bac.js';
import { concat, equalBytes, xor } from '../../drivers/emrtd/bytes.js';
import {
  KDF_ENC,
  KDF_MAC,
  KDF_PI,
  aesEncrypt,
  blockSize,
  kdf,
  pad,
  retailMac,
  tdesDecrypt,
  tdesEncrypt,
  type CipherAlg,
} from '../../drivers/emrtd/protocol/crypto.js';
import { curveById } from '../../drivers/emrtd/protocol/curves.js';
import { decodeOid } from '../../drivers/emrtd/der.js';
import { ecGroup, type EcGroup, type EcPoint } from '../../drivers/emrtd/protocol/ec.js';
import { maxShortRead } from '../../drivers/emrtd/protocol/file-reader.js';
import { CARD_ACCESS, EMRTD_AID, LDS_FILES } from '../../drivers/emrtd/lds/files.js';
import type { MrzKey } from '../../drivers/emrtd/lds/mrz.js';
import { caSuite, paceSuite } from '../../drivers/emrtd/oids.js';
import { authenticationToken, genericMapping, passwordSecret } from '../../drivers/emrtd/protocol/pace.js';
import { SecureMessaging } from '../../drivers/emrtd/protocol/secure-messaging.js';
import { readTlv, readTlvs, tlv } from '../../drivers/emrtd/tlv.js';
import type { ChipDocument } from '../document.js';

export interface ChipOptions {
  document: ChipDocument;
  mrzKey: MrzKey;
  can: string;
  /** Card profile: which access controls the chip accepts (CCCD cards accept both). */
  bac?: boolean;
  pace?: boolean;
  /** Extended-length APDUs (announced in the ATR's card capabilities). */
  extendedLength?: boolean;
  /** Largest plain data the chip returns for one READ BINARY with extended length. */
  maxExtendedResponse?: number;
  /** How the chip answers SELECT MF (3F00): some CCCD cards answer 6D00. */
  selectMf?: 'ok' | 'ins-not-supported';
  /** Fault: the MAC of the Nth protected response after access control is wrong. */
  wrongMacAt?: number;
  onExchange?: (command: Uint8Array, response: Uint8Array) => void;
}

const SW_OK = 0x9000;
const ok = (data: Uint8Array = new Uint8Array(0)) => ({ data, sw: SW_OK });
const err = (sw: number) => ({ data: new Uint8Array(0), sw });
type Answer = { data: Uint8Array; sw: number; after?: () => void };

interface PaceState {
  protocol: string;
  alg: CipherAlg;
  group: EcGroup;
  password: 'mrz' | 'can';
  step: 1 | 2 | 3 | 4;
  nonce?: Uint8Array;
  mappedG?: EcPoint;
  ephSk?: bigint;
  ephPk?: Uint8Array;
  terminalEph?: Uint8Array;
  ksEnc?: Uint8Array;
  ksMac?: Uint8Array;
}

/** ATR for a contactless ISO 14443-4 card as PC/SC reports it, with card capabilities (ISO 7816-4 §8.1.1.2.7). */
export function chipAtr(extendedLength: boolean): Uint8Array {
  const historical = Uint8Array.of(0x80, 0x73, 0x00, 0x00, extendedLength ? 0xc0 : 0x80);
  const body = concat(Uint8Array.of(0x80 | historical.length, 0x80, 0x01), historical);
  const tck = body.reduce((a, b) => a ^ b, 0);
  return concat(Uint8Array.of(0x3b), body, Uint8Array.of(tck));
}

export class VirtualChip {
  readonly atr: Uint8Array;
  private inApp = false;
  private current: string | null = null;
  private sm: SecureMessaging | null = null;
  private access: 'none' | 'bac' | 'pace' = 'none';
  private challenge: Uint8Array | null = null;
  private pace: PaceState | null = null;
  private caProtocol: string | null = null;
  private protectedResponses = 0;
  /** The chip's files by name (read-only use: tests compare what was served). */
  readonly files: ReadonlyMap<string, Uint8Array>;
  /** Bytes of each file sent so far (tests use it to show no file is read twice). */
  readonly served = new Map<string, number>();

  constructor(private readonly options: ChipOptions) {
    this.atr = chipAtr(options.extendedLength ?? false);
    this.files = options.document.files;
  }

  /** Power-on or reset: everything volatile is gone. */
  reset(): void {
    this.inApp = false;
    this.current = null;
    this.sm = null;
    this.access = 'none';
    this.challenge = null;
    this.pace = null;
    this.caProtocol = null;
  }

  process(apdu: Uint8Array): Uint8Array {
    const response = this.answer(apdu);
    this.options.onExchange?.(apdu, response);
    return response;
  }

  private dropSession(): void {
    this.sm = null;
    this.access = 'none';
    this.pace = null;
    this.caProtocol = null;
  }

  private answer(apdu: Uint8Array): Uint8Array {
    let cmd: CommandApdu & { extended: boolean };
    try {
      cmd = parseCommand(apdu);
    } catch {
      return encodeResponse(new Uint8Array(0), 0x6700);
    }
    if (cmd.extended && !this.options.extendedLength) return encodeResponse(new Uint8Array(0), 0x6700);
    if ((cmd.cla & 0x0c) === 0x0c) {
      const sm = this.sm;
      if (!sm) return encodeResponse(new Uint8Array(0), 0x6988);
      let plain: CommandApdu & { extended: boolean };
      try {
        plain = sm.unprotectCommand(cmd);
      } catch {
        this.dropSession();
        return encodeResponse(new Uint8Array(0), 0x6988);
      }
      const a = this.handle(plain, true, !cmd.extended);
      if (!this.sm) return encodeResponse(new Uint8Array(0), a.sw); // the handler ended the session
      let body = sm.protectResponse(plain.ins, a.data, a.sw);
      if (this.options.wrongMacAt !== undefined && ++this.protectedResponses === this.options.wrongMacAt) {
        body = new Uint8Array(body);
        body[body.length - 1]! ^= 0x5a;
      }
      a.after?.();
      return encodeResponse(body, a.sw === SW_OK || a.sw >> 8 === 0x62 ? SW_OK : a.sw);
    }
    if (this.sm) {
      // A plain command while secure messaging is on ends the session (Doc 9303 Part 11 §9.8.6).
      this.dropSession();
      return encodeResponse(new Uint8Array(0), 0x6987);
    }
    const a = this.handle(cmd, false, !cmd.extended);
    a.after?.();
    return encodeResponse(a.data, a.sw);
  }

  private handle(cmd: CommandApdu, secured: boolean, shortOuter: boolean): Answer {
    switch (cmd.ins) {
      case 0xa4:
        return this.select(cmd);
      case 0xb0:
      case 0xb1:
        return this.readBinary(cmd, secured, shortOuter);
      case 0x84:
        return this.getChallenge(cmd);
      case 0x82:
        return this.mutualAuthenticate(cmd);
      case 0x22:
        return this.mse(cmd, secured);
      case 0x86:
        return secured ? this.caGeneralAuthenticate(cmd) : this.paceGeneralAuthenticate(cmd);
      case 0x88:
        return this.internalAuthenticate(cmd, secured);
      default:
        return err(0x6d00);
    }
  }

  private select(cmd: CommandApdu): Answer {
    const data = cmd.data ?? new Uint8Array(0);
    if (cmd.p1 === 0x04) {
      if (!equalBytes(data, EMRTD_AID)) return err(0x6a82);
      this.inApp = true;
      this.current = null;
      return ok();
    }
    if ((cmd.p1 === 0x00 || cmd.p1 === 0x02) && data.length === 2) {
      const fid = (data[0]! << 8) | data[1]!;
      if (fid === 0x3f00) {
        if (this.options.selectMf === 'ins-not-supported') return err(0x6d00);
        this.inApp = false;
        this.current = null;
        return ok();
      }
      const name = this.fileName(fid, null);
      if (!name) return err(0x6a82);
      this.current = name;
      return ok();
    }
    return err(0x6a86);
  }

  private fileName(fid: number | null, sfi: number | null): string | null {
    if (!this.inApp) {
      const hit = (fid !== null && fid === CARD_ACCESS.fid) || (sfi !== null && sfi === CARD_ACCESS.sfi);
      return hit && this.files.has('CardAccess') ? 'CardAccess' : null;
    }
    const f = LDS_FILES.find((x) => (fid !== null ? x.fid === fid : x.sfi === sfi));
    return f && this.files.has(f.name) ? f.name : null;
  }

  private readBinary(cmd: CommandApdu, secured: boolean, shortOuter: boolean): Answer {
    let offset: number;
    let prefix = false;
    if (cmd.ins === 0xb1) {
      try {
        const t = readTlv(cmd.data ?? new Uint8Array(0), 0);
        if (t.tag !== 0x54 || t.value.length === 0 || t.value.length > 3) return err(0x6a80);
        offset = t.value.reduce((a, b) => a * 256 + b, 0);
      } catch {
        return err(0x6a80);
      }
      prefix = true;
    } else if (cmd.p1 & 0x80) {
      if (cmd.p1 & 0x60) return err(0x6a86);
      const name = this.fileName(null, cmd.p1 & 0x1f);
      if (!name) return err(0x6a82);
      this.current = name;
      offset = cmd.p2;
    } else offset = ((cmd.p1 & 0x7f) << 8) | cmd.p2;
    const name = this.current;
    if (!name) return err(0x6986);
    if (name !== 'CardAccess' && (this.access === 'none' || !secured)) return err(0x6982);
    const file = this.files.get(name)!;
    if (offset > file.length) return err(0x6b00);
    let n = cmd.ne ?? 0;
    if (n === 0) return err(0x6700);
    if (!shortOuter) n = Math.min(n, this.options.maxExtendedResponse ?? 0x1000);
    else if (secured && this.sm) {
      // Keep the protected answer within one short response (≤ 256 bytes); B1 adds DO'53' (4 bytes).
      n = Math.min(n, maxShortRead(blockSize(this.sm.alg)) - (prefix ? 4 : 0));
    }
    const data = file.subarray(offset, Math.min(file.length, offset + n));
    this.served.set(name, (this.served.get(name) ?? 0) + data.length);
    const sw = data.length < (cmd.ne ?? 0) && offset + data.length === file.length ? 0x6282 : SW_OK;
    return { data: prefix ? tlv(0x53, data) : data, sw };
  }

  private getChallenge(cmd: CommandApdu): Answer {
    if (cmd.ne !== 8) return err(0x6700);
    this.challenge = new Uint8Array(randomBytes(8));
    return ok(this.challenge);
  }

  private mutualAuthenticate(cmd: CommandApdu): Answer {
    if (this.options.bac === false) return err(0x6982);
    const rndIc = this.challenge;
    this.challenge = null;
    const data = cmd.data ?? new Uint8Array(0);
    if (!rndIc || !this.inApp) return err(0x6985);
    if (data.length !== 40) return err(0x6700);
    const keys = deriveBacKeys(bacKeySeed(this.options.mrzKey));
    const e = data.subarray(0, 32);
    if (!equalBytes(retailMac(keys.kMac, pad(e, 8)), data.subarray(32))) return err(0x6300);
    const s = tdesDecrypt(keys.kEnc, e);
    if (!equalBytes(s.subarray(8, 16), rndIc)) return err(0x6300);
    const rndIfd = s.subarray(0, 8);
    const kIfd = s.subarray(16, 32);
    const kIc = new Uint8Array(randomBytes(16));
    const eIc = tdesEncrypt(keys.kEnc, concat(rndIc, rndIfd, kIc));
    const resp = concat(eIc, retailMac(keys.kMac, pad(eIc, 8)));
    const seed = xor(kIfd, kIc);
    return {
      ...ok(resp),
      after: () => {
        this.sm = new SecureMessaging({
          alg: '3DES',
          ksEnc: kdf(seed, KDF_ENC, '3DES'),
          ksMac: kdf(seed, KDF_MAC, '3DES'),
          ssc: concat(rndIc.subarray(4, 8), rndIfd.subarray(4, 8)),
        });
        this.access = 'bac';
        this.protectedResponses = 0;
      },
    };
  }

  private mse(cmd: CommandApdu, secured: boolean): Answer {
    const dos = (() => {
      try {
        return readTlvs(cmd.data ?? new Uint8Array(0));
      } catch {
        return null;
      }
    })();
    if (!dos) return err(0x6a80);
    const get = (tag: number) => dos.find((d) => d.tag === tag)?.value;
    if (cmd.p1 === 0xc1 && cmd.p2 === 0xa4 && !secured) {
      // PACE
      const doc = this.options.document;
      if (this.options.pace === false || !doc.paceProtocol) return err(0x6a80);
      const oidBytes = get(0x80);
      const ref = get(0x83);
      const param = get(0x84);
      if (!oidBytes || !ref || ref.length !== 1) return err(0x6a80);
      let protocol: string;
      try {
        protocol = decodeOid(oidBytes);
      } catch {
        return err(0x6a80);
      }
      if (protocol !== doc.paceProtocol) return err(0x6a80);
      if (param && (param.length !== 1 || param[0] !== doc.paceCurve)) return err(0x6a80);
      if (ref[0] !== 1 && ref[0] !== 2) return err(0x6a80);
      const suite = paceSuite(protocol)!;
      this.pace = {
        protocol,
        alg: suite.cipher,
        group: ecGroup(curveById(doc.paceCurve)!),
        password: ref[0] === 1 ? 'mrz' : 'can',
        step: 1,
      };
      return ok();
    }
    if (secured && this.options.document.caKey && cmd.p1 === 0x41 && (cmd.p2 === 0xa6 || cmd.p2 === 0xa4)) {
      const ca = this.options.document.caKey;
      if (cmd.p2 === 0xa4) {
        const oidBytes = get(0x80);
        if (!oidBytes) return err(0x6a80);
        try {
          if (decodeOid(oidBytes) !== ca.protocol) return err(0x6a80);
        } catch {
          return err(0x6a80);
        }
        this.caProtocol = ca.protocol;
        return ok();
      }
      // MSE:Set KAT: 3DES chip authentication, the key in DO'91'.
      if (caSuite(ca.protocol)?.cipher !== '3DES') return err(0x6a80);
      const pk = get(0x91);
      if (!pk) return err(0x6a80);
      return this.finishChipAuthentication(pk, '3DES', ok());
    }
    return err(0x6a86);
  }

  private finishChipAuthentication(terminalKey: Uint8Array, alg: CipherAlg, answer: Answer): Answer {
    const ca = this.options.document.caKey!;
    const group = ecGroup(curveById(ca.curveId)!);
    let point: EcPoint;
    try {
      point = group.decode(terminalKey, "terminal's chip-authentication key");
    } catch {
      return err(0x6a80);
    }
    const shared = group.xBytes(point.multiply(ca.scalar));
    return {
      ...answer,
      // The answer goes out under the old keys; the next command uses the new ones.
      after: () => {
        this.sm = new SecureMessaging({
          alg,
          ksEnc: kdf(shared, KDF_ENC, alg),
          ksMac: kdf(shared, KDF_MAC, alg),
          ssc: new Uint8Array(blockSize(alg)),
        });
        this.caProtocol = null;
      },
    };
  }

  private caGeneralAuthenticate(cmd: CommandApdu): Answer {
    if (!this.caProtocol) return err(0x6985);
    try {
      const outer = readTlv(cmd.data ?? new Uint8Array(0), 0);
      const pk = outer.tag === 0x7c ? readTlvs(outer.value).find((t) => t.tag === 0x80)?.value : undefined;
      if (!pk) return err(0x6a80);
      return this.finishChipAuthentication(pk, caSuite(this.caProtocol)!.cipher, ok(tlv(0x7c, new Uint8Array(0))));
    } catch {
      return err(0x6a80);
    }
  }

  private paceGeneralAuthenticate(cmd: CommandApdu): Answer {
    const p = this.pace;
    if (!p) return err(0x6985);
    let inner: Uint8Array;
    try {
      const outer = readTlv(cmd.data ?? new Uint8Array(0), 0);
      if (outer.tag !== 0x7c) return err(0x6a80);
      inner = outer.value;
    } catch {
      return err(0x6a80);
    }
    const fail = (sw: number): Answer => {
      this.pace = null;
      return err(sw);
    };
    const item = (tag: number) => {
      try {
        const items = readTlvs(inner);
        return items.length === 1 && items[0]!.tag === tag ? items[0]!.value : null;
      } catch {
        return null;
      }
    };
    const g = p.group;
    switch (p.step) {
      case 1: {
        if (inner.length !== 0) return fail(0x6a80);
        const block = blockSize(p.alg);
        p.nonce = new Uint8Array(randomBytes(block === 8 ? 8 : 16));
        const secret =
          p.password === 'mrz'
            ? passwordSecret({ kind: 'mrz', key: this.options.mrzKey })
            : passwordSecret({ kind: 'can', can: this.options.can });
        const kPi = kdf(secret, KDF_PI, p.alg);
        const z = p.alg === '3DES' ? tdesEncrypt(kPi, p.nonce) : aesEncrypt(kPi, p.nonce);
        p.step = 2;
        return ok(tlv(0x7c, tlv(0x80, z)));
      }
      case 2: {
        const pkIfd = item(0x81);
        if (!pkIfd) return fail(0x6a80);
        let terminalMap: EcPoint;
        try {
          terminalMap = g.decode(pkIfd, 'terminal mapping key');
        } catch {
          return fail(0x6a80);
        }
        const sk = g.randomScalar();
        const pk = g.encode(g.G.multiply(sk));
        p.mappedG = genericMapping(g, p.nonce!, terminalMap.multiply(sk));
        p.step = 3;
        return ok(tlv(0x7c, tlv(0x82, pk)));
      }
      case 3: {
        const pkIfd = item(0x83);
        if (!pkIfd) return fail(0x6a80);
        let terminalEph: EcPoint;
        try {
          terminalEph = g.decode(pkIfd, 'terminal ephemeral key');
        } catch {
          return fail(0x6a80);
        }
        p.ephSk = g.randomScalar();
        p.ephPk = g.encode(p.mappedG!.multiply(p.ephSk));
        if (equalBytes(p.ephPk, pkIfd)) return fail(0x6a80);
        p.terminalEph = pkIfd;
        const shared = g.xBytes(terminalEph.multiply(p.ephSk));
        p.ksEnc = kdf(shared, KDF_ENC, p.alg);
        p.ksMac = kdf(shared, KDF_MAC, p.alg);
        p.step = 4;
        return ok(tlv(0x7c, tlv(0x84, p.ephPk)));
      }
      case 4: {
        const tIfd = item(0x85);
        if (!tIfd) return fail(0x6a80);
        if (!equalBytes(tIfd, authenticationToken(p.alg, p.ksMac!, p.protocol, p.ephPk!))) return fail(0x6300);
        const tIc = authenticationToken(p.alg, p.ksMac!, p.protocol, p.terminalEph!);
        const { alg, ksEnc, ksMac } = p;
        this.pace = null;
        return {
          ...ok(tlv(0x7c, tlv(0x86, tIc))),
          after: () => {
            this.sm = new SecureMessaging({ alg, ksEnc: ksEnc!, ksMac: ksMac!, ssc: new Uint8Array(blockSize(alg)) });
            this.access = 'pace';
            this.protectedResponses = 0;
          },
        };
      }
    }
  }

  private internalAuthenticate(cmd: CommandApdu, secured: boolean): Answer {
    const key = this.options.document.aaKey;
    if (!key) return err(0x6d00);
    if (!secured || this.access === 'none') return err(0x6982);
    const challenge = cmd.data ?? new Uint8Array(0);
    if (challenge.length !== 8) return err(0x6700);
    if (key.type === 'ec') return ok(new Uint8Array(sign('sha256', challenge, { key: key.privateKey, dsaEncoding: 'ieee-p1363' })));
    // ISO/IEC 9796-2 scheme 1, partial recovery, SHA-256 (trailer 34 CC).
    const k = Math.ceil((key.privateKey.asymmetricKeyDetails?.modulusLength ?? 2048) / 8);
    const m1 = new Uint8Array(randomBytes(k - 1 - 32 - 2));
    const digest = createHash('sha256').update(concat(m1, challenge)).digest();
    const m = concat(Uint8Array.of(0x6a), m1, digest, Uint8Array.of(0x34, 0xcc));
    return ok(new Uint8Array(privateEncrypt({ key: key.privateKey, padding: constants.RSA_NO_PADDING }, m)));
  }
}
