// Short tones on a result: rising for success, falling for a refusal or a referral, so a
// person who does not look at the screen still knows. Where autoplay is blocked the context
// stays suspended (silent, no error) until the first touch or key resumes it.
type Cue = 'success' | 'attention';

const TONES: Record<Cue, number[]> = { success: [660, 880], attention: [520, 330] };
const TONE_SECONDS = 0.16;

let context: AudioContext | null = null;

function resumeOnGesture(ctx: AudioContext): void {
  const resume = () => void ctx.resume().catch(() => undefined);
  for (const type of ['pointerdown', 'keydown'] as const) document.addEventListener(type, resume, { once: true, capture: true });
}

function audio(): AudioContext | null {
  if (context || typeof AudioContext === 'undefined') return context;
  try {
    context = new AudioContext();
  } catch {
    return null;
  }
  if (context.state === 'suspended') resumeOnGesture(context);
  return context;
}

export function playCue(cue: Cue): void {
  const ctx = audio();
  // Suspended: tones scheduled now would all sound at once when it resumes; skip them.
  if (!ctx || ctx.state !== 'running') return;
  try {
    const gain = ctx.createGain();
    gain.gain.value = 0.15;
    gain.connect(ctx.destination);
    TONES[cue].forEach((hz, i) => {
      const osc = ctx.createOscillator();
      osc.frequency.value = hz;
      osc.connect(gain);
      const at = ctx.currentTime + i * TONE_SECONDS;
      osc.start(at);
      osc.stop(at + TONE_SECONDS * 0.9);
    });
  } catch {
    // No sound is no harm: the screen says it all.
  }
}

/** Makes the audio context early (at start), so a kiosk that may play sound has it running by the first result. */
export function prepareSound(): void {
  audio();
}
