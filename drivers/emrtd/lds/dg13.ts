// DG13 of the Vietnamese CCCD: the holder's personal data in Vietnamese (see docs/CCCD.md).
// Fields are keyed by a leading INTEGER; absent fields are omitted; unknown numbers are kept
// as read. Text may be UTF8String or PrintableString; all text is returned NFC-normalised.
import { concat } from '../bytes.js';
import { TAG, decodeSmallInt, encodeOid } from '../der.js';
import { EmrtdError, fail } from '../errors.js';
import { expectTlv, readTlvs, tlv, type Tlv } from '../tlv.js';

export const UTF8_OID = '1.0.10646.1.0.8';

/** Field numbers as the cards seen carry them (docs/CCCD.md, "DG13"). */
export const DG13_FIELD = {
  idNumber: 1,
  fullName: 2,
  dateOfBirth: 3,
  sex: 4,
  nationality: 5,
  ethnicity: 6,
  religion: 7,
  placeOfOrigin: 8,
  placeOfResidence: 9,
  identifyingMarks: 10,
  issueDate: 11,
  expiryDate: 12,
  parents: 13,
  spouse: 14,
  field15: 15,
  field16: 16,
} as const;

export interface Dg13Field {
  number: number;
  /** Every text value in the field, in order (parents: [father, mother]). */
  values: string[];
  /** The field's DER bytes, kept for fields we do not interpret. */
  raw: Uint8Array;
}

export interface Dg13 {
  version: number | null;
  idNumber?: string;
  fullName?: string;
  /** As printed on the card (dd/mm/yyyy on the cards seen). */
  dateOfBirth?: string;
  sex?: string;
  nationality?: string;
  ethnicity?: string;
  religion?: string;
  placeOfOrigin?: string;
  placeOfResidence?: string;
  identifyingMarks?: string;
  issueDate?: string;
  /** A date, or words such as "Không thời hạn" (no expiry). */
  expiryDate?: string;
  fatherName?: string;
  motherName?: string;
  spouseName?: string;
  /** Field 15 and 16 are not settled (docs/CCCD.md): kept as read. */
  field15?: string;
  field16?: string;
  /** Field 16 when it is nine digits (one source's old ID number). */
  oldIdNumber?: string;
  fields: Dg13Field[];
}

function decodeText(t: Tlv): string | null {
  switch (t.tag) {
    case TAG.UTF8:
      return new TextDecoder('utf-8').decode(t.value).normalize('NFC');
    case TAG.PRINTABLE:
    case 0x16: // IA5String
      return new TextDecoder('latin1').decode(t.value);
    case 0x1e: // BMPString
      if (t.value.length % 2) return null;
      return new TextDecoder('utf-16be').decode(t.value).normalize('NFC');
    default:
      return null;
  }
}

function collectText(items: Tlv[], out: string[], depth = 0): void {
  if (depth > 4) return;
  for (const t of items) {
    const s = decodeText(t);
    if (s !== null) out.push(s.trim());
    else if (t.tag === TAG.SEQUENCE || t.tag === TAG.SET) collectText(readTlvs(t.value), out, depth + 1);
  }
}

export function parseDg13(bytes: Uint8Array): Dg13 {
  try {
    const outer = readTlvs(expectTlv(bytes, 0x6d, 'DG13').value);
    // Usually one SEQUENCE { version, OID, SET { fields } }; tolerate the fields' SET or SEQUENCEs straight inside.
    let container = outer;
    let version: number | null = null;
    const seq = outer.length === 1 && outer[0]!.tag === TAG.SEQUENCE ? readTlvs(outer[0]!.value) : null;
    if (seq && seq.some((t) => t.tag === TAG.SET)) {
      const v = seq.find((t) => t.tag === TAG.INTEGER);
      if (v) version = decodeSmallInt(v, 'DG13 version');
      container = seq;
    }
    const set = container.find((t) => t.tag === TAG.SET);
    const fieldTlvs = set ? readTlvs(set.value) : container.filter((t) => t.tag === TAG.SEQUENCE);
    const fields: Dg13Field[] = [];
    for (const f of fieldTlvs) {
      if (f.tag !== TAG.SEQUENCE) continue;
      const parts = readTlvs(f.value);
      const num = parts[0];
      if (!num || num.tag !== TAG.INTEGER) continue;
      const values: string[] = [];
      collectText(parts.slice(1), values);
      const raw = (set ? set.value : bytes).subarray(f.offset, f.offset + f.length);
      fields.push({ number: decodeSmallInt(num, 'DG13 field number'), values, raw: new Uint8Array(raw) });
    }
    const first = (n: number): string | undefined => fields.find((f) => f.number === n)?.values[0] || undefined;
    const out: Dg13 = { version, fields };
    const named: [keyof Dg13, number][] = [
      ['idNumber', 1],
      ['fullName', 2],
      ['dateOfBirth', 3],
      ['sex', 4],
      ['nationality', 5],
      ['ethnicity', 6],
      ['religion', 7],
      ['placeOfOrigin', 8],
      ['placeOfResidence', 9],
      ['identifyingMarks', 10],
      ['issueDate', 11],
      ['expiryDate', 12],
      ['field15', 15],
      ['field16', 16],
    ];
    for (const [key, n] of named) {
      const v = first(n);
      if (v !== undefined) (out as unknown as Record<string, string>)[key] = v;
    }
    const parents = fields.find((f) => f.number === DG13_FIELD.parents)?.values ?? [];
    if (parents[0]) out.fatherName = parents[0];
    if (parents[1]) out.motherName = parents[1];
    const spouse = fields.find((f) => f.number === DG13_FIELD.spouse)?.values[0];
    if (spouse) out.spouseName = spouse;
    if (out.field16 && /^\d{9}$/.test(out.field16)) out.oldIdNumber = out.field16;
    return out;
  } catch (err) {
    if (err instanceof EmrtdError && (err.code === 'malformed-tlv' || err.code === 'malformed-asn1'))
      fail('malformed-lds', `DG13: ${err.message}`);
    throw err;
  }
}

export interface Dg13Content {
  idNumber: string;
  fullName: string;
  dateOfBirth: string;
  sex: string;
  nationality: string;
  ethnicity: string;
  religion: string;
  placeOfOrigin: string;
  placeOfResidence: string;
  identifyingMarks: string;
  issueDate: string;
  expiryDate: string;
  fatherName: string;
  motherName: string;
  spouseName?: string;
  oldIdNumber?: string;
}

const utf8 = (s: string) => tlv(TAG.UTF8, new TextEncoder().encode(s.normalize('NFC')));
const int = (n: number) => tlv(TAG.INTEGER, Uint8Array.of(n));

/** Encodes DG13 in the layout of the cards seen (the simulator's chips use it). */
export function encodeDg13(c: Dg13Content): Uint8Array {
  const flat: [number, string][] = [
    [1, c.idNumber],
    [2, c.fullName],
    [3, c.dateOfBirth],
    [4, c.sex],
    [5, c.nationality],
    [6, c.ethnicity],
    [7, c.religion],
    [8, c.placeOfOrigin],
    [9, c.placeOfResidence],
    [10, c.identifyingMarks],
    [11, c.issueDate],
    [12, c.expiryDate],
  ];
  const fields = flat.map(([n, s]) => tlv(TAG.SEQUENCE, int(n), utf8(s)));
  fields.push(tlv(TAG.SEQUENCE, int(13), tlv(TAG.SEQUENCE, utf8(c.fatherName), utf8(c.motherName))));
  if (c.spouseName) fields.push(tlv(TAG.SEQUENCE, int(14), tlv(TAG.SEQUENCE, utf8(c.spouseName))));
  if (c.oldIdNumber) fields.push(tlv(TAG.SEQUENCE, int(16), tlv(TAG.PRINTABLE, new TextEncoder().encode(c.oldIdNumber))));
  return tlv(0x6d, tlv(TAG.SEQUENCE, int(1), tlv(TAG.OID, encodeOid(UTF8_OID)), tlv(TAG.SET, concat(...fields))));
}
