// How the kiosk opens a chip: from the MRZ fields, from the CAN, or from the card's front QR
// code — which gives the CAN (last six digits of the ID number, for PACE) and the document
// number and birth date, with the expiry among a few candidates (for BAC).
import { expiryCandidates } from '../../drivers/barcode/cccd-expiry.js';
import { parseCccdQr, type CccdQr } from '../../drivers/barcode/cccd-qr.js';
import type { AccessKey } from '../../drivers/emrtd/reader.js';
import { checkMrzKey } from '../../drivers/emrtd/lds/mrz.js';

export function accessFromMrz(spec: string): AccessKey[] {
  const parts = spec.split(',').map((s) => s.trim());
  if (parts.length !== 3) throw new Error('--mrz takes DOCUMENT_NUMBER,YYMMDD(birth),YYMMDD(expiry)');
  const [documentNumber, dateOfBirth, dateOfExpiry] = parts as [string, string, string];
  return [{ kind: 'mrz', key: checkMrzKey({ documentNumber, dateOfBirth, dateOfExpiry }) }];
}

export function accessFromCan(can: string): AccessKey[] {
  if (!/^\d{6}$/.test(can)) throw new Error('a CAN is six digits');
  return [{ kind: 'can', can }];
}

/** CAN first (PACE cards open with it at once), then the MRZ with each candidate expiry (BAC cards). */
export function accessFromQr(text: string): AccessKey[] {
  return accessFromQrFields(parseCccdQr(text));
}

export function accessFromQrFields(qr: CccdQr): AccessKey[] {
  const dob = qr.dateOfBirth.slice(2, 4) + qr.dateOfBirth.slice(5, 7) + qr.dateOfBirth.slice(8, 10);
  const keys: AccessKey[] = [{ kind: 'can', can: qr.idNumber.slice(-6) }];
  for (const expiry of expiryCandidates(qr.dateOfBirth, qr.issueDate)) {
    keys.push({ kind: 'mrz', key: { documentNumber: qr.idNumber.slice(3), dateOfBirth: dob, dateOfExpiry: expiry } });
  }
  return keys;
}
