// Reads and verifies an eMRTD (a CCCD card) over any CardChannel: PACE when EF.CardAccess
// offers it (BAC otherwise), the LDS files, then passive, chip and active authentication.
// The result says which checks ran and how each ended; "verified" only when all that apply pass.
import { randomBytes } from 'node:crypto';
import { verifyActiveAuthentication } from './protocol/active-auth.js';
import { SW, swHex } from './protocol/apdu.js';
import { performBac } from './protocol/bac.js';
import { ChipSession, type CardChannel } from './protocol/card-channel.js';
import { chooseChipAuthentication, performChipAuthentication } from './protocol/chip-auth.js';
import { EmrtdError, fail } from './errors.js';
import { FileReader } from './protocol/file-reader.js';
import { parseCom, type Com } from './lds/com.js';
import { parseDg1 } from './lds/dg1.js';
import { parseDg13, type Dg13 } from './lds/dg13.js';
import { parseDg14 } from './lds/dg14.js';
import { parseDg15, type Dg15 } from './lds/dg15.js';
import { parseDg2, type FaceImage } from './lds/dg2.js';
import { CARD_ACCESS, EMRTD_AID, fileByName, type LdsFile } from './lds/files.js';
import type { Td1 } from './lds/mrz.js';
import { parseSod, type Sod } from './lds/sod.js';
import { paceSuite } from './oids.js';
import { performPace, type PacePassword } from './protocol/pace.js';
import { passiveAuthentication, passiveAuthenticationUnreadableSod, type Check, type PassiveAuthResult } from './cert/passive-auth.js';
import { parseSecurityInfos, type PaceInfo, type SecurityInfo } from './lds/security-infos.js';
import type { TrustStore } from './cert/trust-store.js';

export type AccessKey = PacePassword;

export interface ReadOptions {
  /** Keys to try in order (e.g. the MRZ, or candidates derived from a CCCD QR code). */
  access: AccessKey[];
  trust: TrustStore;
  /** Data groups to read besides COM and SOD (default: DG1, DG2, DG11-DG16 that EF.COM lists). */
  dataGroups?: LdsFile[];
  /** Use extended-length APDUs (the reader and the card must both support them). */
  extendedLength?: boolean;
  maxExtendedChunk?: number;
  activeAuthentication?: boolean;
  chipAuthentication?: boolean;
  /** Prefer BAC even when PACE is offered (for chips whose PACE is broken). */
  preferBac?: boolean;
  now?: Date;
  crlPolicy?: 'require' | 'if-present';
  onProgress?: (event: ReadProgress) => void;
}

export type ReadProgress =
  { step: 'access'; protocol: 'PACE' | 'BAC' } | { step: 'file'; file: string; read: number; total: number } | { step: 'verify' };

export interface DocumentRead {
  accessControl: { protocol: 'PACE' | 'BAC'; paceProtocol?: string; password: AccessKey['kind'] };
  cardAccess: SecurityInfo[] | null;
  com: Com;
  mrz: Td1;
  face: FaceImage | null;
  dg13: Dg13 | null;
  dg14: SecurityInfo[] | null;
  dg15: Dg15 | null;
  /** Null when EF.SOD was read but does not parse; passive authentication then failed and says why. */
  sod: Sod | null;
  /** Every file as read, by name (COM, SOD, DG1…). */
  files: Map<LdsFile, Uint8Array>;
  verification: Verification;
  apdus: number;
  ms: number;
}

export interface Verification {
  /** The document's own expiry date (DG1) against today. */
  validity: Check & { expiry: string };
  passive: PassiveAuthResult;
  active: Check & { supported: boolean };
  chip: Check & { supported: boolean };
  /** True only when passive authentication verified and every other applicable check passed. */
  verified: boolean;
}

const DEFAULT_GROUPS: LdsFile[] = ['DG1', 'DG2', 'DG11', 'DG12', 'DG13', 'DG14', 'DG15', 'DG16'];

async function readCardAccess(files: FileReader): Promise<SecurityInfo[] | null> {
  try {
    const bytes = await files.read({ fid: CARD_ACCESS.fid, sfi: CARD_ACCESS.sfi, name: 'CardAccess' });
    return parseSecurityInfos(bytes);
  } catch (err) {
    if (
      err instanceof EmrtdError &&
      (err.code === 'card-status' || err.code === 'malformed-asn1' || err.code === 'malformed-tlv' || err.code === 'malformed-lds')
    )
      return null;
    throw err;
  }
}

async function selectApplication(session: ChipSession): Promise<void> {
  const r = await session.send({ cla: 0x00, ins: 0xa4, p1: 0x04, p2: 0x0c, data: EMRTD_AID });
  if (r.sw !== SW.OK) fail('card-status', `this card has no ICAO eMRTD application (SELECT answered ${swHex(r.sw)})`, r.sw);
}

/** Reads and verifies the document. Errors before the data is in (access denied, card removed…) are EmrtdErrors. */
export async function readDocument(channel: CardChannel, options: ReadOptions): Promise<DocumentRead> {
  const started = performance.now();
  if (options.access.length === 0) fail('access-denied', 'no access key given (MRZ data, CAN or QR code)');
  const session = new ChipSession(channel, options.extendedLength ?? false);
  const progress = options.onProgress;
  const files = new FileReader(session, {
    ...(options.maxExtendedChunk ? { maxExtendedChunk: options.maxExtendedChunk } : {}),
    onChunk: (file, read, total) => progress?.({ step: 'file', file, read, total }),
  });

  // 1. Access control: PACE when offered, else BAC (BAC needs the MRZ).
  const cardAccess = await readCardAccess(files);
  const paceInfo = cardAccess?.find(
    (i): i is PaceInfo =>
      i.kind === 'pace' &&
      (() => {
        const s = paceSuite(i.protocol);
        return s?.agreement === 'ECDH' && s.mapping === 'GM';
      })(),
  );
  let accessControl: DocumentRead['accessControl'] | null = null;
  let lastError: EmrtdError | null = null;
  for (const key of options.access) {
    try {
      if (paceInfo && !options.preferBac) {
        progress?.({ step: 'access', protocol: 'PACE' });
        await performPace(session, paceInfo, key);
        accessControl = { protocol: 'PACE', paceProtocol: paceInfo.protocol, password: key.kind };
        await selectApplication(session);
      } else {
        if (key.kind !== 'mrz') {
          lastError = new EmrtdError('access-denied', 'this card offers only BAC, which needs the MRZ data, not a CAN');
          continue;
        }
        await selectApplication(session);
        progress?.({ step: 'access', protocol: 'BAC' });
        await performBac(session, key.key);
        accessControl = { protocol: 'BAC', password: 'mrz' };
      }
      break;
    } catch (err) {
      if (!(err instanceof EmrtdError) || err.code !== 'access-denied') throw err;
      lastError = err;
      session.endSecureMessaging();
    }
  }
  if (!accessControl) throw lastError ?? new EmrtdError('access-denied', 'no access key opened the chip');

  // 2. Files: COM first (it lists the data groups), DG14 early so chip authentication can run before the rest.
  const read = new Map<LdsFile, Uint8Array>();
  const readFile = async (name: LdsFile) => {
    const f = fileByName(name);
    const bytes = await files.read({ fid: f.fid, sfi: f.sfi, name });
    read.set(name, bytes);
    return bytes;
  };
  const com = parseCom(await readFile('COM'));
  if (!com.dataGroups.includes('DG1')) fail('malformed-lds', 'EF.COM does not list DG1');
  const wanted = (options.dataGroups ?? DEFAULT_GROUPS).filter((dg) => com.dataGroups.includes(dg));
  if (!wanted.includes('DG1')) wanted.unshift('DG1');

  let dg14: SecurityInfo[] | null = null;
  let chip: Verification['chip'] = { supported: false, status: 'not-checked', reason: 'the chip offers no chip authentication (no DG14)' };
  if (wanted.includes('DG14')) {
    dg14 = parseDg14(await readFile('DG14'));
    const ca = chooseChipAuthentication(dg14);
    if (!ca) chip = { supported: false, status: 'not-checked', reason: 'DG14 offers no ECDH chip authentication' };
    else if (options.chipAuthentication === false) chip = { supported: true, status: 'not-checked', reason: 'turned off' };
    else {
      try {
        await performChipAuthentication(session, ca.info, ca.key);
        chip = { supported: true, status: 'passed' }; // confirmed below: the next read must verify under the new keys
      } catch (err) {
        if (!(err instanceof EmrtdError)) throw err;
        chip = { supported: true, status: 'failed', reason: err.message };
        if (err.code === 'secure-messaging') throw err;
      }
    }
  }

  let sodBytes: Uint8Array;
  try {
    sodBytes = await readFile('SOD');
  } catch (err) {
    if (chip.status === 'passed' && err instanceof EmrtdError && err.code === 'secure-messaging') {
      throw new EmrtdError(
        'authentication-failed',
        'chip authentication failed: the chip cannot continue with the new keys (a cloned chip?)',
      );
    }
    throw err;
  }
  for (const dg of wanted) if (!read.has(dg)) await readFile(dg);

  // 3. Parse what was read.
  // A SOD that does not parse leaves the data groups read but unverifiable: the result says so
  // (passive authentication failed, with the reason) rather than losing the read.
  let sod: Sod | null = null;
  let sodProblem: string | null = null;
  try {
    sod = parseSod(sodBytes);
  } catch (err) {
    if (!(err instanceof EmrtdError) || (err.code !== 'malformed-lds' && err.code !== 'unsupported')) throw err;
    sodProblem = err.message;
  }
  const mrz = parseDg1(read.get('DG1')!);
  const face = read.has('DG2') ? parseDg2(read.get('DG2')!) : null;
  const dg13 = read.has('DG13') ? parseDg13(read.get('DG13')!) : null;
  const dg15 = read.has('DG15') ? parseDg15(read.get('DG15')!) : null;

  // 4. Verify.
  progress?.({ step: 'verify' });
  const dgBytes = new Map<number, Uint8Array>();
  for (const [name, bytes] of read) {
    const f = fileByName(name);
    if (f.dg > 0) dgBytes.set(f.dg, bytes);
  }
  const passive = sod
    ? passiveAuthentication(sod, dgBytes, options.trust, {
        ...(options.now ? { now: options.now } : {}),
        ...(options.crlPolicy ? { crlPolicy: options.crlPolicy } : {}),
      })
    : passiveAuthenticationUnreadableSod(sodProblem ?? 'it does not parse', dgBytes.keys());
  if (chip.status === 'passed' && passive.dataGroups['DG14'] !== 'match')
    chip = { supported: true, status: 'failed', reason: 'DG14 is not authenticated by the SOD' };

  let active: Verification['active'] = {
    supported: false,
    status: 'not-checked',
    reason: 'the chip offers no active authentication (no DG15)',
  };
  if (dg15) {
    if (options.activeAuthentication === false) active = { supported: true, status: 'not-checked', reason: 'turned off' };
    else {
      const challenge = new Uint8Array(randomBytes(8));
      const r = await session.send({ cla: 0x00, ins: 0x88, p1: 0, p2: 0, data: challenge, ne: session.extendedLength ? 65536 : 256 });
      if (r.sw !== SW.OK) active = { supported: true, status: 'failed', reason: `INTERNAL AUTHENTICATE answered ${swHex(r.sw)}` };
      else {
        const aaInfo = dg14?.find((i) => i.kind === 'aa');
        const v = verifyActiveAuthentication(dg15, challenge, r.data, aaInfo?.kind === 'aa' ? aaInfo.signatureAlgorithm : undefined);
        active = v.ok
          ? { supported: true, status: 'passed' }
          : { supported: true, status: 'failed', reason: v.reason ?? 'signature does not verify' };
        if (v.ok && passive.dataGroups['DG15'] !== 'match')
          active = { supported: true, status: 'failed', reason: 'DG15 is not authenticated by the SOD' };
      }
    }
  }
  const validity = documentValidity(mrz, options.now ?? new Date());
  const verified = passive.verdict === 'verified' && active.status !== 'failed' && chip.status !== 'failed' && validity.status === 'passed';

  return {
    accessControl,
    cardAccess,
    com,
    mrz,
    face,
    dg13,
    dg14,
    dg15,
    sod,
    files: read,
    verification: { validity, passive, active, chip, verified },
    apdus: session.apduCount,
    ms: performance.now() - started,
  };
}

/** Expiry YYMMDD read as 20YY (ID cards expire within this century); the card is valid through that day. */
export function documentValidity(mrz: Td1, now: Date): Check & { expiry: string } {
  const e = mrz.dateOfExpiry;
  const expiry = `20${e.slice(0, 2)}-${e.slice(2, 4)}-${e.slice(4, 6)}`;
  if (!/^\d{6}$/.test(e) || Number.isNaN(Date.parse(expiry)))
    return { status: 'failed', reason: `the MRZ expiry "${e}" is not a date`, expiry: e };
  const today = now.toISOString().slice(0, 10);
  return expiry >= today ? { status: 'passed', expiry } : { status: 'failed', reason: `the card expired on ${expiry}`, expiry };
}
