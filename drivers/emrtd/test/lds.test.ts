// LDS codecs on hand-made inputs: what real cards may hold beyond what our simulator writes.
import { describe, expect, it } from 'vitest';
import { concat } from '../bytes.js';
import { encodeOid, TAG } from '../der.js';
import { parseCom, encodeCom } from '../lds/com.js';
import { encodeDg1, parseDg1 } from '../lds/dg1.js';
import { encodeDg13, parseDg13, UTF8_OID } from '../lds/dg13.js';
import { encodeDg2, parseDg2, sniffImageFormat } from '../lds/dg2.js';
import { checkDigit, formatTd1, mrzInformation, parseTd1 } from '../lds/mrz.js';
import { tlv } from '../tlv.js';

describe('MRZ', () => {
  it('computes check digits (ICAO 9303 Part 3 examples)', () => {
    expect(checkDigit('L898902C<')).toBe('3');
    expect(checkDigit('690806')).toBe('1');
    expect(checkDigit('940623')).toBe('6');
    expect(checkDigit('D23145890')).toBe('7');
  });
  it('parses a TD1 MRZ and reports each check digit', () => {
    const lines = formatTd1({
      documentCode: 'ID',
      issuingState: 'VNM',
      documentNumber: '092000123',
      optionalData1: '001092000123',
      dateOfBirth: '920315',
      sex: 'F',
      dateOfExpiry: '320315',
      nationality: 'VNM',
      optionalData2: '',
      surname: 'TRAN',
      givenNames: 'THI MAI',
    });
    const td1 = parseTd1(lines.join('\n'));
    expect(td1).toMatchObject({
      documentCode: 'ID',
      issuingState: 'VNM',
      documentNumber: '092000123',
      optionalData1: '001092000123',
      sex: 'F',
      surname: 'TRAN',
      givenNames: 'THI MAI',
    });
    expect(Object.values(td1.checks).every(Boolean)).toBe(true);
    const broken = lines[1]!.slice(0, 6) + '0' + lines[1]!.slice(7);
    expect(parseTd1([lines[0], broken, lines[2]].join('')).checks.dateOfBirth).toBe(checkDigit('920315') === '0');
  });
  it('reads a document number longer than nine characters from the optional data', () => {
    // ICAO TD1 overflow: positions 6-14 hold the first 9, a filler, then the rest and its check digit.
    const doc = 'D23145890734';
    const l1 = `I<UTO${doc.slice(0, 9)}<${doc.slice(9)}${checkDigit(doc)}`.padEnd(30, '<');
    const l2 = '7408122F1204159UTO<<<<<<<<<<<0';
    const l3 = 'ERIKSSON<<ANNA<MARIA<<<<<<<<<<';
    const td1 = parseTd1(l1 + l2 + l3);
    expect(td1.documentNumber).toBe(doc);
    expect(td1.checks.documentNumber).toBe(true);
    expect(mrzInformation({ documentNumber: doc, dateOfBirth: '740812', dateOfExpiry: '120415' })).toBe(
      `${doc}${checkDigit(doc)}740812${checkDigit('740812')}120415${checkDigit('120415')}`,
    );
  });
  it('refuses text that is not a TD1 MRZ', () => {
    expect(() => parseTd1('short')).toThrow(/90 characters/);
    expect(() => parseTd1('a'.repeat(90))).toThrow(/characters other than/);
  });
});

describe('DG1 and COM', () => {
  it('round-trip and refuse other MRZ sizes', () => {
    const lines = formatTd1({
      documentCode: 'ID',
      issuingState: 'VNM',
      documentNumber: '1',
      optionalData1: '',
      dateOfBirth: '000101',
      sex: 'M',
      dateOfExpiry: '300101',
      nationality: 'VNM',
      optionalData2: '',
      surname: 'A',
      givenNames: 'B',
    });
    expect(parseDg1(encodeDg1(lines)).lines).toEqual(lines);
    expect(() => parseDg1(tlv(0x61, tlv(0x5f1f, new Uint8Array(88).fill(0x3c))))).toThrow(/only TD1/);
    expect(parseCom(encodeCom([0x61, 0x75, 0x6d, 0x99]))).toMatchObject({
      dataGroups: ['DG1', 'DG2', 'DG13'],
      unknownTags: [0x99],
      ldsVersion: '0107',
    });
  });
});

describe('DG2', () => {
  const jpeg = Uint8Array.of(0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 0xff, 0xd9);
  const jp2 = Uint8Array.of(0, 0, 0, 12, 0x6a, 0x50, 0x20, 0x20, 0x0d, 0x0a, 0x87, 0x0a, 9, 9);
  const j2k = Uint8Array.of(0xff, 0x4f, 0xff, 0x51, 0, 0);
  it('hands on JPEG, JPEG 2000 (JP2 and raw codestream) with their format', () => {
    expect(parseDg2(encodeDg2({ format: 'jpeg', width: 240, height: 320, bytes: jpeg }))).toEqual({
      format: 'jpeg',
      width: 240,
      height: 320,
      bytes: jpeg,
    });
    expect(parseDg2(encodeDg2({ format: 'jpeg2000', width: 1, height: 2, bytes: jp2 })).format).toBe('jpeg2000');
    expect(sniffImageFormat(j2k)).toBe('jpeg2000');
    // The header says JPEG but the bytes are JPEG 2000: the bytes win.
    expect(parseDg2(encodeDg2({ format: 'jpeg', width: 1, height: 1, bytes: jp2 })).format).toBe('jpeg2000');
  });
  it('refuses a record that is not a facial record', () => {
    expect(() => parseDg2(tlv(0x75, tlv(0x7f61, tlv(0x02, Uint8Array.of(1)), tlv(0x7f60, tlv(0x5f2e, Uint8Array.of(1, 2, 3))))))).toThrow(
      /ISO\/IEC 19794-5/,
    );
    expect(() => parseDg2(tlv(0x75, Uint8Array.of()))).toThrow(/7F61/);
  });
});

describe('DG13', () => {
  const content = {
    idNumber: '001092000123',
    fullName: 'Trần Thị Mai',
    dateOfBirth: '15/03/1992',
    sex: 'Nữ',
    nationality: 'Việt Nam',
    ethnicity: 'Kinh',
    religion: 'Không',
    placeOfOrigin: 'Xã Yên Sở, Hà Nội',
    placeOfResidence: 'Số 5, Phường Láng Hạ, Hà Nội',
    identifyingMarks: 'Nốt ruồi',
    issueDate: '01/07/2021',
    expiryDate: 'Không thời hạn',
    fatherName: 'Trần Văn Hùng',
    motherName: 'Lê Thị Lan',
    spouseName: 'Nguyễn Văn An',
    oldIdNumber: '012345678',
  };
  it('round-trips every field, parents and spouse included', () => {
    const d = parseDg13(encodeDg13(content));
    expect(d).toMatchObject({ ...content, version: 1 });
    expect(d.fields.map((f) => f.number)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 16]);
  });
  it('takes PrintableString, decomposed Vietnamese, unknown fields, and fields without the version wrapper', () => {
    const int = (n: number) => tlv(TAG.INTEGER, Uint8Array.of(n));
    const utf8 = (s: string) => tlv(TAG.UTF8, new TextEncoder().encode(s));
    const fields = concat(
      tlv(TAG.SEQUENCE, int(1), tlv(TAG.PRINTABLE, new TextEncoder().encode('079303001234'))),
      tlv(TAG.SEQUENCE, int(2), utf8('Nguye\u0302\u0303n Văn An')), // NFD
      tlv(TAG.SEQUENCE, int(15), utf8('B1234567')),
      tlv(TAG.SEQUENCE, int(42), utf8('future field')),
    );
    const wrapped = parseDg13(tlv(0x6d, tlv(TAG.SEQUENCE, int(1), tlv(TAG.OID, encodeOid(UTF8_OID)), tlv(TAG.SET, fields))));
    expect(wrapped).toMatchObject({ idNumber: '079303001234', fullName: 'Nguyễn Văn An', field15: 'B1234567' });
    expect(wrapped.fields.find((f) => f.number === 42)?.values).toEqual(['future field']);
    const flat = parseDg13(tlv(0x6d, fields));
    expect(flat).toMatchObject({ idNumber: '079303001234', version: null });
  });
  it('reports malformed DG13 as an LDS error', () => {
    expect(() => parseDg13(Uint8Array.of(0x6d, 0x05, 0x30, 0x09))).toThrow(/DG13/);
  });
});
