// From a card read (and, at an airport, a boarding pass) to the check-in the kiosk records:
// the decision, its reasons as codes the UI translates, the checks' statuses, and only the
// identity fields the site keeps. The face check belongs to the face pipeline (issue #4);
// until it is wired in, its status is "not-checked" and the decision rests on the chip.
import type { Bcbp } from '../../drivers/barcode/bcbp.js';
import { matchPassName } from '../../drivers/barcode/name-match.js';
import type { DocumentRead } from '../../drivers/emrtd/reader.js';
import type { CheckInInput } from '../store/kiosk-store.js';

export type SiteKind = 'hospital' | 'airport';

export function decideCheckIn(site: string, kind: SiteKind, read: DocumentRead, pass: Bcbp | null, now = new Date()): CheckInInput {
  const v = read.verification;
  const reasons: string[] = [];
  if (v.passive.verdict === 'csca-unknown') reasons.push('chip-issuer-unknown');
  else if (v.passive.verdict !== 'verified') reasons.push('chip-data-not-authentic');
  if (v.chip.supported && v.chip.status !== 'passed') reasons.push('chip-not-genuine');
  if (v.active.supported && v.active.status !== 'passed') reasons.push('chip-cloned');
  if (v.validity.status !== 'passed') reasons.push('card-expired');
  if (reasons.length === 0 && !v.verified) reasons.push('chip-not-verified');
  const fullName = read.dg13?.fullName ?? `${read.mrz.surname} ${read.mrz.givenNames}`.trim();
  const idNumber = read.dg13?.idNumber ?? read.mrz.optionalData1.slice(0, 12);
  const status = (c: { supported: boolean; status: string }) => (!c.supported ? 'not-supported' : c.status === 'passed' ? 'verified' : 'failed');
  const verification: Record<string, string> = {
    passive: v.passive.verdict === 'verified' ? 'verified' : v.passive.verdict === 'csca-unknown' ? 'issuer-unknown' : 'failed',
    chip: status(v.chip),
    active: status(v.active),
    validity: v.validity.status === 'passed' ? 'in-date' : 'expired',
    face: 'not-checked',
  };
  let flight: string | undefined;
  if (kind === 'airport') {
    if (!pass) reasons.push('no-boarding-pass');
    else {
      const m = matchPassName(fullName, pass.passengerName);
      verification['name'] = m.match ? (m.truncated ? 'match-truncated' : 'match') : 'mismatch';
      if (!m.match) reasons.push('name-mismatch');
      const leg = pass.legs[0]!;
      flight = `${leg.operatingCarrier}${leg.flightNumber.replace(/^0+/, '')}`;
      const start = Date.UTC(now.getUTCFullYear(), 0, 0);
      const today = Math.floor((now.getTime() - start) / 86_400_000);
      if (leg.flightDay !== today) reasons.push('pass-not-for-today');
    }
  }
  const identity =
    kind === 'hospital'
      ? { idNumber, fullName, dateOfBirth: read.dg13?.dateOfBirth ? toIso(read.dg13.dateOfBirth) : undefined }
      : { idNumber, ...(flight ? { flight } : {}) };
  return {
    site,
    workflow: kind === 'hospital' ? 'hospital-checkin' : 'airport-checkin',
    decision: reasons.length === 0 ? 'admitted' : 'refused',
    reasons,
    matchScore: null,
    verification,
    identity: Object.fromEntries(Object.entries(identity).filter(([, x]) => x !== undefined)) as CheckInInput['identity'],
  };
}

/** DG13 dates are dd/mm/yyyy. */
function toIso(d: string): string | undefined {
  const m = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(d);
  return m ? `${m[3]}-${m[2]}-${m[1]}` : undefined;
}
