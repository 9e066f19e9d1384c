// The decision from chip, face, pass and roster: each refusal and referral reason, and the
// row the kiosk records (only the identity fields the site keeps, never an image).
import { describe, expect, it } from 'vitest';
import type { Bcbp } from '../../../../drivers/barcode/bcbp.js';
import { SiteConfig, type FlightEntry, type PatientEntry } from '../../../protocol/datasets.js';
import { CheckInRecord } from '../../../protocol/registry-protocol.js';
import { decide, siteDay, type DecisionInput } from '../decision.js';
import { EMPTY_CONTEXT, type ChipFacts, type Context, type FaceResult } from '../types.js';

const NOW = new Date('2026-11-29T03:00:00Z'); // 10:00 in Hanoi
const TODAY = siteDay(NOW);
const citizen = { idNumber: '001090012345', fullName: 'Nguyễn Văn An', birthDate: '1990-05-17', pass: 'NGUYEN/VAN AN' };
const CHIP: ChipFacts = {
  idNumber: citizen.idNumber,
  fullName: citizen.fullName,
  dateOfBirth: citizen.birthDate,
  verified: true,
  chipReasons: [],
  verification: { passive: 'verified', chip: 'verified', active: 'verified', validity: 'in-date' },
  hasFace: true,
};
const MATCHED: FaceResult = { kind: 'matched', score: 0.87654, liveScore: 0.9, live: true };

const hospital = SiteConfig.parse({ kind: 'hospital', name: 'H', clinics: [{ id: 'noi', name: { vi: 'Nội' }, room: '1' }] });
const airport = (gate?: string) => SiteConfig.parse({ kind: 'airport', name: 'A', airport: { code: 'HAN', ...(gate ? { gate } : {}) } });
const FLIGHT: FlightEntry = {
  carrier: 'VN',
  number: '245',
  date: TODAY,
  from: 'HAN',
  to: 'SGN',
  gate: '5',
  departure: '11:00',
  status: 'boarding',
};

const dayOfYear = (d: string) =>
  Math.round((Date.UTC(+d.slice(0, 4), +d.slice(5, 7) - 1, +d.slice(8, 10)) - Date.UTC(+d.slice(0, 4), 0, 1)) / 86_400_000) + 1;

/** The fields of a parsed boarding pass that the decision reads (the parser has its own tests). */
function pass(name = citizen, flight = { carrier: 'VN', number: '245', from: 'HAN', to: 'SGN', date: TODAY }): Bcbp {
  const leg = {
    pnr: 'ABC123',
    from: flight.from,
    to: flight.to,
    operatingCarrier: `${flight.carrier} `,
    flightNumber: flight.number.padStart(4, '0') + ' ',
    flightDay: dayOfYear(flight.date),
    compartment: 'Y',
    seat: '012A',
    checkInSequence: '0001 ',
    passengerStatus: '1',
    conditional: {},
    airlineUse: '',
  };
  return { formatCode: 'M', passengerName: name.pass, legs: [leg] } as unknown as Bcbp;
}

function input(
  config: SiteConfig,
  ctx: Partial<Context>,
  o: { patient?: PatientEntry; flight?: FlightEntry | null; boarded?: boolean } = {},
): DecisionInput {
  return {
    site: 'site-1',
    config,
    ctx: { ...EMPTY_CONTEXT, chip: CHIP, face: MATCHED, ...ctx },
    now: NOW,
    patient: () => o.patient ?? null,
    flight: (key) => (o.flight === null ? null : key === `flight/VN245/${TODAY}` ? (o.flight ?? FLIGHT) : null),
    alreadyBoarded: () => o.boarded ?? false,
  };
}

describe('decide', () => {
  it('admits a verified patient whose face matched, with the insurance and appointment from the roster', () => {
    const patient: PatientEntry = {
      insurance: { number: 'DN4010000000001', level: 80, validUntil: '2026-12-31', facility: 'Trạm y tế' },
      appointments: [{ date: TODAY, time: '10:30', clinic: 'noi' }],
    };
    const { decision, row } = decide(input(hospital, {}, { patient }));
    expect(decision).toMatchObject({
      decision: 'admitted',
      reasons: [],
      face: { status: 'matched', score: 0.877 },
      insurance: { status: 'covered', level: 80 },
      appointment: { time: '10:30', clinic: 'noi' },
    });
    expect(row).toMatchObject({
      workflow: 'hospital-checkin',
      decision: 'admitted',
      matchScore: 0.877,
      verification: { face: 'matched', insurance: 'covered' },
    });
    expect(row.identity).toEqual({
      idNumber: citizen.idNumber,
      fullName: citizen.fullName,
      dateOfBirth: citizen.birthDate,
      appointment: `${TODAY}T10:30 noi`,
    });
    // The row is what the protocol accepts.
    expect(() =>
      CheckInRecord.omit({
        id: true,
        recordedAt: true,
        seq: true,
        identityDigest: true,
        prevHash: true,
        hash: true,
        kioskId: true,
        sig: true,
      }).parse(row),
    ).not.toThrow();
  });

  it('says when the insurance has lapsed or is unknown, without refusing', () => {
    const lapsed: PatientEntry = {
      insurance: { number: 'DN4010000000001', level: 80, validUntil: '2025-12-31', facility: 'x' },
      appointments: [],
    };
    expect(decide(input(hospital, {}, { patient: lapsed })).decision.insurance?.status).toBe('expired');
    expect(decide(input(hospital, {})).decision).toMatchObject({ decision: 'admitted', insurance: { status: 'unknown' } });
    expect(decide(input(hospital, {}, { patient: { insurance: null, appointments: [] } })).decision.insurance?.status).toBe('not-covered');
  });

  it.each([
    ['chip refusals stand', { chip: { ...CHIP, verified: false, chipReasons: ['chip-cloned'] } }, 'refused', ['chip-cloned']],
    ['an unreadable card', { chip: null, face: null }, 'refused', ['card-unreadable']],
    [
      'face mismatch after the retries: staff',
      { face: { kind: 'not-matched', score: 0.2, liveScore: 0.9, live: true } },
      'referred',
      ['face-mismatch'],
    ],
    ['no face seen: staff', { face: { kind: 'no-face' } }, 'referred', ['face-not-seen']],
    ['no camera: staff', { face: { kind: 'unavailable', why: 'no camera' } }, 'referred', ['face-not-checked']],
    ['face not required: admitted, not checked', { face: null }, 'admitted', []],
    ['not live, policy refer', { face: { kind: 'matched', score: 0.9, liveScore: 0.1, live: false } }, 'referred', ['face-not-live']],
  ] as [string, Partial<Context>, string, string[]][])('hospital: %s', (_n, ctx, kind, reasons) => {
    const { decision } = decide(input(hospital, ctx));
    expect(decision.decision).toBe(kind);
    expect(decision.reasons).toEqual(reasons);
  });

  it('follows the liveness policy', () => {
    const notLive: Partial<Context> = { face: { kind: 'matched', score: 0.9, liveScore: 0.1, live: false } };
    const refuse = SiteConfig.parse({ ...hospital, face: { ...hospital.face, liveness: 'refuse' } });
    const record = SiteConfig.parse({ ...hospital, face: { ...hospital.face, liveness: 'record' } });
    expect(decide(input(refuse, notLive)).decision).toMatchObject({ decision: 'refused', reasons: ['face-not-live'] });
    const r = decide(input(record, notLive));
    expect(r.decision).toMatchObject({ decision: 'admitted', reasons: [] });
    expect(r.row.verification['liveness']).toBe('not-live-recorded');
  });

  it('boards a passenger: name, day, airport, flight, gate all right', () => {
    const { decision, row } = decide(input(airport('5'), { pass: pass() }));
    expect(decision).toMatchObject({ decision: 'admitted', reasons: [], flight: { id: 'VN245', gate: '5' } });
    expect(row).toMatchObject({
      workflow: 'airport-boarding',
      identity: { idNumber: citizen.idNumber, flight: 'VN245' },
      verification: { name: 'match', flight: 'boarding' },
    });
  });

  const other = { ...citizen, pass: 'TRAN/THI BICH' };
  const tomorrow = new Date(NOW.getTime() + 86_400_000).toISOString().slice(0, 10);
  it.each([
    ["someone else's pass", { pass: pass(other) }, {}, airport(), ['name-mismatch']],
    [
      'a pass for another day',
      { pass: pass(citizen, { carrier: 'VN', number: '245', from: 'HAN', to: 'SGN', date: tomorrow }) },
      {},
      airport(),
      ['pass-not-for-today'],
    ],
    [
      'from another airport',
      { pass: pass(citizen, { carrier: 'VN', number: '245', from: 'SGN', to: 'HAN', date: TODAY }) },
      {},
      airport(),
      ['wrong-airport'],
    ],
    ['wrong gate', { pass: pass() }, {}, airport('7'), ['wrong-gate']],
    ['flight closed', { pass: pass() }, { flight: { ...FLIGHT, status: 'closed' as const } }, airport(), ['flight-closed']],
    ['flight cancelled', { pass: pass() }, { flight: { ...FLIGHT, status: 'cancelled' as const } }, airport(), ['flight-cancelled']],
    ['not boarding yet', { pass: pass() }, { flight: { ...FLIGHT, status: 'scheduled' as const } }, airport(), ['flight-not-boarding']],
    ['flight not in the roster', { pass: pass() }, { flight: null }, airport(), ['flight-not-found']],
    ['already boarded', { pass: pass() }, { boarded: true }, airport(), ['already-boarded']],
    ['no pass', {}, {}, airport(), ['no-boarding-pass']],
  ] as [string, Partial<Context>, { flight?: FlightEntry | null; boarded?: boolean }, SiteConfig, string[]][])(
    'airport: %s is refused',
    (_n, ctx, o, config, reasons) => {
      const { decision, row } = decide(input(config, ctx, o));
      expect(decision.decision).toBe('refused');
      expect(decision.reasons).toEqual(reasons);
      expect(row.decision).toBe('refused');
    },
  );

  it('counts the day in Vietnam (UTC+7)', () => {
    expect(siteDay(new Date('2026-11-29T16:59:59Z'))).toBe('2026-11-29');
    expect(siteDay(new Date('2026-11-29T17:00:00Z'))).toBe('2026-11-30');
  });
});
