// Keyboard-wedge reports written from the HID boot keyboard format: modifiers, reserved, six keys.
import { describe, expect, it } from 'vitest';
import { KeyboardWedgeDecoder } from '../keyboard-wedge.js';

const key = (usage: number, mods = 0) => Uint8Array.of(mods, 0, usage, 0, 0, 0, 0, 0);
const up = () => new Uint8Array(8);
const SHIFT = 0x02;
/** "M1" + Enter: M = 0x10 with shift, 1 = 0x1E. */
const M1_ENTER = [key(0x10, SHIFT), up(), key(0x1e), up(), key(0x28), up()];

function feed(d: KeyboardWedgeDecoder, reports: Uint8Array[], start = 0, step = 2) {
  return reports.flatMap((r, i) => d.push(r, start + i * step));
}

describe('keyboard-wedge decoder', () => {
  it('types characters with shift and ends at Enter', () => {
    expect(feed(new KeyboardWedgeDecoder(), M1_ENTER)).toEqual([
      { kind: 'scan', scan: expect.objectContaining({ text: 'M1', symbology: null }) },
    ]);
  });

  it('types a repeated character only after its release, and several keys in one report in order', () => {
    const d = new KeyboardWedgeDecoder();
    const events = feed(d, [key(0x04), key(0x04), up(), key(0x04), Uint8Array.of(0, 0, 0x04, 0x05, 0x06, 0, 0, 0), up(), key(0x28)]);
    expect(events).toEqual([{ kind: 'scan', scan: expect.objectContaining({ text: 'aabc' }) }]);
  });

  it('ends at Tab when configured so, and at a pause when the scanner sends no terminator', () => {
    expect(
      feed(new KeyboardWedgeDecoder({ reportId: null, terminator: 'tab', gapMs: 150 }), [key(0x1e), up(), key(0x2b), up()]),
    ).toMatchObject([{ scan: { text: '1' } }]);
    const d = new KeyboardWedgeDecoder({ reportId: null, terminator: null, gapMs: 150 });
    feed(d, [key(0x1e), up(), key(0x1f), up()]);
    expect(d.expire(100)).toEqual([]);
    expect(d.expire(500)).toMatchObject([{ kind: 'scan', scan: { text: '12' } }]);
  });

  it('drops a scan without its terminator after the gap', () => {
    const d = new KeyboardWedgeDecoder();
    feed(d, [key(0x1e), up()]);
    expect(d.expire(1000)).toEqual([{ kind: 'dropped', reason: expect.stringMatching(/1 characters dropped: no terminator/) }]);
  });

  it('drops the whole scan on a key with no character, then reads the next scan', () => {
    const d = new KeyboardWedgeDecoder();
    const events = feed(d, [key(0x1e), up(), key(0x3a), up(), key(0x1f), up(), key(0x28), up(), ...M1_ENTER]);
    expect(events).toEqual([
      { kind: 'dropped', reason: expect.stringMatching(/key usage 0x3a has no character/) },
      { kind: 'scan', scan: expect.objectContaining({ text: 'M1' }) },
    ]);
  });

  it('drops on Ctrl-held keys, rollover errors, short reports, and a lone terminator', () => {
    expect(feed(new KeyboardWedgeDecoder(), [key(0x1e), key(0x04, 0x01)])[0]).toMatchObject({ reason: expect.stringMatching(/Ctrl/) });
    expect(feed(new KeyboardWedgeDecoder(), [key(0x1e), Uint8Array.of(0, 0, 1, 1, 1, 1, 1, 1)])[0]).toMatchObject({
      reason: expect.stringMatching(/rollover/),
    });
    expect(new KeyboardWedgeDecoder().push(Uint8Array.of(0, 0, 4), 0)[0]).toMatchObject({ reason: expect.stringMatching(/3 bytes/) });
    expect(feed(new KeyboardWedgeDecoder(), [key(0x28)])[0]).toMatchObject({ reason: expect.stringMatching(/empty scan/) });
  });

  it('reads reports with a report id when configured', () => {
    const d = new KeyboardWedgeDecoder({ reportId: 1, terminator: 'enter', gapMs: 150 });
    const events = feed(
      d,
      M1_ENTER.map((r) => Uint8Array.of(1, ...r)),
    );
    expect(events).toMatchObject([{ scan: { text: 'M1' } }]);
    expect(d.push(Uint8Array.of(2, ...key(4)), 100)[0]).toMatchObject({ reason: expect.stringMatching(/report id 0x02/) });
  });
});
