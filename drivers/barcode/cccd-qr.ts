// The CCCD front QR code (docs/CCCD.md): seven '|'-separated fields —
// ID12 | old ID (9 digits, may be empty) | full name | birth date ddmmyyyy | sex | address | issue date ddmmyyyy.
// Total: any text yields a CccdQr or a CccdQrError naming the field.

export interface CccdQr {
  idNumber: string;
  oldIdNumber: string | null;
  fullName: string;
  /** ISO yyyy-mm-dd. */
  dateOfBirth: string;
  sex: string;
  address: string;
  issueDate: string;
}

export class CccdQrError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`CCCD QR, ${field}: ${message}`);
    this.name = 'CccdQrError';
  }
}

function date(text: string, field: string): string {
  if (!/^\d{8}$/.test(text)) throw new CccdQrError(field, `"${text}" is not a date ddmmyyyy`);
  const d = Number(text.slice(0, 2));
  const m = Number(text.slice(2, 4));
  const y = Number(text.slice(4, 8));
  const probe = new Date(Date.UTC(y, m - 1, d));
  if (probe.getUTCFullYear() !== y || probe.getUTCMonth() !== m - 1 || probe.getUTCDate() !== d || y < 1900)
    throw new CccdQrError(field, `"${text}" is not a real date`);
  return `${text.slice(4, 8)}-${text.slice(2, 4)}-${text.slice(0, 2)}`;
}

export function parseCccdQr(text: string): CccdQr {
  if (text.length > 1000) throw new CccdQrError('text', 'longer than any CCCD QR code');
  const fields = text.trim().split('|');
  if (fields.length !== 7) throw new CccdQrError('text', `${fields.length} fields separated by "|", not 7`);
  const [id, old, name, dob, sex, address, issue] = fields as [string, string, string, string, string, string, string];
  if (!/^\d{12}$/.test(id)) throw new CccdQrError('idNumber', `"${id}" is not 12 digits`);
  if (old !== '' && !/^\d{9}$/.test(old)) throw new CccdQrError('oldIdNumber', `"${old}" is neither empty nor 9 digits`);
  if (name.trim() === '') throw new CccdQrError('fullName', 'empty');
  const dateOfBirth = date(dob, 'dateOfBirth');
  const issueDate = date(issue, 'issueDate');
  // Digits 5-6 of the ID are the birth year's last two; digit 4 gives the century.
  const century = 1900 + Math.floor(Number(id[3]) / 2) * 100;
  if (century + Number(id.slice(4, 6)) !== Number(dateOfBirth.slice(0, 4)))
    throw new CccdQrError('idNumber', `does not match the birth year ${dateOfBirth.slice(0, 4)}`);
  if (issueDate < dateOfBirth) throw new CccdQrError('issueDate', 'before the birth date');
  return {
    idNumber: id,
    oldIdNumber: old === '' ? null : old,
    fullName: name.normalize('NFC'),
    dateOfBirth,
    sex: sex.normalize('NFC'),
    address: address.normalize('NFC'),
    issueDate,
  };
}
