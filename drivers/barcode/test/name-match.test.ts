// The name rule on real-world-shaped cases: how Vietnamese names appear on boarding passes
// issued by domestic and foreign carriers, and passes of other people that must not pass.
import { describe, expect, it } from 'vitest';
import { asciiName, matchPassName } from '../name-match.js';

// [chip DG13 full name, pass name field, expected reading or null for "not this person", truncated]
const SAME_PERSON: [string, string, string, boolean][] = [
  ['Nguyễn Văn An', 'NGUYEN/VAN AN', 'family-first', false],
  ['Nguyễn Văn An', 'NGUYEN/VAN AN MR', 'family-first', false],
  ['Nguyễn Văn An', 'NGUYEN/VANAN', 'family-first', false],
  ['Nguyễn Văn An', 'NGUYEN/VANANMR', 'family-first', false],
  ['Nguyễn Văn An', 'AN/NGUYEN VAN', 'given-first', false],
  ['Nguyễn Văn An', 'AN/NGUYENVAN MR', 'given-first', false],
  ['Nguyễn Văn An', 'NGUYEN VAN/AN', 'compound-surname', false],
  ['Nguyễn Văn An', 'NGUYENVAN/AN', 'compound-surname', false],
  ['Đỗ Minh Đức', 'DO/MINH DUC', 'family-first', false],
  ['Đặng Thị Thu Hương', 'DANG/THI THU HUONG MS', 'family-first', false],
  ['Nguyễn Thị Thanh Hương', 'NGUYEN/THI THANH HUO', 'family-first', true],
  ['Nguyễn Thị Thanh Hương', 'HUONG/NGUYEN THI THA', 'given-first', true],
  ['Tôn Nữ Hoàng Phương Thảo', 'TON/NU HOANG PHUONG ', 'family-first', true], // cut at a space: 19 characters left
  ['Tôn Nữ Hoàng Phương Thảo', 'TON/NUHOANGPHUONGTHA', 'family-first', true],
  ['NGUYỄN VĂN AN', 'nguyen/van an', 'family-first', false],
  ['Lê Văn Mạnh', 'LE/VAN MANH MSTR', 'family-first', false],
  ['Hồ Thị Mỹ Dung', 'HO/THI MY DUNGMRS', 'family-first', false],
  ['Ngô Bảo Châu', 'NGO/BAO CHAU DR', 'family-first', false],
  ['Nguyễn Văn An', 'NGUYEN/VAN AN      ', 'family-first', false],
];

const OTHER_PERSON: [string, string][] = [
  ['Nguyễn Văn An', 'NGUYEN/VAN ANH'], // another given name that starts the same
  ['Nguyễn Văn Anh', 'NGUYEN/VAN AN'], // a shorter name, and the field is not full: no truncation
  ['Nguyễn Văn An', 'TRAN/VAN AN'], // another family
  ['Nguyễn Văn An', 'NGUYEN/THI AN'], // another middle name
  ['Nguyễn Văn An', 'NGUYEN/AN'], // the middle name missing in a field that is not full
  ['Nguyễn Văn An', 'NGUYEN/'], // no given names
  ['Nguyễn Văn An', 'NGUYEN VAN AN'], // no slash at all
  ['Nguyễn Văn An', 'VAN/NGUYEN AN'], // the middle name as the surname is not a booking order
  ['Nguyễn Thị Thanh Huyền', 'NGUYEN/THI THANH HUO'], // truncated, but not a prefix of this name
  ['Nguyễn Thị Thanh Hương', 'NGUYEN/THI THANH HUY'],
  ['Nguyễn Văn An', 'NGUYEN/VAN A'], // cut short without the field being full
  ['Nguyễn Văn An', 'NGUYEN/VAN ANMRS X'], // a title that is not at the end
  ['Nguyễn Văn Anh', 'NGUYEN/VAN AN MR XXXX'], // 20 characters used, but the real name fits: no cut allowed
  ['', 'NGUYEN/VAN AN'],
];

describe('name matching, chip DG13 vs boarding pass', () => {
  it.each(SAME_PERSON)('%s ≈ %s', (chip, pass, reading, truncated) => {
    expect(matchPassName(chip, pass)).toMatchObject({ match: true, reading, truncated });
  });
  it.each(OTHER_PERSON)('%s ≠ %s', (chip, pass) => {
    const r = matchPassName(chip, pass);
    expect(r.match).toBe(false);
    if (!r.match) expect(r.reason).not.toMatch(/NGUYEN|VAN|AN\b/);
  });
  it('reports the title it ignored', () => {
    expect(matchPassName('Nguyễn Văn An', 'NGUYEN/VAN AN MR')).toMatchObject({ title: 'MR' });
  });
  it('writes names as airlines do', () => {
    expect(asciiName('Đặng  Thị-Thu  Hương')).toBe('DANG THITHU HUONG');
    expect(asciiName('Nguyễn Văn An')).toBe('NGUYEN VAN AN');
  });
});
