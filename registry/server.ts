// The registry's HTTP service (fastify): enrolment, signed check-in ingest, kiosk alerts,
// reference-data deltas, the fleet page (behind an operator login, registry/operator.ts). JSON
// bodies must say Content-Type: application/json. Bodies are read as bytes (the signature covers
// them), bounded, parsed as JSON and validated; each refusal has its own status and reason,
// and is logged.
import { createHash, randomBytes } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { z } from 'zod';
import {
  answerSigningText,
  BoardingClaim,
  CheckInBatch,
  DatasetName,
  EnrolRequest,
  H_NONCE,
  H_REGISTRY_SIGNATURE,
  KioskAlert,
  MAX_BODY_BYTES,
} from '../main/protocol/registry-protocol.js';
import { recordKioskAlert } from './alerts.js';
import { claimBoarding } from './boarding.js';
import { authenticate, pruneNonces, REFUSAL_WORDS, type AuthedKiosk } from './auth.js';
import { Admission, LoadShedError, type AdmissionOptions } from './admission.js';
import { CheckPool } from './check-pool.js';
import { currentVersion, datasetDelta, lineFor, signUnsignedItems } from './datasets.js';
import type { Db } from './db.js';
import { enrolKiosk } from './enrolment.js';
import { FleetRecorder } from './fleet-samples.js';
import { BatchPendingError, ingest } from './ingest.js';
import { registerFleet } from './operator.js';
import { registryKey } from './keys.js';

export interface RegistryServerOptions {
  db: Db;
  log: Logger;
  port?: number;
  host?: string;
  /** The secret of the keyed person digest (registry/person-key.ts); a random one for this process if left out. */
  personKey?: Buffer;
  /** Serve HTTPS with this certificate chain and key (PEM); plain HTTP without. */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** Check-in batches worked on at once and how long one may wait (registry/admission.ts); beyond, 503 + Retry-After. */
  admission?: AdmissionOptions;
  /** Worker threads for the per-record checks (registry/check-pool.ts); 0 checks on the main thread. */
  checkThreads?: number;
}

/** Defaults sized for one registry process (docs/STORE-SYNC-REGISTRY.md, "Capacity plan"). */
export const DEFAULT_ADMISSION: AdmissionOptions = { running: 2, maxWaitMs: 300, maxWaiting: 200 };

export interface RegistryServer {
  app: FastifyInstance;
  url: string;
  /** The fleet page's counters; written once a minute (and at close), or now with `fleet.flush()`. */
  fleet: FleetRecorder;
  close(): Promise<void>;
}

declare module 'fastify' {
  interface FastifyRequest {
    rawBody?: Buffer;
    kiosk?: AuthedKiosk;
  }
}

function refuse(reply: FastifyReply, status: number, error: string, message: string) {
  return reply.code(status).send({ error, message });
}

function parseBody<T extends z.ZodType>(req: FastifyRequest, reply: FastifyReply, schema: T): z.infer<T> | null {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json') {
    void refuse(reply, 415, 'unsupported-media-type', 'the body must be sent as Content-Type: application/json');
    return null;
  }
  const raw = req.rawBody ?? Buffer.alloc(0);
  let value: unknown;
  try {
    value = JSON.parse(raw.toString('utf8'));
  } catch {
    void refuse(reply, 400, 'malformed-json', 'the body is not JSON');
    return null;
  }
  const p = schema.safeParse(value);
  if (!p.success) {
    const i = p.error.issues[0]!;
    void refuse(reply, 400, 'invalid-body', `${i.path.join('.') || 'body'}: ${i.message}`.slice(0, 300));
    return null;
  }
  return p.data;
}

export async function startRegistryServer(o: RegistryServerOptions): Promise<RegistryServer> {
  const { db, log } = o;
  const personKey = o.personKey ?? randomBytes(32);
  const key = await registryKey(db);
  await signUnsignedItems(db);
  const recorder = new FleetRecorder(db, log);
  const admission = new Admission(o.admission ?? DEFAULT_ADMISSION);
  const checks = new CheckPool(log, o.checkThreads);
  const app = Fastify({
    bodyLimit: MAX_BODY_BYTES,
    logger: false,
    requestTimeout: 30_000,
    connectionTimeout: 60_000,
    ...(o.tls ? { https: { cert: o.tls.cert, key: o.tls.key } } : {}),
  });
  // Every answer is signed, bound to the request it answers (answerSigningText): a kiosk acts
  // on no answer that is not the registry's own, so a server that only looks like it cannot
  // acknowledge check-ins it never stored, or hand out data.
  app.addHook('onSend', async (req, reply, payload) => {
    const bytes = typeof payload === 'string' ? Buffer.from(payload) : Buffer.isBuffer(payload) ? payload : null;
    if (bytes === null && payload !== null && payload !== undefined) return payload; // streams: none here
    const nonce = typeof req.headers[H_NONCE] === 'string' ? req.headers[H_NONCE].slice(0, 64) : '';
    const digest = (b: Buffer) => createHash('sha256').update(b).digest('hex');
    const text = answerSigningText(
      req.method,
      req.url,
      nonce,
      digest(req.rawBody ?? Buffer.alloc(0)),
      reply.statusCode,
      digest(bytes ?? Buffer.alloc(0)),
    );
    void reply.header(H_REGISTRY_SIGNATURE, key.sign(text));
    return payload;
  });
  // Keep the exact bytes: the kiosk signed them.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (req, body, done) => {
    req.rawBody = body as Buffer;
    done(null, undefined);
  });

  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, req, reply) => {
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      log.warn({ path: req.url, ip: req.ip }, 'refused: body too large');
      return refuse(reply, 413, 'body-too-large', `the body is larger than ${MAX_BODY_BYTES} bytes`);
    }
    if (err.statusCode && err.statusCode < 500) return refuse(reply, err.statusCode, 'bad-request', err.message.slice(0, 300));
    // No database connection free in time: the registry is overloaded, not broken. Come back later.
    if (/timeout exceeded when trying to connect/.test(err.message)) {
      log.warn({ path: req.url }, 'shed: no database connection free');
      void reply.header('retry-after', '5');
      return refuse(reply, 503, 'busy', 'the registry is busy; send again later');
    }
    log.error({ err: err.message, path: req.url }, 'registry error');
    return refuse(reply, 500, 'internal', 'the registry failed on this request; it was logged');
  });

  const signed = async (req: FastifyRequest, reply: FastifyReply) => {
    const path = req.url;
    const r = await authenticate(db, req.method, path, req.headers, req.rawBody ?? Buffer.alloc(0));
    if (!r.ok) {
      log.warn({ refusal: r.refusal, kiosk: r.kioskId, path, ip: req.ip }, 'refused request');
      return refuse(reply, 401, r.refusal, REFUSAL_WORDS[r.refusal]);
    }
    req.kiosk = r.kiosk;
    recorder.noteSeen(r.kiosk.id);
  };

  app.get('/healthz', async () => ({ ok: true, db: db.kind }));

  app.post('/v1/enrol', async (req, reply) => {
    const body = parseBody(req, reply, EnrolRequest);
    if (!body) return reply;
    const r = await enrolKiosk(db, body.code, Buffer.from(body.publicKey, 'base64'), body.name);
    if (!r.ok) {
      log.warn({ refusal: r.reason, ip: req.ip }, 'refused enrolment');
      return refuse(
        reply,
        403,
        r.reason,
        {
          'unknown-code': 'no such enrolment code',
          'used-code': 'this enrolment code was already used',
          'expired-code': 'this enrolment code has expired',
        }[r.reason],
      );
    }
    log.info({ kiosk: r.kioskId, site: r.site, name: body.name }, 'kiosk enrolled');
    return { kioskId: r.kioskId, site: r.site, registryKey: key.publicKey, ticketPrefix: r.ticketPrefix };
  });

  app.post('/v1/checkins', { preHandler: signed }, async (req, reply) => {
    const body = parseBody(req, reply, CheckInBatch);
    if (!body) return reply;
    let results;
    try {
      results = await ingest(db, req.kiosk!, body, personKey, admission, (k, records) => checks.check(k, records));
    } catch (err) {
      if (err instanceof BatchPendingError) return refuse(reply, 409, 'previous-batch-pending', err.message);
      if (err instanceof LoadShedError) {
        void reply.header('retry-after', String(err.retryAfterS));
        return refuse(reply, 503, 'busy', err.message);
      }
      throw err;
    }
    recorder.noteUpload(req.kiosk!, results);
    const rejected = results.filter((r) => r.status === 'rejected');
    if (rejected.length) log.warn({ kiosk: req.kiosk!.id, rejected: rejected.length, first: rejected[0] }, 'check-ins rejected');
    return { results };
  });

  app.post('/v1/alerts', { preHandler: signed }, async (req, reply) => {
    const body = parseBody(req, reply, KioskAlert);
    if (!body) return reply;
    const r = await recordKioskAlert(db, req.kiosk!, body);
    log.warn(
      { kiosk: req.kiosk!.id, site: req.kiosk!.site, kind: body.kind, seq: body.seq, problem: body.problem, recorded: r.recorded },
      'kiosk reported an alert',
    );
    return r;
  });

  // Airport sites: one pass boards once across the site's gates while they are online (registry/boarding.ts).
  app.post('/v1/boarding/claim', { preHandler: signed }, async (req, reply) => {
    const body = parseBody(req, reply, BoardingClaim);
    if (!body) return reply;
    const r = await claimBoarding(db, req.kiosk!, body, personKey);
    if (r.boarded)
      log.info({ kiosk: req.kiosk!.id, site: req.kiosk!.site, flight: body.flight, by: r.by }, 'boarding claim: already boarded');
    return r;
  });

  app.get<{ Params: { name: string }; Querystring: { since?: string } }>(
    '/v1/datasets/:name',
    { preHandler: signed },
    async (req, reply) => {
      const name = DatasetName.safeParse(req.params.name);
      if (!name.success) return refuse(reply, 404, 'unknown-dataset', `no dataset "${String(req.params.name).slice(0, 40)}"`);
      const since = Number(req.query.since ?? '0');
      if (!Number.isSafeInteger(since) || since < 0) return refuse(reply, 400, 'invalid-query', 'since must be a version number');
      // What the kiosk asks from is what it holds: the fleet page shows it (no extra field on the wire).
      recorder.noteSeen(req.kiosk!.id, { name: name.data, since });
      // The line comes from the kiosk's enrolment: a kiosk reads its own site's data only.
      const line = lineFor(name.data, req.kiosk!.site);
      // Nothing new (most polls): one grouped indexed read, no transaction (registry/datasets.ts).
      const to = await currentVersion(db, name.data, line);
      if (since >= to) return { dataset: name.data, from: since, to: since, changes: [] };
      return datasetDelta(db, name.data, line, since);
    },
  );

  app.get('/v1/ping', { preHandler: signed }, async (req) => ({ kioskId: req.kiosk!.id, time: new Date().toISOString() }));

  registerFleet(app, db, log);

  const timer = setInterval(() => void pruneNonces(db).catch(() => {}), 60_000);
  timer.unref();
  const stopRecorder = recorder.start();
  const host = o.host ?? '127.0.0.1';
  // A long accept queue: after an outage a fleet reconnects at once (the kernel caps it at somaxconn).
  await app.listen({ port: o.port ?? 0, host, backlog: 4096 });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : (o.port ?? 0);
  return {
    app,
    fleet: recorder,
    url: `${o.tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`,
    close: async () => {
      clearInterval(timer);
      await app.close();
      await stopRecorder();
      await checks.close();
    },
  };
}
