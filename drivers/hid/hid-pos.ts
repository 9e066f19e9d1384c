// HID Point-of-Sale bar code scanner reports (usage page 0x8C): each input report carries a
// count of data bytes, the AIM symbology identifier, up to a fixed number of decoded-data
// bytes, and a "decoded data continued" flag when the scan spills into the next report.
// Vendors place these at different offsets, so the layout is configuration; the default is
// documented in docs/BARCODE.md and is what the virtual scanner sends.
import { hex, makeScan, MAX_SCAN_BYTES, type DecoderEvent, type ReportDecoder } from './scan.js';

export interface HidPosLayout {
  /** First byte of every report (node-hid includes it on numbered reports); null when the device does not number its reports. */
  reportId: number | null;
  /** Total report size in bytes, report ID included. */
  size: number;
  /** Offset of the byte that counts the valid data bytes in this report. */
  lengthAt: number;
  /** Offset and width of the AIM symbology identifier (ASCII; all zero bytes = none). */
  symbologyAt: number;
  symbologyLength: number;
  /** Offset of the decoded data, and how many bytes a report can carry. */
  dataAt: number;
  dataCapacity: number;
  /** Offset and bit mask of the "decoded data continued" flag. */
  continuedAt: number;
  continuedMask: number;
}

export const DEFAULT_HID_POS_LAYOUT: HidPosLayout = {
  reportId: 0x02,
  size: 64,
  lengthAt: 1,
  symbologyAt: 2,
  symbologyLength: 3,
  dataAt: 5,
  dataCapacity: 56,
  continuedAt: 63,
  continuedMask: 0x01,
};

/** Checks that a layout's fields fit in its report and do not overlap; returns the problem in words, or null. */
export function layoutProblem(l: HidPosLayout): string | null {
  const spans: [string, number, number][] = [
    ['length', l.lengthAt, 1],
    ['symbology', l.symbologyAt, l.symbologyLength],
    ['data', l.dataAt, l.dataCapacity],
    ['continued flag', l.continuedAt, 1],
  ];
  if (l.reportId !== null) spans.push(['report id', 0, 1]);
  for (const [name, at, n] of spans)
    if (at < 0 || n < 0 || at + n > l.size) return `the ${name} field (${at}+${n}) does not fit in a ${l.size}-byte report`;
  for (let i = 0; i < spans.length; i++)
    for (let j = i + 1; j < spans.length; j++) {
      const [a, ai, an] = spans[i]!;
      const [b, bi, bn] = spans[j]!;
      if (an > 0 && bn > 0 && ai < bi + bn && bi < ai + an) return `the ${a} and ${b} fields overlap`;
    }
  if (l.dataCapacity < 1 || l.dataCapacity > 255) return 'the data capacity must be 1-255 bytes';
  if (l.continuedMask < 1 || l.continuedMask > 255) return 'the continued-flag mask must be one byte, not zero';
  return null;
}

interface Partial {
  symbology: string | null;
  chunks: Uint8Array[];
  bytes: number;
  reports: number;
  last: number;
}

export class HidPosDecoder implements ReportDecoder {
  private partial: Partial | null = null;

  constructor(
    private readonly layout: HidPosLayout = DEFAULT_HID_POS_LAYOUT,
    /** A scan whose next report does not come within this many ms is dropped as incomplete. */
    private readonly gapMs = 300,
  ) {
    const problem = layoutProblem(layout);
    if (problem) throw new RangeError(`HID POS layout: ${problem}`);
  }

  get pending(): boolean {
    return this.partial !== null;
  }

  push(report: Uint8Array, at: number): DecoderEvent[] {
    const out: DecoderEvent[] = this.expire(at);
    const l = this.layout;
    if (l.reportId !== null && report[0] !== l.reportId) {
      // Other report IDs (status, feature echoes) are not scans; they do not break a scan in progress.
      return [
        ...out,
        {
          kind: 'dropped',
          reason: `report id ${report.length ? hex(report[0]!) : '(empty report)'} is not the scanner's data report ${hex(l.reportId)}`,
        },
      ];
    }
    if (report.length < l.size) {
      return [
        ...out,
        ...this.abandon('a short report arrived'),
        { kind: 'dropped', reason: `report of ${report.length} bytes, the layout needs ${l.size}` },
      ];
    }
    const length = report[l.lengthAt]!;
    if (length > l.dataCapacity) {
      return [
        ...out,
        ...this.abandon('a corrupt report arrived'),
        { kind: 'dropped', reason: `report claims ${length} data bytes, at most ${l.dataCapacity} fit` },
      ];
    }
    const symBytes = report.subarray(l.symbologyAt, l.symbologyAt + l.symbologyLength);
    let symbology: string | null = null;
    if (symBytes.some((b) => b !== 0)) {
      if (!symBytes.every((b) => b >= 0x20 && b < 0x7f)) {
        return [
          ...out,
          ...this.abandon('a corrupt report arrived'),
          { kind: 'dropped', reason: 'symbology identifier is not printable ASCII' },
        ];
      }
      symbology = String.fromCharCode(...symBytes);
    }
    const continued = (report[l.continuedAt]! & l.continuedMask) !== 0;
    const data = report.slice(l.dataAt, l.dataAt + length);

    if (this.partial && this.partial.symbology !== symbology) {
      out.push(...this.abandon(`a report of another symbology (${symbology ?? 'none'}) interleaved`));
    }
    if (!this.partial) {
      if (length === 0 && !continued) return [...out, { kind: 'dropped', reason: 'empty scan (no data bytes)' }];
      this.partial = { symbology, chunks: [], bytes: 0, reports: 0, last: at };
    }
    const p = this.partial;
    p.chunks.push(data);
    p.bytes += data.length;
    p.reports += 1;
    p.last = at;
    if (p.bytes > MAX_SCAN_BYTES) return [...out, ...this.abandon(`the scan passed ${MAX_SCAN_BYTES} bytes`)];
    if (continued) return out;
    this.partial = null;
    const bytes = new Uint8Array(p.bytes);
    let o = 0;
    for (const c of p.chunks) {
      bytes.set(c, o);
      o += c.length;
    }
    return [...out, { kind: 'scan', scan: makeScan(symbology, bytes, p.reports) }];
  }

  expire(at: number): DecoderEvent[] {
    if (this.partial && at - this.partial.last > this.gapMs) return this.abandon(`no further report within ${this.gapMs} ms`);
    return [];
  }

  private abandon(why: string): DecoderEvent[] {
    const p = this.partial;
    if (!p) return [];
    this.partial = null;
    return [{ kind: 'dropped', reason: `incomplete scan of ${p.bytes} bytes over ${p.reports} report(s) dropped: ${why}` }];
  }
}
