// The kiosk's own database (better-sqlite3): check-ins with their hash chain, the outbox of
// what the registry has not acknowledged, reference data from the registry, and the audit
// log. One process owns it and is its only writer (the kiosk core; `kiosk sync status` only
// reads). A check-in and its outbox row commit together, durably (WAL, synchronous=FULL),
// before the UI may say "done".
import { createHash, createPrivateKey, randomBytes, sign, type KeyObject } from 'node:crypto';
import { chmodSync, closeSync, existsSync, fchmodSync, fsyncSync, openSync, readFileSync, writeSync } from 'node:fs';
import Database from 'better-sqlite3';
import {
  canonicalJson,
  CheckInRow,
  GENESIS_HASH,
  hashInput,
  recordSigningText,
  type CheckInRecord,
  type DatasetDelta,
  type Identity,
} from '../protocol/registry-protocol.js';
import { MIGRATIONS } from './migrations.js';
import { uuidv7 } from './uuid7.js';

export type CheckInInput = Pick<CheckInRecord, 'site' | 'workflow' | 'decision' | 'reasons' | 'matchScore' | 'verification'> & {
  identity: Identity | null;
};

export class StoreError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreError';
  }
}

interface Row {
  seq: number;
  id: string;
  site: string;
  workflow: string;
  recorded_at: string;
  decision: string;
  reasons: string;
  match_score: number | null;
  verification: string;
  identity: string | null;
  identity_digest: string | null;
  prev_hash: string;
  hash: string;
  kiosk_id: string | null;
  sig: string | null;
}

/**
 * Where the kiosk's private key may be sealed before it is written to its file (and opened
 * after it is read). The Electron shell can pass one backed by `safeStorage` (the OS
 * keystore) when it opens the store; without one the file holds the key as is, 0600.
 */
export interface KeyVault {
  seal(plain: Buffer): Buffer;
  open(sealed: Buffer): Buffer;
}

/** Meta key of the kiosk's registry id, which signs its check-ins (the key itself is in the key file). */
const DEVICE_ID_META = 'device.kiosk-id';
/** Meta key where sync keeps the registry identity (older versions kept the private key in it too). */
const CREDENTIALS_META = 'registry.credentials';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

export function migrate(db: Database.Database, upTo = MIGRATIONS.length): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length)
    throw new StoreError(
      `the kiosk database is at schema ${current}, newer than this software (${MIGRATIONS.length}); install the newer kiosk software again`,
    );
  for (const m of MIGRATIONS) {
    if (m.version <= current || m.version > upTo) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    })();
  }
  return db.pragma('user_version', { simple: true }) as number;
}

function rowToRecord(r: Row): CheckInRecord {
  return {
    id: r.id,
    site: r.site,
    workflow: r.workflow as CheckInRecord['workflow'],
    recordedAt: r.recorded_at,
    seq: r.seq,
    decision: r.decision as CheckInRecord['decision'],
    reasons: JSON.parse(r.reasons) as string[],
    matchScore: r.match_score,
    verification: JSON.parse(r.verification) as Record<string, string>,
    identity: r.identity === null ? null : (JSON.parse(r.identity) as Identity),
    identityDigest: r.identity_digest,
    prevHash: r.prev_hash,
    hash: r.hash,
    // Rows written before enrolment have neither: the registry refuses them, with that reason.
    kioskId: r.kiosk_id as string,
    sig: r.sig as string,
  };
}

export interface QueueState {
  length: number;
  oldestRecordedAt: string | null;
  lastError: string | null;
}

export class KioskStore {
  readonly db: Database.Database;
  readonly schemaVersion: number;
  /** The kiosk's private key file: beside the database, 0600 (null for an in-memory database). */
  readonly keyPath: string | null;
  private readonly s;
  private readonly vault: KeyVault | null;
  private memoryKey: string | null = null;
  private signer: { kioskId: string; key: KeyObject } | null = null;

  constructor(path: string, options: { readonly?: boolean; keyVault?: KeyVault } = {}) {
    const onDisk = path !== ':memory:' && path !== '' && !path.startsWith('file:');
    this.keyPath = path === '' || path === ':memory:' ? null : `${path}.key`;
    this.vault = options.keyVault ?? null;
    try {
      // Personal data: the file is the owner's alone (0600). SQLite gives its -wal and -shm
      // files the mode of the database file; a file an older kiosk made 0644 is tightened.
      if (onDisk && !options.readonly) {
        if (!existsSync(path)) closeSync(openSync(path, 'a', 0o600));
        for (const f of [path, `${path}-wal`, `${path}-shm`]) if (existsSync(f)) chmodSync(f, 0o600);
      }
      this.db = new Database(path, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
    } catch (err) {
      throw new StoreError(`cannot open the kiosk database ${path}: ${(err as Error).message}`);
    }
    this.db.pragma('busy_timeout = 5000');
    if (!options.readonly) {
      // Deleted content is overwritten with zeros (purgeIdentities also rewrites the file).
      this.db.pragma('secure_delete = ON');
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = FULL');
      this.db.pragma('foreign_keys = ON');
      this.schemaVersion = migrate(this.db);
    } else {
      this.schemaVersion = this.db.pragma('user_version', { simple: true }) as number;
      if (this.schemaVersion !== MIGRATIONS.length)
        throw new StoreError(
          `the kiosk database is at schema ${this.schemaVersion}; start the kiosk once to bring it to ${MIGRATIONS.length}`,
        );
    }
    const db = this.db;
    this.s = {
      head: db.prepare('SELECT seq, hash FROM checkins ORDER BY seq DESC LIMIT 1'),
      insert:
        db.prepare(`INSERT INTO checkins (seq, id, site, workflow, recorded_at, decision, reasons, match_score, verification, identity, identity_digest, prev_hash, hash, kiosk_id, sig)
                          VALUES (@seq, @id, @site, @workflow, @recorded_at, @decision, @reasons, @match_score, @verification, @identity, @identity_digest, @prev_hash, @hash, @kiosk_id, @sig)`),
      unsigned: db.prepare('SELECT c.seq, c.hash FROM outbox o JOIN checkins c ON c.seq = o.seq WHERE c.sig IS NULL'),
      signRow: db.prepare('UPDATE checkins SET kiosk_id = ?, sig = ? WHERE seq = ?'),
      enqueue: db.prepare('INSERT INTO outbox (seq) VALUES (?)'),
      due: db.prepare(
        'SELECT c.* FROM outbox o JOIN checkins c ON c.seq = o.seq WHERE o.seq > ? AND o.next_try_at <= ? ORDER BY o.seq LIMIT ?',
      ),
      bySeq: db.prepare('SELECT * FROM checkins WHERE seq = ?'),
      synced: db.prepare('UPDATE checkins SET synced_at = ? WHERE id IN (SELECT value FROM json_each(?)) AND synced_at IS NULL'),
      dequeue: db.prepare('DELETE FROM outbox WHERE seq IN (SELECT seq FROM checkins WHERE id IN (SELECT value FROM json_each(?)))'),
      failed: db.prepare('UPDATE outbox SET attempts = attempts + 1, next_try_at = ?, last_error = ? WHERE seq = ?'),
      queue: db.prepare('SELECT COUNT(*) AS n, MIN(o.seq) AS first FROM outbox o'),
      lastError: db.prepare('SELECT last_error FROM outbox WHERE last_error IS NOT NULL ORDER BY attempts DESC, seq LIMIT 1'),
      purge: db.prepare(
        'UPDATE checkins SET identity = NULL, purged_at = ? WHERE identity IS NOT NULL AND synced_at IS NOT NULL AND recorded_at < ?',
      ),
      meta: db.prepare('SELECT value FROM meta WHERE key = ?'),
      setMeta: db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value'),
      audit: db.prepare('INSERT INTO audit_log (at, action, detail) VALUES (?, ?, ?)'),
      version: db.prepare('SELECT version FROM reference_versions WHERE dataset = ?'),
      setVersion: db.prepare(
        'INSERT INTO reference_versions (dataset, version, applied_at) VALUES (?, ?, ?) ON CONFLICT (dataset) DO UPDATE SET version = excluded.version, applied_at = excluded.applied_at',
      ),
      putItem: db.prepare(
        'INSERT INTO reference_items (dataset, key, value) VALUES (?, ?, ?) ON CONFLICT (dataset, key) DO UPDATE SET value = excluded.value',
      ),
      delItem: db.prepare('DELETE FROM reference_items WHERE dataset = ? AND key = ?'),
      items: db.prepare('SELECT key, value FROM reference_items WHERE dataset = ? ORDER BY key'),
      versions: db.prepare('SELECT dataset, version FROM reference_versions'),
      versionInfo: db.prepare('SELECT dataset, version, applied_at FROM reference_versions'),
      boarded: db.prepare(
        `SELECT 1 FROM checkins WHERE workflow = 'airport-boarding' AND decision = 'admitted' AND recorded_at >= ?
           AND json_extract(identity, '$.idNumber') = ? AND json_extract(identity, '$.flight') = ? LIMIT 1`,
      ),
      all: db.prepare('SELECT * FROM checkins WHERE seq > ? ORDER BY seq LIMIT ?'),
    };
    if (!options.readonly) this.moveKeyOutOfDatabase();
    this.loadSigner();
  }

  // ---- the kiosk's key ----

  /** The kiosk's private key (PKCS#8 DER, base64) from its key file; null before enrolment. */
  deviceKey(): string | null {
    if (!this.keyPath) return this.memoryKey;
    if (!existsSync(this.keyPath)) return null;
    const raw = readFileSync(this.keyPath);
    return (this.vault ? this.vault.open(raw) : raw).toString('utf8').trim();
  }

  /**
   * Enrolment: the private key goes to the key file (0600, beside the database, never in it)
   * and every check-in written from now on is signed with it as this kiosk's.
   */
  setDeviceIdentity(kioskId: string, privateKeyPkcs8: string): void {
    this.writeKeyFile(privateKeyPkcs8);
    this.setMeta(DEVICE_ID_META, kioskId);
    this.loadSigner();
  }

  private writeKeyFile(privateKeyPkcs8: string): void {
    if (!this.keyPath) {
      this.memoryKey = privateKeyPkcs8;
      return;
    }
    const plain = Buffer.from(privateKeyPkcs8, 'utf8');
    const fd = openSync(this.keyPath, 'w', 0o600);
    try {
      fchmodSync(fd, 0o600); // a file that was there before keeps its mode otherwise
      writeSync(fd, this.vault ? this.vault.seal(plain) : plain);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }

  private loadSigner(): void {
    const kioskId = this.getMeta(DEVICE_ID_META);
    const key = kioskId ? this.deviceKey() : null;
    this.signer =
      kioskId && key ? { kioskId, key: createPrivateKey({ key: Buffer.from(key, 'base64'), format: 'der', type: 'pkcs8' }) } : null;
  }

  /**
   * Databases of earlier versions kept the private key in the meta table. It moves to the key
   * file, and leaves the database. The unsent check-ins of such a database were written
   * unsigned; they are signed now, once: only when the key file is first made from the
   * database (later, with the key out of the database, nothing can ask for that again).
   */
  private moveKeyOutOfDatabase(): void {
    const raw = this.getMeta(CREDENTIALS_META);
    if (!raw) return;
    let c: { kioskId?: unknown; privateKey?: unknown };
    try {
      c = JSON.parse(raw) as typeof c;
    } catch {
      return; // loadCredentials says so, in words
    }
    if (typeof c.privateKey !== 'string' || typeof c.kioskId !== 'string') return;
    const fresh = this.deviceKey() === null;
    if (fresh) this.writeKeyFile(c.privateKey);
    const { privateKey: _key, ...rest } = c;
    const kioskId = c.kioskId;
    this.db.transaction(() => {
      this.setMeta(CREDENTIALS_META, JSON.stringify(rest));
      this.setMeta(DEVICE_ID_META, kioskId);
      this.loadSigner();
      if (fresh && this.signer) {
        const rows = this.s.unsigned.all() as { seq: number; hash: string }[];
        for (const r of rows) this.s.signRow.run(kioskId, this.signRecord(r.hash), r.seq);
        this.audit('device-key.moved', { keyFile: this.keyPath, signedUnsent: rows.length });
      }
    })();
  }

  private signRecord(hash: string): string {
    const s = this.signer!;
    return sign(null, Buffer.from(recordSigningText(s.kioskId, hash)), s.key).toString('base64');
  }

  /** The next queue number of `clinic` on `day` (1, 2, 3…), durable before it is shown or printed. */
  issueTicket(day: string, clinic: string): number {
    return this.db.transaction(() => {
      this.db.prepare('DELETE FROM ticket_counters WHERE day < ?').run(day);
      const row = this.db
        .prepare(
          'INSERT INTO ticket_counters (day, clinic, issued) VALUES (?, ?, 1) ON CONFLICT (day, clinic) DO UPDATE SET issued = issued + 1 RETURNING issued',
        )
        .get(day, clinic) as { issued: number };
      return row.issued;
    })();
  }

  /** Records a check-in and queues it for upload, in one durable transaction. */
  record(input: CheckInInput, now: number = Date.now()): CheckInRecord {
    // A row the registry would refuse never enters the chain or the outbox: it is refused here, in words.
    const checked = CheckInRow.safeParse(input);
    if (!checked.success) {
      const i = checked.error.issues[0]!;
      throw new StoreError(`a check-in that does not fit the record format was not written (${i.path.join('.') || 'row'}: ${i.message})`);
    }
    return this.db
      .transaction((): CheckInRecord => {
        const head = this.s.head.get() as { seq: number; hash: string } | undefined;
        const { id, ms } = uuidv7(now);
        // The salt makes the digest that outlives the identity (in the chain, here and at the
        // registry) impossible to open by trying every ID number.
        const identity: Identity | null = input.identity ? { ...input.identity, salt: randomBytes(16).toString('hex') } : null;
        const identityDigest = identity ? sha256(canonicalJson(identity)) : null;
        const base = {
          id,
          site: input.site,
          workflow: input.workflow,
          recordedAt: new Date(ms).toISOString(),
          seq: (head?.seq ?? 0) + 1,
          decision: input.decision,
          reasons: input.reasons,
          matchScore: input.matchScore,
          verification: input.verification,
          identityDigest,
          prevHash: head?.hash ?? GENESIS_HASH,
        };
        const hash = sha256(hashInput(base));
        // Signed now, as it is written: an edit made later without the key shows at the registry.
        const kioskId = this.signer?.kioskId ?? null;
        const sig = this.signer ? this.signRecord(hash) : null;
        this.s.insert.run({
          seq: base.seq,
          id,
          site: base.site,
          workflow: base.workflow,
          recorded_at: base.recordedAt,
          decision: base.decision,
          reasons: JSON.stringify(base.reasons),
          match_score: base.matchScore,
          verification: JSON.stringify(base.verification),
          identity: identity ? JSON.stringify(identity) : null,
          identity_digest: identityDigest,
          prev_hash: base.prevHash,
          hash,
          kiosk_id: kioskId,
          sig,
        });
        this.s.enqueue.run(base.seq);
        return { ...base, identity, hash, kioskId: kioskId as string, sig: sig as string };
      })
      .immediate();
  }

  /** The oldest queued check-ins that are due (after `afterSeq`), bounded by count and by their JSON size. */
  dueBatch(now: number, maxRecords: number, maxBytes: number, afterSeq = 0): CheckInRecord[] {
    const rows = this.s.due.all(afterSeq, now, maxRecords) as Row[];
    const out: CheckInRecord[] = [];
    let bytes = 0;
    for (const r of rows) {
      const rec = rowToRecord(r);
      bytes += JSON.stringify(rec).length + 1;
      if (out.length > 0 && bytes > maxBytes) break;
      out.push(rec);
    }
    return out;
  }

  /** The registry acknowledged these ids: they leave the outbox. */
  markSynced(ids: string[], now: number = Date.now()): void {
    const at = new Date(now).toISOString();
    if (ids.length === 0) return;
    const list = JSON.stringify(ids);
    this.db.transaction(() => {
      this.s.synced.run(at, list);
      this.s.dequeue.run(list);
    })();
  }

  /** An attempt failed: the rows stay queued with the error in words and their next try time. */
  markFailed(seqs: number[], error: string, nextTryAt: number): void {
    this.db.transaction(() => {
      for (const seq of seqs) this.s.failed.run(nextTryAt, error.slice(0, 500), seq);
    })();
  }

  queue(): QueueState {
    const q = this.s.queue.get() as { n: number; first: number | null };
    const first = q.first === null ? undefined : (this.s.bySeq.get(q.first) as Row | undefined);
    const e = this.s.lastError.get() as { last_error: string } | undefined;
    return { length: q.n, oldestRecordedAt: first?.recorded_at ?? null, lastError: e?.last_error ?? null };
  }

  /**
   * Retention: personal fields of acknowledged check-ins older than `olderThanMs` go; the
   * decision record stays. What they held does not stay on disk either. secure_delete zeroes
   * the cells a purge rewrites, but a page split leaves stale copies of cells in the free
   * space of the pages it rebuilt, so the file is rewritten whole (VACUUM: about 1 s for
   * 200,000 check-ins), and the WAL, which still holds pages as they were, is checkpointed
   * and truncated to nothing.
   */
  purgeIdentities(olderThanMs: number, now: number = Date.now()): number {
    const cutoff = new Date(now - olderThanMs).toISOString();
    const n = this.s.purge.run(new Date(now).toISOString(), cutoff).changes;
    if (n) {
      this.audit('retention.purge', { checkins: n, olderThan: cutoff }, now);
      this.db.exec('VACUUM');
      // A reader (kiosk sync status) on an old snapshot can keep the WAL for now; the next purge truncates it.
      this.db.pragma('wal_checkpoint(TRUNCATE)');
    }
    return n;
  }

  /**
   * Walks the chain from `from` (a row already checked; the start by default): each row's hash
   * is right and names the previous row's. `last` is where the next walk can start.
   */
  verifyChain(
    from: { seq: number; hash: string } = { seq: 0, hash: GENESIS_HASH },
  ): { ok: true; count: number; last: { seq: number; hash: string } } | { ok: false; seq: number; problem: string } {
    let prev = from.hash;
    let expectedSeq = from.seq + 1;
    let count = 0;
    for (let after = from.seq; ;) {
      const rows = this.s.all.all(after, 5000) as Row[];
      if (rows.length === 0) break;
      for (const r of rows) {
        const rec = rowToRecord(r);
        if (rec.seq !== expectedSeq) return { ok: false, seq: rec.seq, problem: `sequence jumps from ${expectedSeq - 1} to ${rec.seq}` };
        if (rec.prevHash !== prev) return { ok: false, seq: rec.seq, problem: 'does not name the previous check-in' };
        if (rec.identity && rec.identityDigest !== sha256(canonicalJson(rec.identity)))
          return { ok: false, seq: rec.seq, problem: 'identity altered' };
        const { hash, identity: _identity, kioskId: _kioskId, sig: _sig, ...base } = rec;
        if (sha256(hashInput(base)) !== hash) return { ok: false, seq: rec.seq, problem: 'altered' };
        prev = hash;
        expectedSeq++;
        count++;
        after = rec.seq;
      }
    }
    return { ok: true, count, last: { seq: expectedSeq - 1, hash: prev } };
  }

  /** Check-ins after `afterSeq`, in order (for audits and exports). */
  page(afterSeq: number, limit: number): CheckInRecord[] {
    return (this.s.all.all(afterSeq, limit) as Row[]).map(rowToRecord);
  }

  getMeta(key: string): string | null {
    return (this.s.meta.get(key) as { value: string } | undefined)?.value ?? null;
  }

  setMeta(key: string, value: string): void {
    this.s.setMeta.run(key, value);
  }

  audit(action: string, detail: Record<string, unknown>, now: number = Date.now()): void {
    this.s.audit.run(new Date(now).toISOString(), action, JSON.stringify(detail));
  }

  datasetVersions(): Record<string, number> {
    return Object.fromEntries((this.s.versions.all() as { dataset: string; version: number }[]).map((r) => [r.dataset, r.version]));
  }

  /** Applies a registry delta atomically; a delta that does not start at our version is refused. */
  applyDelta(
    delta: Omit<DatasetDelta, 'changes'> & { changes: Pick<DatasetDelta['changes'][number], 'key' | 'value' | 'deleted'>[] },
    now: number = Date.now(),
  ): void {
    this.db.transaction(() => {
      const have = (this.s.version.get(delta.dataset) as { version: number } | undefined)?.version ?? 0;
      if (delta.from !== have) throw new StoreError(`dataset ${delta.dataset}: delta from version ${delta.from}, we have ${have}`);
      for (const c of delta.changes) {
        if (c.deleted) this.s.delItem.run(delta.dataset, c.key);
        else this.s.putItem.run(delta.dataset, c.key, JSON.stringify(c.value));
      }
      this.s.setVersion.run(delta.dataset, delta.to, new Date(now).toISOString());
      this.audit('reference.apply', { dataset: delta.dataset, from: delta.from, to: delta.to, changes: delta.changes.length }, now);
    })();
  }

  /** Each dataset's version and when it was applied (for the status: how old the data is). */
  datasetInfo(): Record<string, { version: number; appliedAt: string }> {
    const rows = this.s.versionInfo.all() as { dataset: string; version: number; applied_at: string }[];
    return Object.fromEntries(rows.map((r) => [r.dataset, { version: r.version, appliedAt: r.applied_at }]));
  }

  /** Whether this kiosk admitted this person to this flight since `sinceIso` (its own record, offline). */
  admittedToFlight(idNumber: string, flight: string, sinceIso: string): boolean {
    return this.s.boarded.get(sinceIso, idNumber, flight) !== undefined;
  }

  referenceItems(dataset: string): { key: string; value: unknown }[] {
    return (this.s.items.all(dataset) as { key: string; value: string }[]).map((r) => ({
      key: r.key,
      value: JSON.parse(r.value) as unknown,
    }));
  }

  close(): void {
    this.db.close();
  }
}
