// The reference datasets the registry publishes and kiosks apply: their item formats.
// The registry checks a publication against these before it takes it (a bad one is refused
// with the reason); the kiosk parses every item again before use and keeps the last good
// content when a new one does not parse. Examples: docs/datasets/.
import { z } from 'zod';

const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'base64');
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD');
const text = (max: number) => z.string().min(1).max(max);
/** Shown to people: Vietnamese always, English when the site gives it. */
const Label = z.strictObject({ vi: text(120), en: text(120).optional() });

// ---- trust: CSCA certificates and CRLs (global: every site trusts the same issuers) ----

export const TrustItem = z.strictObject({
  kind: z.enum(['csca', 'crl']),
  /** DER, base64; a CRL of a large issuer can be a few MB. */
  der: base64.max(8 * 1024 * 1024),
  note: z.string().max(200).optional(),
});
export type TrustItem = z.infer<typeof TrustItem>;

// ---- site-config: one item, key "site" (per site) ----

export const SITE_CONFIG_KEY = 'site';

export const Clinic = z.strictObject({
  id: z.string().regex(/^[a-z0-9-]{1,32}$/),
  name: Label,
  room: text(32),
  /** Minutes a patient waits on average, for the ticket's estimate. */
  minutesPerPatient: z.number().int().min(1).max(240).default(10),
});
export type Clinic = z.infer<typeof Clinic>;

/** What the kiosk does when the live face is not judged live (liveness is indicative: docs/FACE.md). */
export const LivenessPolicy = z.enum(['refuse', 'refer', 'record']);
export type LivenessPolicy = z.infer<typeof LivenessPolicy>;

export const FacePolicy = z.strictObject({
  /** Off: the face step is skipped and recorded as not checked. */
  required: z.boolean().default(true),
  matchThreshold: z.number().min(-1).max(1).default(0.5),
  liveThreshold: z.number().min(0).max(1).default(0.5),
  minGoodFrames: z.number().int().min(1).max(30).default(3),
  windowMs: z.number().int().min(200).max(30_000).default(3000),
  /** Capture windows a person gets before being referred to staff. */
  retries: z.number().int().min(0).max(5).default(2),
  liveness: LivenessPolicy.default('refer'),
});
export type FacePolicy = z.infer<typeof FacePolicy>;

export const Timeouts = z.strictObject({
  /** Waiting for the card after a scan, or for a QR code / CAN after the card. */
  waitMs: z.number().int().min(5_000).max(600_000).default(60_000),
  /** Reading the chip (a stalled read is given up and the person asked to place the card again). */
  readMs: z.number().int().min(2_000).max(120_000).default(20_000),
  /** The face step, per capture attempt. */
  faceMs: z.number().int().min(2_000).max(120_000).default(15_000),
  /** The result screen before the kiosk returns to idle and forgets the person. */
  resultMs: z.number().int().min(2_000).max(120_000).default(10_000),
});
export type Timeouts = z.infer<typeof Timeouts>;

/** scrypt(PIN, salt) with these parameters; the PIN itself is never published. */
export const StaffPin = z.strictObject({
  scrypt: z.strictObject({
    salt: base64.min(16).max(128),
    hash: base64.min(32).max(256),
    N: z
      .number()
      .int()
      .min(1024)
      .max(1 << 20),
    r: z.number().int().min(1).max(32),
    p: z.number().int().min(1).max(16),
  }),
});
export type StaffPin = z.infer<typeof StaffPin>;

/** The kiosk camera: which one (part of its label; null = the default), and the frames the face step analyses. */
export const CameraConfig = z.strictObject({
  deviceLabel: z.string().max(200).nullable().default(null),
  width: z.number().int().min(160).max(1920).default(640),
  height: z.number().int().min(120).max(1080).default(480),
  frameRate: z.number().int().min(5).max(60).default(15),
});
export type CameraConfig = z.infer<typeof CameraConfig>;

const SiteConfigBase = {
  name: text(120),
  defaultLanguage: z.enum(['vi', 'en']).default('vi'),
  face: FacePolicy.default(FacePolicy.parse({})),
  camera: CameraConfig.default(CameraConfig.parse({})),
  timeouts: Timeouts.default(Timeouts.parse({})),
  staffPin: StaffPin.optional(),
  /** Days the kiosk keeps personal fields of check-ins the registry acknowledged. */
  retentionDays: z.number().int().min(1).max(3650).default(30),
};

export const SiteConfig = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('hospital'), ...SiteConfigBase, clinics: z.array(Clinic).min(1).max(200) }),
  z.strictObject({
    kind: z.literal('airport'),
    ...SiteConfigBase,
    airport: z.strictObject({
      /** IATA code of this airport: boarding passes must depart from it. */
      code: z.string().regex(/^[A-Z]{3}$/),
      /** The gate this site's kiosks serve; absent at check-in kiosks (any gate). */
      gate: z
        .string()
        .regex(/^[A-Z0-9]{1,4}$/)
        .optional(),
      /** How long the boarding gate stays open for an admitted passenger. */
      gateOpenSeconds: z.number().int().min(2).max(60).default(6),
    }),
  }),
]);
export type SiteConfig = z.infer<typeof SiteConfig>;
export type SiteKind = SiteConfig['kind'];

// ---- roster (per site): hospital patients, or today's flights ----

export const ROSTER_PATIENT_PREFIX = 'patient/';
export const ROSTER_FLIGHT_PREFIX = 'flight/';

/** The stand-in for the national health-insurance lookup, by 12-digit ID number. */
export const PatientEntry = z.strictObject({
  insurance: z
    .strictObject({
      /** Card number of the health insurance (BHYT), 15 characters. */
      number: z.string().regex(/^[A-Z]{2}\d{13}$/),
      /** Coverage level in percent of the cost (80, 95, 100). */
      level: z.number().int().min(0).max(100),
      validUntil: isoDate,
      /** The registered primary-care facility. */
      facility: text(120),
    })
    .nullable(),
  appointments: z
    .array(z.strictObject({ date: isoDate, time: z.string().regex(/^\d{2}:\d{2}$/), clinic: z.string().regex(/^[a-z0-9-]{1,32}$/) }))
    .max(20)
    .default([]),
});
export type PatientEntry = z.infer<typeof PatientEntry>;

export const FlightStatus = z.enum(['scheduled', 'boarding', 'closed', 'departed', 'cancelled']);
export type FlightStatus = z.infer<typeof FlightStatus>;

/** A flight of the day; key `flight/<carrier><number>/<date>`, e.g. `flight/VN245/2026-11-29`. */
export const FlightEntry = z.strictObject({
  carrier: z.string().regex(/^[A-Z0-9]{2,3}$/),
  number: z.string().regex(/^\d{1,4}[A-Z]?$/),
  date: isoDate,
  from: z.string().regex(/^[A-Z]{3}$/),
  to: z.string().regex(/^[A-Z]{3}$/),
  gate: z
    .string()
    .regex(/^[A-Z0-9]{1,4}$/)
    .nullable(),
  departure: z.string().regex(/^\d{2}:\d{2}$/),
  status: FlightStatus,
});
export type FlightEntry = z.infer<typeof FlightEntry>;

export function flightKey(carrier: string, number: string, date: string): string {
  return `${ROSTER_FLIGHT_PREFIX}${carrier}${number.replace(/^0+(?=\d)/, '')}/${date}`;
}

/** One roster item, checked by its key's prefix. */
export function parseRosterItem(
  key: string,
  value: unknown,
): { kind: 'patient'; idNumber: string; entry: PatientEntry } | { kind: 'flight'; entry: FlightEntry } {
  if (key.startsWith(ROSTER_PATIENT_PREFIX)) {
    const idNumber = key.slice(ROSTER_PATIENT_PREFIX.length);
    if (!/^\d{12}$/.test(idNumber)) throw new Error(`roster key ${key}: a patient key is patient/ and a 12-digit ID number`);
    return { kind: 'patient', idNumber, entry: PatientEntry.parse(value) };
  }
  if (key.startsWith(ROSTER_FLIGHT_PREFIX)) {
    const entry = FlightEntry.parse(value);
    if (key !== flightKey(entry.carrier, entry.number, entry.date))
      throw new Error(`roster key ${key}: expected ${flightKey(entry.carrier, entry.number, entry.date)} for this flight`);
    return { kind: 'flight', entry };
  }
  throw new Error(`roster key ${key}: keys start with ${ROSTER_PATIENT_PREFIX} or ${ROSTER_FLIGHT_PREFIX}`);
}

/** Checks one dataset item; throws an Error whose message names the key and the field. */
export function parseDatasetItem(dataset: 'trust' | 'site-config' | 'roster', key: string, value: unknown): void {
  try {
    if (dataset === 'trust') TrustItem.parse(value);
    else if (dataset === 'site-config') {
      if (key !== SITE_CONFIG_KEY) throw new Error(`the site configuration is one item with key "${SITE_CONFIG_KEY}"`);
      SiteConfig.parse(value);
    } else parseRosterItem(key, value);
  } catch (err) {
    throw new Error(`${dataset} item "${key}": ${describeError(err)}`);
  }
}

/** A zod error as one line: the first few problems with their paths. */
export function describeError(err: unknown): string {
  if (err instanceof z.ZodError) {
    return err.issues
      .slice(0, 3)
      .map((i) => `${i.path.length ? i.path.join('.') : '(value)'}: ${i.message}`)
      .join('; ');
  }
  return err instanceof Error ? err.message : String(err);
}
