// The kiosk store on real SQLite files.
import { createHash, generateKeyPairSync, randomUUID, verify } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { canonicalJson, recordSigningText, uuid7Time } from '../../protocol/registry-protocol.js';
import { KioskStore, migrate, StoreError, type CheckInInput } from '../kiosk-store.js';
import { MIGRATIONS } from '../migrations.js';

const dirs: string[] = [];
function dbPath(): string {
  const d = mkdtempSync(join(tmpdir(), 'kiosk-store-'));
  dirs.push(d);
  return join(d, 'kiosk.db');
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

export const SAMPLE: CheckInInput = {
  site: 'hospital-a',
  workflow: 'hospital-checkin',
  decision: 'admitted',
  reasons: [],
  matchScore: 0.72,
  verification: { chip: 'verified', face: 'match', liveness: 'live' },
  identity: { idNumber: '001099012345', fullName: 'Nguyễn Văn An' },
};

function deviceKey() {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { pkcs8: privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'), publicKey, kioskId: randomUUID() };
}

describe("the kiosk's key", () => {
  it('is kept in a 0600 file beside the database, never in it, and signs each check-in as it is written', () => {
    const path = dbPath();
    const store = new KioskStore(path);
    const k = deviceKey();
    store.setDeviceIdentity(k.kioskId, k.pkcs8);
    const r = store.record(SAMPLE);
    expect(store.keyPath).toBe(`${path}.key`);
    expect(statSync(store.keyPath!).mode & 0o777).toBe(0o600);
    expect(r.kioskId).toBe(k.kioskId);
    expect(verify(null, Buffer.from(recordSigningText(k.kioskId, r.hash)), k.publicKey, Buffer.from(r.sig, 'base64'))).toBe(true);
    expect(store.dueBatch(Date.now(), 10, 1e6)[0]).toMatchObject({ kioskId: k.kioskId, sig: r.sig });
    store.close();
    const der = Buffer.from(k.pkcs8, 'base64');
    for (const f of [path, `${path}-wal`].filter(existsSync)) {
      const bytes = readFileSync(f);
      expect(bytes.includes(k.pkcs8)).toBe(false);
      expect(bytes.includes(der)).toBe(false);
    }
    expect(new KioskStore(path).deviceKey()).toBe(k.pkcs8);
  });

  it('moves a key that an earlier version kept in the database out to the key file, signing the unsent check-ins once', () => {
    const path = dbPath();
    const k = deviceKey();
    let store = new KioskStore(path);
    const unsent = [store.record(SAMPLE), store.record(SAMPLE)];
    expect(unsent[0]!.sig).toBeNull();
    const legacy = { kioskId: k.kioskId, site: 'hospital-a', registryUrl: 'http://127.0.0.1:1', privateKey: k.pkcs8 };
    store.setMeta('registry.credentials', JSON.stringify(legacy));
    store.close();
    store = new KioskStore(path);
    expect(JSON.parse(store.getMeta('registry.credentials')!)).not.toHaveProperty('privateKey');
    expect(statSync(`${path}.key`).mode & 0o777).toBe(0o600);
    const rows = store.dueBatch(Date.now(), 10, 1e6);
    for (const r of rows)
      expect(verify(null, Buffer.from(recordSigningText(k.kioskId, r.hash)), k.publicKey, Buffer.from(r.sig, 'base64'))).toBe(true);
    // With the key out of the database, rows unsigned later (an edit) are never signed again.
    store.db.prepare('UPDATE checkins SET sig = NULL WHERE seq = 1').run();
    store.close();
    store = new KioskStore(path);
    expect(store.dueBatch(Date.now(), 10, 1e6)[0]!.sig).toBeNull();
    store.close();
  });
});

describe('kiosk store', () => {
  it('migrates a database from every earlier schema version to the latest, keeping its rows', () => {
    for (let from = 0; from < MIGRATIONS.length; from++) {
      const path = dbPath();
      const raw = new Database(path);
      migrate(raw, from);
      if (from >= 1) raw.prepare("INSERT INTO meta (key, value) VALUES ('kept', 'yes')").run();
      raw.close();
      const store = new KioskStore(path);
      expect(store.schemaVersion).toBe(MIGRATIONS.length);
      if (from >= 1) expect(store.getMeta('kept')).toBe('yes');
      store.record(SAMPLE);
      expect(store.queue().length).toBe(1);
      store.close();
    }
  });

  it('refuses a database from newer software with words to act on', () => {
    const path = dbPath();
    const raw = new Database(path);
    raw.pragma('user_version = 99');
    raw.close();
    expect(() => new KioskStore(path)).toThrow(/schema 99, newer than this software/);
  });

  it('uses WAL, synchronous FULL and foreign keys', () => {
    const store = new KioskStore(dbPath());
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.db.pragma('synchronous', { simple: true })).toBe(2);
    expect(store.db.pragma('foreign_keys', { simple: true })).toBe(1);
    store.close();
  });

  it('records a check-in with its outbox row in one transaction, ids as UUIDv7 carrying the time', () => {
    const store = new KioskStore(dbPath());
    const a = store.record(SAMPLE, Date.parse('2026-11-23T08:00:00.123Z'));
    const b = store.record(SAMPLE, Date.parse('2026-11-23T08:00:00.123Z'));
    expect([a.seq, b.seq]).toEqual([1, 2]);
    expect(uuid7Time(a.id)).toBe(Date.parse(a.recordedAt));
    expect(a.id < b.id).toBe(true);
    expect(b.prevHash).toBe(a.hash);
    // A failing outbox insert leaves no check-in behind.
    store.db.exec("CREATE TRIGGER boom BEFORE INSERT ON outbox BEGIN SELECT RAISE(ABORT, 'disk full'); END");
    expect(() => store.record(SAMPLE)).toThrow(/disk full/);
    expect((store.db.prepare('SELECT COUNT(*) AS n FROM checkins').get() as { n: number }).n).toBe(2);
    store.close();
  });

  it.each([
    ['a reason the registry would refuse', { reasons: ['Not A Code'] }, /reasons\.0/],
    ['a score out of range', { matchScore: 7 }, /matchScore/],
    ['an ID number that is not 12 digits', { identity: { idNumber: '123' } }, /identity\.idNumber/],
    ['an unknown identity field', { identity: { photo: 'base64…' } }, /identity/],
    ['a site with spaces', { site: 'a site' }, /site/],
  ] as [string, Partial<CheckInInput>, RegExp][])(
    'refuses a malformed check-in before it enters the chain or the outbox: %s',
    (_n, change, field) => {
      const store = new KioskStore(dbPath());
      store.record(SAMPLE);
      expect(() => store.record({ ...SAMPLE, ...change } as CheckInInput)).toThrow(StoreError);
      expect(() => store.record({ ...SAMPLE, ...change } as CheckInInput)).toThrow(field);
      expect(store.page(0, 10).length).toBe(1);
      expect(store.queue().length).toBe(1);
      expect(store.verifyChain()).toMatchObject({ ok: true, count: 1 });
      store.close();
    },
  );

  it('verifies its hash chain, and finds an altered, a deleted or a re-identified row', () => {
    const store = new KioskStore(dbPath());
    for (let i = 0; i < 5; i++) store.record(SAMPLE);
    expect(store.verifyChain()).toMatchObject({ ok: true, count: 5 });
    store.db.prepare("UPDATE checkins SET decision = 'refused' WHERE seq = 3").run();
    expect(store.verifyChain()).toMatchObject({ ok: false, seq: 3, problem: 'altered' });
    store.db.prepare("UPDATE checkins SET decision = 'admitted' WHERE seq = 3").run();
    store.db.prepare('UPDATE checkins SET identity = \'{"idNumber":"079099000001"}\' WHERE seq = 2').run();
    expect(store.verifyChain()).toMatchObject({ ok: false, seq: 2, problem: 'identity altered' });
    store.db.prepare('UPDATE checkins SET identity = NULL WHERE seq = 2').run(); // a purge keeps the chain whole
    expect(store.verifyChain()).toMatchObject({ ok: true, count: 5 });
    store.db.exec('DELETE FROM outbox WHERE seq = 4; DELETE FROM checkins WHERE seq = 4');
    expect(store.verifyChain()).toMatchObject({ ok: false, seq: 5, problem: 'sequence jumps from 3 to 5' });
    store.close();
  });

  it('hands out due batches bounded by count and bytes, oldest first, and keeps failures with their words', () => {
    const store = new KioskStore(dbPath());
    for (let i = 0; i < 10; i++) store.record(SAMPLE);
    expect(store.dueBatch(Date.now(), 4, 1e6).map((r) => r.seq)).toEqual([1, 2, 3, 4]);
    const one = JSON.stringify(store.dueBatch(Date.now(), 1, 1e6)[0]).length;
    expect(store.dueBatch(Date.now(), 10, one * 3 + 3)).toHaveLength(3);
    expect(store.dueBatch(Date.now(), 10, 1)).toHaveLength(1); // never an empty batch while rows are due
    store.markFailed([1, 2], 'cannot reach the registry (ECONNREFUSED)', Date.now() + 60_000);
    expect(store.dueBatch(Date.now(), 10, 1e6)[0]!.seq).toBe(3);
    expect(store.queue()).toMatchObject({ length: 10, lastError: 'cannot reach the registry (ECONNREFUSED)' });
    store.markSynced(store.dueBatch(Date.now(), 10, 1e6).map((r) => r.id));
    expect(store.queue().length).toBe(2);
    store.close();
  });

  it('purges personal fields only once acknowledged and old enough; the decision record stays', () => {
    const store = new KioskStore(dbPath());
    const day = 86_400_000;
    const now = Date.parse('2026-11-23T00:00:00Z');
    const old = store.record(SAMPLE, now - 40 * day);
    store.record(SAMPLE, now - 40 * day); // old but never acknowledged
    const recent = store.record(SAMPLE, now - day);
    store.markSynced([old.id, recent.id], now);
    expect(store.purgeIdentities(30 * day, now)).toBe(1);
    const rows = store.db.prepare('SELECT seq, identity, decision, identity_digest FROM checkins ORDER BY seq').all() as {
      seq: number;
      identity: string | null;
      decision: string;
      identity_digest: string;
    }[];
    expect(rows.map((r) => [r.seq, r.identity === null, r.decision])).toEqual([
      [1, true, 'admitted'],
      [2, false, 'admitted'],
      [3, false, 'admitted'],
    ]);
    expect(store.verifyChain()).toMatchObject({ ok: true, count: 3 });
    store.close();
  });

  it('applies reference data deltas atomically and refuses one that does not start at its version', () => {
    const store = new KioskStore(dbPath());
    store.applyDelta({
      dataset: 'roster',
      from: 0,
      to: 3,
      changes: [
        { key: 'VN213', value: { to: 'HAN' }, deleted: false },
        { key: 'VJ122', value: null, deleted: true },
      ],
    });
    expect(store.datasetVersions()).toEqual({ roster: 3 });
    expect(() => store.applyDelta({ dataset: 'roster', from: 1, to: 4, changes: [{ key: 'X', value: 1, deleted: false }] })).toThrow(
      StoreError,
    );
    expect(store.referenceItems('roster')).toEqual([{ key: 'VN213', value: { to: 'HAN' } }]);
    store.close();
  });
});

describe('hashedText', () => {
  it('writes exactly what canonicalJson writes for the hashed fields', async () => {
    const { canonicalJson, hashedText } = await import('../../protocol/registry-protocol.js');
    const store = new KioskStore(dbPath());
    const r = store.record({
      ...SAMPLE,
      reasons: ['name-mismatch', 'card-expired'],
      verification: { z: 'a', chip: 'verified', Face: 'match' },
    });
    const { hash: _hash, identity: _identity, kioskId: _k, sig: _s, ...base } = r;
    expect(hashedText(base)).toBe(canonicalJson(base));
    store.close();
  });

  it('hashInput is what the record hash covers: the previous hash, a newline, hashedText', async () => {
    const { canonicalJson, hashInput } = await import('../../protocol/registry-protocol.js');
    const store = new KioskStore(dbPath());
    store.record(SAMPLE);
    const r = store.record(SAMPLE);
    const { hash, identity: _identity, kioskId: _k, sig: _s, ...base } = r;
    expect(hashInput(base)).toBe(`${r.prevHash}\n${canonicalJson(base)}`);
    expect(createHash('sha256').update(hashInput(base)).digest('hex')).toBe(hash);
    store.close();
  });
});

describe('personal data at rest on the kiosk', () => {
  const day = 86_400_000;
  const files = (path: string) => [path, `${path}-wal`, `${path}-shm`];
  const onDisk = (path: string, text: string) =>
    files(path).some((f) => existsSync(f) && readFileSync(f).includes(Buffer.from(text, 'utf8')));

  it('leaves no purged name in kiosk.db, its -wal or its -shm', () => {
    const path = dbPath();
    const store = new KioskStore(path);
    const now = Date.parse('2026-11-23T00:00:00Z');
    // Enough rows to split pages, each with its own distinctive name.
    const names = Array.from({ length: 300 }, (_, i) => `Zyxwquor Vexlantha ${String(i).padStart(3, '0')}`);
    const ids = names.map((fullName) => store.record({ ...SAMPLE, identity: { ...SAMPLE.identity, fullName } }, now - 40 * day).id);
    store.markSynced(ids, now - 40 * day);
    const kept = store.record({ ...SAMPLE, identity: { ...SAMPLE.identity, fullName: 'Keptname Recentia' } }, now - day);
    store.markSynced([kept.id], now);
    expect(names.every((n) => onDisk(path, n))).toBe(true); // the test can see a name when it is there
    expect(store.purgeIdentities(30 * day, now)).toBe(300);
    expect(names.filter((n) => onDisk(path, n))).toEqual([]);
    expect(onDisk(path, 'Zyxwquor')).toBe(false);
    expect(onDisk(path, 'Keptname Recentia')).toBe(true); // not yet due: still there
    expect(store.verifyChain()).toMatchObject({ ok: true, count: 301 });
    store.close();
    expect(names.filter((n) => onDisk(path, n))).toEqual([]);
  });

  it('zeroes deleted content and gives the pages a purge freed back to the file system', () => {
    const path = dbPath();
    const store = new KioskStore(path);
    expect(store.db.pragma('secure_delete', { simple: true })).toBe(1);
    const now = Date.parse('2026-11-23T00:00:00Z');
    const long = 'Q'.repeat(100);
    const ids = Array.from(
      { length: 2000 },
      () => store.record({ ...SAMPLE, identity: { ...SAMPLE.identity, fullName: long } }, now - 40 * day).id,
    );
    store.markSynced(ids, now);
    const before = store.db.pragma('page_count', { simple: true }) as number;
    store.purgeIdentities(30 * day, now);
    expect(store.db.pragma('freelist_count', { simple: true })).toBe(0);
    expect(store.db.pragma('page_count', { simple: true }) as number).toBeLessThan(before);
    expect(statSync(`${path}-wal`).size).toBe(0);
    store.close();
  });

  it('salts the identity digest, so the digest a purge leaves cannot be opened by trying ID numbers', () => {
    const store = new KioskStore(dbPath());
    const now = Date.parse('2026-11-23T00:00:00Z');
    const a = store.record(SAMPLE, now - 40 * day);
    const b = store.record(SAMPLE, now - 40 * day);
    expect(a.identity).toEqual({ ...SAMPLE.identity, salt: expect.stringMatching(/^[0-9a-f]{32}$/) });
    expect(a.identityDigest).not.toBe(b.identityDigest); // the same person twice: unlinkable digests
    store.markSynced([a.id, b.id], now);
    store.purgeIdentities(30 * day, now);
    const [row] = store.page(0, 1);
    expect(row).toMatchObject({ identity: null, identityDigest: a.identityDigest });
    // What an attacker holding the file would try: the digest of the guessed identity.
    const guess = createHash('sha256').update(canonicalJson(SAMPLE.identity)).digest('hex');
    expect(row!.identityDigest).not.toBe(guess);
    expect(store.verifyChain()).toMatchObject({ ok: true, count: 2 });
    store.close();
  });

  it('creates kiosk.db and its -wal and -shm for its owner only (0600), and tightens an older 0644 file', () => {
    const path = dbPath();
    const store = new KioskStore(path);
    store.record(SAMPLE);
    for (const f of files(path)) expect(statSync(f).mode & 0o777, f).toBe(0o600);
    store.close();
    const old = dbPath();
    writeFileSync(old, '', { mode: 0o644 });
    chmodSync(old, 0o644);
    new KioskStore(old).close();
    expect(statSync(old).mode & 0o777).toBe(0o600);
  });
});
