import { describe, expect, it } from 'vitest';
import { CccdQrError, parseCccdQr } from '../cccd-qr.js';

describe('CCCD front QR', () => {
  it('parses the seven fields', () => {
    expect(parseCccdQr('001089012345|123456789|Nguyễn Văn An|15031989|Nam|Số 5, Phường Láng Hạ, Hà Nội|01072021')).toEqual({
      idNumber: '001089012345',
      oldIdNumber: '123456789',
      fullName: 'Nguyễn Văn An',
      dateOfBirth: '1989-03-15',
      sex: 'Nam',
      address: 'Số 5, Phường Láng Hạ, Hà Nội',
      issueDate: '2021-07-01',
    });
    expect(parseCccdQr('079303001234||Trần Thị Mai|02022003|Nữ|Cần Thơ|10102022').oldIdNumber).toBeNull();
  });
  it.each([
    ['six fields', '001089012345|x|y|15031989|Nam|a', 'text'],
    ['a short ID', '00108901234||Nguyễn Văn An|15031989|Nam|a|01072021', 'idNumber'],
    ['an ID whose year is not the birth year', '001090012345||Nguyễn Văn An|15031989|Nam|a|01072021', 'idNumber'],
    ['31 February', '001089012345||Nguyễn Văn An|31021989|Nam|a|01072021', 'dateOfBirth'],
    ['an 8-digit old ID', '001089012345|12345678|Nguyễn Văn An|15031989|Nam|a|01072021', 'oldIdNumber'],
    ['an issue before birth', '001089012345||Nguyễn Văn An|15031989|Nam|a|01071980', 'issueDate'],
  ])('refuses %s, naming the field', (_l, text, field) => {
    try {
      parseCccdQr(text);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(CccdQrError);
      expect((err as CccdQrError).field).toBe(field);
    }
  });
});
