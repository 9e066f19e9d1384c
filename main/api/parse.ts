// Parsers for raw transport data. They never throw: each returns a typed result, so a
// transport can log the reason and answer with an error instead of crashing.
import {
  CoreMessage,
  MAX_MESSAGE_BYTES,
  RequestMessage,
  events,
  requests,
  type ErrorBody,
  type EventName,
  type Method,
  type ParamsOf,
} from './contract.js';

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: ErrorBody; id: number | null };

function describeIssues(error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] }): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`)
    .join('; ');
}

function parseJson(raw: unknown): { ok: true; value: unknown } | { ok: false; message: string } {
  if (typeof raw !== 'string') return { ok: false, message: 'message is not text' };
  if (raw.length > MAX_MESSAGE_BYTES) return { ok: false, message: `message longer than ${MAX_MESSAGE_BYTES} bytes` };
  try {
    return { ok: true, value: JSON.parse(raw) as unknown };
  } catch {
    return { ok: false, message: 'message is not valid JSON' };
  }
}

export interface ParsedRequest<M extends Method = Method> {
  id: number;
  method: M;
  params: ParamsOf<M>;
}

function isMethod(name: string): name is Method {
  return Object.prototype.hasOwnProperty.call(requests, name);
}

/** Parses a UI → core message: JSON text, envelope, known method, and that method's params. */
export function parseRequest(raw: unknown): Parsed<ParsedRequest> {
  const json = parseJson(raw);
  if (!json.ok) return { ok: false, id: null, error: { code: 'bad-message', message: json.message } };
  const env = RequestMessage.safeParse(json.value);
  if (!env.success) {
    return { ok: false, id: null, error: { code: 'bad-message', message: `not a request: ${describeIssues(env.error)}` } };
  }
  const { id, method, params } = env.data;
  if (!isMethod(method)) return { ok: false, id, error: { code: 'unknown-method', message: `unknown method "${method}"` } };
  const p = requests[method].params.safeParse(params);
  if (!p.success) {
    return { ok: false, id, error: { code: 'bad-params', message: `bad params for ${method}: ${describeIssues(p.error)}` } };
  }
  return { ok: true, value: { id, method, params: p.data } as ParsedRequest };
}

export type ParsedCoreMessage =
  | { type: 'response'; id: number | null; ok: true; result: unknown }
  | { type: 'response'; id: number | null; ok: false; error: ErrorBody }
  | { type: 'event'; name: EventName; payload: unknown };

/** Parses a core → UI message. Event payloads are checked here; results by the caller, who knows the method. */
export function parseCoreMessage(raw: unknown): Parsed<ParsedCoreMessage> {
  const json = parseJson(raw);
  if (!json.ok) return { ok: false, id: null, error: { code: 'bad-message', message: json.message } };
  const m = CoreMessage.safeParse(json.value);
  if (!m.success) return { ok: false, id: null, error: { code: 'bad-message', message: describeIssues(m.error) } };
  const msg = m.data;
  if (msg.type === 'response') return { ok: true, value: msg };
  if (!Object.prototype.hasOwnProperty.call(events, msg.name)) {
    return { ok: false, id: null, error: { code: 'bad-message', message: `unknown event "${msg.name}"` } };
  }
  const name = msg.name as EventName;
  const payload = events[name].safeParse(msg.payload);
  if (!payload.success) {
    return { ok: false, id: null, error: { code: 'bad-message', message: `bad payload for ${name}: ${describeIssues(payload.error)}` } };
  }
  return { ok: true, value: { type: 'event', name, payload: payload.data } };
}

export function parseResult<M extends Method>(method: M, result: unknown): Parsed<unknown> {
  const r = requests[method].result.safeParse(result);
  if (!r.success) {
    return { ok: false, id: null, error: { code: 'bad-message', message: `bad result for ${method}: ${describeIssues(r.error)}` } };
  }
  return { ok: true, value: r.data };
}
