// Worker threads for the per-record checks of ingest (registry/check-worker.ts). A batch is
// split across the workers; a worker that dies fails only its own part (the request answers
// 500, the kiosk sends the batch again) and is replaced when next needed. Workers that die
// before ever answering (a broken install) are given up after a few: checks then run here.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { AuthedKiosk } from './auth.js';
import type { CheckReply, CheckRequest } from './check-worker.js';
import { checkRecord, type RecordCheck } from './ingest.js';

const ENTRY = new URL('./check-worker-entry.mjs', import.meta.url);
/** Fewer records than this are not worth a message to another thread. */
const MIN_PART = 64;
const GIVE_UP = 3;

interface Slot {
  worker: Worker;
  busy: number;
  answered: boolean;
  pending: Map<number, { done: (r: RecordCheck[]) => void; fail: (e: Error) => void }>;
}

export class CheckPool {
  private readonly slots: Slot[] = [];
  private nextId = 1;
  private closed = false;
  /** Workers in a row that ended without answering once; at GIVE_UP the pool stops using threads. */
  private deadOnArrival = 0;

  /** `threads` workers (started with the first large batch); by default one fewer than the machine's cores, at least one. */
  constructor(
    private readonly log: Logger,
    private readonly threads = Math.max(1, Math.min(8, availableParallelism() - 1)),
  ) {}

  private spawn(): Slot {
    const slot: Slot = { worker: new Worker(ENTRY), busy: 0, answered: false, pending: new Map() };
    const failAll = (why: string) => {
      for (const p of slot.pending.values()) p.fail(new Error(why));
      slot.pending.clear();
      slot.busy = 0;
    };
    slot.worker.on('message', (m: CheckReply) => {
      slot.answered = true;
      this.deadOnArrival = 0;
      const p = slot.pending.get(m.id);
      if (!p) return;
      slot.pending.delete(m.id);
      slot.busy--;
      if (m.ok) p.done(m.results);
      else p.fail(new Error(`record check failed: ${m.message}`));
    });
    slot.worker.on('error', (err) => {
      this.log.error({ err: err.message }, 'check worker failed');
      failAll(`the check worker failed: ${err.message}`);
    });
    slot.worker.on('exit', (code) => {
      failAll(`the check worker stopped (${code})`);
      const i = this.slots.indexOf(slot);
      if (i >= 0) this.slots.splice(i, 1);
      if (this.closed || slot.answered) return;
      if (++this.deadOnArrival === GIVE_UP)
        this.log.error({ workers: GIVE_UP }, 'check workers end before answering: records are checked on the main thread from now on');
    });
    slot.worker.unref();
    return slot;
  }

  /** checkRecord for each record, in order, on the workers. */
  async check(kiosk: AuthedKiosk, records: unknown[]): Promise<RecordCheck[]> {
    // Small batches (a kiosk keeping up, one check-in at a time) are checked here at once.
    if (records.length < MIN_PART || this.threads === 0 || this.closed || this.deadOnArrival >= GIVE_UP)
      return records.map((r) => checkRecord(r, kiosk));
    while (this.slots.length < this.threads) this.slots.push(this.spawn());
    const free = [...this.slots].sort((a, b) => a.busy - b.busy);
    const parts = Math.max(1, Math.min(free.length, Math.floor(records.length / MIN_PART)));
    const size = Math.ceil(records.length / parts);
    const out = await Promise.all(
      Array.from({ length: parts }, (_, i) => this.send(free[i]!, kiosk, records.slice(i * size, (i + 1) * size))),
    );
    return out.flat();
  }

  private send(slot: Slot, kiosk: AuthedKiosk, records: unknown[]): Promise<RecordCheck[]> {
    const id = this.nextId++;
    return new Promise((done, fail) => {
      slot.pending.set(id, { done, fail });
      slot.busy++;
      slot.worker.postMessage({ id, kiosk, records } satisfies CheckRequest);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
