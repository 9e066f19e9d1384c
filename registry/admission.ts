// Load shedding for the registry's heavy work (check-in batches): a few run at once, a bounded
// number wait their turn, and the rest are turned away at once with a time to come back
// (503 + Retry-After), which the kiosk honours with jitter. Turned away, a batch changes
// nothing: its check-ins stay in the kiosk's outbox and come again (docs/STORE-SYNC-REGISTRY.md,
// "Capacity plan").

/** Refused for load: the kiosk should come back after `retryAfterS` seconds. */
export class LoadShedError extends Error {
  constructor(readonly retryAfterS: number) {
    super(`the registry is busy; send again in ${retryAfterS} s`);
    this.name = 'LoadShedError';
  }
}

export interface AdmissionOptions {
  /** Batches worked on at once (checks on the worker threads, then one transaction each). */
  running: number;
  /** A batch is turned away rather than wait longer than this for its turn (ms, as far as can be told). */
  maxWaitMs: number;
  /** And never more than this many wait (their bodies are in memory meanwhile). */
  maxWaiting: number;
}

export class Admission {
  private active = 0;
  private readonly queue: (() => void)[] = [];
  /** Mean time a batch holds its turn (ms), to tell how long a newcomer would wait. */
  private meanMs = 50;
  private shedCount = 0;

  constructor(readonly o: AdmissionOptions) {}

  /** How long one more would wait for a turn (ms). */
  expectedWaitMs(): number {
    return this.active < this.o.running ? 0 : ((this.queue.length + 1) * this.meanMs) / this.o.running;
  }

  /** Whether the next one would be turned away. */
  full(): boolean {
    return this.active >= this.o.running && (this.queue.length >= this.o.maxWaiting || this.expectedWaitMs() > this.o.maxWaitMs);
  }

  /** A turn (call the returned function when done), after waiting if need be; LoadShedError when too busy. */
  async enter(): Promise<() => void> {
    if (this.active < this.o.running) this.active++;
    else {
      if (this.full()) {
        this.shedCount++;
        throw new LoadShedError(this.retryAfterS());
      }
      // The turn is handed over by the one leaving (active stays the same).
      await new Promise<void>((resolve) => this.queue.push(resolve));
    }
    const started = performance.now();
    let left = false;
    return () => {
      if (left) return;
      left = true;
      this.meanMs = 0.9 * this.meanMs + 0.1 * (performance.now() - started);
      const next = this.queue.shift();
      if (next) next();
      else this.active--;
    };
  }

  /** Whole seconds until the present queue has likely drained: at least 1, at most 30. */
  retryAfterS(): number {
    return Math.min(30, Math.max(1, Math.ceil(this.expectedWaitMs() / 1000)));
  }

  stats(): { running: number; waiting: number; shed: number } {
    return { running: this.active, waiting: this.queue.length, shed: this.shedCount };
  }
}
