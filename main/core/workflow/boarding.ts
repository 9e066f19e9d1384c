// Boarding once, across the gates of a site: what the runner asks the registry before it
// admits a passenger, and how the answer and the kiosk's own record become `alreadyBoarded`
// for decide(). Pure; the registry call itself is SyncEngine.claimBoarding (main/sync).
import { FlightId, type BoardingClaim } from '../../protocol/registry-protocol.js';
import type { BoardingCheck } from '../../sync/registry-client.js';
import { passFlight, siteDay } from './decision.js';
import type { Context } from './types.js';

/**
 * The claim to make for this person, or null when there is nothing to claim (no chip ID
 * number, or no pass yet): the pass's flight, today's site day, the chip's ID number.
 */
export function boardingClaimFor(ctx: Pick<Context, 'chip' | 'pass'>, now: Date): BoardingClaim | null {
  const idNumber = ctx.chip?.idNumber ?? null;
  if (!ctx.pass || !idNumber) return null;
  const flight = passFlight(ctx.pass).id;
  // A pass the protocol cannot carry (odd carrier or number) is not claimed: decide() refuses it on the roster anyway.
  if (!FlightId.safeParse(flight).success) return null;
  return { flight, date: siteDay(now), idNumber };
}

/**
 * Whether the passenger has boarded already. Online the registry arbitrates: `boarded` refuses.
 * Offline (or not enrolled, or an answer not signed by the registry) the kiosk's own record
 * decides. The own record is asked on `free` too: a row of this kiosk not yet uploaded is still
 * a boarding.
 */
export function alreadyBoarded(check: BoardingCheck | null, ownRecord: () => boolean): boolean {
  if (check?.kind === 'boarded') return true;
  return ownRecord();
}
