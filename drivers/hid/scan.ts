// What a scanner decoder produces: whole scans, or a report (or a half-built scan) dropped
// with the reason in words, for the log.

export interface Scan {
  /** AIM symbology identifier (e.g. "]Q1" QR Code, "]L2" PDF417), when the scanner sends one. */
  symbology: string | null;
  bytes: Uint8Array;
  /** The bytes as UTF-8 when they are valid UTF-8, else as ISO-8859-1 (what older scanners send). */
  text: string;
  encoding: 'utf-8' | 'latin1';
  /** How many HID reports carried it. */
  reports: number;
}

export type DecoderEvent = { kind: 'scan'; scan: Scan } | { kind: 'dropped'; reason: string };

/** A decoder turns raw HID reports, in arrival order, into scans. `at` is a monotonic time in ms. */
export interface ReportDecoder {
  push(report: Uint8Array, at: number): DecoderEvent[];
  /** Drops a scan left unfinished for longer than the decoder's gap; call it on a timer. */
  expire(at: number): DecoderEvent[];
  /** True while a scan is half built (the caller then schedules `expire`). */
  readonly pending: boolean;
}

/** Longest scan kept: a two-leg boarding pass with security data is about 500 bytes. */
export const MAX_SCAN_BYTES = 8192;

const utf8 = new TextDecoder('utf-8', { fatal: true });
const latin1 = new TextDecoder('latin1');

export function makeScan(symbology: string | null, bytes: Uint8Array, reports: number): Scan {
  try {
    return { symbology, bytes, text: utf8.decode(bytes), encoding: 'utf-8', reports };
  } catch {
    return { symbology, bytes, text: latin1.decode(bytes), encoding: 'latin1', reports };
  }
}

export const hex = (n: number) => `0x${n.toString(16).padStart(2, '0')}`;
