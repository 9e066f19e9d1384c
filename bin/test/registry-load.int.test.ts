// The registry under load (issue 17): check-in batches beyond what it can take are turned away
// with a signed 503 + Retry-After that the kiosk honours with jitter, and nothing is lost or
// stored twice; records checked on the worker threads are refused as on the main thread; nonces
// taken in groups still refuse a replay; a poll sees a publication at once. PGlite, in memory.
import { createHash, createPrivateKey, randomBytes, sign } from 'node:crypto';
import { createServer } from 'node:http';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { H_KIOSK, H_NONCE, H_SIGNATURE, H_TIME, signingText } from '../../main/protocol/registry-protocol.js';
import { KioskStore, type CheckInInput } from '../../main/store/kiosk-store.js';
import { saveCredentials } from '../../main/sync/credentials.js';
import { enrol, RegistryClient, SyncError, type KioskCredentials } from '../../main/sync/registry-client.js';
import { SyncEngine } from '../../main/sync/sync-engine.js';
import { publishDataset } from '../../registry/datasets.js';
import type { Db } from '../../registry/db.js';
import { issueEnrolCode } from '../../registry/enrolment.js';
import { openRegistryDb } from '../../registry/open.js';
import { startRegistryServer, type RegistryServer } from '../../registry/server.js';
import { hospitalConfig } from './fixtures/dataset-items.js';

const SAMPLE: CheckInInput = {
  site: 'load-site',
  workflow: 'hospital-checkin',
  decision: 'admitted',
  reasons: [],
  matchScore: 0.7,
  verification: { chip: 'verified' },
  identity: { idNumber: '001099012345' },
};

describe('registry under load', () => {
  let db: Db;
  let server: RegistryServer;
  const stores: KioskStore[] = [];

  beforeAll(async () => {
    db = await openRegistryDb({ kind: 'pglite', dir: null });
    // One batch at a time and none waiting: the second at once is turned away.
    server = await startRegistryServer({
      db,
      log: pino({ level: 'silent' }),
      admission: { running: 1, maxWaitMs: 0, maxWaiting: 0 },
      checkThreads: 1,
    });
  }, 60_000);
  afterAll(async () => {
    for (const s of stores) s.close();
    await server?.close();
    await db?.close();
  });

  async function kiosk(records: number) {
    const { code } = await issueEnrolCode(db, 'load-site');
    const creds = await enrol(server.url, code, `load ${stores.length}`);
    const store = new KioskStore(':memory:');
    saveCredentials(store, creds);
    stores.push(store);
    store.db.transaction(() => {
      for (let i = 0; i < records; i++) store.record(SAMPLE);
    })();
    return { creds, store, engine: new SyncEngine(store, new RegistryClient(creds)) };
  }

  it('turns a batch away with a signed 503 + Retry-After; the kiosk waits that long plus jitter; every check-in is stored once', async () => {
    const fleet = await Promise.all([kiosk(150), kiosk(150), kiosk(150), kiosk(150)]);
    const first = await Promise.allSettled(fleet.map((k) => k.engine.uploadOnce()));
    const shed = first.flatMap((r) => (r.status === 'rejected' ? [r.reason as SyncError] : []));
    expect(shed.length).toBeGreaterThan(0);
    for (const e of shed) {
      expect(e).toBeInstanceOf(SyncError);
      expect(e).toMatchObject({ kind: 'server', status: 503, code: 'busy' });
      expect(e.retryAfterMs).toBeGreaterThanOrEqual(1000);
    }
    // Drained as the kiosk's loop would, honouring what the registry said.
    for (const k of fleet) {
      for (let i = 0; i < 60 && k.store.queue().length > 0; i++) {
        const delay = await k.engine.pass();
        if (k.store.queue().length > 0) await new Promise((r) => setTimeout(r, Math.min(delay, 1600)));
      }
      expect(k.store.queue().length).toBe(0);
    }
    const ids = fleet.map((k) => k.creds.kioskId);
    const [n] = await db.query<{ n: string; d: string }>(
      'SELECT count(*) AS n, count(DISTINCT id) AS d FROM checkins WHERE kiosk_id = ANY($1::uuid[])',
      [ids],
    );
    expect([Number(n!.n), Number(n!.d)]).toEqual([600, 600]);
    const chains = await db.query<{ chain_seq: string }>('SELECT chain_seq FROM kiosks WHERE id = ANY($1::uuid[])', [ids]);
    expect(chains.map((c) => Number(c.chain_seq))).toEqual([150, 150, 150, 150]);
  }, 60_000);

  it("the kiosk's loop waits what Retry-After says, spread by up to half again", async () => {
    const { creds, store } = await kiosk(3);
    class Busy extends RegistryClient {
      override request(): Promise<never> {
        return Promise.reject(new SyncError('server', 'the registry refused: busy', 503, 'busy', 4000));
      }
    }
    expect(await new SyncEngine(store, new Busy(creds), { random: () => 0 }).pass()).toBe(4000);
    expect(await new SyncEngine(store, new Busy(creds), { random: () => 1 }).pass()).toBe(6000);
    expect(store.queue().length).toBe(3); // nothing left the outbox
  });

  it('Retry-After is taken from a signed refusal only', async () => {
    // A server on the registry's address that is not the registry: its 503 is not acted on.
    const fake = createServer((_, res) => res.writeHead(503, { 'retry-after': '999999', 'content-type': 'application/json' }).end('{}'));
    fake.on('error', () => {});
    await new Promise<void>((r) => fake.listen(0, '127.0.0.1', r));
    try {
      const { creds } = await kiosk(0);
      const port = (fake.address() as { port: number }).port;
      const client = new RegistryClient({ ...creds, registryUrl: `http://127.0.0.1:${port}` } satisfies KioskCredentials);
      const err = (await client.request('GET', '/v1/ping', undefined, z.unknown()).catch((e: unknown) => e)) as SyncError;
      expect(err).toMatchObject({ kind: 'unauthenticated', retryAfterMs: null });
    } finally {
      fake.close();
    }
  });

  it('checks records on the worker threads as strictly: a forged one in a large batch is refused, the rest stored', async () => {
    const k = await kiosk(100);
    const records = k.store.dueBatch(Date.now(), 500, 1e7);
    records[40] = { ...records[40]!, decision: 'refused' }; // altered after it was signed (and hashed)
    const body = JSON.stringify({ records, queue: { length: 100, oldestAgeMs: 0 } });
    const res = await signed(k.creds, 'POST', '/v1/checkins', body);
    expect(res.status).toBe(200);
    const { results } = (await res.json()) as { results: { id: string; status: string; reason?: string }[] };
    expect(results.filter((r) => r.status === 'accepted')).toHaveLength(99);
    expect(results[40]).toMatchObject({ status: 'rejected', reason: expect.stringMatching(/hash/) });
  });

  it('refuses the second of two identical requests sent together (nonces taken in one statement)', async () => {
    const k = await kiosk(0);
    const nonce = randomBytes(18).toString('base64url');
    const [a, b] = await Promise.all([signed(k.creds, 'GET', '/v1/ping', '', nonce), signed(k.creds, 'GET', '/v1/ping', '', nonce)]);
    expect([a.status, b.status].sort()).toEqual([200, 401]);
    const refused = a.status === 401 ? a : b;
    expect(((await refused.json()) as { error: string }).error).toBe('replayed-nonce');
  });

  it('a poll sees a publication at once', async () => {
    const k = await kiosk(0);
    expect((await k.engine.downloadOnce()).find((d) => d.dataset === 'site-config')).toMatchObject({ from: 0, to: 0 });
    const { version } = await publishDataset(db, 'site-config', 'load-site', [hospitalConfig('Load')]);
    expect((await k.engine.downloadOnce()).find((d) => d.dataset === 'site-config')).toMatchObject({ from: 0, to: version });
    expect((await k.engine.downloadOnce()).find((d) => d.dataset === 'site-config')).toMatchObject({ from: version, to: version });
  });

  function signed(
    creds: KioskCredentials,
    method: 'GET' | 'POST',
    path: string,
    body: string,
    nonce = randomBytes(18).toString('base64url'),
  ) {
    const time = String(Date.now());
    const key = createPrivateKey({ key: Buffer.from(creds.privateKey, 'base64'), format: 'der', type: 'pkcs8' });
    const digest = createHash('sha256').update(body).digest('hex');
    return fetch(server.url + path, {
      method,
      headers: {
        ...(method === 'POST' ? { 'content-type': 'application/json' } : {}),
        [H_KIOSK]: creds.kioskId,
        [H_TIME]: time,
        [H_NONCE]: nonce,
        [H_SIGNATURE]: sign(null, Buffer.from(signingText(method, path, digest, time, nonce)), key).toString('base64'),
      },
      ...(method === 'POST' ? { body } : {}),
    });
  }
});
