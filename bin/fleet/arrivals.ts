// People arriving at a kiosk: a seeded Poisson process (exponential gaps), and the short
// think times between a person's steps, the same for the same seed on any machine.
import { createHash } from 'node:crypto';

/** A small seeded generator (mulberry32) in [0, 1). */
export function seededRandom(seed: string): () => number {
  let a = createHash('sha256').update(seed).digest().readUInt32LE(0);
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** The gap before the next arrival at `perSecond` arrivals per second. */
export function nextGapMs(random: () => number, perSecond: number): number {
  return (-Math.log(1 - random()) / perSecond) * 1000;
}

/** A person's pause between steps (reading the screen, finding the card): 200–1200 ms. */
export function thinkMs(random: () => number): number {
  return 200 + random() * 1000;
}
