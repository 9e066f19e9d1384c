// The one IPC contract between the kiosk core and its UI. Every message that crosses a
// transport (Electron MessagePort or the loopback WebSocket) is parsed with these schemas
// on arrival, on both sides: the other end is never trusted to be well-formed.
import { z } from 'zod';

export const PROTOCOL_VERSION = 1;

export const Language = z.enum(['vi', 'en']);
export type Language = z.infer<typeof Language>;

/** A device's state; the printer also says why it cannot print (paper out, cover open, a fault). */
export const DeviceState = z.enum(['connected', 'missing', 'paper-out', 'cover-open', 'fault']);
export type DeviceState = z.infer<typeof DeviceState>;

export const DeviceStatus = z.strictObject({
  reader: DeviceState,
  scanner: DeviceState,
  camera: DeviceState,
  printer: DeviceState,
  gate: DeviceState,
  registry: DeviceState,
});
export type DeviceStatus = z.infer<typeof DeviceStatus>;

export const AppInfo = z.strictObject({
  name: z.string().max(100),
  version: z.string().max(50),
  simulator: z.boolean(),
  language: Language,
});
export type AppInfo = z.infer<typeof AppInfo>;

const NoParams = z.strictObject({});

const reason = z.string().regex(/^[a-z0-9-]{1,48}$/);
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

export const Screen = z.enum([
  'idle',
  'need-access',
  'waiting-card',
  'waiting-pass',
  'reading',
  'face',
  'insurance',
  'clinic',
  'confirm',
  'deciding',
  'result',
  'out-of-service',
]);
export type Screen = z.infer<typeof Screen>;

const LocalText = z.strictObject({ vi: z.string().max(120), en: z.string().max(120).optional() });

/** A clinic or specialty of the hospital (site configuration). */
export const ClinicView = z.strictObject({
  id: z.string().regex(/^[a-z0-9-]{1,32}$/),
  name: LocalText,
  room: z.string().max(32),
});
export type ClinicView = z.infer<typeof ClinicView>;

const InsuranceView = z.strictObject({
  status: z.enum(['covered', 'expired', 'not-covered', 'unknown']),
  level: z.number().int().min(0).max(100).nullable(),
  validUntil: isoDate.nullable(),
  facility: z.string().max(120).nullable(),
});

/** The queue ticket of a hospital visit: unique per clinic and day across the site's kiosks (docs/UI.md). */
export const TicketView = z.strictObject({
  number: z.string().regex(/^[A-Z]{1,2}\d{3,4}$/),
  clinic: ClinicView,
  /** Patients ahead at this clinic today (as this kiosk knows) × the clinic's minutes per patient. */
  waitMinutes: z.number().int().min(0).max(1440),
  /** none: the kiosk has no printer; the number is shown only. */
  printed: z.enum(['pending', 'printed', 'failed', 'none']),
});
export type TicketView = z.infer<typeof TicketView>;

/** The hospital visit's screens: the roster's answer, the booking or the clinics to choose from. */
export const VisitView = z.strictObject({
  /** Null while the roster is looked up. */
  insurance: InsuranceView.nullable(),
  /** The roster copy is older than a day or the registry cannot be reached: the screen marks it. */
  rosterStale: z.boolean(),
  appointment: z.strictObject({ time: z.string().max(5), clinic: ClinicView }).nullable(),
  /** On the clinic screen: the site's clinics. */
  clinics: z.array(ClinicView).max(200),
  clinic: ClinicView.nullable(),
  feePaying: z.boolean(),
});
export type VisitView = z.infer<typeof VisitView>;

export const DecisionView = z.strictObject({
  decision: z.enum(['admitted', 'refused', 'referred']),
  reasons: z.array(reason).max(16),
  face: z.strictObject({
    status: z.enum(['matched', 'not-matched', 'not-live', 'not-checked']),
    score: z.number().min(-1).max(1).nullable(),
  }),
  insurance: z
    .strictObject({
      status: z.enum(['covered', 'expired', 'not-covered', 'unknown']),
      level: z.number().int().min(0).max(100).nullable(),
      validUntil: isoDate.nullable(),
      facility: z.string().max(120).nullable(),
    })
    .optional(),
  appointment: z
    .strictObject({ time: z.string().max(5), clinic: z.string().max(32) })
    .nullable()
    .optional(),
  ticket: TicketView.nullable().optional(),
  payment: z.enum(['insurance', 'fee-paying']).optional(),
  flight: z
    .strictObject({
      id: z.string().max(8),
      seat: z.string().max(4),
      gate: z.string().max(4).nullable(),
      departure: z.string().max(5).nullable(),
    })
    .nullable()
    .optional(),
  /** Airport, admitted: whether the boarding gate opened (none: this kiosk has no gate). */
  gate: z.enum(['open', 'fault', 'none']).optional(),
});
export type DecisionView = z.infer<typeof DecisionView>;

/** What the check-in screen shows now. Personal data only while a person is being served. */
export const CheckinView = z.strictObject({
  workflow: z.enum(['hospital', 'airport']),
  screen: Screen,
  /** A one-line note as a code the UI translates (card-removed-early, scan-unknown…). */
  notice: reason.nullable(),
  progress: z.strictObject({ read: z.number().int().min(0).max(64), total: z.number().int().min(0).max(64) }).nullable(),
  /** The face step's instruction, as a quality code (face-too-small, head-turned…). */
  guidance: reason.nullable(),
  hasPass: z.boolean(),
  person: z.strictObject({ fullName: z.string().max(120) }).nullable(),
  /** Hospital: the visit's data on the insurance, clinic, confirmation and result screens. */
  visit: VisitView.nullable(),
  decision: DecisionView.nullable(),
  /** When the screen goes back to idle by itself (result), for the countdown; ms from now. */
  countdownMs: z.number().int().min(0).max(600_000).nullable(),
});
export type CheckinView = z.infer<typeof CheckinView>;

const DatasetStatus = z.strictObject({
  source: z.enum(['registry', 'default', 'local']),
  version: z.number().int().min(0),
  ageMs: z.number().min(0).nullable(),
  problem: z.string().max(500).nullable(),
});

/** The kiosk's health as staff and technicians see it. */
export const KioskStatus = z.strictObject({
  site: z.strictObject({ id: z.string().max(64).nullable(), kind: z.enum(['hospital', 'airport']), name: z.string().max(120) }),
  sync: z.strictObject({
    enrolled: z.boolean(),
    online: z.boolean(),
    queued: z.number().int().min(0),
    oldestUnsyncedAgeMs: z.number().min(0).nullable(),
    lastError: z.string().max(500).nullable(),
  }),
  datasets: z.record(z.enum(['trust', 'site-config', 'roster']), DatasetStatus),
  chain: z.strictObject({ ok: z.boolean(), checked: z.number().int().min(0), problem: z.string().max(500).nullable() }),
});
export type KioskStatus = z.infer<typeof KioskStatus>;

/** How the UI opens the camera (from the site configuration). */
export const CameraSettings = z.strictObject({
  /** Part of the camera's label to pick among several (null: the system's default camera). */
  deviceLabel: z.string().max(200).nullable(),
  /** The frame size the core analyses; the UI scales (and crops to) it. */
  width: z.number().int().min(160).max(1920),
  height: z.number().int().min(120).max(1080),
  frameRate: z.number().int().min(5).max(60),
});
export type CameraSettings = z.infer<typeof CameraSettings>;

/** Why the UI has no camera now, as a code the UI and the logs share. */
export const CameraProblem = z.enum(['not-found', 'not-allowed', 'in-use', 'ended', 'no-media-devices', 'failed']);
export type CameraProblem = z.infer<typeof CameraProblem>;

export const CameraReport = z.strictObject({
  state: DeviceState,
  /** The camera's label as the browser gives it (for the technician; never an image). */
  label: z.string().max(200).nullable(),
  problem: CameraProblem.nullable(),
});
export type CameraReport = z.infer<typeof CameraReport>;

/** The core asks for one frame of exactly this size; the UI answers on the binary channel (camera-frame.ts). */
export const CameraWant = z.strictObject({
  id: z.number().int().min(1).max(0xffffffff),
  width: z.number().int().min(160).max(1920),
  height: z.number().int().min(120).max(1080),
});
export type CameraWant = z.infer<typeof CameraWant>;

/** What staff see: devices, sync, the last check-ins without personal data. */
export const StaffView = z.strictObject({
  devices: DeviceStatus,
  printer: z.strictObject({ state: z.string().max(32), detail: z.string().max(200) }).nullable(),
  status: KioskStatus,
  outOfService: z.boolean(),
  /** The roster copy's age (staff only; the patient sees a mark when it is stale). */
  rosterAgeMs: z.number().min(0).nullable(),
  recent: z
    .array(
      z.strictObject({
        at: z.string().max(32),
        decision: z.enum(['admitted', 'refused', 'referred']),
        reasons: z.array(reason).max(16),
        ticket: z.string().max(8).nullable(),
        clinic: z.string().max(32).nullable(),
      }),
    )
    .max(20),
  lastTicket: z.string().max(8).nullable(),
});
export type StaffView = z.infer<typeof StaffView>;

/** Requests the UI may send: method name → params and result schemas. */
export const requests = {
  'app.info': { params: NoParams, result: AppInfo },
  'devices.status': { params: NoParams, result: DeviceStatus },
  'settings.setLanguage': { params: z.strictObject({ language: Language }), result: z.strictObject({ language: Language }) },
  'kiosk.status': { params: NoParams, result: KioskStatus },
  'checkin.view': { params: NoParams, result: CheckinView },
  /** The six digits printed on the card (PACE CAN), typed on the keypad. */
  'checkin.enterCan': { params: z.strictObject({ can: z.string().regex(/^\d{6}$/) }), result: z.strictObject({ accepted: z.boolean() }) },
  'checkin.cancel': { params: NoParams, result: z.strictObject({}) },
  /** Hospital, insurance screen: go on (feePaying: the person accepts paying when not covered). */
  'checkin.continue': { params: z.strictObject({ feePaying: z.boolean() }), result: z.strictObject({ accepted: z.boolean() }) },
  'checkin.chooseClinic': { params: z.strictObject({ clinic: ClinicView.shape.id }), result: z.strictObject({ accepted: z.boolean() }) },
  'checkin.confirm': { params: NoParams, result: z.strictObject({ accepted: z.boolean() }) },
  'checkin.back': { params: NoParams, result: z.strictObject({}) },
  /** Staff mode, behind the site's PIN. */
  'staff.unlock': {
    params: z.strictObject({ pin: z.string().regex(/^\d{4,12}$/) }),
    result: z.strictObject({ unlocked: z.boolean(), retryAfterMs: z.number().int().min(0).nullable() }),
  },
  'staff.lock': { params: NoParams, result: z.strictObject({}) },
  'staff.view': { params: NoParams, result: StaffView },
  'staff.reprint': { params: NoParams, result: z.strictObject({ printed: z.boolean(), problem: z.string().max(200).nullable() }) },
  'staff.outOfService': { params: z.strictObject({ on: z.boolean() }), result: z.strictObject({ on: z.boolean() }) },
  'camera.settings': { params: NoParams, result: CameraSettings },
  /** This page's camera: opened, lost or refused. The core takes frames from a page whose camera is connected. */
  'camera.report': { params: CameraReport, result: z.strictObject({}) },
} as const;

/** Events the core pushes to the UI: name → payload schema. */
export const events = {
  'devices.changed': DeviceStatus,
  'checkin.changed': CheckinView,
  'kiosk.status': KioskStatus,
  'camera.settings': CameraSettings,
  /** Sent to the one page whose camera the core uses, never broadcast. */
  'camera.want': CameraWant,
} as const;

export type Method = keyof typeof requests;
export type EventName = keyof typeof events;
export type ParamsOf<M extends Method> = z.infer<(typeof requests)[M]['params']>;
export type ResultOf<M extends Method> = z.infer<(typeof requests)[M]['result']>;
export type PayloadOf<E extends EventName> = z.infer<(typeof events)[E]>;

export const ErrorCode = z.enum(['bad-message', 'unknown-method', 'bad-params', 'internal', 'unavailable', 'bad-frame', 'forbidden']);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const methodNames = Object.keys(requests) as Method[];
export const eventNames = Object.keys(events) as EventName[];

const RequestId = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

/** UI → core. Params are checked per method by the receiver (see parseRequest). */
export const RequestMessage = z.strictObject({
  type: z.literal('request'),
  id: RequestId,
  method: z.string().max(64),
  params: z.unknown(),
});
export type RequestMessage = z.infer<typeof RequestMessage>;

export const ErrorBody = z.strictObject({ code: ErrorCode, message: z.string().max(500) });
export type ErrorBody = z.infer<typeof ErrorBody>;

/** Core → UI. */
export const ResponseMessage = z.discriminatedUnion('ok', [
  z.strictObject({ type: z.literal('response'), id: RequestId, ok: z.literal(true), result: z.unknown() }),
  z.strictObject({ type: z.literal('response'), id: RequestId.nullable(), ok: z.literal(false), error: ErrorBody }),
]);
export type ResponseMessage = z.infer<typeof ResponseMessage>;

export const EventMessage = z.strictObject({
  type: z.literal('event'),
  name: z.string().max(64),
  payload: z.unknown(),
});
export type EventMessage = z.infer<typeof EventMessage>;

export const CoreMessage = z.union([ResponseMessage, EventMessage]);
export type CoreMessage = z.infer<typeof CoreMessage>;

/** Largest message either side accepts, in bytes of JSON text. */
export const MAX_MESSAGE_BYTES = 64 * 1024;
