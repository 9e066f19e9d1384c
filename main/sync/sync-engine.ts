// Sync between a kiosk and the registry. Upload: the oldest due check-ins in batches (bounded
// by count and bytes), signed, retried with exponential backoff and jitter; a check-in leaves
// the outbox only when the registry acknowledges its id. Download: each reference dataset
// from the kiosk's checkpoint, applied atomically. Runs beside check-ins and never blocks
// them: the store's writes are short transactions, and everything here is asynchronous.
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import {
  CheckInBatchResponse,
  DatasetDelta,
  DatasetName,
  MAX_BATCH_RECORDS,
  type BoardingClaim,
  type CheckInRecord,
  type KioskAlert,
} from '../protocol/registry-protocol.js';
import { parseDatasetItem, describeError } from '../protocol/datasets.js';
import type { KioskStore } from '../store/kiosk-store.js';
import { claimBoarding, SyncError, type BoardingCheck, type RegistryClient } from './registry-client.js';

export interface SyncOptions {
  batchRecords: number;
  batchBytes: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Pause between passes when there is nothing to send. */
  idleMs: number;
  datasetsEveryMs: number;
  random: () => number;
  now: () => number;
}

export const DEFAULT_SYNC_OPTIONS: SyncOptions = {
  batchRecords: MAX_BATCH_RECORDS,
  batchBytes: 512 * 1024,
  baseDelayMs: 1000,
  // A kiosk notices a returning registry within half a minute; jitter spreads a fleet out.
  maxDelayMs: 30_000,
  idleMs: 2000,
  datasetsEveryMs: 60_000,
  random: Math.random,
  now: Date.now,
};

export interface SyncStatus {
  online: boolean;
  queued: number;
  oldestUnsyncedAgeMs: number | null;
  lastError: string | null;
  lastSuccessAt: string | null;
  nextAttemptAt: string | null;
}

export interface UploadResult {
  sent: number;
  accepted: number;
  duplicate: number;
  rejected: number;
}

export class SyncEngine extends EventEmitter {
  private readonly o: SyncOptions;
  private failures = 0;
  private nextAttempt = 0;
  private online = false;
  private lastError: string | null = null;
  private lastSuccess: number | null = null;
  private lastDatasets = 0;
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private stopped = true;
  private queueCache: { at: number; q: ReturnType<KioskStore['queue']> } | null = null;
  /** Rows sent in batches not answered yet: a batch's queue figure leaves out those sent before it. */
  private inFlight = 0;
  /** Alerts for the registry, sent with the next successful pass (the registry stores each once). */
  private readonly alerts: KioskAlert[] = [];

  constructor(
    private readonly store: KioskStore,
    private readonly client: RegistryClient,
    options: Partial<SyncOptions> = {},
  ) {
    super();
    this.o = { ...DEFAULT_SYNC_OPTIONS, ...options };
  }

  /**
   * 'error' reaches listeners only: a network or registry failure is a status for the kiosk
   * (it keeps working offline), never an unhandled event that ends the process.
   */
  override emit(event: string | symbol, ...args: unknown[]): boolean {
    if (event === 'error' && this.listenerCount('error') === 0) return false;
    return super.emit(event, ...args);
  }

  /** Exponential backoff with jitter: half fixed, half random, so a fleet coming back online spreads out. */
  backoffMs(failures: number): number {
    const ceiling = Math.min(this.o.maxDelayMs, this.o.baseDelayMs * 2 ** Math.min(failures - 1, 30));
    return Math.round(ceiling / 2 + (ceiling / 2) * this.o.random());
  }

  /** Sends one batch of due check-ins; returns what the registry said. Throws SyncError. */
  async uploadOnce(): Promise<UploadResult> {
    const records = this.prepare(0);
    if (records.length === 0) return { sent: 0, accepted: 0, duplicate: 0, rejected: 0 };
    const { result, commit } = await this.send(records);
    commit();
    return result;
  }

  private prepare(afterSeq: number): CheckInRecord[] {
    return this.store.dueBatch(this.o.now(), this.o.batchRecords, this.o.batchBytes, afterSeq);
  }

  /** Posts one batch; `commit` then records the answer in the store (acknowledged rows leave the outbox). */
  private async send(
    records: CheckInRecord[],
    batch?: { id: string; after: string | null },
  ): Promise<{ result: UploadResult; commit: () => void }> {
    const now = this.o.now();
    // The queue figures are for the fleet page: counting a long outbox costs milliseconds, so once a second is enough.
    if (!this.queueCache || now - this.queueCache.at > 1000) this.queueCache = { at: now, q: this.store.queue() };
    const q = this.queueCache.q;
    // The queue from this batch on (the registry subtracts what this batch stores, and shows the
    // rest): rows of batches still in flight before it are answered first, so they are left out.
    const queue = {
      length: Math.max(0, q.length - this.inFlight),
      oldestAgeMs: q.oldestRecordedAt ? Math.max(0, now - Date.parse(q.oldestRecordedAt)) : 0,
    };
    this.inFlight += records.length;
    let landed = false;
    const land = () => {
      if (!landed) this.inFlight -= records.length;
      landed = true;
    };
    let res;
    try {
      res = await this.client.request('POST', '/v1/checkins', { records, queue, ...(batch ? { batch } : {}) }, CheckInBatchResponse);
    } catch (err) {
      land();
      const e = err instanceof SyncError ? err : new SyncError('protocol', (err as Error).message);
      // The rows stay due: the engine backs off as a whole, so uploads stay in sequence order
      // (a later batch overtaking a failed one would look like a gap in the chain).
      this.store.markFailed(
        records.map((r) => r.seq),
        e.message,
        now,
      );
      throw e;
    }
    const bySeq = new Map(records.map((r) => [r.id, r.seq]));
    const acked: string[] = [];
    const rejections: [number, string][] = [];
    let duplicate = 0;
    for (const r of res.results) {
      if (!bySeq.has(r.id)) continue; // not ours: ignore, never ack blindly
      if (r.status === 'rejected') rejections.push([bySeq.get(r.id)!, `the registry rejected check-in ${r.id}: ${r.reason}`]);
      else {
        if (r.status === 'duplicate') duplicate++;
        acked.push(r.id);
      }
    }
    let committed = false;
    const commit = () => {
      if (committed) return;
      committed = true;
      land();
      // Rejected rows are kept, never dropped: retried rarely, shown in the status until someone looks.
      for (const [seq, why] of rejections) this.store.markFailed([seq], why, now + this.o.maxDelayMs);
      this.store.markSynced(acked, this.o.now());
      // The cached count was taken before these left the outbox.
      if (this.queueCache) this.queueCache.q = { ...this.queueCache.q, length: Math.max(0, this.queueCache.q.length - acked.length) };
    };
    const missing = records.length - acked.length - rejections.length;
    if (missing > 0) {
      commit();
      throw new SyncError('protocol', `the registry answered for ${records.length - missing} of ${records.length} check-ins`);
    }
    return { result: { sent: records.length, accepted: acked.length - duplicate, duplicate, rejected: rejections.length }, commit };
  }

  /**
   * Brings every dataset up to the registry's version, one delta each. A delta with an item
   * that does not parse is not applied (the kiosk keeps the version it has) and is reported
   * as 'dataset-refused'; the other datasets and the uploads go on.
   */
  async downloadOnce(): Promise<{ dataset: string; from: number; to: number; changes: number; refused?: string }[]> {
    const have = this.store.datasetVersions();
    const out = [];
    for (const name of DatasetName.options) {
      const since = have[name] ?? 0;
      const delta = await this.client.request('GET', `/v1/datasets/${name}?since=${since}`, undefined, DatasetDelta);
      if (delta.dataset !== name || delta.from !== since)
        throw new SyncError('protocol', `the registry sent dataset ${delta.dataset} from ${delta.from}, we asked ${name} from ${since}`);
      if (delta.to < since)
        throw new SyncError('protocol', `the registry sent dataset ${name} at version ${delta.to}, older than ours (${since})`);
      let refused: string | undefined;
      // Each item signed by the registry's key (pinned at enrolment) for this dataset, the
      // kiosk's own line and a version inside the delta; one that is not refuses the version.
      const line = name === 'trust' ? '' : this.client.credentials.site;
      try {
        for (const c of delta.changes) {
          if (c.version <= since || c.version > delta.to || !this.client.datasetItemSigned(name, line, c))
            throw new Error(`item "${c.key.slice(0, 80)}" is not signed by the registry for this kiosk at version ${c.version}`);
          if (!c.deleted) parseDatasetItem(name, c.key, c.value);
        }
      } catch (err) {
        refused = `version ${delta.to} refused: ${describeError(err)}`;
        this.emit('dataset-refused', { dataset: name, version: delta.to, problem: refused });
      }
      if (delta.to > since && !refused) this.store.applyDelta(delta, this.o.now());
      out.push({ dataset: name, from: since, to: delta.to, changes: delta.changes.length, ...(refused ? { refused } : {}) });
    }
    return out;
  }

  /**
   * Uploads until nothing is due (or an error, which is thrown). Two batches in flight: each
   * names the batch it follows, and the registry takes them in that order, so the chain is
   * still followed in sequence while the registry checks one batch and stores the other.
   * Answers are written to the store in order; a crash before that write only means the batch
   * is sent again and acknowledged as a duplicate.
   */
  async drain(onProgress?: (r: UploadResult) => void): Promise<UploadResult> {
    const total: UploadResult = { sent: 0, accepted: 0, duplicate: 0, rejected: 0 };
    const window: Promise<{ result: UploadResult; commit: () => void }>[] = [];
    let next = this.prepare(0);
    let previous: string | null = null;
    try {
      while (next.length || window.length) {
        while (window.length < 2 && next.length) {
          const id = randomBytes(12).toString('base64url');
          const p = this.send(next, { id, after: previous });
          p.catch(() => {}); // awaited in order below
          window.push(p);
          previous = id;
          next = this.prepare(next[next.length - 1]!.seq);
        }
        const { result, commit } = await window.shift()!;
        commit();
        total.sent += result.sent;
        total.accepted += result.accepted;
        total.duplicate += result.duplicate;
        total.rejected += result.rejected;
        onProgress?.(result);
      }
    } finally {
      // After a failure the batch still in flight is not waited for: if it is answered later its
      // answer is recorded then; if not, its rows simply stay queued.
      for (const p of window.splice(0)) void p.then((r) => r.commit()).catch(() => {});
    }
    return total;
  }

  /**
   * Airport: claims the passenger at the registry before admitting them (a short timeout; see
   * claimBoarding). Independent of the upload's backoff: a claim is asked for every passenger.
   */
  claimBoarding(claim: BoardingClaim, timeoutMs?: number): Promise<BoardingCheck> {
    return claimBoarding(this.client, claim, timeoutMs);
  }

  /** Queues an alert (a broken chain found here) for the registry; sent with the next pass, retried until it is. */
  reportAlert(alert: KioskAlert): void {
    this.alerts.push(alert);
    this.nudge();
  }

  /** One pass of the background loop; returns the delay before the next. Never throws. */
  async pass(): Promise<number> {
    const now = this.o.now();
    if (now < this.nextAttempt) return this.nextAttempt - now;
    try {
      const r = await this.drain((p) => this.emit('uploaded', p));
      while (this.alerts.length) {
        await this.client.reportAlert(this.alerts[0]!);
        this.alerts.shift();
      }
      if (now - this.lastDatasets >= this.o.datasetsEveryMs) {
        const d = await this.downloadOnce();
        this.lastDatasets = now;
        if (d.some((x) => x.to > x.from && !x.refused)) this.emit('datasets', d);
      }
      this.succeeded();
      return r.sent > 0 ? 0 : this.o.idleMs;
    } catch (err) {
      const e = err instanceof SyncError ? err : new SyncError('protocol', (err as Error).message);
      this.failures++;
      this.online = e.kind === 'refused' || e.kind === 'server' || e.kind === 'protocol';
      this.lastError = e.message;
      // A registry shedding load says when to come back: never sooner, and spread by up to half
      // again so a fleet it turned away does not return in one wave.
      const delay = e.retryAfterMs !== null ? Math.round(e.retryAfterMs * (1 + 0.5 * this.o.random())) : this.backoffMs(this.failures);
      this.nextAttempt = this.o.now() + delay;
      this.emit('error', e);
      this.emit('status', this.status());
      return delay;
    }
  }

  private succeeded(): void {
    const wasOffline = !this.online || this.lastError !== null;
    this.failures = 0;
    this.nextAttempt = 0;
    this.online = true;
    this.lastError = null;
    this.lastSuccess = this.o.now();
    if (wasOffline) this.emit('status', this.status());
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    const loop = async () => {
      if (this.stopped || this.running) return;
      this.running = true;
      const delay = await this.pass();
      this.running = false;
      if (!this.stopped) {
        this.timer = setTimeout(() => void loop(), delay);
        this.timer.unref();
      }
    };
    void loop();
  }

  /** Wakes the loop now (e.g. right after a check-in), unless it is backing off. */
  nudge(): void {
    if (this.stopped || this.running || this.o.now() < this.nextAttempt) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.stopped = true;
    this.start();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    while (this.running) await new Promise((r) => setTimeout(r, 10));
  }

  status(): SyncStatus {
    const q = this.store.queue();
    const now = this.o.now();
    return {
      online: this.online,
      queued: q.length,
      oldestUnsyncedAgeMs: q.oldestRecordedAt ? Math.max(0, now - Date.parse(q.oldestRecordedAt)) : null,
      lastError: this.lastError ?? q.lastError,
      lastSuccessAt: this.lastSuccess ? new Date(this.lastSuccess).toISOString() : null,
      nextAttemptAt: this.nextAttempt > now ? new Date(this.nextAttempt).toISOString() : null,
    };
  }
}
