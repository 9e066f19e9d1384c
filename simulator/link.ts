// Link models: how fast a reader and a card exchange APDUs. The delay of one exchange is
// (command + response bytes) × 8 ÷ bit rate + the card's turnaround time.

export interface LinkProfile {
  name: string;
  /** Bits per second on the air or the wire. */
  bitRate: number;
  /** The card's processing time per APDU, in ms. */
  turnaroundMs: number;
  /** Whether the card (and reader) take extended-length APDUs. */
  extendedLength: boolean;
  /** Largest plain data the card returns per READ BINARY with extended length. */
  maxExtendedResponse: number;
}

export const LINK_PROFILES: Record<string, LinkProfile> = {
  /** ISO 14443 at 424 kbit/s, short APDUs only: a typical contactless reader. */
  'contactless-424': { name: 'contactless-424', bitRate: 424_000, turnaroundMs: 5, extendedLength: false, maxExtendedResponse: 0 },
  /** Contact interface (T=1) at 344 kbit/s with extended-length APDUs. */
  'contact-extended': { name: 'contact-extended', bitRate: 344_000, turnaroundMs: 5, extendedLength: true, maxExtendedResponse: 0x1000 },
  /** A slow card: 106 kbit/s and 60 ms per APDU (fault "slow-card"). */
  slow: { name: 'slow', bitRate: 106_000, turnaroundMs: 60, extendedLength: false, maxExtendedResponse: 0 },
  /** No delay at all, for unit tests. */
  instant: { name: 'instant', bitRate: Number.POSITIVE_INFINITY, turnaroundMs: 0, extendedLength: true, maxExtendedResponse: 0x1000 },
};

export function linkDelayMs(link: LinkProfile, commandBytes: number, responseBytes: number): number {
  return ((commandBytes + responseBytes) * 8 * 1000) / link.bitRate + link.turnaroundMs;
}

export function linkProfile(name: string): LinkProfile {
  const p = LINK_PROFILES[name];
  if (!p) throw new Error(`unknown link profile "${name}" (known: ${Object.keys(LINK_PROFILES).join(', ')})`);
  return p;
}

/**
 * Waits `ms` with sub-millisecond precision: a timer for most of it, then yielding to I/O until
 * the deadline (timers alone overshoot by about a millisecond, which per APDU adds up).
 */
export async function preciseWait(ms: number): Promise<void> {
  if (ms <= 0) return;
  const end = performance.now() + ms;
  if (ms > 2) await new Promise((r) => setTimeout(r, ms - 1.5));
  while (performance.now() < end) await new Promise((r) => setImmediate(r));
}
