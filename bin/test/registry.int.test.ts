// Lives in bin/test: it joins the kiosk side (main/store, main/sync) and the registry, as bin does.
// The registry over HTTP on loopback, against PGlite and against a real PostgreSQL server
// (a throwaway cluster): enrolment, ingest, every refusal, the chain, reference data, stats.
import { createHash, createHmac, randomBytes, sign } from 'node:crypto';
import { createPrivateKey } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  canonicalJson,
  DatasetDelta,
  H_KIOSK,
  H_NONCE,
  H_SIGNATURE,
  H_TIME,
  hashInput,
  recordSigningText,
  signingText,
  type CheckInRecord,
} from '../../main/protocol/registry-protocol.js';
import { KioskStore, type CheckInInput } from '../../main/store/kiosk-store.js';
import { saveCredentials } from '../../main/sync/credentials.js';
import { enrol, RegistryClient, SyncError, type KioskCredentials } from '../../main/sync/registry-client.js';
import { SyncEngine } from '../../main/sync/sync-engine.js';
import { datasetDelta, DatasetRefusal, publishDataset } from '../../registry/datasets.js';
import { openPglite, openPostgres, type Db } from '../../registry/db.js';
import { ticketPrefix, issueEnrolCode, revokeKiosk } from '../../registry/enrolment.js';
import { migrateRegistry, REGISTRY_SCHEMA_VERSION } from '../../registry/migrations.js';
import { openRegistryDb } from '../../registry/open.js';
import { startPostgresCluster, type PostgresCluster } from '../../registry/postgres-cluster.js';
import { WAIT_FOR_PREVIOUS_MS } from '../../registry/ingest.js';
import { issueOperatorToken, revokeOperatorToken, SESSION_COOKIE } from '../../registry/operator.js';
import { startRegistryServer, type RegistryServer } from '../../registry/server.js';
import { purgeIdentities, retentionSettings, setRetention } from '../../registry/retention.js';
import { registryStats } from '../../registry/stats.js';
import { airportConfig, csca, flight, hospitalConfig, patient } from './fixtures/dataset-items.js';

const SAMPLE: CheckInInput = {
  site: 'hospital-a',
  workflow: 'hospital-checkin',
  decision: 'admitted',
  reasons: [],
  matchScore: 0.7,
  verification: { chip: 'verified' },
  identity: { idNumber: '001099012345' },
};

describe.each(['pglite', 'postgres'] as const)('registry on %s', (backend) => {
  let cluster: PostgresCluster | null = null;
  let db: Db;
  let server: RegistryServer;
  let dir: string;
  const stores: KioskStore[] = [];
  const personKey = randomBytes(32);

  beforeAll(async () => {
    if (backend === 'postgres') cluster = await startPostgresCluster();
    db = await openRegistryDb(cluster ? { kind: 'postgres', url: cluster.url } : { kind: 'pglite', dir: null });
    server = await startRegistryServer({ db, log: pino({ level: 'silent' }), personKey });
    dir = mkdtempSync(join(tmpdir(), 'registry-test-'));
  }, 120_000);
  afterAll(async () => {
    for (const s of stores) s.close();
    await server?.close();
    await db?.close();
    cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function kiosk(
    site = 'hospital-a',
  ): Promise<{ creds: KioskCredentials; store: KioskStore; client: RegistryClient; engine: SyncEngine }> {
    const { code } = await issueEnrolCode(db, site);
    const creds = await enrol(server.url, code, `kiosk ${stores.length}`);
    const store = new KioskStore(join(dir, `k${stores.length}.db`));
    saveCredentials(store, creds);
    stores.push(store);
    const client = new RegistryClient(creds);
    return { creds, store, client, engine: new SyncEngine(store, client) };
  }

  let operator: string | null = null;
  const operatorToken = async () => (operator ??= (await issueOperatorToken(db, 'tests')).token);

  /** An empty database on this backend, for migrating old data. */
  async function freshDb(): Promise<{ db: Db; close: () => Promise<void> }> {
    if (!cluster) {
      const fresh = await openPglite();
      return { db: fresh, close: () => fresh.close() };
    }
    const name = `fresh_${randomBytes(4).toString('hex')}`;
    await db.query(`CREATE DATABASE ${name}`);
    const fresh = await openPostgres(cluster.url.replace(/\/registry$/, `/${name}`));
    return { db: fresh, close: () => fresh.close() };
  }

  /** A request signed by hand, to change one thing at a time. */
  function signedFetch(
    creds: KioskCredentials,
    body: string,
    over: { time?: string; nonce?: string; signature?: string; path?: string; kioskId?: string; contentType?: string | null } = {},
  ) {
    const path = over.path ?? '/v1/checkins';
    const time = over.time ?? String(Date.now());
    const nonce = over.nonce ?? randomBytes(18).toString('base64url');
    const digest = createHash('sha256').update(body).digest('hex');
    const key = createPrivateKey({ key: Buffer.from(creds.privateKey, 'base64'), format: 'der', type: 'pkcs8' });
    const signature = over.signature ?? sign(null, Buffer.from(signingText('POST', path, digest, time, nonce)), key).toString('base64');
    return fetch(server.url + path, {
      method: 'POST',
      headers: {
        ...(over.contentType === null ? {} : { 'content-type': over.contentType ?? 'application/json' }),
        [H_KIOSK]: over.kioskId ?? creds.kioskId,
        [H_TIME]: time,
        [H_NONCE]: nonce,
        [H_SIGNATURE]: signature,
      },
      body,
    });
  }

  it('enrols with a one-time code, once', async () => {
    const { code } = await issueEnrolCode(db, 'airport-t1');
    const creds = await enrol(server.url, code, 'gate 1');
    expect(creds.site).toBe('airport-t1');
    await expect(enrol(server.url, code, 'gate 2')).rejects.toMatchObject({ kind: 'refused', code: 'used-code' });
    await expect(enrol(server.url, 'AAAA-BBBB-CCCC', 'gate 3')).rejects.toMatchObject({ code: 'unknown-code' });
  });

  it("gives each kiosk of a site its own ticket letter, in enrolment order, another site's from A again", async () => {
    const letters: string[] = [];
    for (let i = 0; i < 3; i++)
      letters.push((await enrol(server.url, (await issueEnrolCode(db, 'hospital-letters')).code, `k${i}`)).ticketPrefix!);
    expect(letters).toEqual(['A', 'B', 'C']);
    expect((await enrol(server.url, (await issueEnrolCode(db, 'hospital-other')).code, 'k')).ticketPrefix).toBe('A');
    expect([1, 26, 27, 52, 53, 702].map(ticketPrefix)).toEqual(['A', 'Z', 'AA', 'AZ', 'BA', 'ZZ']);
  });

  it('stores each check-in once; a duplicated batch is acknowledged again and changes nothing', async () => {
    const k = await kiosk();
    for (let i = 0; i < 30; i++) k.store.record(SAMPLE);
    const records = k.store.dueBatch(Date.now(), 500, 1e7);
    const body = JSON.stringify({ records, queue: { length: 30, oldestAgeMs: 5 } });
    const first = (await (await signedFetch(k.creds, body)).json()) as { results: { status: string }[] };
    expect(first.results.every((r: { status: string }) => r.status === 'accepted')).toBe(true);
    const before = await registryStats(db);
    const again = (await (await signedFetch(k.creds, body)).json()) as { results: { status: string }[] }; // a retry: new nonce, same records
    expect(again.results.every((r: { status: string }) => r.status === 'duplicate')).toBe(true);
    const after = await registryStats(db);
    expect(after.checkins).toBe(before.checkins);
    expect(after.duplicatesAcknowledged).toBe(before.duplicatesAcknowledged + 30);
    expect(after.distinctIds).toBe(after.checkins);
  });

  it('refuses replays, tampered signatures, stale times, unknown and revoked kiosks, each with its reason, storing nothing', async () => {
    const k = await kiosk();
    k.store.record(SAMPLE);
    const body = JSON.stringify({ records: k.store.dueBatch(Date.now(), 10, 1e6), queue: { length: 1, oldestAgeMs: 0 } });
    const before = (await registryStats(db)).checkins;
    const nonce = randomBytes(18).toString('base64url');
    const time = String(Date.now());
    expect((await signedFetch(k.creds, body, { nonce, time })).status).toBe(200);
    const stored = (await registryStats(db)).checkins;
    expect(stored).toBe(before + 1);
    const refusal = async (res: Response) => [res.status, ((await res.json()) as { error: string }).error];
    expect(await refusal(await signedFetch(k.creds, body, { nonce, time }))).toEqual([401, 'replayed-nonce']);
    k.store.record(SAMPLE);
    const body2 = JSON.stringify({ records: k.store.dueBatch(Date.now(), 10, 1e6).slice(1), queue: { length: 1, oldestAgeMs: 0 } });
    expect(await refusal(await signedFetch(k.creds, body2, { signature: Buffer.alloc(64, 7).toString('base64') }))).toEqual([
      401,
      'bad-signature',
    ]);
    const tamperedBody = body2.replace('"admitted"', '"refused"');
    // Signed for one body, sent with another.
    const t2 = String(Date.now());
    const n2 = randomBytes(18).toString('base64url');
    const key = createPrivateKey({ key: Buffer.from(k.creds.privateKey, 'base64'), format: 'der', type: 'pkcs8' });
    const sig = sign(
      null,
      Buffer.from(signingText('POST', '/v1/checkins', createHash('sha256').update(body2).digest('hex'), t2, n2)),
      key,
    ).toString('base64');
    expect(await refusal(await signedFetch(k.creds, tamperedBody, { time: t2, nonce: n2, signature: sig }))).toEqual([
      401,
      'bad-signature',
    ]);
    expect(await refusal(await signedFetch(k.creds, body2, { time: String(Date.now() - 10 * 60_000) }))).toEqual([401, 'stale-timestamp']);
    expect(await refusal(await signedFetch(k.creds, body2, { kioskId: '00000000-0000-4000-8000-000000000000' }))).toEqual([
      401,
      'unknown-kiosk',
    ]);
    expect(
      await refusal(
        await fetch(server.url + '/v1/checkins', { method: 'POST', body: body2, headers: { 'content-type': 'application/json' } }),
      ),
    ).toEqual([401, 'missing-auth']);
    const victim = await kiosk();
    victim.store.record(SAMPLE);
    await revokeKiosk(db, victim.creds.kioskId);
    await expect(victim.engine.uploadOnce()).rejects.toMatchObject({ kind: 'refused', code: 'revoked-kiosk' });
    expect(victim.store.queue()).toMatchObject({ length: 1, lastError: expect.stringMatching(/revoked/) });
    expect((await registryStats(db)).checkins).toBe(stored);
  });

  it('refuses oversized, malformed and invalid bodies, and rejects bad records one by one with why', async () => {
    const k = await kiosk();
    const refusal = async (res: Response) => [res.status, ((await res.json()) as { error: string }).error];
    const before = (await registryStats(db)).checkins;
    expect(await refusal(await signedFetch(k.creds, 'x'.repeat(1_100_000)))).toEqual([413, 'body-too-large']);
    expect(await refusal(await signedFetch(k.creds, '{"records": [1,'))).toEqual([400, 'malformed-json']);
    expect(await refusal(await signedFetch(k.creds, JSON.stringify({ records: [], queue: { length: 0, oldestAgeMs: 0 } })))).toEqual([
      400,
      'invalid-body',
    ]);
    for (let i = 0; i < 4; i++) k.store.record(SAMPLE);
    const [a, b, c, d] = k.store.dueBatch(Date.now(), 10, 1e6) as [CheckInRecord, CheckInRecord, CheckInRecord, CheckInRecord];
    const records = [
      { ...a, decision: 'refused' }, // content changed after hashing
      { ...b, site: 'airport-t1' }, // not the kiosk's site
      { ...c, recordedAt: '2020-01-01T00:00:00.000Z' }, // time differs from the id
      { ...d, verification: 'x' }, // not a record
    ];
    const res = (await (await signedFetch(k.creds, JSON.stringify({ records, queue: { length: 4, oldestAgeMs: 0 } }))).json()) as {
      results: { status: string; reason: string }[];
    };
    expect(res.results.map((r) => [r.status, r.reason])).toEqual([
      ['rejected', 'hash does not match the content'],
      ['rejected', "site airport-t1 is not the kiosk's enrolled site"],
      ['rejected', 'recordedAt differs from the time in the id'],
      ['rejected', expect.stringMatching(/^verification: /)],
    ]);
    expect((await registryStats(db)).checkins).toBe(before);
  });

  /** A record changed by someone holding the kiosk's key: re-hashed and re-signed. */
  function resigned(creds: KioskCredentials, r: CheckInRecord): CheckInRecord {
    const { hash: _h, identity: _i, kioskId: _k, sig: _s, ...base } = r;
    const hash = createHash('sha256').update(hashInput(base)).digest('hex');
    const key = createPrivateKey({ key: Buffer.from(creds.privateKey, 'base64'), format: 'der', type: 'pkcs8' });
    return { ...r, hash, sig: sign(null, Buffer.from(recordSigningText(r.kioskId, hash)), key).toString('base64') };
  }
  type Results = { results: { id: string; status: string; reason?: string }[] };
  const post = async (creds: KioskCredentials, records: unknown[]) =>
    ((await (await signedFetch(creds, JSON.stringify({ records, queue: { length: 0, oldestAgeMs: 0 } }))).json()) as Results).results;

  it('follows each kiosk chain: rows that do not follow it are kept aside as disputed, with alerts, and never displace the genuine ones', async () => {
    const k = await kiosk();
    for (let i = 0; i < 6; i++) k.store.record(SAMPLE);
    const all = k.store.dueBatch(Date.now(), 10, 1e6);
    const before = (await registryStats(db)).chainBreaks;
    const statuses = async (records: CheckInRecord[]) => (await post(k.creds, records)).map((r) => r.status);
    expect(await statuses(all.slice(0, 2))).toEqual(['accepted', 'accepted']);
    expect(await statuses(all.slice(3, 4))).toEqual(['accepted']); // 3 never arrives: a gap; 4 is kept aside
    expect((await registryStats(db)).chainBreaks).toBe(before + 1);
    // Row 5 replaced, by whoever holds the kiosk's key, with a row that does not name row 4.
    expect(await statuses([resigned(k.creds, { ...all[4]!, prevHash: 'f'.repeat(64) })])).toEqual(['accepted']);
    const kinds = async () =>
      (await db.query<{ kind: string }>('SELECT kind FROM alerts WHERE kiosk_id = $1 ORDER BY id', [k.creds.kioskId])).map((a) => a.kind);
    expect(await kinds()).toEqual(['chain-gap', 'chain-break']);
    // 3 arrives: 3 and 4 join the chain; the genuine 5 (the disputed row's id) takes its place; 6 follows.
    expect(await statuses([all[2]!, all[4]!, all[5]!])).toEqual(['accepted', 'accepted', 'accepted']);
    const rows = await db.query<{ seq: string; hash: string; disputed: boolean }>(
      'SELECT seq, hash, disputed FROM checkins WHERE kiosk_id = $1 ORDER BY seq',
      [k.creds.kioskId],
    );
    expect(rows.map((r) => [Number(r.seq), r.hash, r.disputed])).toEqual(all.map((r) => [r.seq, r.hash, false]));
    const [head] = await db.query<{ chain_seq: string; disputed_rows: string }>(
      'SELECT chain_seq, disputed_rows FROM kiosks WHERE id = $1',
      [k.creds.kioskId],
    );
    expect([Number(head!.chain_seq), Number(head!.disputed_rows)]).toEqual([6, 0]);
    expect(await kinds()).toEqual(['chain-gap', 'chain-break', 'disputed-replaced']);
    // The disputed row cannot come back over the genuine one.
    expect(await statuses([resigned(k.creds, { ...all[4]!, prevHash: 'f'.repeat(64) })])).toEqual(['rejected']);
  });

  it("takes a check-in only from the kiosk that made it: another kiosk's upload is refused, the owner's still accepted", async () => {
    const owner = await kiosk();
    const other = await kiosk();
    owner.store.record(SAMPLE);
    const [rec] = owner.store.dueBatch(Date.now(), 10, 1e6) as [CheckInRecord];
    expect(rec.kioskId).toBe(owner.creds.kioskId);
    expect(await post(other.creds, [rec])).toEqual([{ id: rec.id, status: 'rejected', reason: 'this check-in was made by another kiosk' }]);
    // Relabelled as the uploader's own: the signature is still the owner's.
    expect(await post(other.creds, [{ ...rec, kioskId: other.creds.kioskId }])).toEqual([
      { id: rec.id, status: 'rejected', reason: expect.stringMatching(/signature/) },
    ]);
    expect(await owner.engine.uploadOnce()).toMatchObject({ accepted: 1, rejected: 0 });
    const [row] = await db.query<{ kiosk_id: string }>('SELECT kiosk_id FROM checkins WHERE id = $1', [rec.id]);
    expect(row!.kiosk_id).toBe(owner.creds.kioskId);
    const alerts = await db.query('SELECT 1 FROM alerts WHERE kiosk_id IN ($1, $2)', [owner.creds.kioskId, other.creds.kioskId]);
    expect(alerts).toHaveLength(0);
  });

  it('refuses check-ins edited offline and re-hashed without the kiosk key, whose chain still verifies on the kiosk', async () => {
    const k = await kiosk();
    for (let i = 0; i < 3; i++) k.store.record(SAMPLE);
    // What someone with the database file can do: change check-in 2, re-hash the chain from there.
    let prev = k.store.page(1, 1)[0]!.prevHash;
    for (const r of k.store.page(0, 10)) {
      const edited = r.seq === 2 ? { ...r, decision: 'refused' as const } : r;
      const { hash: _h, identity: _i, kioskId: _k, sig: _s, ...base } = { ...edited, prevHash: r.seq === 1 ? r.prevHash : prev };
      const hash = createHash('sha256').update(hashInput(base)).digest('hex');
      k.store.db
        .prepare('UPDATE checkins SET decision = ?, prev_hash = ?, hash = ? WHERE seq = ?')
        .run(base.decision, base.prevHash, hash, r.seq);
      prev = hash;
    }
    expect(k.store.verifyChain()).toMatchObject({ ok: true, count: 3 });
    expect(await k.engine.uploadOnce()).toMatchObject({ accepted: 1, rejected: 2 });
    expect(k.store.queue()).toMatchObject({ length: 2, lastError: expect.stringMatching(/signature is not its kiosk's/) });
    const [n] = await db.query<{ n: string }>('SELECT count(*) AS n FROM checkins WHERE kiosk_id = $1', [k.creds.kioskId]);
    expect(Number(n!.n)).toBe(1);
  });

  it('bounds sequence numbers and queue lengths: too large is refused with why, never stored, never a 500', async () => {
    const k = await kiosk();
    k.store.record(SAMPLE);
    const [rec] = k.store.dueBatch(Date.now(), 10, 1e6) as [CheckInRecord];
    expect(await post(k.creds, [resigned(k.creds, { ...rec, seq: 2 ** 53 - 1 })])).toEqual([
      { id: rec.id, status: 'rejected', reason: expect.stringMatching(/^seq: /) },
    ]);
    const refusal = async (res: Response) => [res.status, ((await res.json()) as { error: string }).error];
    expect(await refusal(await signedFetch(k.creds, JSON.stringify({ records: [rec], queue: { length: 3e9, oldestAgeMs: 0 } })))).toEqual([
      400,
      'invalid-body',
    ]);
    expect(
      await refusal(
        await signedFetch(k.creds, JSON.stringify({ kind: 'chain-break', seq: 2 ** 53 - 1, problem: 'x' }), { path: '/v1/alerts' }),
      ),
    ).toEqual([400, 'invalid-body']);
    const [n] = await db.query<{ n: string }>('SELECT count(*) AS n FROM checkins WHERE kiosk_id = $1', [k.creds.kioskId]);
    expect(Number(n!.n)).toBe(0);
  });

  it('serves reference data as deltas; a kiosk that missed many versions catches up in one pass', async () => {
    const k = await kiosk('hospital-deltas');
    await publishDataset(db, 'site-config', 'hospital-deltas', [hospitalConfig('Bệnh viện A')]);
    await publishDataset(db, 'roster', 'hospital-deltas', [patient(1)]);
    await k.engine.downloadOnce();
    const v1 = k.store.datasetVersions()['roster']!;
    for (let v = 0; v < 5; v++)
      await publishDataset(db, 'roster', 'hospital-deltas', [patient(1, 80 + v), ...(v < 4 ? [patient(10 + v)] : [])]);
    const got = await k.engine.downloadOnce();
    expect(got.find((g) => g.dataset === 'roster')).toMatchObject({ from: v1, to: v1 + 5 });
    expect(k.store.referenceItems('roster')).toEqual([patient(1, 84)]);
    expect(k.store.referenceItems('site-config')).toEqual([hospitalConfig('Bệnh viện A')]);
  });

  it("gives each kiosk its own site's site-config and roster, on the site's own version line, and every kiosk the one trust", async () => {
    const north = await kiosk('site-north');
    const south = await kiosk('site-south');
    const other = await kiosk('site-west');
    await publishDataset(db, 'trust', null, [csca('one')]);
    await publishDataset(db, 'site-config', 'site-north', [hospitalConfig('North hospital')]);
    await publishDataset(db, 'site-config', 'site-south', [airportConfig('South airport v1', 'SGN')]);
    await publishDataset(db, 'site-config', 'site-south', [airportConfig('South airport v2', 'SGN')]);
    await publishDataset(db, 'roster', 'site-north', [patient(2), patient(3)]);
    await publishDataset(db, 'roster', 'site-south', [flight('245')]);
    for (const k of [north, south, other]) await k.engine.downloadOnce();
    expect(north.store.referenceItems('site-config')).toEqual([hospitalConfig('North hospital')]);
    expect(north.store.referenceItems('roster')).toEqual([patient(2), patient(3)]);
    expect(south.store.referenceItems('site-config')).toEqual([airportConfig('South airport v2', 'SGN')]);
    expect(south.store.referenceItems('roster')).toEqual([flight('245')]);
    expect(other.store.referenceItems('site-config')).toEqual([]);
    expect(other.store.referenceItems('roster')).toEqual([]);
    for (const k of [north, south, other]) expect(k.store.referenceItems('trust')).toEqual([csca('one')]);
    expect(north.store.datasetVersions()).toMatchObject({ 'site-config': 1, roster: 1 });
    expect(south.store.datasetVersions()).toMatchObject({ 'site-config': 2, roster: 1 });
    expect(Object.keys(other.store.datasetVersions())).toEqual(['trust']); // nothing published for its site yet
    // A new roster for one site moves that site's line only.
    await publishDataset(db, 'roster', 'site-north', [patient(3)]);
    expect((await north.engine.downloadOnce()).find((g) => g.dataset === 'roster')).toMatchObject({ from: 1, to: 2, changes: 1 });
    expect((await south.engine.downloadOnce()).find((g) => g.dataset === 'roster')).toMatchObject({ from: 1, to: 1, changes: 0 });
    expect(north.store.referenceItems('roster')).toEqual([patient(3)]);
  });

  it("takes the site from the kiosk's enrolment, never from the request", async () => {
    const k = await kiosk('site-east');
    await publishDataset(db, 'roster', 'site-east', [patient(4)]);
    await publishDataset(db, 'roster', 'site-elsewhere', [patient(5)]);
    for (const path of ['/v1/datasets/roster?since=0&site=site-elsewhere', '/v1/datasets/roster?site=site-elsewhere&since=0']) {
      const delta = await k.client.request('GET', path, undefined, DatasetDelta);
      expect(delta.changes.map((c) => c.key)).toEqual([patient(4).key]);
    }
  });

  it('publishes site-config and roster for a named site only, and trust for none', async () => {
    await expect(publishDataset(db, 'roster', null, [patient(6)])).rejects.toThrow(/roster is published per site/);
    await expect(publishDataset(db, 'site-config', null, [hospitalConfig('x')])).rejects.toThrow(/per site/);
    await expect(publishDataset(db, 'trust', 'site-north', [csca('two')])).rejects.toThrow(/trust is the same for every site/);
    await expect(publishDataset(db, 'roster', 'no such site!', [patient(6)])).rejects.toThrow(/site "no such site!"/);
  });

  it('refuses a bad publication whole, naming the key and the field, and changes nothing', async () => {
    const k = await kiosk('site-strict');
    await publishDataset(db, 'site-config', 'site-strict', [hospitalConfig('Strict hospital')]);
    await publishDataset(db, 'roster', 'site-strict', [patient(7)]);
    await publishDataset(db, 'trust', null, [csca('one')]);
    await k.engine.downloadOnce();
    const snapshot = () =>
      db.query("SELECT dataset, site, key, value, version, deleted FROM dataset_items WHERE site IN ('site-strict', '') ORDER BY 1, 2, 3");
    const lines = () => db.query("SELECT dataset, site, version FROM dataset_versions WHERE site IN ('site-strict', '') ORDER BY 1, 2");
    const [items, versions] = [await snapshot(), await lines()];
    const overLevel = { key: patient(8).key, value: { ...patient(8).value, insurance: { ...patient(8).value.insurance!, level: 150 } } };
    const refusals: [Parameters<typeof publishDataset>, RegExp][] = [
      [[db, 'roster', 'site-strict', [patient(9), overLevel]], /^roster item "patient\/001099000008": insurance\.level: /],
      [
        [db, 'roster', 'site-strict', [{ key: 'clinic-3', value: { opens: '07:30' } }]],
        /^roster item "clinic-3": roster key clinic-3: keys start with patient\/ or flight\//,
      ],
      [
        [db, 'roster', 'site-strict', [{ key: 'flight/VN999/2026-11-29', value: flight('245').value }]],
        /^roster item "flight\/VN999\/2026-11-29": .*expected flight\/VN245\/2026-11-29/,
      ],
      [
        [db, 'site-config', 'site-strict', [{ key: 'thresholds', value: hospitalConfig('x').value }]],
        /^site-config item "thresholds": the site configuration is one item with key "site"/,
      ],
      [
        [db, 'site-config', 'site-strict', [hospitalConfig('a'), { key: 'extra', value: 1 }]],
        /^site-config is exactly one item, key "site" \(this file has 2\)/,
      ],
      [[db, 'site-config', 'site-strict', []], /^site-config is exactly one item, key "site" \(this file has 0\)/],
      [
        [db, 'site-config', 'site-strict', [{ key: 'site', value: { ...hospitalConfig('x').value, clinics: [] } }]],
        /^site-config item "site": clinics: /,
      ],
      [[db, 'trust', null, [{ key: 'csca/x', value: { kind: 'certificate', der: 'AA==' } }]], /^trust item "csca\/x": kind: /],
      [[db, 'roster', 'site-strict', [patient(9), patient(9)]], /key "patient\/001099000009" appears twice/],
    ];
    for (const [args, why] of refusals) await expect(publishDataset(...args)).rejects.toThrow(why);
    await expect(publishDataset(db, 'roster', 'site-strict', [patient(9), overLevel])).rejects.toBeInstanceOf(DatasetRefusal);
    expect(await snapshot()).toEqual(items);
    expect(await lines()).toEqual(versions);
    expect((await k.engine.downloadOnce()).every((d) => d.to === d.from)).toBe(true);
    expect(k.store.referenceItems('roster')).toEqual([patient(7)]);
  });

  it('migrates the global site-config and roster onto a line per known site, each starting where its kiosks are', async () => {
    const { db: old, close } = await freshDb();
    try {
      await migrateRegistry(old, 2);
      await old.query(
        "INSERT INTO kiosks (id, site, name, public_key) VALUES ('0190a0b0-0000-7000-8000-000000000001', 'site-a', 'a', '\\x00')",
      );
      await old.query("INSERT INTO enrol_codes (code_hash, site, expires_at) VALUES ('h', 'site-b', now())");
      await old.query("INSERT INTO dataset_versions (dataset, version) VALUES ('trust', 2), ('site-config', 3), ('roster', 1)");
      await old.query(`INSERT INTO dataset_items (dataset, key, value, version, deleted) VALUES
        ('trust', 'csca/old', '{"kind":"csca","der":"AA=="}', 2, false),
        ('site-config', 'thresholds', '{"matchPercent":42}', 3, false),
        ('site-config', 'gone', NULL, 2, true),
        ('roster', 'VN213', '{"to":"HAN"}', 1, false)`);
      expect(await migrateRegistry(old)).toBe(REGISTRY_SCHEMA_VERSION);
      const lines = await old.query<{ dataset: string; site: string; version: string }>(
        'SELECT dataset, site, version FROM dataset_versions ORDER BY dataset, site',
      );
      expect(lines.map((l) => [l.dataset, l.site, Number(l.version)])).toEqual([
        ['roster', 'site-a', 1],
        ['roster', 'site-b', 1],
        ['site-config', 'site-a', 3],
        ['site-config', 'site-b', 3],
        ['trust', '', 2],
      ]);
      // A site-a kiosk at version 3 has nothing new; one from scratch gets the old content, tombstone included.
      expect(await datasetDelta(old, 'site-config', 'site-a', 3)).toEqual({ dataset: 'site-config', from: 3, to: 3, changes: [] });
      expect(
        (await datasetDelta(old, 'site-config', 'site-b', 0)).changes.map(({ key, value, deleted }) => ({ key, value, deleted })),
      ).toEqual([
        { key: 'gone', value: null, deleted: true },
        { key: 'thresholds', value: { matchPercent: 42 }, deleted: false },
      ]);
      expect((await datasetDelta(old, 'trust', '', 0)).changes.map(({ key, value, deleted }) => ({ key, value, deleted }))).toEqual([
        { key: 'csca/old', value: { kind: 'csca', der: 'AA==' }, deleted: false },
      ]);
      // The next publication for site-a carries on from version 3 and removes the old keys there only.
      expect(await publishDataset(old, 'site-config', 'site-a', [hospitalConfig('A')])).toEqual({ version: 4, changed: 1, removed: 1 });
      expect((await datasetDelta(old, 'site-config', 'site-a', 3)).changes.map((c) => [c.key, c.deleted])).toEqual([
        ['site', false],
        ['thresholds', true],
      ]);
      expect((await datasetDelta(old, 'site-config', 'site-b', 0)).to).toBe(3);
    } finally {
      await close();
    }
  });

  it("records a kiosk's own chain-break report once, and shows it in the stats and on the fleet page", async () => {
    const k = await kiosk('site-alerts');
    for (let i = 0; i < 3; i++) k.store.record(SAMPLE);
    k.store.db.prepare("UPDATE checkins SET decision = 'refused' WHERE seq = 2").run(); // altered on the kiosk
    const broken = k.store.verifyChain();
    if (broken.ok) throw new Error('the chain should be broken');
    const before = await registryStats(db);
    expect(await k.client.reportAlert({ kind: 'chain-break', seq: broken.seq, problem: broken.problem })).toEqual({ recorded: true });
    expect(await k.client.reportAlert({ kind: 'chain-break', seq: broken.seq, problem: broken.problem })).toEqual({ recorded: false }); // again, e.g. at the next start
    const after = await registryStats(db);
    expect([after.chainBreaks, after.alerts]).toEqual([before.chainBreaks + 1, before.alerts + 1]);
    const rows = await db.query<{ kind: string; detail: string }>('SELECT kind, detail FROM alerts WHERE kiosk_id = $1', [k.creds.kioskId]);
    expect(rows).toEqual([{ kind: 'chain-break', detail: 'reported by the kiosk: check-in 2: altered' }]);
    const html = await (await fetch(server.url + '/fleet', { headers: { authorization: `Bearer ${await operatorToken()}` } })).text();
    expect(html).toContain(`<small>chain-break</small></td><td>site-alerts · kiosk`);
    expect(html).toContain(`<small>${k.creds.kioskId}</small></td><td>reported by the kiosk: check-in 2: altered</td>`);
  });

  it('refuses alerts that are unsigned or not a KioskAlert, storing nothing', async () => {
    const k = await kiosk('site-alerts');
    const refusal = async (res: Response) => [res.status, ((await res.json()) as { error: string }).error];
    const before = await registryStats(db);
    const post = (body: unknown) => signedFetch(k.creds, JSON.stringify(body), { path: '/v1/alerts' });
    for (const bad of [
      { kind: 'chain-gap', seq: 2, problem: 'x' },
      { kind: 'chain-break', seq: 0, problem: 'x' },
      { kind: 'chain-break', seq: 1.5, problem: 'x' },
      { kind: 'chain-break', seq: 2, problem: 'x'.repeat(201) },
      { kind: 'chain-break', seq: 2, problem: 'two\nlines' },
      { kind: 'chain-break', seq: 2, problem: 'x', extra: true },
      { kind: 'chain-break', seq: 2 },
    ]) {
      expect(await refusal(await post(bad))).toEqual([400, 'invalid-body']);
    }
    expect(await refusal(await signedFetch(k.creds, '{"kind":', { path: '/v1/alerts' }))).toEqual([400, 'malformed-json']);
    const good = JSON.stringify({ kind: 'chain-break', seq: 2, problem: 'altered' });
    expect(
      await refusal(
        await fetch(server.url + '/v1/alerts', { method: 'POST', body: good, headers: { 'content-type': 'application/json' } }),
      ),
    ).toEqual([401, 'missing-auth']);
    expect(
      await refusal(await signedFetch(k.creds, good, { path: '/v1/alerts', signature: Buffer.alloc(64, 1).toString('base64') })),
    ).toEqual([401, 'bad-signature']);
    expect(await registryStats(db)).toMatchObject({ chainBreaks: before.chainBreaks, alerts: before.alerts });
  });

  it('shows the fleet page with kiosks, the charts over time and alerts', async () => {
    await server.fleet.flush();
    const res = await fetch(server.url + '/fleet?lang=en', { headers: { authorization: `Bearer ${await operatorToken()}` } });
    const html = await res.text();
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(html).toMatch(/Kiosk fleet/);
    expect(html).toMatch(/<svg[^>]*aria-label="Check-ins stored/);
    expect(html).toMatch(/chain-gap/);
    expect(html).not.toMatch(/<script/);
  });

  /** A stored check-in as the kiosk sent it, read back from the registry's columns, and whether its hash still checks. */
  async function storedRows(kioskId: string) {
    const rows = await db.query<Record<string, unknown>>('SELECT * FROM checkins WHERE kiosk_id = $1 ORDER BY seq', [kioskId]);
    return rows.map((r) => {
      const base = {
        id: r['id'] as string,
        site: r['site'] as string,
        workflow: r['workflow'] as CheckInRecord['workflow'],
        recordedAt: new Date(r['recorded_at'] as string).toISOString(),
        seq: Number(r['seq']),
        decision: r['decision'] as CheckInRecord['decision'],
        reasons: r['reasons'] as string[],
        matchScore: r['match_score'] as number | null,
        verification: r['verification'] as Record<string, string>,
        identityDigest: r['identity_digest'] as string | null,
        prevHash: r['prev_hash'] as string,
      };
      return {
        row: r,
        hashChecks: createHash('sha256').update(hashInput(base)).digest('hex') === r['hash'],
      };
    });
  }

  it("removes identities older than their site's retention, keeping the decision record, its digest and a chain that still checks", async () => {
    const day = 86_400_000;
    const now = Date.now();
    const short = await kiosk('retention-short');
    const other = await kiosk('retention-default');
    await setRetention(db, 'retention-short', 10);
    expect(await retentionSettings(db)).toMatchObject({ defaultDays: 90, sites: { 'retention-short': 10 } });
    const input = {
      ...SAMPLE,
      matchScore: 0.7231,
      identity: { idNumber: '001099012345', fullName: 'Trần Thị Bình', dateOfBirth: '1999-01-02' },
    };
    for (const k of [short, other]) {
      k.store.record({ ...input, site: k.creds.site }, now - 100 * day); // past every retention
      k.store.record({ ...input, site: k.creds.site }, now - 20 * day); // past the short one only
      k.store.record({ ...input, site: k.creds.site }, now - day);
      expect(await k.engine.uploadOnce()).toMatchObject({ accepted: 3 });
    }
    const purged = await purgeIdentities(db, new Date(now));
    expect(purged).toMatchObject({ 'retention-short': 2, 'retention-default': 1 });
    for (const [k, kept] of [
      [short, [false, false, true]],
      [other, [false, true, true]],
    ] as const) {
      const rows = await storedRows(k.creds.kioskId);
      expect(rows.map((r) => r.row['identity'] !== null)).toEqual(kept);
      expect(rows.map((r) => r.row['purged_at'] !== null)).toEqual(kept.map((x) => !x));
      // The decision record stays, with the digest: every row's hash still checks, and each names the one before.
      expect(rows.every((r) => r.hashChecks && r.row['decision'] === 'admitted' && r.row['identity_digest'])).toBe(true);
      rows.forEach((r, i) => i && expect(r.row['prev_hash']).toBe(rows[i - 1]!.row['hash']));
    }
    expect(await purgeIdentities(db, new Date(now))).toEqual({}); // nothing left to purge
    expect((await registryStats(db)).purgedIdentities).toBeGreaterThanOrEqual(3);
  });

  it('keeps a keyed person digest for repeat visits; the database alone cannot confirm a guessed ID number', async () => {
    const k = await kiosk('person-digest');
    const before = (await registryStats(db)).distinctPeople;
    const id = '079188000123';
    for (const idNumber of [id, id, '079188000124']) k.store.record({ ...SAMPLE, site: 'person-digest', identity: { idNumber } });
    k.store.record({ ...SAMPLE, site: 'person-digest', identity: null });
    expect(await k.engine.uploadOnce()).toMatchObject({ accepted: 4 });
    const rows = (await storedRows(k.creds.kioskId)).map((r) => r.row);
    const keyed = createHmac('sha256', personKey).update(`idNumber:${id}`).digest('hex');
    expect(rows.map((r) => r['person_digest'])).toEqual([keyed, keyed, expect.stringMatching(/^[0-9a-f]{64}$/), null]);
    expect((await registryStats(db)).distinctPeople).toBe(before + 2);
    // An attacker with the database tries the guessed number the ways an unkeyed digest would allow.
    await setRetention(db, 'person-digest', 1);
    await purgeIdentities(db, new Date(Date.now() + 2 * 86_400_000));
    const after = (await storedRows(k.creds.kioskId)).map((r) => r.row);
    const guesses = [id, canonicalJson({ idNumber: id }), `idNumber:${id}`].map((t) => createHash('sha256').update(t).digest('hex'));
    for (const r of after) {
      expect(r['identity']).toBeNull();
      for (const g of guesses) expect([r['identity_digest'], r['person_digest']]).not.toContain(g);
    }
  });

  it('shows the fleet page to an operator only: a login form, a session cookie or a bearer token; never to anyone else', async () => {
    const k = await kiosk('site-secret');
    k.store.record(SAMPLE);
    await k.engine.uploadOnce();
    const security = (res: Response) => {
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toMatch(/default-src 'none'/);
      expect(csp).toMatch(/frame-ancestors 'none'/);
      expect(csp).not.toMatch(/script-src|unsafe-inline/);
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    };
    // Nobody: the login form, and none of the fleet.
    for (const headers of [{}, { authorization: 'Bearer nonsense' }, { authorization: `Bearer kop_${'0'.repeat(16)}_${'A'.repeat(43)}` }]) {
      const res = await fetch(server.url + '/fleet', { headers });
      security(res);
      expect(res.status).toBe(401);
      const html = await res.text();
      expect(html).toMatch(/<form method="post" action="\/fleet\/login">/);
      expect(html).not.toMatch(/site-secret|<script/);
    }
    const { id, token } = await issueOperatorToken(db, 'night shift');
    // Kept as a scrypt hash only.
    const [row] = await db.query<{ hash: Uint8Array }>('SELECT hash FROM operator_tokens WHERE id = $1', [id]);
    expect(Buffer.from(row!.hash).toString('utf8')).not.toContain(token.slice(-43));
    // A tool: the bearer token.
    const byBearer = await fetch(server.url + '/fleet', { headers: { authorization: `Bearer ${token}` } });
    security(byBearer);
    expect([byBearer.status, await byBearer.text()]).toEqual([200, expect.stringContaining('site-secret')]);
    // A browser: the login form, then the cookie.
    const form = (t: string) =>
      fetch(server.url + '/fleet/login', {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token: t }).toString(),
      });
    const wrong = await form(token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A'));
    expect([wrong.status, wrong.headers.get('set-cookie')]).toEqual([401, null]);
    const ok = await form(token);
    expect(ok.status).toBe(303);
    const cookie = ok.headers.get('set-cookie')!;
    expect(cookie).toMatch(new RegExp(`^${SESSION_COOKIE}=[A-Za-z0-9_-]{43}; Path=/fleet; HttpOnly; SameSite=Strict`));
    const session = cookie.split(';')[0]!;
    const byCookie = await fetch(server.url + '/fleet', { headers: { cookie: session } });
    security(byCookie);
    expect([byCookie.status, await byCookie.text()]).toEqual([200, expect.stringContaining('site-secret')]);
    expect((await fetch(server.url + '/fleet', { headers: { cookie: `${SESSION_COOKIE}=${'x'.repeat(43)}` } })).status).toBe(401);
    // Revoking the token ends its bearer use and its sessions.
    expect(await revokeOperatorToken(db, id)).toBe(true);
    expect((await fetch(server.url + '/fleet', { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);
    expect((await fetch(server.url + '/fleet', { headers: { cookie: session } })).status).toBe(401);
    // The kiosk protocol's answers carry the headers too.
    security(await fetch(server.url + '/healthz'));
  });

  it('refuses a JSON body sent under any other content type with 415, storing nothing; the kiosk client passes', async () => {
    const k = await kiosk();
    k.store.record(SAMPLE);
    const body = JSON.stringify({ records: k.store.dueBatch(Date.now(), 10, 1e6), queue: { length: 1, oldestAgeMs: 0 } });
    const before = (await registryStats(db)).checkins;
    const refusal = async (res: Response) => [res.status, ((await res.json()) as { error: string }).error];
    for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', 'application/jsonp', null])
      expect(await refusal(await signedFetch(k.creds, body, { contentType }))).toEqual([415, 'unsupported-media-type']);
    expect(
      await refusal(
        await signedFetch(k.creds, '{"kind":"chain-break","seq":2,"problem":"x"}', { path: '/v1/alerts', contentType: 'text/plain' }),
      ),
    ).toEqual([415, 'unsupported-media-type']);
    const enrolAs = await fetch(server.url + '/v1/enrol', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{}' });
    expect(await refusal(enrolAs)).toEqual([415, 'unsupported-media-type']);
    expect((await registryStats(db)).checkins).toBe(before);
    expect(await refusal(await signedFetch(k.creds, body, { contentType: 'application/json; charset=utf-8' }))).toEqual([200, undefined]);
    k.store.record(SAMPLE);
    expect(await k.engine.uploadOnce()).toMatchObject({ sent: 2, accepted: 1, duplicate: 1 }); // the first went by hand above
  });

  it('bounds a batch waiting for one that never comes: one waiter per kiosk, answered 409 within the wait', async () => {
    const k = await kiosk();
    k.store.record(SAMPLE);
    const records = k.store.dueBatch(Date.now(), 10, 1e6);
    const post = (after: string) =>
      signedFetch(k.creds, JSON.stringify({ records, queue: { length: 1, oldestAgeMs: 0 }, batch: { id: `b-${after}`, after } }));
    const timed = async (p: Promise<Response>) => {
      const t0 = Date.now();
      const res = await p;
      return { ms: Date.now() - t0, status: res.status, body: (await res.json()) as { error: string; message: string } };
    };
    const first = timed(post('never-comes-1'));
    await new Promise((r) => setTimeout(r, 300));
    const second = await timed(post('never-comes-2'));
    expect(second).toMatchObject({
      status: 409,
      body: { error: 'previous-batch-pending', message: expect.stringMatching(/already waiting/) },
    });
    expect(second.ms).toBeLessThan(2000);
    const one = await first;
    expect(one).toMatchObject({ status: 409, body: { error: 'previous-batch-pending', message: expect.stringMatching(/within 10 s/) } });
    expect(one.ms).toBeGreaterThanOrEqual(WAIT_FOR_PREVIOUS_MS - 500);
    expect(one.ms).toBeLessThan(WAIT_FOR_PREVIOUS_MS + 3000);
    // Nothing stored; the kiosk's own pipelined upload goes through afterwards.
    expect(await db.query('SELECT 1 FROM checkins WHERE kiosk_id = $1', [k.creds.kioskId])).toEqual([]);
    for (let i = 0; i < 1200; i++) k.store.record(SAMPLE);
    expect(await k.engine.drain()).toMatchObject({ sent: 1201, accepted: 1201 });
  }, 30_000);

  it('types client-side failures: nobody listening is "offline"', async () => {
    const k = await kiosk();
    const offline = new RegistryClient({ ...k.creds, registryUrl: 'http://127.0.0.1:9' }, 2000);
    await expect(offline.request('GET', '/v1/ping', undefined, (await import('zod')).z.unknown())).rejects.toBeInstanceOf(SyncError);
    await expect(offline.request('GET', '/v1/ping', undefined, (await import('zod')).z.unknown())).rejects.toMatchObject({
      kind: 'offline',
    });
  });
});
