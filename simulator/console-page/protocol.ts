// The technician console's messages between its page and its server (bin/console), both
// directions parsed: the page sends the simulator's Actions (scenario/steps.ts) and asks for
// scenarios and recordings; the server pushes what the site looks like and what happens on it.
// Pure: no Node, no DOM, so the page and the server share it.
import { z } from 'zod';
import { Action, CameraSubject, ChipFault } from '../scenario/steps.js';

/** Larger messages are refused before they are parsed (a replayed YAML file is the largest a page sends). */
export const MAX_PAGE_MESSAGE_BYTES = 256 * 1024;
/** The server's largest is a recorded scenario's YAML. */
export const MAX_SERVER_MESSAGE_BYTES = 1024 * 1024;

const requestId = z.number().int().min(1).max(0x7fffffff);

/** What the page asks of the server. Every request carries an id its answer repeats. */
export const PageMessage = z.discriminatedUnion('t', [
  /** Do one action on the site (and record it, when recording). */
  z.strictObject({ t: z.literal('action'), id: requestId, action: Action }),
  /** Run one of the shipped scenarios live, narrated (its `file` as the hello listed it). */
  z.strictObject({ t: z.literal('scenario'), id: requestId, file: z.string().regex(/^[a-z0-9-]{1,64}\.ya?ml$/) }),
  /** Start or stop keeping every action as a scenario step; `stop` answers with the scenario's YAML. */
  z.strictObject({ t: z.literal('record'), id: requestId, state: z.enum(['start', 'stop']) }),
  /** Turn the simulated site into a hospital or an airport (the kiosk screen reloads). */
  z.strictObject({ t: z.literal('site'), id: requestId, kind: z.enum(['hospital', 'airport']) }),
  /** Replay a scenario file the technician loaded (YAML or JSON text). */
  z.strictObject({ t: z.literal('replay'), id: requestId, text: z.string().min(1).max(200_000) }),
]);
export type PageMessage = z.infer<typeof PageMessage>;

const shortText = z.string().max(300);

/** A synthetic citizen as their card shows them (the photo is a synthetic citizen's, fine to show). */
export const CitizenCard = z.strictObject({
  index: z.number().int().min(0),
  fullName: shortText,
  idNumber: z.string().regex(/^\d{12}$/),
  sex: z.enum(['M', 'F']),
  birthDate: z.iso.date(),
  expiryDate: z.iso.date(),
  placeOfOrigin: shortText,
  /** Airport: the flight on their boarding pass. */
  flight: z.string().max(10).nullable(),
  /** A data: URL of the chip photo (JPEG), or null when the face photos are not fetched. */
  photo: z
    .string()
    .max(64_000)
    .regex(/^data:image\/jpeg;base64,[A-Za-z0-9+/=]+$/)
    .nullable(),
});
export type CitizenCard = z.infer<typeof CitizenCard>;

export const ScenarioInfo = z.strictObject({
  file: z.string().max(80),
  name: shortText,
  about: z.string().max(1000),
  /** The kind of site it runs on: the list names those for the other kind without running them. */
  site: z.enum(['hospital', 'airport']),
  /** One of the newcomer's "try this" five (the others are listed under "more scenarios"). */
  featured: z.boolean(),
});
export type ScenarioInfo = z.infer<typeof ScenarioInfo>;

/** What the site looks like now. */
export const ConsoleSnapshot = z.strictObject({
  /** The kiosk screen's data-screen. */
  screen: z.string().max(40),
  /** The card on each reader (citizen and faults), or null. */
  readers: z.array(z.strictObject({ citizen: z.number().int().min(0), faults: z.array(ChipFault) }).nullable()).max(2),
  /** What the camera sees; `citizen` null: the last card's holder. */
  camera: z.strictObject({ subject: CameraSubject, citizen: z.number().int().min(0).nullable() }).nullable(),
  network: z.enum(['cut', 'restored']),
  clockSkewMinutes: z.number().int(),
  printer: z.string().max(20).nullable(),
  gate: z.string().max(20).nullable(),
  /** Each device's state as the kiosk reports it (main/api/contract.ts DeviceState). */
  devices: z.record(z.string().max(20), z.string().max(20)),
  /** Check-ins not yet acknowledged by the registry, and how long the oldest has waited. */
  outbox: z.strictObject({ queued: z.number().int().min(0), oldestAgeMs: z.number().min(0).nullable() }),
  /** Check-ins recorded since the site started, and this kiosk's check-ins the registry holds. */
  checkins: z.number().int().min(0),
  inRegistry: z.number().int().min(0),
  /** The registry's last answer to this kiosk, in a line. */
  registry: z.strictObject({ at: z.string().max(40), text: shortText }).nullable(),
  /** The last decision the kiosk recorded. */
  decision: z
    .strictObject({ decision: z.string().max(20), reasons: z.array(z.string().max(64)).max(16), face: z.string().max(20).nullable() })
    .nullable(),
});
export type ConsoleSnapshot = z.infer<typeof ConsoleSnapshot>;

/** One line of the live views: the APDU trace, device changes, decisions, the registry's answers, the narration. */
export const ConsoleEvent = z.strictObject({
  kind: z.enum(['apdu', 'view', 'device', 'decision', 'registry', 'ticket', 'gate', 'narration', 'action', 'problem']),
  at: z.string().max(40),
  text: z.string().max(500),
});
export type ConsoleEvent = z.infer<typeof ConsoleEvent>;

/** What the server tells the page. */
export const ServerMessage = z.discriminatedUnion('t', [
  z.strictObject({
    t: z.literal('hello'),
    site: z.enum(['hospital', 'airport']),
    citizens: z.array(CitizenCard).max(50),
    scenarios: z.array(ScenarioInfo).max(100),
    /** The hospital's clinics (choose-clinic), none at an airport. */
    clinics: z.array(z.strictObject({ id: z.string().regex(/^[a-z0-9-]{1,32}$/), name: shortText })).max(50),
  }),
  z.strictObject({ t: z.literal('snapshot'), snapshot: ConsoleSnapshot }),
  z.strictObject({ t: z.literal('events'), events: z.array(ConsoleEvent).max(200) }),
  /** The answer to a request: done, or why not in a line a person reads. */
  z.strictObject({ t: z.literal('done'), id: requestId, yaml: z.string().max(500_000).optional() }),
  z.strictObject({ t: z.literal('failed'), id: requestId, error: z.string().max(500) }),
  z.strictObject({
    t: z.literal('recording'),
    active: z.boolean(),
    steps: z.number().int().min(0),
  }),
  /** A scenario running: which step of how many. */
  z.strictObject({
    t: z.literal('running'),
    name: shortText.nullable(),
    step: z.number().int().min(0),
    of: z.number().int().min(0),
  }),
]);
export type ServerMessage = z.infer<typeof ServerMessage>;

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

function parseWith<T>(schema: z.ZodType<T>, limit: number, text: unknown): Parsed<T> {
  if (typeof text !== 'string') return { ok: false, error: 'not a text message' };
  if (text.length > limit) return { ok: false, error: `message longer than ${limit} characters` };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, error: 'not JSON' };
  }
  const r = schema.safeParse(json);
  if (r.success) return { ok: true, value: r.data };
  const first = r.error.issues[0];
  return { ok: false, error: first ? `${first.path.join('.') || 'message'}: ${first.message}` : 'invalid message' };
}

export const parsePageMessage = (text: unknown): Parsed<PageMessage> => parseWith(PageMessage, MAX_PAGE_MESSAGE_BYTES, text);
export const parseServerMessage = (text: unknown): Parsed<ServerMessage> => parseWith(ServerMessage, MAX_SERVER_MESSAGE_BYTES, text);
