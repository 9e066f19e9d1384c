// The protocol between kiosks and the registry: check-in records as they travel, the
// canonical form both sides hash, request signing, and every request and response body.
// Both ends parse with these schemas; neither trusts the other to be well-formed.
import { z } from 'zod';

export const REGISTRY_PROTOCOL = 'cccd-kiosk-registry/1';

/** Signed-request headers (lower case, as HTTP libraries give them). */
export const H_KIOSK = 'x-kiosk-id';
export const H_TIME = 'x-kiosk-time';
export const H_NONCE = 'x-kiosk-nonce';
export const H_SIGNATURE = 'x-kiosk-signature';
/** The registry's signature over its answer (base64 Ed25519; see answerSigningText). */
export const H_REGISTRY_SIGNATURE = 'x-registry-signature';
/** A signed request older or newer than this (ms) is refused as stale. */
export const MAX_CLOCK_SKEW_MS = 5 * 60_000;
/** Largest request body the registry takes. */
export const MAX_BODY_BYTES = 1_048_576;
export const MAX_BATCH_RECORDS = 500;
/**
 * The largest check-in sequence (and queue length) either side accepts: 2^31 − 1, a check-in
 * a second for 68 years. Bounded so it fits the registry's integer columns and JSON numbers.
 */
export const MAX_SEQ = 2 ** 31 - 1;
/** What a kiosk's record signature covers starts with this line (see recordSigningText). */
export const RECORD_PROTOCOL = 'cccd-kiosk-record/1';

const hex64 = z.string().regex(/^[0-9a-f]{64}$/, 'a SHA-256 in lower-case hex');
export const Uuid7 = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/, 'a UUIDv7');
const shortText = z.string().max(200);
/** An Ed25519 signature (64 bytes) in base64. */
export const Ed25519Signature = z.string().regex(/^[A-Za-z0-9+/]{86}==$/, 'an Ed25519 signature in base64');

export const Decision = z.enum(['admitted', 'refused', 'referred']);
export const Workflow = z.enum(['hospital-checkin', 'airport-checkin', 'airport-boarding']);

/** What a site chooses to keep of the person (minimal; purged after the registry has it). */
export const Identity = z.strictObject({
  idNumber: z
    .string()
    .regex(/^\d{12}$/)
    .optional(),
  fullName: z.string().max(120).optional(),
  dateOfBirth: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .optional(),
  flight: z.string().max(16).optional(),
  appointment: z.string().max(64).optional(),
  /** Hospital: the queue number given (docs/UI.md), with the visit in `appointment`. */
  ticket: z
    .string()
    .regex(/^[A-Z]{1,2}\d{3,4}$/)
    .optional(),
  /**
   * 128 random bits the kiosk adds to every identity it records, so that identityDigest is a
   * commitment nobody can open once the identity is purged: without it an ID number is found
   * from its SHA-256 by trying them all (docs/PRIVACY.md). Optional for records made before.
   */
  salt: z
    .string()
    .regex(/^[0-9a-f]{32}$/)
    .optional(),
});
export type Identity = z.infer<typeof Identity>;

export const CheckInRecord = z.strictObject({
  id: Uuid7,
  site: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/),
  workflow: Workflow,
  /** ISO time with milliseconds; equal to the UUIDv7's timestamp. */
  recordedAt: z.iso.datetime({ precision: 3 }),
  /** This kiosk's monotonic sequence, 1, 2, 3, … (at most MAX_SEQ) */
  seq: z.number().int().min(1).max(MAX_SEQ),
  decision: Decision,
  reasons: z.array(z.string().regex(/^[a-z0-9-]{1,48}$/)).max(16),
  matchScore: z.number().min(-1).max(1).nullable(),
  verification: z
    .record(z.string().regex(/^[a-zA-Z]{1,32}$/), z.string().regex(/^[a-z-]{1,32}$/))
    .refine((v) => Object.keys(v).length <= 16, 'at most 16 checks'),
  /** Null once purged by retention, or when the site keeps none. */
  identity: Identity.nullable(),
  /** SHA-256 of the canonical identity, salt included (kept after a purge, so the chain still verifies). */
  identityDigest: hex64.nullable(),
  prevHash: hex64,
  hash: hex64,
  /** The kiosk that made the record (its registry id); inside what the kiosk signs. */
  kioskId: z.uuid(),
  /** The kiosk's Ed25519 signature over recordSigningText(kioskId, hash), made when the record was written. */
  sig: Ed25519Signature,
});
export type CheckInRecord = z.infer<typeof CheckInRecord>;

/** What a kiosk decides and records; the store adds the id, time, sequence and hashes. */
export const CheckInRow = CheckInRecord.pick({
  site: true,
  workflow: true,
  decision: true,
  reasons: true,
  matchScore: true,
  verification: true,
  identity: true,
});
export type CheckInRow = z.infer<typeof CheckInRow>;

/** The chain starts from this "previous hash". */
export const GENESIS_HASH = '0'.repeat(64);

/** JSON with sorted keys and no spaces: the same bytes on every side for the same value. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/**
 * What the record hash covers: every field but the hash and the (purgeable) identity itself,
 * as canonicalJson would write it. Written out by hand because it runs for every record on
 * both sides (a test holds it equal to canonicalJson).
 */
export function hashedText(r: Omit<CheckInRecord, 'hash' | 'identity' | 'kioskId' | 'sig'>): string {
  const s = JSON.stringify;
  return (
    `{"decision":${s(r.decision)},"id":${s(r.id)},"identityDigest":${s(r.identityDigest)},"matchScore":${s(r.matchScore)},"prevHash":${s(r.prevHash)},` +
    `"reasons":${canonicalJson(r.reasons)},"recordedAt":${s(r.recordedAt)},"seq":${s(r.seq)},"site":${s(r.site)},"verification":${canonicalJson(r.verification)},"workflow":${s(r.workflow)}}`
  );
}

/**
 * What a check-in's SHA-256 is taken over: the previous hash, a newline, then hashedText.
 * The one place this is spelled out (kiosk record, kiosk verifyChain, registry ingest); this
 * room imports zod only, so callers hash it themselves.
 */
export function hashInput(r: Omit<CheckInRecord, 'hash' | 'identity' | 'kioskId' | 'sig'>): string {
  return `${r.prevHash}\n${hashedText(r)}`;
}

/**
 * What a kiosk signs for each check-in when it writes it (Ed25519, its enrolment key): the
 * record's hash covers every field and the chain before it; the kiosk id binds it to its
 * maker. The registry accepts a record only from that kiosk, with this signature good.
 */
export function recordSigningText(kioskId: string, hash: string): string {
  return [RECORD_PROTOCOL, kioskId, hash].join('\n');
}

/** The text a kiosk signs for each request. */
export function signingText(method: string, path: string, bodySha256Hex: string, time: string, nonce: string): string {
  return [REGISTRY_PROTOCOL, method.toUpperCase(), path, bodySha256Hex, time, nonce].join('\n');
}

/**
 * What the registry signs for every answer (Ed25519, its key, pinned by the kiosk at
 * enrolment), bound to the request it answers: the request's method, path, nonce (the kiosk
 * makes a fresh one for every request, enrolment included) and body digest, then the
 * answer's status and body digest. A kiosk acts on no answer whose signature fails.
 */
export function answerSigningText(
  method: string,
  path: string,
  nonce: string,
  requestSha256Hex: string,
  status: number,
  answerSha256Hex: string,
): string {
  return [`${REGISTRY_PROTOCOL} answer`, method.toUpperCase(), path, nonce, requestSha256Hex, String(status), answerSha256Hex].join('\n');
}

/**
 * What the registry signs for each dataset item when it is published (its key, as above): the
 * dataset, its version line (the site; '' for trust), the key, the version that last changed
 * it, and the canonical value (or "deleted"). A kiosk checks every item of a delta before
 * applying it, so a delta is verified item by item.
 */
export function datasetItemSigningText(
  dataset: string,
  line: string,
  key: string,
  version: number,
  value: unknown,
  deleted: boolean,
): string {
  return ['cccd-kiosk-dataset/1', dataset, line, key, String(version), deleted ? 'deleted' : canonicalJson(value)].join('\n');
}

/** The millisecond timestamp in a UUIDv7. */
export function uuid7Time(id: string): number {
  return parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
}

// ---- bodies ----

export const EnrolRequest = z.strictObject({
  code: z.string().regex(/^[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}$/, 'an enrolment code like ABCD-EFGH-JKLM'),
  /** Ed25519 public key, raw 32 bytes, base64. */
  publicKey: z.string().regex(/^[A-Za-z0-9+/]{43}=$/, 'a raw Ed25519 public key in base64'),
  name: z.string().min(1).max(64),
});
const Ed25519PublicKey = z.string().regex(/^[A-Za-z0-9+/]{43}=$/, 'a raw Ed25519 public key in base64');
export const EnrolResponse = z.strictObject({
  kioskId: Uuid7.or(z.uuid()),
  site: z.string(),
  /** The registry's public key: the kiosk pins it and checks every answer and dataset item with it. */
  registryKey: Ed25519PublicKey,
  /** This kiosk's letter at its site, for hospital queue numbers (absent from registries before version 8). */
  ticketPrefix: z
    .string()
    .regex(/^[A-Z]{1,2}$/)
    .optional(),
});

export const CheckInBatch = z.strictObject({
  records: z.array(z.unknown()).min(1).max(MAX_BATCH_RECORDS),
  /**
   * Lets a kiosk keep two batches in flight: the registry takes this batch only after the
   * batch named `after` (null: no condition), so the chain is still followed in order.
   */
  batch: z
    .strictObject({
      id: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/),
      after: z
        .string()
        .regex(/^[A-Za-z0-9_-]{8,64}$/)
        .nullable(),
    })
    .optional(),
  /**
   * The kiosk's own view, for the fleet page: its queue from this batch on (rows of batches in
   * flight before it left out) and the age of its oldest queued check-in. The registry shows
   * `length` less what this batch stored: the queue after its answer.
   */
  queue: z.strictObject({
    length: z.number().int().min(0).max(MAX_SEQ),
    /** At most 100 years. */
    oldestAgeMs: z.number().int().min(0).max(3_155_760_000_000),
  }),
});

export const RecordOutcome = z.discriminatedUnion('status', [
  z.strictObject({ id: z.string().max(64), status: z.literal('accepted') }),
  z.strictObject({ id: z.string().max(64), status: z.literal('duplicate') }),
  z.strictObject({ id: z.string().max(64), status: z.literal('rejected'), reason: shortText }),
]);
export type RecordOutcome = z.infer<typeof RecordOutcome>;
export const CheckInBatchResponse = z.strictObject({ results: z.array(RecordOutcome).max(MAX_BATCH_RECORDS) });

export const DatasetName = z.enum(['trust', 'site-config', 'roster']);
export type DatasetName = z.infer<typeof DatasetName>;
export const DatasetItem = z.strictObject({ key: z.string().min(1).max(200), value: z.unknown() });
/** What `kiosk registry publish DATASET FILE` takes: the dataset's whole content. */
export const DatasetFile = z.strictObject({ items: z.array(DatasetItem).max(200_000) });

export const DatasetDelta = z.strictObject({
  dataset: DatasetName,
  from: z.number().int().min(0),
  to: z.number().int().min(0),
  /**
   * Items changed since `from`; `value: null` with `deleted: true` removes the key. `version`
   * is the one that last changed the item; `sig` the registry's over datasetItemSigningText.
   */
  changes: z.array(
    z.strictObject({
      key: z.string().max(200),
      value: z.unknown(),
      deleted: z.boolean(),
      version: z.number().int().min(1),
      sig: Ed25519Signature,
    }),
  ),
});
export type DatasetDelta = z.infer<typeof DatasetDelta>;

/**
 * What a kiosk found wrong on itself and tells the registry (POST /v1/alerts, signed): today
 * a broken hash chain, as its own verifyChain walk found it (the registry only sees rows that
 * arrive; a row altered after upload is found on the kiosk).
 */
export const KioskAlert = z.strictObject({
  kind: z.enum(['chain-break']),
  /** The check-in where the walk stopped. */
  seq: z.number().int().min(1).max(MAX_SEQ),
  /** In words; shown on the fleet page. */
  problem: z
    .string()
    .min(1)
    .max(200)
    .regex(/^[^\u0000-\u001f\u007f]*$/, 'one line, no control characters'),
});
export type KioskAlert = z.infer<typeof KioskAlert>;
/** `recorded: false`: the same report from this kiosk was already on record. */
export const KioskAlertReceipt = z.strictObject({ recorded: z.boolean() });
export type KioskAlertReceipt = z.infer<typeof KioskAlertReceipt>;

/**
 * How long a boarding claim holds a passenger for the kiosk that made it, without an admitted
 * check-in from it: long enough for the face step and the upload that follows, short enough
 * that a passenger refused at one gate (or whose kiosk went offline) is not locked out for long.
 */
export const BOARDING_CLAIM_TTL_MS = 3 * 60_000;

/** A flight as the airport workflow writes it into the identity: carrier and number, leading zeros dropped (VN213). */
export const FlightId = z.string().regex(/^[A-Z0-9]{2,3}\d{1,4}[A-Z]?$/, 'a flight like VN213 (carrier and number)');

/**
 * POST /v1/boarding/claim (signed): "may this kiosk board this passenger?", asked just before
 * the kiosk would admit them. The ID number travels like a check-in's identity does (signed,
 * over TLS or loopback); the registry keeps only its keyed person digest of it.
 */
export const BoardingClaim = z.strictObject({
  flight: FlightId,
  /** The site's calendar day of the flight (UTC+7), YYYY-MM-DD. */
  date: z.iso.date(),
  idNumber: z.string().regex(/^\d{12}$/, 'a 12-digit ID number'),
});
export type BoardingClaim = z.infer<typeof BoardingClaim>;

/**
 * The registry's answer, per site: `boarded: false` when the claim is now this kiosk's (until
 * `expiresAt`, or for good once its admitted check-in arrives); `boarded: true` with when and
 * by which kiosk (its name) when an admitted check-in (`by: 'check-in'`) or another kiosk's
 * live claim (`by: 'claim'`) holds the passenger on that flight that day.
 */
export const BoardingClaimAnswer = z.discriminatedUnion('boarded', [
  z.strictObject({ boarded: z.literal(false), expiresAt: z.iso.datetime() }),
  z.strictObject({
    boarded: z.literal(true),
    at: z.iso.datetime(),
    kiosk: z.string().max(64),
    by: z.enum(['check-in', 'claim']),
  }),
]);
export type BoardingClaimAnswer = z.infer<typeof BoardingClaimAnswer>;

export const ErrorBody = z.strictObject({ error: z.string().max(64), message: z.string().max(500) });
