// Fuzz targets: every parser that sees bytes from a chip (and the chip's own APDU parser),
// the barcode and scanner decoders, the ONNX reader behind the face models' CPU rewrites, and
// the registry protocol both ways (registry-targets.ts),
// fed with random bytes and with mutations of valid samples. A target passes an input when
// it returns a value or throws the parser's typed error, within a time bound.
import fc from 'fast-check';
import { parseCommand, parseResponse } from '../../drivers/emrtd/protocol/apdu.js';
import { BcbpError, parseBcbp } from '../../drivers/barcode/bcbp.js';
import { CccdQrError, parseCccdQr } from '../../drivers/barcode/cccd-qr.js';
import { parsePayload } from '../../drivers/barcode/detect.js';
import { matchPassName } from '../../drivers/barcode/name-match.js';
import { HidPosDecoder } from '../../drivers/hid/hid-pos.js';
import { KeyboardWedgeDecoder } from '../../drivers/hid/keyboard-wedge.js';
import type { DecoderEvent, ReportDecoder } from '../../drivers/hid/scan.js';
import { hidPosReports, keyboardReports, SYMBOLOGY } from '../../simulator/scanner.js';
import { EmrtdError } from '../../drivers/emrtd/errors.js';
import { parseCom } from '../../drivers/emrtd/lds/com.js';
import { parseDg1 } from '../../drivers/emrtd/lds/dg1.js';
import { parseDg13 } from '../../drivers/emrtd/lds/dg13.js';
import { parseDg14 } from '../../drivers/emrtd/lds/dg14.js';
import { parseDg15 } from '../../drivers/emrtd/lds/dg15.js';
import { encodeDg2, parseDg2 } from '../../drivers/emrtd/lds/dg2.js';
import { parseSod } from '../../drivers/emrtd/lds/sod.js';
import { SecureMessaging } from '../../drivers/emrtd/protocol/secure-messaging.js';
import { parseSecurityInfos } from '../../drivers/emrtd/lds/security-infos.js';
import { readTlvs } from '../../drivers/emrtd/tlv.js';
import { createVirtualCard } from '../../simulator/card.js';
import { createTestPki } from '../../simulator/pki.js';
import { rewriteForCpu } from '../../models/cpu-rewrites.js';
import { bottleneckModel } from '../../models/test/onnx-fixtures.js';
import { registryFuzzTargets } from './registry-targets.js';

export interface FuzzTarget {
  name: string;
  /** Valid inputs to mutate. */
  seeds: Uint8Array[];
  /** Runs the parser; returns (or resolves) normally or throws (rejects). */
  run(input: Uint8Array): unknown;
  /** The errors the parser is allowed to throw. */
  typed(err: unknown): boolean;
  /** JSON values to mutate by structure as well (a field replaced by another JSON value, or dropped), for the JSON-reading targets. */
  jsonSeeds?: unknown[];
  /** Runs per target are multiplied by this (default 1): the barcode targets get more, for the ≥100,000 cases of issue #6. */
  weight?: number;
}

const emrtd = (err: unknown) => err instanceof EmrtdError;

/** Random bytes, or a valid sample with byte flips, insertions, deletions, truncation or splices. */
export function inputs(seeds: Uint8Array[]): fc.Arbitrary<Uint8Array> {
  const random = fc.uint8Array({ maxLength: 600 });
  if (seeds.length === 0) return random;
  const edit = fc.oneof(
    fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bits: fc.integer({ min: 1, max: 255 }) }),
    fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: fc.constantFrom(0x00, 0x7f, 0x80, 0x81, 0x82, 0x83, 0x84, 0xff) }),
    fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
    fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), count: fc.integer({ min: 1, max: 16 }) }),
    fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  );
  const mutated = fc.tuple(fc.constantFrom(...seeds), fc.array(edit, { minLength: 1, maxLength: 4 })).map(([seed, edits]) => {
    let b = Array.from(seed);
    for (const e of edits) {
      const at = b.length ? e.at % b.length : 0;
      if (e.kind === 'flip' && b.length) b[at] = b[at]! ^ e.bits;
      else if (e.kind === 'set' && b.length) b[at] = e.value;
      else if (e.kind === 'insert') b.splice(at, 0, ...e.bytes);
      else if (e.kind === 'delete') b.splice(at, e.count);
      else if (e.kind === 'truncate') b = b.slice(0, at);
    }
    return Uint8Array.from(b);
  });
  return fc.oneof({ weight: 1, arbitrary: random }, { weight: 4, arbitrary: mutated });
}

/** A JSON seed with one to three fields (found by a random walk) replaced by another JSON value, an edge number or string, or dropped. */
export function jsonInputs(seeds: unknown[]): fc.Arbitrary<Uint8Array> {
  const replacement = fc.oneof(
    fc.constant(undefined),
    fc.jsonValue({ maxDepth: 3 }),
    fc.constantFrom(-1, 0, 2 ** 53, -(2 ** 63), 1e308, 0.5, '', 'x'.repeat(300), '\u0000', [], {}, null, true),
  );
  return fc
    .tuple(fc.constantFrom(...seeds), fc.array(fc.tuple(fc.array(fc.nat(), { maxLength: 6 }), replacement), { minLength: 1, maxLength: 3 }))
    .map(([seed, edits]) => {
      let v = structuredClone(seed);
      for (const [path, value] of edits) v = replaceAt(v, path, value);
      return new TextEncoder().encode(JSON.stringify(v) ?? '');
    });
}

function replaceAt(v: unknown, path: number[], value: unknown): unknown {
  if (path.length === 0 || v === null || typeof v !== 'object') return value;
  const keys = Object.keys(v);
  if (keys.length === 0) return value;
  const k = keys[path[0]! % keys.length]!;
  const o = v as Record<string, unknown>;
  const next = replaceAt(o[k], path.slice(1), value);
  if (next === undefined && !Array.isArray(o)) delete o[k];
  else o[k] = next ?? null;
  return v;
}

export async function fuzzTargets(): Promise<FuzzTarget[]> {
  const pki = await createTestPki();
  const card = await createVirtualCard({ pki, seed: 'fuzz', index: 0, activeAuthentication: 'rsa' });
  const ecCard = await createVirtualCard({ pki, seed: 'fuzz', index: 1, activeAuthentication: 'ecdsa' });
  const f = card.chip.files;
  const smKeys = { alg: '3DES' as const, ksEnc: new Uint8Array(16).fill(1), ksMac: new Uint8Array(16).fill(2), ssc: new Uint8Array(8) };
  const smResponder = new SecureMessaging(smKeys);
  const smSeeds = [
    smResponder.protectResponse(0xb0, f.get('DG1')!.subarray(0, 40), 0x9000),
    smResponder.protectResponse(0xa4, new Uint8Array(0), 0x9000),
    smResponder.protectResponse(0xb1, Uint8Array.of(0x53, 2, 1, 2), 0x6282),
  ];
  const chip = card.chip;
  const qr = new TextEncoder().encode(card.citizen.qr);
  const pass = new TextEncoder().encode(
    'M1DESMARAIS/LUC       EABC123 YULFRAAC 0834 326J001A0025 13E>60B0WW6327BVN 2A7382123456789' +
      '00VN VN 9876543210       20KNABC^108SIGNATUR',
  );
  return [
    { name: 'TLV', seeds: [f.get('DG13')!, f.get('COM')!, f.get('DG14')!], run: (b) => readTlvs(b), typed: emrtd },
    {
      name: 'SecurityInfos (EF.CardAccess)',
      seeds: [f.get('CardAccess')!, f.get('DG14')!.subarray(2)],
      run: (b) => parseSecurityInfos(b),
      typed: emrtd,
    },
    { name: 'EF.COM', seeds: [f.get('COM')!], run: (b) => parseCom(b), typed: emrtd },
    { name: 'DG1', seeds: [f.get('DG1')!], run: (b) => parseDg1(b), typed: emrtd },
    {
      name: 'DG2',
      seeds: [
        encodeDg2({
          format: 'jpeg',
          width: 8,
          height: 8,
          bytes: Uint8Array.of(0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1, 0xff, 0xd9),
        }),
        encodeDg2({
          format: 'jpeg2000',
          width: 8,
          height: 8,
          bytes: Uint8Array.of(0, 0, 0, 12, 0x6a, 0x50, 0x20, 0x20, 0x0d, 0x0a, 0x87, 0x0a, 0, 0),
        }),
      ],
      run: (b) => parseDg2(b),
      typed: emrtd,
    },
    { name: 'DG13', seeds: [f.get('DG13')!], run: (b) => parseDg13(b), typed: emrtd },
    { name: 'DG14', seeds: [f.get('DG14')!, ecCard.chip.files.get('DG14')!], run: (b) => parseDg14(b), typed: emrtd },
    { name: 'DG15', seeds: [f.get('DG15')!, ecCard.chip.files.get('DG15')!], run: (b) => parseDg15(b), typed: emrtd },
    { name: 'EF.SOD (CMS)', seeds: [f.get('SOD')!], run: (b) => parseSod(b), typed: emrtd },
    {
      name: 'SM response (terminal)',
      seeds: smSeeds,
      run: (b) => {
        const sm = new SecureMessaging(smKeys);
        return sm.unprotectResponse(parseResponse(Uint8Array.of(...b, 0x90, 0x00)));
      },
      typed: emrtd,
    },
    {
      name: 'command APDU (chip side)',
      seeds: [
        Uint8Array.of(0x0c, 0xb0, 0, 0, 0x0d, 0x97, 1, 4, 0x8e, 8, 1, 2, 3, 4, 5, 6, 7, 8, 0),
        Uint8Array.of(0, 0x86, 0, 0, 2, 0x7c, 0, 0),
      ],
      run: (b) => parseCommand(b),
      typed: emrtd,
    },
    {
      name: 'virtual chip (any APDU, never throws)',
      seeds: [
        Uint8Array.of(0, 0xa4, 4, 0x0c, 7, 0xa0, 0, 0, 2, 0x47, 0x10, 1),
        Uint8Array.of(0, 0x22, 0xc1, 0xa4, 0x0f, 0x80, 0x0a, 4, 0, 0x7f, 0, 7, 2, 2, 4, 2, 2, 0x83, 1, 1),
        Uint8Array.of(0x10, 0x86, 0, 0, 2, 0x7c, 0, 0),
        Uint8Array.of(0, 0xb0, 0x9c, 0, 0),
      ],
      run: (b) => {
        const r = chip.process(b);
        if (r.length < 2) throw new Error('the chip answered without a status word');
        return r;
      },
      typed: () => false,
    },
    {
      name: 'ONNX CPU rewrites (a dropped-in model; never throws)',
      seeds: [bottleneckModel({ channels: 5 }), bottleneckModel({ channels: 16, sharedSlope: true })],
      run: (b) => rewriteForCpu(b),
      typed: () => false,
    },
    {
      name: 'CCCD QR',
      seeds: [qr],
      run: (b) => parseCccdQr(new TextDecoder().decode(b)),
      typed: (e) => e instanceof CccdQrError,
      weight: 2,
    },
    {
      name: 'IATA boarding pass (BCBP)',
      seeds: [pass],
      run: (b) => parseBcbp(new TextDecoder('latin1').decode(b)),
      typed: (e) => e instanceof BcbpError,
      weight: 3,
    },
    {
      name: 'scanned payload detection',
      seeds: [pass, qr],
      run: (b) => parsePayload(new TextDecoder().decode(b)),
      typed: (e) => e instanceof BcbpError || e instanceof CccdQrError,
      weight: 2,
    },
    {
      name: 'HID POS reports (decoder never throws)',
      seeds: [concat(hidPosReports(pass, SYMBOLOGY.pdf417)), concat(hidPosReports(qr, SYMBOLOGY.qr))],
      run: (b) => feedReports(new HidPosDecoder(), b, 64),
      typed: () => false,
      weight: 2,
    },
    {
      name: 'keyboard-wedge reports (decoder never throws)',
      seeds: [concat(keyboardReports('M1NGUYEN/VAN AN'))],
      run: (b) => feedReports(new KeyboardWedgeDecoder(), b, 8),
      typed: () => false,
    },
    {
      name: 'name matching chip vs pass (never throws)',
      seeds: [new TextEncoder().encode('Nguyễn Thị Thanh Hương\0NGUYEN/THI THANH HUO')],
      run: (b) => {
        const [chip = '', passName = ''] = new TextDecoder().decode(b).split('\0');
        return matchPassName(chip, passName);
      },
      typed: () => false,
    },
    ...registryFuzzTargets(),
  ];
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Cuts the input into reports of the usual size (a byte ≥ 0xF0 at a report start makes that report shorter), fed 7 ms apart. */
function feedReports(d: ReportDecoder, b: Uint8Array, size: number): DecoderEvent[] {
  const out: DecoderEvent[] = [];
  let t = 0;
  for (let at = 0; at < b.length;) {
    const n = b[at]! >= 0xf0 ? 1 + (b[at]! & 0x0f) : size;
    out.push(...d.push(b.subarray(at, at + n), (t += 7)));
    at += n;
  }
  out.push(...d.expire(t + 10_000));
  return out;
}
