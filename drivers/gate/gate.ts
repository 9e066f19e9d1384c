// What the kiosk core sees of a boarding gate (turnstile, flap gate or door), whatever the
// controller behind it speaks. Device problems are results and states, never exceptions.

export type GateStateName = 'closed' | 'open' | 'fault' | 'unreachable';
export interface GateState {
  state: GateStateName;
  /** One line for the status screen and the log. */
  detail: string;
}

export type GateFailure = 'fault' | 'unreachable' | 'timeout';
export type GateResult = { ok: true } | { ok: false; reason: GateFailure; detail: string };

export interface Gate {
  /**
   * Opens the gate for `seconds` (whole or fractional, within the configured maximum). Resolves
   * once the controller has taken the command; rejects only for a bad argument (RangeError).
   */
  open(seconds: number): Promise<GateResult>;
  /** The last state seen. */
  state(): GateState;
  /** 'state' on every change of state or detail. */
  on(event: 'state', listener: (state: GateState) => void): this;
}
