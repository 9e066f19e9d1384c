// Short tones on a result: rising for success, falling for a refusal or a referral, so a
// person who does not look at the screen still knows. The AudioContext is made only after a
// user gesture (or when the page may already play sound): a blocked autoplay stays silent.
type Cue = 'success' | 'attention';

const TONES: Record<Cue, number[]> = { success: [660, 880], attention: [520, 330] };
const TONE_SECONDS = 0.16;

let context: AudioContext | null = null;

function audio(): AudioContext | null {
  if (context) return context;
  const active = (navigator as Navigator & { userActivation?: { hasBeenActive: boolean } }).userActivation?.hasBeenActive;
  if (!active || typeof AudioContext === 'undefined') return null;
  try {
    context = new AudioContext();
  } catch {
    return null;
  }
  return context;
}

export function playCue(cue: Cue): void {
  const ctx = audio();
  if (!ctx) return;
  try {
    if (ctx.state === 'suspended') void ctx.resume().catch(() => undefined);
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
