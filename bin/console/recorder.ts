// Recording the console: every action the technician takes becomes a scenario step, and
// before it an expectation of the screen the kiosk showed when they acted, so that a replay
// (`kiosk sim run`) waits for the kiosk to be where the technician was instead of racing it.
import { Expectation, type Action, type Scenario, type Step } from '../../simulator/scenario/steps.js';

/** The most steps a scenario holds (steps.ts Scenario). */
const MAX_STEPS = 500;

export class Recorder {
  private steps: Step[] | null = null;
  private lastScreen: string | null = null;

  constructor(private readonly site: 'hospital' | 'airport') {}

  get active(): boolean {
    return this.steps !== null;
  }

  get count(): number {
    return this.steps?.length ?? 0;
  }

  start(): void {
    this.steps = [];
    this.lastScreen = null;
  }

  /** Keeps `action`, done while the kiosk showed `screen` (when known). */
  add(action: Action, screen?: string): void {
    if (!this.steps || this.steps.length >= MAX_STEPS - 1) return;
    if (screen && screen !== this.lastScreen && this.steps.length > 0 && isScreen(screen))
      this.steps.push({ expect: { screen }, note: `the kiosk showed ${screen}` });
    this.lastScreen = screen ?? this.lastScreen;
    this.steps.push(action);
  }

  /** Ends the recording: the scenario, or null when nothing was done. */
  stop(now = new Date()): Scenario | null {
    const steps = this.steps;
    this.steps = null;
    if (!steps?.length) return null;
    return {
      name: `recorded in the console ${now.toISOString().slice(0, 16).replace('T', ' ')}`,
      about: 'Steps a technician took in the console (kiosk start --simulator), recorded.',
      site: this.site,
      steps,
    };
  }
}

type Screen = NonNullable<Expectation['screen']>;
const SCREENS: ReadonlySet<string> = new Set(Expectation.shape.screen.unwrap().options);

function isScreen(s: string): s is Screen {
  return SCREENS.has(s);
}
