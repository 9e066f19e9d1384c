// The registry's answers and data are authenticated: every answer signed with the registry's
// key that the kiosk pinned at enrolment, bound to the request it answers; dataset items
// signed at publication; plain http to another machine refused; the registry serving TLS.
// A fake server on the registry's address can then neither acknowledge check-ins it never
// stored nor plant data.
import { execFile } from 'node:child_process';
import { createHash, generateKeyPairSync, sign, webcrypto } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKiosk } from '../../main/core/kiosk.js';
import { answerSigningText, H_NONCE, H_REGISTRY_SIGNATURE } from '../../main/protocol/registry-protocol.js';
import { KioskStore, type CheckInInput } from '../../main/store/kiosk-store.js';
import { saveCredentials } from '../../main/sync/credentials.js';
import { enrol, RegistryClient, registryUrlProblem, type KioskCredentials } from '../../main/sync/registry-client.js';
import { SyncEngine } from '../../main/sync/sync-engine.js';
import { publishDataset } from '../../registry/datasets.js';
import type { Db } from '../../registry/db.js';
import { issueEnrolCode } from '../../registry/enrolment.js';
import { registryKey } from '../../registry/keys.js';
import { openRegistryDb } from '../../registry/open.js';
import { startRegistryServer, type RegistryServer } from '../../registry/server.js';
import { registryStats } from '../../registry/stats.js';
import { csca } from './fixtures/dataset-items.js';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
const log = pino({ level: 'silent' });
let db: Db;
let server: RegistryServer;
let dir: string;
const stores: KioskStore[] = [];

beforeAll(async () => {
  db = await openRegistryDb({ kind: 'pglite', dir: null });
  server = await startRegistryServer({ db, log });
  dir = mkdtempSync(join(tmpdir(), 'registry-answers-'));
});
afterAll(async () => {
  for (const s of stores) s.close();
  await server?.close();
  await db?.close();
  rmSync(dir, { recursive: true, force: true });
});

const SAMPLE: CheckInInput = {
  site: 'hospital-s',
  workflow: 'hospital-checkin',
  decision: 'admitted',
  reasons: [],
  matchScore: 0.7,
  verification: { chip: 'verified' },
  identity: null,
};

async function kiosk(): Promise<{ creds: KioskCredentials; store: KioskStore }> {
  const { code } = await issueEnrolCode(db, 'hospital-s');
  const creds = await enrol(server.url, code, `kiosk ${stores.length}`);
  const store = new KioskStore(join(dir, `k${stores.length}.db`));
  saveCredentials(store, creds);
  stores.push(store);
  return { creds, store };
}

/** A server on "the registry's address" that acknowledges whatever it gets, signing as `signer` says. */
async function fakeRegistry(
  signer: (req: { method: string; path: string; nonce: string; body: Buffer }, answer: string) => string | null,
): Promise<{ url: string; close: () => Promise<void>; hits: () => number }> {
  let hits = 0;
  const srv: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      hits++;
      const body = Buffer.concat(chunks);
      let answer = '{}';
      if (req.url === '/v1/checkins') {
        const { records } = JSON.parse(body.toString()) as { records: { id: string }[] };
        answer = JSON.stringify({ results: records.map((r) => ({ id: r.id, status: 'accepted' })) });
      }
      const sig = signer({ method: req.method!, path: req.url!, nonce: String(req.headers[H_NONCE] ?? ''), body }, answer);
      res.writeHead(200, { 'content-type': 'application/json', ...(sig ? { [H_REGISTRY_SIGNATURE]: sig } : {}) });
      res.end(answer);
    });
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(srv.address() as AddressInfo).port}`,
    close: () => new Promise((r) => srv.close(() => r())),
    hits: () => hits,
  };
}

describe("the registry's answers", () => {
  it('pins the registry key at enrolment, and a genuine answer is acted on', async () => {
    const k = await kiosk();
    expect(k.creds.registryKey).toBe((await registryKey(db)).publicKey);
    k.store.record(SAMPLE);
    const engine = new SyncEngine(k.store, new RegistryClient(k.creds));
    expect(await engine.uploadOnce()).toMatchObject({ accepted: 1 });
    expect(k.store.queue().length).toBe(0);
  });

  it('acts on no acknowledgement that is unsigned, signed by another key, or signed for another request: the rows stay queued, with why', async () => {
    const other = generateKeyPairSync('ed25519').privateKey;
    const genuine = await registryKey(db);
    const digest = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
    const fakes = [
      // No signature at all.
      await fakeRegistry(() => null),
      // A signature, bound to the request, with a key that is not the registry's.
      await fakeRegistry((q, a) =>
        sign(null, Buffer.from(answerSigningText(q.method, q.path, q.nonce, digest(q.body), 200, digest(a))), other).toString('base64'),
      ),
      // The registry's key (as if an old answer were replayed), over another request's nonce.
      await fakeRegistry((q, a) =>
        genuine.sign(answerSigningText(q.method, q.path, 'another-request-nonce', digest(q.body), 200, digest(a))),
      ),
    ];
    for (const fake of fakes) {
      const k = await kiosk();
      for (let i = 0; i < 3; i++) k.store.record(SAMPLE);
      const engine = new SyncEngine(k.store, new RegistryClient({ ...k.creds, registryUrl: fake.url }), { datasetsEveryMs: 0 });
      engine.on('error', () => undefined);
      await engine.pass();
      expect(fake.hits()).toBeGreaterThan(0);
      expect(k.store.queue()).toMatchObject({ length: 3, lastError: expect.stringMatching(/not signed by the registry's key/) });
      expect(engine.status()).toMatchObject({ online: false, lastError: expect.stringMatching(/not signed by the registry's key/) });
      expect(k.store.page(0, 10).every((r) => r.seq > 0)).toBe(true);
      await fake.close();
    }
    // The same rows, sent to the real registry, are stored: nothing was lost.
    const before = (await registryStats(db)).checkins;
    for (const s of stores.slice(-3)) {
      const creds = { ...(await import('../../main/sync/credentials.js')).loadCredentials(s)! };
      expect(await new SyncEngine(s, new RegistryClient(creds)).uploadOnce()).toMatchObject({ accepted: 3 });
    }
    expect((await registryStats(db)).checkins).toBe(before + 9);
  });

  it('refuses a dataset version with an item the registry did not sign (planted in its database), keeping the last good one', async () => {
    const k = await kiosk();
    const engine = new SyncEngine(k.store, new RegistryClient(k.creds));
    await publishDataset(db, 'trust', null, [csca('good')]);
    const refused: string[] = [];
    engine.on('dataset-refused', (r: { problem: string }) => refused.push(r.problem));
    await engine.downloadOnce();
    expect(k.store.referenceItems('trust').map((i) => i.key)).toEqual(['csca/good']);
    const version = Number(
      (await db.query<{ version: string }>("SELECT version FROM dataset_versions WHERE dataset = 'trust'"))[0]!.version,
    );
    // Someone writes a trust anchor into the registry's tables without the registry's key.
    const planted = csca('planted');
    await db.query(
      "INSERT INTO dataset_items (dataset, site, key, value, version, deleted, sig) VALUES ('trust', '', $1, $2, $3, false, $4)",
      [planted.key, JSON.stringify(planted.value), version + 1, Buffer.alloc(64, 1).toString('base64')],
    );
    await db.query("UPDATE dataset_versions SET version = $1 WHERE dataset = 'trust' AND site = ''", [version + 1]);
    const d = await engine.downloadOnce();
    expect(d.find((x) => x.dataset === 'trust')).toMatchObject({
      refused: expect.stringMatching(/csca\/planted.*not signed by the registry/),
    });
    expect(refused).toHaveLength(1);
    expect(k.store.referenceItems('trust').map((i) => i.key)).toEqual(['csca/good']);
    expect(k.store.datasetVersions()['trust']).toBe(version);
    await db.query("DELETE FROM dataset_items WHERE key = 'csca/planted'");
    await db.query("UPDATE dataset_versions SET version = $1 WHERE dataset = 'trust' AND site = ''", [version]);
  });
});

describe('transport', () => {
  it('refuses plain http to another machine outside simulator mode, at enrolment and at start', async () => {
    expect(registryUrlProblem('http://127.0.0.1:8440', false)).toBeNull();
    expect(registryUrlProblem('http://localhost:8440', false)).toBeNull();
    expect(registryUrlProblem('https://registry.example.vn', false)).toBeNull();
    expect(registryUrlProblem('http://10.1.2.3:8440', true)).toBeNull();
    await expect(enrol('http://10.1.2.3:8440', 'ABCD-EFGH-JKLM', 'k')).rejects.toThrow(/plain http:\/\/ to another machine/);
    const k = await kiosk();
    const store = new KioskStore(join(dir, 'remote.db'));
    saveCredentials(store, { ...k.creds, registryUrl: 'http://192.0.2.7:8440' });
    await expect(startKiosk({ simulator: false, log, db: store, ui: false, scanner: false })).rejects.toThrow(
      /plain http:\/\/ to another machine: use https:\/\//,
    );
    store.close();
  });

  it('serves TLS itself (--tls-cert/--tls-key); a kiosk trusting the certificate (NODE_EXTRA_CA_CERTS) enrols over it, one that does not cannot', async () => {
    const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
    const keys = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
    const cert = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: '01',
      name: 'CN=registry test',
      notBefore: new Date(Date.now() - 60_000),
      notAfter: new Date(Date.now() + 86_400_000),
      keys,
      signingAlgorithm: alg,
      extensions: [
        new x509.BasicConstraintsExtension(true, undefined, true),
        new x509.SubjectAlternativeNameExtension([{ type: 'ip', value: '127.0.0.1' }]),
      ],
    });
    const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)).toString('base64');
    const certFile = join(dir, 'registry.crt');
    writeFileSync(certFile, cert.toString('pem'));
    const keyFile = join(dir, 'registry.key.pem');
    writeFileSync(keyFile, `-----BEGIN PRIVATE KEY-----\n${pkcs8.match(/.{1,64}/g)!.join('\n')}\n-----END PRIVATE KEY-----\n`, {
      mode: 0o600,
    });
    const tlsServer = await startRegistryServer({ db, log, tls: { cert: cert.toString('pem'), key: readFileSync(keyFile, 'utf8') } });
    try {
      expect(tlsServer.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const bin = fileURLToPath(new URL('../kiosk', import.meta.url));
      // The kiosk in its own process (the registry answers from this one, so not spawnSync).
      const enrolOver = async (extraCa: string | null) => {
        const { NODE_EXTRA_CA_CERTS: _x, ...base } = process.env;
        const { code } = await issueEnrolCode(db, 'hospital-s');
        const args = ['sync', 'enrol', '--registry', tlsServer.url, '--code', code, '--db', join(dir, `tls-${extraCa ? 'ok' : 'no'}.db`)];
        const env = { ...base, KIOSK_DATA_DIR: dir, ...(extraCa ? { NODE_EXTRA_CA_CERTS: extraCa } : {}) };
        return new Promise<{ status: number; stdout: string; stderr: string }>((resolve) =>
          execFile(bin, args, { encoding: 'utf8', env, timeout: 60_000 }, (err, stdout, stderr) =>
            resolve({ status: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
          ),
        );
      };
      const untrusted = await enrolOver(null);
      expect(untrusted.status).not.toBe(0);
      expect(untrusted.stderr).toMatch(/cannot reach the registry \((SELF_SIGNED|DEPTH_ZERO|UNABLE_TO_VERIFY)/);
      const trusted = await enrolOver(certFile);
      expect(trusted.status, trusted.stderr).toBe(0);
      expect(trusted.stdout).toMatch(/enrolled as kiosk/);
    } finally {
      await tlsServer.close();
    }
  });
});
