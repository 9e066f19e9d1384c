// The kiosk's own hash chain, checked at start in full and then after every sync from where
// it was last found whole (so a long history is walked once). A break is logged, shown in
// the status, and told to whoever listens (the registry, through sync).
import type { KioskStore } from '../store/kiosk-store.js';
import type { Logger } from './logger.js';

export interface ChainState {
  ok: boolean;
  checked: number;
  problem: string | null;
}

export class ChainWatch {
  private from = { seq: 0, hash: '0'.repeat(64) };
  state: ChainState = { ok: true, checked: 0, problem: null };
  onBreak: ((seq: number, problem: string) => void) | null = null;

  constructor(
    private readonly store: KioskStore,
    private readonly log: Logger,
  ) {}

  check(): ChainState {
    if (!this.state.ok) return this.state; // reported once; staff must look
    let r;
    try {
      r = this.store.verifyChain(this.from);
    } catch (err) {
      this.log.error({ err: (err as Error).message }, 'the check-in chain could not be checked');
      return this.state;
    }
    if (r.ok) {
      this.from = r.last;
      this.state = { ok: true, checked: r.last.seq, problem: null };
    } else {
      this.state = { ok: false, checked: this.from.seq, problem: `check-in ${r.seq}: ${r.problem}` };
      this.log.error({ seq: r.seq, problem: r.problem }, 'the kiosk database was altered: its check-in chain is broken');
      this.onBreak?.(r.seq, r.problem);
    }
    return this.state;
  }
}
