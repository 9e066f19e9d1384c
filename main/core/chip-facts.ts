// What the workflow keeps of a chip read: the identity fields the site may record and the
// verification as reason codes. The face image stays out: the runner holds it for the face
// step and wipes it when the check-in ends.
import type { DocumentRead } from '../../drivers/emrtd/reader.js';
import type { ChipFacts } from './workflow/types.js';

export function chipFacts(read: DocumentRead): ChipFacts {
  const v = read.verification;
  const reasons: string[] = [];
  if (v.passive.verdict === 'csca-unknown') reasons.push('chip-issuer-unknown');
  else if (v.passive.verdict !== 'verified') reasons.push('chip-data-not-authentic');
  if (v.chip.supported && v.chip.status !== 'passed') reasons.push('chip-not-genuine');
  if (v.active.supported && v.active.status !== 'passed') reasons.push('chip-cloned');
  if (v.validity.status !== 'passed') reasons.push('card-expired');
  if (reasons.length === 0 && !v.verified) reasons.push('chip-not-verified');
  const status = (c: { supported: boolean; status: string }) =>
    !c.supported ? 'not-supported' : c.status === 'passed' ? 'verified' : 'failed';
  const mrzId = /^\d{12}/.test(read.mrz.optionalData1) ? read.mrz.optionalData1.slice(0, 12) : null;
  const idNumber = read.dg13?.idNumber && /^\d{12}$/.test(read.dg13.idNumber) ? read.dg13.idNumber : mrzId;
  return {
    idNumber,
    fullName: (read.dg13?.fullName ?? `${read.mrz.surname} ${read.mrz.givenNames}`).trim().slice(0, 120),
    dateOfBirth: read.dg13?.dateOfBirth ? dmyToIso(read.dg13.dateOfBirth) : null,
    verified: v.verified,
    chipReasons: reasons,
    verification: {
      passive: v.passive.verdict === 'verified' ? 'verified' : v.passive.verdict === 'csca-unknown' ? 'issuer-unknown' : 'failed',
      chip: status(v.chip),
      active: status(v.active),
      validity: v.validity.status === 'passed' ? 'in-date' : 'expired',
    },
    hasFace: read.face !== null,
  };
}

/** DG13 dates are dd/mm/yyyy. */
function dmyToIso(d: string): string | null {
  const m = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(d);
  return m ? `${m[3]}-${m[2]}-${m[1]}` : null;
}
