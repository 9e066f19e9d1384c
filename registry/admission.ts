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
  /** Batches worked on at once (CPU-bound checks, then one transaction each). */
  running: number;
  /** Batches that may wait for a turn; beyond this, the next is turned away. */
  waiting: number;
}

export class Admission {
  private active = 0;
  private readonly queue: (() => void)[] = [];
  /** Mean time a batch holds its turn (ms), to say when to come back. */
  private meanMs = 100;
  private shedCount = 0;

  constructor(readonly o: AdmissionOptions) {}

  /** A turn (call the returned function when done), after waiting if need be; LoadShedError when the queue is full. */
  async enter(): Promise<() => void> {
    if (this.active < this.o.running) this.active++;
    else {
      if (this.queue.length >= this.o.waiting) {
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

  /** Whether the next one would be turned away. */
  full(): boolean {
    return this.active >= this.o.running && this.queue.length >= this.o.waiting;
  }

  /** Whole seconds until the present queue has likely drained: at least 1, at most 30. */
  retryAfterS(): number {
    const ahead = this.active + this.queue.length;
    return Math.min(30, Math.max(1, Math.ceil((ahead * this.meanMs) / this.o.running / 1000)));
  }

  stats(): { running: number; waiting: number; shed: number } {
    return { running: this.active, waiting: this.queue.length, shed: this.shedCount };
  }
}
