// Machine readable zone (ICAO Doc 9303 Parts 3 and 5): check digits, the MRZ information
// that seeds BAC/PACE keys, and the TD1 (ID card, 3 × 30) layout.
import { fail } from '../errors.js';

const WEIGHTS = [7, 3, 1];

function charValue(c: string): number {
  if (c >= '0' && c <= '9') return c.charCodeAt(0) - 48;
  if (c >= 'A' && c <= 'Z') return c.charCodeAt(0) - 55;
  if (c === '<') return 0;
  fail('malformed-lds', `character "${c}" is not allowed in an MRZ`);
}

export function checkDigit(text: string): string {
  let sum = 0;
  for (let i = 0; i < text.length; i++) sum += charValue(text[i]!) * WEIGHTS[i % 3]!;
  return String(sum % 10);
}

const DATE = /^\d{6}$/;

/** What BAC and PACE (MRZ password) need: document number, birth date and expiry (YYMMDD). */
export interface MrzKey {
  documentNumber: string;
  dateOfBirth: string;
  dateOfExpiry: string;
}

export function checkMrzKey(key: MrzKey): MrzKey {
  const documentNumber = key.documentNumber.toUpperCase().replace(/\s+/g, '');
  if (!/^[0-9A-Z<]{1,22}$/.test(documentNumber)) fail('malformed-lds', 'document number must be 1-22 letters, digits or <');
  if (!DATE.test(key.dateOfBirth)) fail('malformed-lds', 'date of birth must be YYMMDD');
  if (!DATE.test(key.dateOfExpiry)) fail('malformed-lds', 'date of expiry must be YYMMDD');
  return { documentNumber, dateOfBirth: key.dateOfBirth, dateOfExpiry: key.dateOfExpiry };
}

/**
 * Document number + check, birth date + check, expiry + check (Part 11 §9.7.2). A number
 * shorter than 9 characters is padded with '<'; a longer one is used whole.
 */
export function mrzInformation(key: MrzKey): string {
  const k = checkMrzKey(key);
  const doc = k.documentNumber.padEnd(9, '<');
  return doc + checkDigit(doc) + k.dateOfBirth + checkDigit(k.dateOfBirth) + k.dateOfExpiry + checkDigit(k.dateOfExpiry);
}

export interface Td1 {
  documentCode: string;
  issuingState: string;
  documentNumber: string;
  /** Each check digit as printed, and whether it verifies. */
  checks: { documentNumber: boolean; dateOfBirth: boolean; dateOfExpiry: boolean; composite: boolean };
  optionalData1: string;
  dateOfBirth: string;
  sex: 'M' | 'F' | 'X';
  dateOfExpiry: string;
  nationality: string;
  optionalData2: string;
  /** Primary and secondary identifiers, '<' turned into spaces. */
  surname: string;
  givenNames: string;
  lines: [string, string, string];
}

/** Parses a TD1 MRZ (90 characters, with or without line breaks). Check digit failures are reported, not thrown. */
export function parseTd1(text: string): Td1 {
  const flat = text.replace(/\r?\n/g, '');
  if (flat.length !== 90) fail('malformed-lds', `a TD1 MRZ has 90 characters, not ${flat.length}`);
  if (!/^[0-9A-Z<]{90}$/.test(flat)) fail('malformed-lds', 'the MRZ holds characters other than A-Z, 0-9 and <');
  const l1 = flat.slice(0, 30);
  const l2 = flat.slice(30, 60);
  const l3 = flat.slice(60, 90);
  let documentNumber = l1.slice(5, 14);
  let docCheck = l1[14]!;
  let optionalData1 = l1.slice(15, 30);
  if (docCheck === '<' && /^[0-9A-Z]/.test(optionalData1)) {
    // Long document number: its overflow and check digit open the optional data.
    const end = optionalData1.indexOf('<');
    const overflow = end < 0 ? optionalData1 : optionalData1.slice(0, end);
    if (overflow.length >= 2) {
      documentNumber += overflow.slice(0, -1);
      docCheck = overflow.slice(-1);
      optionalData1 = optionalData1.slice(overflow.length);
    }
  }
  documentNumber = documentNumber.replace(/<+$/, '');
  const sexChar = l2[7]!;
  const sex = sexChar === 'M' ? 'M' : sexChar === 'F' ? 'F' : 'X';
  const names = l3.split('<<');
  const surname = (names[0] ?? '').replace(/</g, ' ').trim();
  const givenNames = names.slice(1).join(' ').replace(/</g, ' ').replace(/\s+/g, ' ').trim();
  const compositeInput = l1.slice(5, 30) + l2.slice(0, 7) + l2.slice(8, 15) + l2.slice(18, 29);
  return {
    documentCode: l1.slice(0, 2).replace(/<+$/, ''),
    issuingState: l1.slice(2, 5).replace(/<+$/, ''),
    documentNumber,
    checks: {
      documentNumber: checkDigit(documentNumber.padEnd(9, '<')) === docCheck,
      dateOfBirth: checkDigit(l2.slice(0, 6)) === l2[6],
      dateOfExpiry: checkDigit(l2.slice(8, 14)) === l2[14],
      composite: checkDigit(compositeInput) === l2[29],
    },
    optionalData1: optionalData1.replace(/<+$/, ''),
    dateOfBirth: l2.slice(0, 6),
    sex,
    dateOfExpiry: l2.slice(8, 14),
    nationality: l2.slice(15, 18).replace(/<+$/, ''),
    optionalData2: l2.slice(18, 29).replace(/<+$/, ''),
    surname,
    givenNames,
    lines: [l1, l2, l3],
  };
}

export interface Td1Fields {
  documentCode: string;
  issuingState: string;
  documentNumber: string;
  optionalData1: string;
  dateOfBirth: string;
  sex: 'M' | 'F' | 'X';
  dateOfExpiry: string;
  nationality: string;
  optionalData2: string;
  surname: string;
  givenNames: string;
}

const field = (text: string, width: number) =>
  text
    .toUpperCase()
    .replace(/[^0-9A-Z]+/g, '<')
    .slice(0, width)
    .padEnd(width, '<');

/** Lays out a TD1 MRZ with correct check digits (document numbers up to 9 characters). */
export function formatTd1(f: Td1Fields): [string, string, string] {
  if (f.documentNumber.length > 9) fail('malformed-lds', 'formatTd1 lays out document numbers of up to 9 characters');
  const doc = field(f.documentNumber, 9);
  const l1 = field(f.documentCode, 2) + field(f.issuingState, 3) + doc + checkDigit(doc) + field(f.optionalData1, 15);
  const head2 =
    f.dateOfBirth +
    checkDigit(f.dateOfBirth) +
    (f.sex === 'X' ? '<' : f.sex) +
    f.dateOfExpiry +
    checkDigit(f.dateOfExpiry) +
    field(f.nationality, 3) +
    field(f.optionalData2, 11);
  const composite = checkDigit(l1.slice(5, 30) + head2.slice(0, 7) + head2.slice(8, 15) + head2.slice(18, 29));
  const l2 = head2 + composite;
  const name = (f.surname.trim().replace(/\s+/g, '<') + '<<' + f.givenNames.trim().replace(/\s+/g, '<'))
    .toUpperCase()
    .replace(/[^A-Z<]/g, '<');
  const l3 = name.slice(0, 30).padEnd(30, '<');
  return [l1, l2, l3];
}
