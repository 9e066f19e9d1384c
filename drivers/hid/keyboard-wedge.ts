// Keyboard-wedge scanners: the scanner types the barcode as a USB keyboard (boot keyboard
// reports: modifiers, reserved, six key usages), ending with a terminator key. We read the
// reports ourselves (not OS keystrokes), so the kiosk's focus does not matter. US layout,
// printable ASCII only: a wedge cannot carry Vietnamese text; use HID POS mode for that.
import { hex, makeScan, MAX_SCAN_BYTES, type DecoderEvent, type ReportDecoder } from './scan.js';

export type WedgeTerminator = 'enter' | 'tab' | null;

export interface KeyboardWedgeOptions {
  /** First byte of every report, or null for the plain 8-byte boot report. */
  reportId: number | null;
  /** The key that ends a scan; null = a scan ends when the keys stop for `gapMs`. */
  terminator: WedgeTerminator;
  gapMs: number;
}

export const DEFAULT_WEDGE_OPTIONS: KeyboardWedgeOptions = { reportId: null, terminator: 'enter', gapMs: 150 };

const LSHIFT = 0x02;
const RSHIFT = 0x20;
const ENTER = [0x28, 0x58];
const TAB = 0x2b;

/** HID keyboard usage → [unshifted, shifted] on a US layout. */
const KEYS = new Map<number, [string, string]>();
for (let i = 0; i < 26; i++) KEYS.set(0x04 + i, [String.fromCharCode(0x61 + i), String.fromCharCode(0x41 + i)]);
'1234567890'.split('').forEach((d, i) => KEYS.set(0x1e + i, [d, '!@#$%^&*()'[i]!]));
const PUNCT: [number, string, string][] = [
  [0x2c, ' ', ' '],
  [0x2d, '-', '_'],
  [0x2e, '=', '+'],
  [0x2f, '[', '{'],
  [0x30, ']', '}'],
  [0x31, '\\', '|'],
  [0x33, ';', ':'],
  [0x34, "'", '"'],
  [0x35, '`', '~'],
  [0x36, ',', '<'],
  [0x37, '.', '>'],
  [0x38, '/', '?'],
  [0x54, '/', '/'],
  [0x55, '*', '*'],
  [0x56, '-', '-'],
  [0x57, '+', '+'],
  [0x63, '.', '.'],
];
for (const [u, a, b] of PUNCT) KEYS.set(u, [a, b]);
'1234567890'.split('').forEach((d, i) => KEYS.set(0x59 + i, [d, d]));

/** Exposed for the virtual scanner: the key and shift state that type `ch`, or null. */
export function keyFor(ch: string): { usage: number; shift: boolean } | null {
  for (const [usage, [plain, shifted]] of KEYS) {
    if (usage >= 0x54) continue; // prefer the main block over the keypad
    if (plain === ch) return { usage, shift: false };
    if (shifted === ch) return { usage, shift: true };
  }
  return null;
}

export class KeyboardWedgeDecoder implements ReportDecoder {
  private chars: string[] = [];
  private last = 0;
  private held = new Set<number>();
  /** After a bad key, the rest of that scan is ignored up to its terminator or a gap. */
  private discarding = false;
  private reports = 0;

  constructor(private readonly opts: KeyboardWedgeOptions = DEFAULT_WEDGE_OPTIONS) {}

  get pending(): boolean {
    return this.chars.length > 0 || this.discarding;
  }

  push(report: Uint8Array, at: number): DecoderEvent[] {
    const out = this.expire(at);
    const o = this.opts.reportId === null ? 0 : 1;
    if (this.opts.reportId !== null && report[0] !== this.opts.reportId) {
      return [
        ...out,
        {
          kind: 'dropped',
          reason: `report id ${report.length ? hex(report[0]!) : '(empty report)'} is not the keyboard report ${hex(this.opts.reportId)}`,
        },
      ];
    }
    if (report.length < o + 8)
      return [
        ...out,
        ...this.abandon('a short report arrived'),
        { kind: 'dropped', reason: `keyboard report of ${report.length} bytes, needs ${o + 8}` },
      ];
    const modifiers = report[o]!;
    const keys = [...report.subarray(o + 2, o + 8)].filter((k) => k !== 0);
    if (keys.some((k) => k <= 0x03)) {
      this.held = new Set();
      return [...out, ...this.abandon('the keyboard reported a rollover error')];
    }
    const fresh = keys.filter((k) => !this.held.has(k));
    this.held = new Set(keys);
    if (fresh.length) this.last = at;
    if (this.chars.length || fresh.length) this.reports++;
    for (const k of fresh) {
      if ((this.opts.terminator === 'enter' && ENTER.includes(k)) || (this.opts.terminator === 'tab' && k === TAB)) {
        out.push(...this.finish());
        continue;
      }
      if (this.discarding) continue;
      const pair = KEYS.get(k);
      if ((modifiers & ~(LSHIFT | RSHIFT)) !== 0) {
        out.push(...this.abandon(`a key came with Ctrl, Alt or GUI held (modifiers ${hex(modifiers)})`));
        this.discarding = true;
      } else if (!pair) {
        out.push(...this.abandon(`key usage ${hex(k)} has no character`));
        this.discarding = true;
      } else {
        this.chars.push(pair[modifiers & (LSHIFT | RSHIFT) ? 1 : 0]);
        if (this.chars.length > MAX_SCAN_BYTES) {
          out.push(...this.abandon(`the scan passed ${MAX_SCAN_BYTES} characters`));
          this.discarding = true;
        }
      }
    }
    return out;
  }

  expire(at: number): DecoderEvent[] {
    if (!this.pending || at - this.last <= this.opts.gapMs) return [];
    if (this.opts.terminator === null && !this.discarding) return this.finish();
    const was = this.discarding;
    this.discarding = false;
    return was && this.chars.length === 0 ? [] : this.abandon(`no terminator within ${this.opts.gapMs} ms of the last key`);
  }

  private finish(): DecoderEvent[] {
    if (this.discarding) {
      this.discarding = false;
      this.chars = [];
      this.reports = 0;
      return [];
    }
    if (this.chars.length === 0) return [{ kind: 'dropped', reason: 'empty scan (terminator alone)' }];
    const text = this.chars.join('');
    const reports = this.reports;
    this.chars = [];
    this.reports = 0;
    return [{ kind: 'scan', scan: makeScan(null, new TextEncoder().encode(text), reports) }];
  }

  private abandon(why: string): DecoderEvent[] {
    if (this.chars.length === 0) return [];
    const n = this.chars.length;
    this.chars = [];
    this.reports = 0;
    return [{ kind: 'dropped', reason: `incomplete scan of ${n} characters dropped: ${why}` }];
  }
}
