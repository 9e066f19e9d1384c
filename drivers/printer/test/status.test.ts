import { describe, expect, it } from 'vitest';
import { parseOfflineByte, parsePaperByte, parsePrinterByte, parseStatusReply, StatusParseError, statusBytesFor } from '../status.js';

const OK = 0x12;

describe('DLE EOT status parser', () => {
  it('reads every bit of each reply kind', () => {
    // Only the variable bits change; the fixed ones stay 0x12.
    for (let v = 0; v < 256; v++) {
      if ((v & 0x93) !== OK) continue;
      expect(parsePrinterByte(v)).toEqual({ offline: (v & 0x08) !== 0 });
      expect(parseOfflineByte(v)).toEqual({
        coverOpen: (v & 0x04) !== 0,
        feedButton: (v & 0x08) !== 0,
        paperEndStop: (v & 0x20) !== 0,
        error: (v & 0x40) !== 0,
      });
      expect(parsePaperByte(v)).toEqual({ nearEnd: (v & 0x0c) !== 0, end: (v & 0x60) !== 0 });
    }
  });

  it('refuses every byte whose fixed bits are wrong, with a typed error', () => {
    let refused = 0;
    for (let v = 0; v < 256; v++) {
      if ((v & 0x93) === OK) continue;
      refused++;
      expect(() => parsePrinterByte(v)).toThrow(StatusParseError);
      expect(() => parseStatusReply(Uint8Array.of(OK, OK, v))).toThrow(StatusParseError);
    }
    expect(refused).toBe(256 - 16);
  });

  it('refuses a reply of the wrong length', () => {
    expect(() => parseStatusReply(new Uint8Array(0))).toThrow(StatusParseError);
    expect(() => parseStatusReply(Uint8Array.of(OK, OK))).toThrow(/expected 3 status bytes, got 2/);
    expect(() => parseStatusReply(Uint8Array.of(OK, OK, OK, OK))).toThrow(StatusParseError);
  });

  it('names one state, the worst first', () => {
    const state = (a: number, b: number, c: number) => parseStatusReply(Uint8Array.of(a, b, c)).state;
    expect(state(OK, OK, OK)).toBe('ready');
    expect(state(OK, OK, OK | 0x0c)).toBe('paper-low');
    expect(state(OK, OK, OK | 0x04)).toBe('paper-low');
    expect(state(OK | 0x08, OK, OK | 0x60)).toBe('paper-out');
    expect(state(OK | 0x08, OK | 0x20, OK)).toBe('paper-out');
    expect(state(OK | 0x08, OK | 0x04, OK)).toBe('cover-open');
    expect(state(OK | 0x08, OK | 0x24, OK | 0x60)).toBe('paper-out');
    expect(state(OK | 0x08, OK | 0x40, OK)).toBe('error');
    expect(state(OK | 0x08, OK, OK)).toBe('offline');
    expect(parseStatusReply(Uint8Array.of(OK | 0x08, OK | 0x08, OK)).detail).toMatch(/FEED/);
  });

  it('the bytes the virtual printer sends for a state read back as that state', () => {
    for (const s of ['ready', 'paper-out', 'paper-low', 'cover-open', 'error'] as const)
      expect(parseStatusReply(Uint8Array.from(statusBytesFor(s))).state).toBe(s);
  });
});
