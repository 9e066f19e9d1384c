// HID POS reports written byte by byte from the default layout (not by the virtual scanner).
import { describe, expect, it } from 'vitest';
import { DEFAULT_HID_POS_LAYOUT, HidPosDecoder, layoutProblem } from '../hid-pos.js';

function report(data: string | Uint8Array, opts: { sym?: string; continued?: boolean; id?: number; length?: number } = {}): Uint8Array {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  const r = new Uint8Array(64);
  r[0] = opts.id ?? 0x02;
  r[1] = opts.length ?? bytes.length;
  r.set(new TextEncoder().encode(opts.sym ?? ']Q1'), 2);
  r.set(bytes, 5);
  if (opts.continued) r[63] = 0x01;
  return r;
}

describe('HID POS decoder', () => {
  it('decodes a one-report scan with its symbology', () => {
    const [e] = new HidPosDecoder().push(report('0010012345'), 0);
    expect(e).toMatchObject({ kind: 'scan', scan: { symbology: ']Q1', text: '0010012345', encoding: 'utf-8', reports: 1 } });
  });

  it('joins a scan spread over several reports, Vietnamese UTF-8 split mid-character included', () => {
    const text = '001099012345||Nguyễn Văn An|01011990|Nam|Số 1, Phường Bến Nghé, Hồ Chí Minh|01012021';
    const bytes = new TextEncoder().encode(text);
    const d = new HidPosDecoder();
    const events = [];
    for (let at = 0, i = 0; at < bytes.length; at += 56, i++)
      events.push(...d.push(report(bytes.subarray(at, at + 56), { continued: at + 56 < bytes.length }), i * 5));
    expect(events).toEqual([{ kind: 'scan', scan: expect.objectContaining({ text, reports: Math.ceil(bytes.length / 56) }) }]);
  });

  it('falls back to ISO-8859-1 when the bytes are not UTF-8', () => {
    const [e] = new HidPosDecoder().push(report(Uint8Array.of(0x4e, 0xe9)), 0);
    expect(e).toMatchObject({ kind: 'scan', scan: { text: 'Né', encoding: 'latin1' } });
  });

  it('drops a scan whose last report never comes (after the gap)', () => {
    const d = new HidPosDecoder(DEFAULT_HID_POS_LAYOUT, 300);
    expect(d.push(report('abc', { continued: true }), 0)).toEqual([]);
    expect(d.pending).toBe(true);
    expect(d.expire(200)).toEqual([]);
    expect(d.expire(400)).toEqual([
      { kind: 'dropped', reason: expect.stringMatching(/incomplete scan of 3 bytes.*no further report within 300 ms/) },
    ]);
    expect(d.pending).toBe(false);
  });

  it('drops a half scan when another symbology interleaves, and keeps the new scan', () => {
    const d = new HidPosDecoder();
    d.push(report('first', { continued: true }), 0);
    const events = d.push(report('other', { sym: ']L2' }), 10);
    expect(events.map((e) => e.kind)).toEqual(['dropped', 'scan']);
    expect(events[0]).toMatchObject({ reason: expect.stringMatching(/another symbology/) });
    expect(events[1]).toMatchObject({ scan: { text: 'other', symbology: ']L2' } });
  });

  it.each([
    ['another report id', report('x', { id: 0x05 }), /report id 0x05/],
    ['a short report', report('x').subarray(0, 20), /20 bytes/],
    ['a length past the capacity', report('x', { length: 57 }), /57 data bytes/],
    ['an empty scan', report(''), /empty scan/],
    [
      'a non-printable symbology',
      (() => {
        const r = report('x');
        r[2] = 0x07;
        return r;
      })(),
      /symbology/,
    ],
    ['an empty report', new Uint8Array(0), /empty report/],
  ])('drops %s with a reason', (_, r, reason) => {
    const events = new HidPosDecoder().push(r, 0);
    expect(events).toEqual([{ kind: 'dropped', reason: expect.stringMatching(reason) }]);
  });

  it('keeps a scan in progress across a report of another id (status reports are not data)', () => {
    const d = new HidPosDecoder();
    d.push(report('ab', { continued: true }), 0);
    expect(d.push(report('?', { id: 0x04 }), 1)[0]).toMatchObject({ kind: 'dropped' });
    expect(d.push(report('cd'), 2)).toEqual([{ kind: 'scan', scan: expect.objectContaining({ text: 'abcd', reports: 2 }) }]);
  });

  it('drops a scan that grows past the size bound', () => {
    const d = new HidPosDecoder();
    const events = [];
    for (let i = 0; i < 200; i++) events.push(...d.push(report('x'.repeat(56), { continued: true }), i));
    expect(events.filter((e) => e.kind === 'dropped')).toHaveLength(1);
    expect(events[0]).toMatchObject({ reason: expect.stringMatching(/passed 8192 bytes/) });
  });

  it('reads a scanner without symbology bytes and without report ids (layout from config)', () => {
    const d = new HidPosDecoder({
      reportId: null,
      size: 32,
      lengthAt: 0,
      symbologyAt: 1,
      symbologyLength: 0,
      dataAt: 1,
      dataCapacity: 30,
      continuedAt: 31,
      continuedMask: 0x80,
    });
    const r = new Uint8Array(32);
    r[0] = 3;
    r.set([0x41, 0x42, 0x43], 1);
    expect(d.push(r, 0)).toEqual([{ kind: 'scan', scan: expect.objectContaining({ text: 'ABC', symbology: null }) }]);
  });

  it('refuses a layout whose fields overlap or do not fit', () => {
    expect(layoutProblem(DEFAULT_HID_POS_LAYOUT)).toBeNull();
    expect(layoutProblem({ ...DEFAULT_HID_POS_LAYOUT, dataCapacity: 60 })).toMatch(/overlap|fit/);
    expect(() => new HidPosDecoder({ ...DEFAULT_HID_POS_LAYOUT, size: 32 })).toThrow(/does not fit/);
  });
});
