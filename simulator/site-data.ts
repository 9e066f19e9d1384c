// Reference data for the simulator's sites, so that a technician's `npm start` checks people
// in as a configured site would: a hospital whose roster knows the synthetic citizens'
// insurance and appointments, or an airport whose roster has today's departures that the
// virtual scanner's boarding passes are for. Deterministic from the seed and the date.
import { X509Certificate } from 'node:crypto';
import {
  flightKey,
  SITE_CONFIG_KEY,
  type FlightEntry,
  type LivenessPolicy,
  type PatientEntry,
  type SiteConfig,
} from '../main/protocol/datasets.js';
import { makeAirportRoster, type Flight } from './boarding-pass.js';
import { makeCitizens, SeededRandom } from './citizens.js';
import { trustFiles, type TestPki } from './pki.js';

export const SIM_AIRPORT = 'HAN';
/** How many citizens of the seed the simulator's roster knows (kiosk sim chip --index below this). */
export const SIM_ROSTER_SIZE = 200;
export const SIM_FLIGHTS = 12;

export const SIM_CLINICS = [
  { id: 'noi', name: { vi: 'Nội khoa', en: 'Internal medicine' }, room: '101' },
  { id: 'nhi', name: { vi: 'Nhi khoa', en: 'Paediatrics' }, room: '105' },
  { id: 'mat', name: { vi: 'Mắt', en: 'Ophthalmology' }, room: '203' },
  { id: 'tmh', name: { vi: 'Tai Mũi Họng', en: 'Ear, nose and throat' }, room: '207' },
  { id: 'rhm', name: { vi: 'Răng Hàm Mặt', en: 'Dentistry' }, room: '210' },
];

/** What a technician may change of the simulator's face step (kiosk start --liveness). */
export interface SimFaceOptions {
  /** Off: check-ins record the face as not checked (a kiosk without a camera). Default on. */
  required?: boolean;
  /** What a failed liveness check does. Default 'record': the simulator's clips are photos, which a liveness model rightly doubts. */
  liveness?: LivenessPolicy;
  /** How long one capture attempt waits for a face, in ms (default 15 s). */
  faceMs?: number;
}

/**
 * The simulator's staff PIN, 2468 (printed by kiosk start, in the README): published, as a
 * site's would be, only as scrypt(PIN, salt).
 */
export const SIM_STAFF_PIN = '2468';
const SIM_STAFF_PIN_HASH = {
  scrypt: { salt: 'Y2NjZC1raW9zay1zaW11bGF0b3Itc3RhZmYtcGlu', hash: 'NMUUrQC6ZTmmVDQxOqQQBEVHys8SUgVFAzHrrGFy6DM=', N: 16384, r: 8, p: 1 },
};

export function simSiteConfig(kind: 'hospital' | 'airport', o: SimFaceOptions = {}): SiteConfig {
  const face = {
    required: o.required ?? true,
    matchThreshold: 0.5,
    liveThreshold: 0.5,
    minGoodFrames: 3,
    windowMs: 3000,
    retries: 2,
    liveness: o.liveness ?? 'record',
  };
  const timeouts = { waitMs: 60_000, readMs: 20_000, faceMs: o.faceMs ?? 15_000, resultMs: 10_000 };
  const camera = { deviceLabel: null, width: 640, height: 480, frameRate: 15 };
  return kind === 'hospital'
    ? {
        kind,
        name: 'Bệnh viện mô phỏng (simulator)',
        defaultLanguage: 'vi',
        face,
        camera,
        timeouts,
        staffPin: SIM_STAFF_PIN_HASH,
        retentionDays: 30,
        clinics: SIM_CLINICS.map((c) => ({ ...c, minutesPerPatient: 10 })),
      }
    : {
        kind,
        name: `Cảng hàng không mô phỏng ${SIM_AIRPORT} (simulator)`,
        defaultLanguage: 'vi',
        face,
        camera,
        timeouts,
        staffPin: SIM_STAFF_PIN_HASH,
        retentionDays: 30,
        airport: { code: SIM_AIRPORT, gateOpenSeconds: 6 },
      };
}

/** The simulator's flights of `date` (the same list `kiosk sim scanner` issues boarding passes for). */
export function simFlights(seed: string, date: string): Flight[] {
  return makeAirportRoster(seed, date, SIM_FLIGHTS, SIM_AIRPORT);
}

export function simRoster(kind: 'hospital' | 'airport', seed: string, date: string): { key: string; value: PatientEntry | FlightEntry }[] {
  if (kind === 'airport') {
    return simFlights(seed, date).map((f, i) => ({
      key: flightKey(f.carrier, f.number, f.date),
      value: {
        carrier: f.carrier,
        number: f.number,
        date: f.date,
        from: f.from,
        to: f.to,
        gate: `${1 + (i % 8)}`,
        departure: `${String(6 + i).padStart(2, '0')}:${i % 2 ? '30' : '05'}`,
        status: 'boarding',
      },
    }));
  }
  return makeCitizens(seed, SIM_ROSTER_SIZE).map((c) => {
    const r = new SeededRandom(`patient/${seed}/${c.idNumber}`);
    const roll = r.int(10);
    const year = Number(date.slice(0, 4));
    // Most are covered; some cards lapsed last year; a few have no insurance at all.
    const insurance =
      roll < 7
        ? {
            number: `DN${String(4_000_000_000_000 + r.int(999_999_999)).padStart(13, '0')}`,
            level: r.pick([80, 95, 100]),
            validUntil: `${year}-12-31`,
            facility: 'Trạm y tế phường (simulator)',
          }
        : roll < 9
          ? {
              number: `HT${String(3_000_000_000_000 + r.int(999_999_999)).padStart(13, '0')}`,
              level: 80,
              validUntil: `${year - 1}-12-31`,
              facility: 'Trạm y tế xã (simulator)',
            }
          : null;
    const appointments =
      r.int(3) === 0
        ? [{ date, time: `${String(8 + r.int(8)).padStart(2, '0')}:${r.pick(['00', '15', '30', '45'])}`, clinic: r.pick(SIM_CLINICS).id }]
        : [];
    return { key: `patient/${c.idNumber}`, value: { insurance, appointments } };
  });
}

/** The test PKI as `trust` dataset items: its CSCA and its CRL, DER in base64. */
export function simTrustItems(pki: TestPki): { key: string; value: { kind: 'csca' | 'crl'; der: string; note: string } }[] {
  return trustFiles(pki).map((f) => {
    const isCert = f.name.endsWith('.pem');
    const der = isCert ? new X509Certificate(Buffer.from(f.bytes)).raw : Buffer.from(f.bytes);
    return {
      key: `simulator/${f.name}`,
      value: { kind: isCert ? 'csca' : 'crl', der: der.toString('base64'), note: 'the simulator test PKI' },
    };
  });
}

export function simSiteConfigItems(kind: 'hospital' | 'airport', o: SimFaceOptions = {}): { key: string; value: SiteConfig }[] {
  return [{ key: SITE_CONFIG_KEY, value: simSiteConfig(kind, o) }];
}
