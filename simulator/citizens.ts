// Synthetic citizens, deterministic from a seed: Vietnamese names with diacritics, valid
// 12-digit ID numbers (province, sex/century digit, birth year), issue and expiry dates by
// the card-renewal ages, DG13 content, a TD1 MRZ with correct check digits, the front QR text.
// Facts used are in docs/CCCD.md.
import { createHash } from 'node:crypto';
import { LAW_2023_FROM, cardExpiry } from '../drivers/barcode/cccd-expiry.js';
import { formatTd1 } from '../drivers/emrtd/lds/mrz.js';
import type { Dg13Content } from '../drivers/emrtd/lds/dg13.js';

/** Province codes (digits 1-3 of the ID number) and names, as published by the Ministry of Public Security. */
export const PROVINCES: readonly [string, string][] = [
  ['001', 'Hà Nội'],
  ['002', 'Hà Giang'],
  ['004', 'Cao Bằng'],
  ['006', 'Bắc Kạn'],
  ['008', 'Tuyên Quang'],
  ['010', 'Lào Cai'],
  ['011', 'Điện Biên'],
  ['012', 'Lai Châu'],
  ['014', 'Sơn La'],
  ['015', 'Yên Bái'],
  ['017', 'Hòa Bình'],
  ['019', 'Thái Nguyên'],
  ['020', 'Lạng Sơn'],
  ['022', 'Quảng Ninh'],
  ['024', 'Bắc Giang'],
  ['025', 'Phú Thọ'],
  ['026', 'Vĩnh Phúc'],
  ['027', 'Bắc Ninh'],
  ['030', 'Hải Dương'],
  ['031', 'Hải Phòng'],
  ['033', 'Hưng Yên'],
  ['034', 'Thái Bình'],
  ['035', 'Hà Nam'],
  ['036', 'Nam Định'],
  ['037', 'Ninh Bình'],
  ['038', 'Thanh Hóa'],
  ['040', 'Nghệ An'],
  ['042', 'Hà Tĩnh'],
  ['044', 'Quảng Bình'],
  ['045', 'Quảng Trị'],
  ['046', 'Thừa Thiên Huế'],
  ['048', 'Đà Nẵng'],
  ['049', 'Quảng Nam'],
  ['051', 'Quảng Ngãi'],
  ['052', 'Bình Định'],
  ['054', 'Phú Yên'],
  ['056', 'Khánh Hòa'],
  ['058', 'Ninh Thuận'],
  ['060', 'Bình Thuận'],
  ['062', 'Kon Tum'],
  ['064', 'Gia Lai'],
  ['066', 'Đắk Lắk'],
  ['067', 'Đắk Nông'],
  ['068', 'Lâm Đồng'],
  ['070', 'Bình Phước'],
  ['072', 'Tây Ninh'],
  ['074', 'Bình Dương'],
  ['075', 'Đồng Nai'],
  ['077', 'Bà Rịa - Vũng Tàu'],
  ['079', 'Hồ Chí Minh'],
  ['080', 'Long An'],
  ['082', 'Tiền Giang'],
  ['083', 'Bến Tre'],
  ['084', 'Trà Vinh'],
  ['086', 'Vĩnh Long'],
  ['087', 'Đồng Tháp'],
  ['089', 'An Giang'],
  ['091', 'Kiên Giang'],
  ['092', 'Cần Thơ'],
  ['093', 'Hậu Giang'],
  ['094', 'Sóc Trăng'],
  ['095', 'Bạc Liêu'],
  ['096', 'Cà Mau'],
];

const SURNAMES = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Huỳnh', 'Phan', 'Vũ', 'Võ', 'Đặng', 'Bùi', 'Đỗ', 'Hồ', 'Ngô', 'Dương', 'Lý'];
const MALE_MIDDLE = ['Văn', 'Hữu', 'Đức', 'Minh', 'Quốc', 'Thanh', 'Gia', 'Xuân', 'Công', 'Đình'];
const FEMALE_MIDDLE = ['Thị', 'Ngọc', 'Thu', 'Minh', 'Thanh', 'Kim', 'Bảo', 'Diệu', 'Mỹ', 'Phương'];
const MALE_GIVEN = [
  'An',
  'Bình',
  'Dũng',
  'Hùng',
  'Hiếu',
  'Khánh',
  'Long',
  'Nam',
  'Phong',
  'Quân',
  'Quang',
  'Sơn',
  'Thắng',
  'Trung',
  'Tuấn',
  'Việt',
  'Đạt',
  'Hải',
];
const FEMALE_GIVEN = [
  'Anh',
  'Chi',
  'Hà',
  'Hạnh',
  'Hoa',
  'Hương',
  'Lan',
  'Linh',
  'Mai',
  'Nga',
  'Ngọc',
  'Phương',
  'Tâm',
  'Thảo',
  'Thủy',
  'Trang',
  'Vy',
  'Yến',
];
const ETHNICITIES = ['Kinh', 'Kinh', 'Kinh', 'Kinh', 'Kinh', 'Kinh', 'Tày', 'Thái', 'Mường', 'Khmer', 'Hoa', 'Nùng'];
const RELIGIONS = ['Không', 'Không', 'Không', 'Không', 'Phật giáo', 'Công giáo', 'Cao Đài'];
const COMMUNES = [
  'Xã Tân Lập',
  'Phường Bến Nghé',
  'Xã Hòa Phú',
  'Phường Láng Hạ',
  'Xã Yên Sở',
  'Phường Thạch Thang',
  'Xã An Bình',
  'Phường Đông Hòa',
];
const MARKS = [
  'Nốt ruồi C:2cm dưới trước mép trái',
  'Sẹo chấm C:1cm trên sau đuôi mắt phải',
  'Nốt ruồi C:1,5cm trên trước cánh mũi phải',
  'Sẹo chấm C:3cm dưới sau tai trái',
];

/** Deterministic generator (SHA-256 counter mode over the seed): same seed, same citizens, on any machine. */
export class SeededRandom {
  private counter = 0;
  private buf = new Uint8Array(0);
  private pos = 0;
  constructor(private readonly seed: string) {}
  private byte(): number {
    if (this.pos >= this.buf.length) {
      this.buf = new Uint8Array(createHash('sha256').update(`${this.seed}:${this.counter++}`).digest());
      this.pos = 0;
    }
    return this.buf[this.pos++]!;
  }
  /** Uniform integer in [0, n). */
  int(n: number): number {
    const v = ((this.byte() << 24) | (this.byte() << 16) | (this.byte() << 8) | this.byte()) >>> 0;
    return v % n;
  }
  pick<T>(list: readonly T[]): T {
    return list[this.int(list.length)]!;
  }
}

/** Every synthetic card is valid at least through this date (fixed, so a seed always gives the same citizens). */
export const VALID_THROUGH = '2029-01-01';

export interface Citizen {
  index: number;
  idNumber: string;
  /** The MRZ document number: the last 9 digits of the ID number. */
  documentNumber: string;
  fullName: string;
  surname: string;
  givenNames: string;
  sex: 'M' | 'F';
  /** ISO dates (yyyy-mm-dd). */
  birthDate: string;
  issueDate: string;
  expiryDate: string;
  /** YYMMDD, as in the MRZ. */
  dateOfBirth: string;
  expiry: string;
  mrz: [string, string, string];
  qr: string;
  oldIdNumber: string | null;
  can: string;
  dg13: Dg13Content;
  placeOfOrigin: string;
  placeOfResidence: string;
}

/** Letters without Vietnamese diacritics, as the MRZ and airline systems write names. */
export function stripDiacritics(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D');
}

const iso = (y: number, m: number, d: number) =>
  `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
const yymmdd = (isoDate: string) => isoDate.slice(2, 4) + isoDate.slice(5, 7) + isoDate.slice(8, 10);
const dmy = (isoDate: string, sep: string) => `${isoDate.slice(8, 10)}${sep}${isoDate.slice(5, 7)}${sep}${isoDate.slice(0, 4)}`;

export function makeCitizen(seed: string, index: number): Citizen {
  const r = new SeededRandom(`${seed}/${index}`);
  const sex: 'M' | 'F' = r.int(2) === 0 ? 'M' : 'F';
  // Born 1972-2008, so nobody reaches 58 by the reference date and every card has an expiry date.
  const birth = { y: 1972 + r.int(37), m: 1 + r.int(12), d: 1 + r.int(28) };
  let issue = { y: 2021 + r.int(4), m: 1 + r.int(12), d: 1 + r.int(28) };
  if (issue.y - birth.y < 14) issue = { y: birth.y + 14, m: birth.m, d: Math.min(28, birth.d + 1) };
  // A card that would have expired by the reference date was renewed on its renewal birthday.
  const birthIso = iso(birth.y, birth.m, birth.d);
  let issueIso = iso(issue.y, issue.m, issue.d);
  let expiryIso = cardExpiry(birthIso, issueIso, issueIso >= LAW_2023_FROM ? '2023' : '2014')!;
  while (expiryIso < VALID_THROUGH) {
    issueIso = expiryIso;
    expiryIso = cardExpiry(birthIso, issueIso, issueIso >= LAW_2023_FROM ? '2023' : '2014')!;
  }
  issue = { y: Number(issueIso.slice(0, 4)), m: Number(issueIso.slice(5, 7)), d: Number(issueIso.slice(8, 10)) };
  const expiry = { y: Number(expiryIso.slice(0, 4)), m: Number(expiryIso.slice(5, 7)), d: Number(expiryIso.slice(8, 10)) };
  const [provinceCode, provinceName] = r.pick(PROVINCES);
  const centuryDigit = (birth.y >= 2000 ? 2 : 0) + (sex === 'F' ? 1 : 0);
  const serial = String(r.int(1_000_000)).padStart(6, '0');
  const idNumber = `${provinceCode}${centuryDigit}${String(birth.y % 100).padStart(2, '0')}${serial}`;
  const surname = r.pick(SURNAMES);
  const middle = r.pick(sex === 'M' ? MALE_MIDDLE : FEMALE_MIDDLE);
  const given = r.pick(sex === 'M' ? MALE_GIVEN : FEMALE_GIVEN);
  const fullName = `${surname} ${middle} ${given}`;
  const [, originProvince] = r.pick(PROVINCES);
  const placeOfOrigin = `${r.pick(COMMUNES)}, ${originProvince}`;
  const placeOfResidence = `Số ${1 + r.int(300)}, ${r.pick(COMMUNES)}, ${provinceName}`;
  const oldIdNumber = birth.y < 1995 && r.int(2) === 0 ? String(100_000_000 + r.int(900_000_000)) : null;
  const birthDate = iso(birth.y, birth.m, birth.d);
  const issueDate = iso(issue.y, issue.m, issue.d);
  const expiryDate = iso(expiry.y, expiry.m, expiry.d);
  const documentNumber = idNumber.slice(3);
  const mrz = formatTd1({
    documentCode: 'ID',
    issuingState: 'VNM',
    documentNumber,
    optionalData1: idNumber,
    dateOfBirth: yymmdd(birthDate),
    sex,
    dateOfExpiry: yymmdd(expiryDate),
    nationality: 'VNM',
    optionalData2: '',
    surname: stripDiacritics(surname),
    givenNames: stripDiacritics(`${middle} ${given}`),
  });
  const sexWord = sex === 'M' ? 'Nam' : 'Nữ';
  const fatherName = `${surname} ${r.pick(MALE_MIDDLE)} ${r.pick(MALE_GIVEN)}`;
  const motherName = `${r.pick(SURNAMES)} ${r.pick(FEMALE_MIDDLE)} ${r.pick(FEMALE_GIVEN)}`;
  const married = issue.y - birth.y > 24 && r.int(3) > 0;
  const spouseName = married
    ? `${r.pick(SURNAMES)} ${r.pick(sex === 'M' ? FEMALE_MIDDLE : MALE_MIDDLE)} ${r.pick(sex === 'M' ? FEMALE_GIVEN : MALE_GIVEN)}`
    : undefined;
  const dg13: Dg13Content = {
    idNumber,
    fullName,
    dateOfBirth: dmy(birthDate, '/'),
    sex: sexWord,
    nationality: 'Việt Nam',
    ethnicity: r.pick(ETHNICITIES),
    religion: r.pick(RELIGIONS),
    placeOfOrigin,
    placeOfResidence,
    identifyingMarks: r.pick(MARKS),
    issueDate: dmy(issueDate, '/'),
    expiryDate: dmy(expiryDate, '/'),
    fatherName,
    motherName,
    ...(spouseName ? { spouseName } : {}),
    ...(oldIdNumber ? { oldIdNumber } : {}),
  };
  const qr = [idNumber, oldIdNumber ?? '', fullName, dmy(birthDate, ''), sexWord, placeOfResidence, dmy(issueDate, '')].join('|');
  return {
    index,
    idNumber,
    documentNumber,
    fullName,
    surname,
    givenNames: `${middle} ${given}`,
    sex,
    birthDate,
    issueDate,
    expiryDate,
    dateOfBirth: yymmdd(birthDate),
    expiry: yymmdd(expiryDate),
    mrz,
    qr,
    oldIdNumber,
    can: idNumber.slice(-6),
    dg13,
    placeOfOrigin,
    placeOfResidence,
  };
}

export function makeCitizens(seed: string, count: number, start = 0): Citizen[] {
  return Array.from({ length: count }, (_, i) => makeCitizen(seed, start + i));
}
