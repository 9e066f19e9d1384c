// The one IPC contract between the kiosk core and its UI. Every message that crosses a
// transport (Electron MessagePort or the loopback WebSocket) is parsed with these schemas
// on arrival, on both sides: the other end is never trusted to be well-formed.
import { z } from 'zod';

export const PROTOCOL_VERSION = 1;

export const Language = z.enum(['vi', 'en']);
export type Language = z.infer<typeof Language>;

export const DeviceState = z.enum(['connected', 'missing']);
export type DeviceState = z.infer<typeof DeviceState>;

export const DeviceStatus = z.strictObject({
  reader: DeviceState,
  scanner: DeviceState,
  camera: DeviceState,
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

/** Requests the UI may send: method name → params and result schemas. */
export const requests = {
  'app.info': { params: NoParams, result: AppInfo },
  'devices.status': { params: NoParams, result: DeviceStatus },
  'settings.setLanguage': { params: z.strictObject({ language: Language }), result: z.strictObject({ language: Language }) },
} as const;

/** Events the core pushes to the UI: name → payload schema. */
export const events = {
  'devices.changed': DeviceStatus,
} as const;

export type Method = keyof typeof requests;
export type EventName = keyof typeof events;
export type ParamsOf<M extends Method> = z.infer<(typeof requests)[M]['params']>;
export type ResultOf<M extends Method> = z.infer<(typeof requests)[M]['result']>;
export type PayloadOf<E extends EventName> = z.infer<(typeof events)[E]>;

export const ErrorCode = z.enum(['bad-message', 'unknown-method', 'bad-params', 'internal', 'unavailable']);
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
