// The console's protocol parsers: what a page may send, what the server may say, and how a
// bad message is refused (a typed error line, never a throw).
import { describe, expect, it } from 'vitest';
import {
  MAX_PAGE_MESSAGE_BYTES,
  parsePageMessage,
  parseServerMessage,
  type ConsoleSnapshot,
} from '../../simulator/console-page/protocol.js';

const snapshot: ConsoleSnapshot = {
  screen: 'idle',
  readers: [{ citizen: 3, faults: ['cloned'] }, null],
  camera: { subject: 'holder', citizen: null },
  network: 'restored',
  clockSkewMinutes: 0,
  printer: 'ready',
  gate: null,
  devices: { reader: 'connected', printer: 'paper-out' },
  outbox: { queued: 2, oldestAgeMs: 1500 },
  checkins: 4,
  inRegistry: 2,
  registry: { at: '2026-11-30T03:00:00.000Z', text: 'accepted 2 of 2' },
  decision: { decision: 'refused', reasons: ['chip-cloned'], face: 'not-checked' },
};

describe('page messages', () => {
  it('takes every kind of request with an Action of steps.ts', () => {
    const ok = [
      { t: 'action', id: 1, action: { do: 'card-on', citizen: 0, reader: 1, faults: ['cloned', 'slow'] } },
      { t: 'action', id: 2, action: { do: 'network', state: 'cut' } },
      { t: 'action', id: 3, action: { do: 'camera', subject: 'print' } },
      { t: 'scenario', id: 4, file: 'patient-visit.yaml' },
      { t: 'record', id: 5, state: 'stop' },
      { t: 'replay', id: 6, text: 'name: x' },
    ];
    for (const m of ok) expect(parsePageMessage(JSON.stringify(m))).toEqual({ ok: true, value: m });
  });

  it('refuses bad messages with a line that says what is wrong', () => {
    const bad: [unknown, RegExp][] = [
      ['not json', /not JSON/],
      [JSON.stringify({ t: 'action', id: 1, action: { do: 'card-on', citizen: -1 } }), /action\.citizen/],
      [JSON.stringify({ t: 'action', id: 1, action: { do: 'card-on', citizen: 1, faults: ['melted'] } }), /action\.faults\.0/],
      [JSON.stringify({ t: 'action', id: 1, action: { do: 'reboot' } }), /action/],
      [JSON.stringify({ t: 'action', id: 0, action: { do: 'card-off' } }), /id/],
      [JSON.stringify({ t: 'action', id: 1, action: { do: 'card-off' }, extra: 1 }), /message|extra/],
      [JSON.stringify({ t: 'scenario', id: 1, file: '../../etc/passwd.yaml' }), /file/],
      [JSON.stringify({ t: 'shell', id: 1 }), /t/],
      [new Uint8Array([1, 2]), /not a text message/],
      ['x'.repeat(MAX_PAGE_MESSAGE_BYTES + 1), /longer than/],
    ];
    for (const [text, why] of bad) {
      const r = parsePageMessage(text);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error).toMatch(why);
    }
  });
});

describe('server messages', () => {
  it('takes a hello, a snapshot, events and answers', () => {
    const ok = [
      {
        t: 'hello',
        site: 'hospital',
        citizens: [
          {
            index: 0,
            fullName: 'Nguyễn Văn An',
            idNumber: '001085012345',
            sex: 'M',
            birthDate: '1985-02-03',
            expiryDate: '2045-02-03',
            placeOfOrigin: 'Hà Nội',
            flight: null,
            photo: 'data:image/jpeg;base64,/9j/4AAQ',
          },
        ],
        scenarios: [{ file: 'patient-visit.yaml', name: 'A patient', about: 'why', site: 'hospital', featured: true }],
        clinics: [{ id: 'noi', name: 'Nội khoa · Internal medicine' }],
      },
      { t: 'snapshot', snapshot },
      { t: 'events', events: [{ kind: 'apdu', at: '2026-11-30T03:00:00.000Z', text: '00 A4 04 0C  SELECT  → 9000' }] },
      { t: 'done', id: 3, yaml: 'name: x\n' },
      { t: 'failed', id: 3, error: 'the kiosk did not take "confirm"' },
      { t: 'recording', active: true, steps: 2 },
      { t: 'running', name: null, step: 0, of: 0 },
    ];
    for (const m of ok) expect(parseServerMessage(JSON.stringify(m))).toEqual({ ok: true, value: m });
  });

  it('refuses a photo that is not a JPEG data URL and a snapshot with an unknown fault', () => {
    const hello = (photo: string) => ({
      t: 'hello',
      site: 'hospital',
      citizens: [
        {
          index: 0,
          fullName: 'A',
          idNumber: '001085012345',
          sex: 'M',
          birthDate: '1985-02-03',
          expiryDate: '2045-02-03',
          placeOfOrigin: 'x',
          flight: null,
          photo,
        },
      ],
      scenarios: [],
      clinics: [],
    });
    expect(parseServerMessage(JSON.stringify(hello('javascript:alert(1)'))).ok).toBe(false);
    expect(parseServerMessage(JSON.stringify(hello('data:image/svg+xml;base64,PHN2Zz4=')))).toMatchObject({ ok: false });
    const bad = { ...snapshot, readers: [{ citizen: 1, faults: ['melted'] }] };
    expect(parseServerMessage(JSON.stringify({ t: 'snapshot', snapshot: bad }))).toMatchObject({ ok: false, error: /readers/ });
  });
});
