// Boarding once per site (POST /v1/boarding/claim, registry/boarding.ts), against PGlite and a
// real PostgreSQL server: claims per site, races, expiry, release and confirmation by the
// check-in that follows, refusals, signed answers, passes used twice offline, and the stats.
import { createHash, createPrivateKey, randomBytes, sign } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { H_KIOSK, H_NONCE, H_SIGNATURE, H_TIME, signingText } from '../../main/protocol/registry-protocol.js';
import { alreadyBoarded, boardingClaimFor } from '../../main/core/workflow/boarding.js';
import { siteDay } from '../../main/core/workflow/decision.js';
import { KioskStore, type CheckInInput } from '../../main/store/kiosk-store.js';
import { saveCredentials } from '../../main/sync/credentials.js';
import { claimBoarding, enrol, RegistryClient, type KioskCredentials } from '../../main/sync/registry-client.js';
import { SyncEngine } from '../../main/sync/sync-engine.js';
import type { Db } from '../../registry/db.js';
import { issueEnrolCode } from '../../registry/enrolment.js';
import { renderFleetPage } from '../../registry/fleet-page.js';
import { openRegistryDb } from '../../registry/open.js';
import { startPostgresCluster, type PostgresCluster } from '../../registry/postgres-cluster.js';
import { startRegistryServer, type RegistryServer } from '../../registry/server.js';
import { fleetView } from '../../registry/fleet-view.js';
import { registryStats } from '../../registry/stats.js';

const today = () => siteDay(new Date());
/** A fresh 12-digit ID number per test, so tests do not see each other's passengers. */
const newId = () => String(100_000_000_000 + Math.floor(Math.random() * 899_999_999_999));

describe.each(['pglite', 'postgres'] as const)('boarding claims on %s', (backend) => {
  let cluster: PostgresCluster | null = null;
  let db: Db;
  let server: RegistryServer;
  let dir: string;
  const stores: KioskStore[] = [];

  beforeAll(async () => {
    if (backend === 'postgres') cluster = await startPostgresCluster();
    db = await openRegistryDb(cluster ? { kind: 'postgres', url: cluster.url } : { kind: 'pglite', dir: null });
    server = await startRegistryServer({ db, log: pino({ level: 'silent' }), personKey: randomBytes(32) });
    dir = mkdtempSync(join(tmpdir(), 'registry-boarding-'));
  }, 120_000);
  afterAll(async () => {
    for (const s of stores) s.close();
    await server?.close();
    await db?.close();
    cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function kiosk(site: string, name = `gate ${stores.length}`) {
    const { code } = await issueEnrolCode(db, site);
    const creds = await enrol(server.url, code, name);
    const store = new KioskStore(join(dir, `k${stores.length}.db`));
    saveCredentials(store, creds);
    stores.push(store);
    const client = new RegistryClient(creds);
    return { creds, store, client, engine: new SyncEngine(store, client) };
  }

  const boardingRow = (site: string, idNumber: string, flight: string, decision: CheckInInput['decision'] = 'admitted'): CheckInInput => ({
    site,
    workflow: 'airport-boarding',
    decision,
    reasons: decision === 'admitted' ? [] : ['face-mismatch'],
    matchScore: 0.7,
    verification: { chip: 'verified', face: decision === 'admitted' ? 'matched' : 'not-matched' },
    identity: { idNumber, flight },
  });

  function signedPost(creds: KioskCredentials, path: string, body: string) {
    const time = String(Date.now());
    const nonce = randomBytes(18).toString('base64url');
    const digest = createHash('sha256').update(body).digest('hex');
    const key = createPrivateKey({ key: Buffer.from(creds.privateKey, 'base64'), format: 'der', type: 'pkcs8' });
    return fetch(server.url + path, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [H_KIOSK]: creds.kioskId,
        [H_TIME]: time,
        [H_NONCE]: nonce,
        [H_SIGNATURE]: sign(null, Buffer.from(signingText('POST', path, digest, time, nonce)), key).toString('base64'),
      },
      body,
    });
  }

  it("claims a passenger for one gate of the site: another gate is told who has them, another site's gate is not", async () => {
    const a = await kiosk('han-t1', 'gate A');
    const b = await kiosk('han-t1', 'gate B');
    const other = await kiosk('sgn-t1', 'gate S');
    const claim = { flight: 'VN213', date: today(), idNumber: newId() };
    expect(await claimBoarding(a.client, claim)).toMatchObject({ kind: 'free' });
    expect(await b.engine.claimBoarding(claim)).toMatchObject({ kind: 'boarded', kiosk: 'gate A', by: 'claim' });
    // The same gate asking again (the passenger tries again there) keeps its claim.
    expect(await claimBoarding(a.client, claim)).toMatchObject({ kind: 'free' });
    expect(await claimBoarding(other.client, claim)).toMatchObject({ kind: 'free' });
    // Another flight or day is another claim.
    expect(await claimBoarding(b.client, { ...claim, flight: 'VN215' })).toMatchObject({ kind: 'free' });

    // The admitted check-in that follows confirms it: for good, whoever asks.
    a.store.record(boardingRow('han-t1', claim.idNumber, 'VN213'));
    await a.engine.uploadOnce();
    expect(await claimBoarding(b.client, claim)).toMatchObject({ kind: 'boarded', kiosk: 'gate A', by: 'check-in' });
    expect(await claimBoarding(a.client, claim)).toMatchObject({ kind: 'boarded', kiosk: 'gate A', by: 'check-in' });
  });

  it('releases a claim when its gate records a refusal for the passenger, so another gate can take them at once', async () => {
    const a = await kiosk('han-t2');
    const b = await kiosk('han-t2');
    const claim = { flight: 'VJ123', date: today(), idNumber: newId() };
    expect(await claimBoarding(a.client, claim)).toMatchObject({ kind: 'free' });
    // B's refusal does not release A's claim; A's own does.
    b.store.record(boardingRow('han-t2', claim.idNumber, 'VJ123', 'refused'));
    await b.engine.uploadOnce();
    expect(await claimBoarding(b.client, claim)).toMatchObject({ kind: 'boarded', by: 'claim' });
    a.store.record(boardingRow('han-t2', claim.idNumber, 'VJ123', 'refused'));
    await a.engine.uploadOnce();
    expect(await claimBoarding(b.client, claim)).toMatchObject({ kind: 'free' });
  });

  it('gives exactly one of many gates racing for the same passenger the claim', async () => {
    const gates = await Promise.all(Array.from({ length: 6 }, (_, i) => kiosk('han-race', `race ${i}`)));
    const claim = { flight: 'QH1', date: today(), idNumber: newId() };
    for (let round = 0; round < 3; round++) {
      const c = { ...claim, flight: `QH${round + 1}` };
      const answers = await Promise.all(gates.map((g) => claimBoarding(g.client, c, 10_000)));
      expect(answers.filter((x) => x.kind === 'free')).toHaveLength(1);
      expect(answers.filter((x) => x.kind === 'boarded')).toHaveLength(5);
    }
  });

  it('lets an unconfirmed claim lapse after a few minutes (the passenger left that gate)', async () => {
    const a = await kiosk('han-t3');
    const b = await kiosk('han-t3');
    const claim = { flight: 'VN7', date: today(), idNumber: newId() };
    expect(await claimBoarding(a.client, claim)).toMatchObject({ kind: 'free' });
    expect(await claimBoarding(b.client, claim)).toMatchObject({ kind: 'boarded' });
    await db.query("UPDATE boarding_claims SET claimed_at = claimed_at - interval '10 minutes' WHERE site = 'han-t3'");
    expect(await claimBoarding(b.client, claim)).toMatchObject({ kind: 'free' });
    expect(await claimBoarding(a.client, claim)).toMatchObject({ kind: 'boarded', by: 'claim' });
  });

  it('refuses a malformed claim with 400 and the field, storing nothing', async () => {
    const a = await kiosk('han-t4');
    const before = await db.query("SELECT 1 FROM boarding_claims WHERE site = 'han-t4'");
    for (const [body, field] of [
      [{ flight: 'VN213', date: today(), idNumber: '123' }, /idNumber/],
      [{ flight: 'vn 213', date: today(), idNumber: newId() }, /flight/],
      [{ flight: 'VN213', date: '29/11/2026', idNumber: newId() }, /date/],
      [{ flight: 'VN213', date: today(), idNumber: newId(), name: 'x' }, /body|name|unrecognized/i],
    ] as const) {
      const res = await signedPost(a.creds, '/v1/boarding/claim', JSON.stringify(body));
      expect(res.status).toBe(400);
      const e = (await res.json()) as { error: string; message: string };
      expect(e.error).toBe('invalid-body');
      expect(e.message).toMatch(field);
    }
    expect(await db.query("SELECT 1 FROM boarding_claims WHERE site = 'han-t4'")).toHaveLength(before.length);
    // Unsigned: refused before anything is read.
    const res = await fetch(server.url + '/v1/boarding/claim', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ flight: 'VN213', date: today(), idNumber: newId() }),
    });
    expect(res.status).toBe(401);
  });

  it("acts on no answer that is not the registry's: a tampered answer is 'offline', and the kiosk's own record decides", async () => {
    const a = await kiosk('han-t5', 'gate T');
    const b = await kiosk('han-t5');
    const claim = { flight: 'VN9', date: today(), idNumber: newId() };
    expect(await claimBoarding(a.client, claim)).toMatchObject({ kind: 'free' });
    // A man in the middle that turns "boarded" into "free", keeping the registry's signature header.
    const target = new URL(server.url);
    const proxy: Server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const up = httpRequest(
          { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers },
          (r) => {
            const out: Buffer[] = [];
            r.on('data', (c: Buffer) => out.push(c));
            r.on('end', () => {
              const body = JSON.stringify({ boarded: false, expiresAt: new Date().toISOString() });
              res.writeHead(r.statusCode ?? 200, {
                'content-type': 'application/json',
                'x-registry-signature': String(r.headers['x-registry-signature'] ?? ''),
              });
              res.end(body);
            });
          },
        );
        up.end(Buffer.concat(chunks));
      });
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    try {
      const port = (proxy.address() as { port: number }).port;
      const viaProxy = new RegistryClient({ ...b.creds, registryUrl: `http://127.0.0.1:${port}` });
      const check = await claimBoarding(viaProxy, claim);
      expect(check).toMatchObject({ kind: 'offline' });
      expect(check.kind === 'offline' && check.why).toMatch(/not signed by the registry's key/);
      // Not enrolled, or nobody listening: offline too, quickly.
      expect(await claimBoarding(null, claim)).toMatchObject({ kind: 'offline', why: 'not enrolled' });
      const gone = new RegistryClient({ ...b.creds, registryUrl: 'http://127.0.0.1:9' });
      expect(await claimBoarding(gone, claim)).toMatchObject({ kind: 'offline' });
    } finally {
      await new Promise((resolve) => proxy.close(resolve));
    }
    // The genuine answer, for comparison.
    expect(await claimBoarding(b.client, claim)).toMatchObject({ kind: 'boarded', kiosk: 'gate T' });
    // How the workflow reads them.
    expect(alreadyBoarded({ kind: 'boarded', at: '', kiosk: 'x', by: 'claim' }, () => false)).toBe(true);
    expect(alreadyBoarded({ kind: 'free', expiresAt: '' }, () => false)).toBe(false);
    expect(alreadyBoarded({ kind: 'free', expiresAt: '' }, () => true)).toBe(true);
    expect(alreadyBoarded({ kind: 'offline', why: '' }, () => true)).toBe(true);
    expect(alreadyBoarded({ kind: 'offline', why: '' }, () => false)).toBe(false);
    expect(boardingClaimFor({ chip: null, pass: null }, new Date())).toBeNull();
  });

  it('raises boarded-twice once when two gates admitted the same passenger offline, on the fleet page and in the stats', async () => {
    const a = await kiosk('han-t6', 'gate 6A');
    const b = await kiosk('han-t6', 'gate 6B');
    const c = await kiosk('han-t6', 'gate 6C');
    const idNumber = newId();
    const other = newId();
    // Offline: no claim, each gate decides on its own record, so both admit.
    a.store.record(boardingRow('han-t6', idNumber, 'VN600'));
    a.store.record(boardingRow('han-t6', other, 'VN600'));
    b.store.record(boardingRow('han-t6', idNumber, 'VN600'));
    c.store.record(boardingRow('han-t6', idNumber, 'VN600'));
    await a.engine.uploadOnce();
    const alerts = () => db.query<{ detail: string }>("SELECT detail FROM alerts WHERE kind = 'boarded-twice' AND detail LIKE '%VN600%'");
    expect(await alerts()).toHaveLength(0);
    await b.engine.uploadOnce();
    const [alert] = await alerts();
    expect(alert?.detail).toMatch(/admitted 2 times to VN600 on \d{4}-\d{2}-\d{2}: first by "gate 6A" at .*again by "gate 6B"/);
    expect(alert?.detail).not.toContain(idNumber);
    // A third admission is counted, not alerted again.
    await c.engine.uploadOnce();
    expect(await alerts()).toHaveLength(1);

    const stats = await registryStats(db);
    expect(stats.boardedTwice).toBeGreaterThanOrEqual(1);
    expect(stats.boarded).toContainEqual({ site: 'han-t6', flight: 'VN600', date: today(), passengers: 2, admitted: 4 });
    const html = renderFleetPage(await fleetView(db), 'en');
    expect(html).toMatch(/Boarded passengers per flight/);
    expect(html).toMatch(/han-t6<\/td><td>\d{4}-\d{2}-\d{2}<\/td><th scope="row">VN600<\/th><td>2<\/td><td>4 \(a pass used twice/);
    expect(html).toMatch(/boarded-twice/);
    // And online, the next gate is told.
    expect(await claimBoarding(c.client, { flight: 'VN600', date: today(), idNumber })).toMatchObject({
      kind: 'boarded',
      by: 'check-in',
    });
  });

  it('counts admitted rows already in the check-ins, before any claim, by identity', async () => {
    const a = await kiosk('han-t7', 'gate 7A');
    const b = await kiosk('han-t7', 'gate 7B');
    const idNumber = newId();
    a.store.record(boardingRow('han-t7', idNumber, 'VN700'));
    await a.engine.uploadOnce();
    // As if the rows came before migration 9: no claim row at all.
    await db.query("DELETE FROM boarding_claims WHERE site = 'han-t7'");
    expect(await claimBoarding(b.client, { flight: 'VN700', date: today(), idNumber })).toMatchObject({
      kind: 'boarded',
      kiosk: 'gate 7A',
      by: 'check-in',
    });
    // And a second admission is still found on ingest.
    b.store.record(boardingRow('han-t7', idNumber, 'VN700'));
    await b.engine.uploadOnce();
    expect(await db.query("SELECT 1 FROM alerts WHERE kind = 'boarded-twice' AND detail LIKE '%VN700%'")).toHaveLength(1);
  });
});
