import { describe, expect, it } from 'vitest';
import { inCp1258, toCp1258Form, visualLength } from '../cp1258.js';
import { wrapText } from '../wrap.js';
import { ALL_VIETNAMESE } from './vietnamese.js';

describe('Windows-1258 form', () => {
  it('holds only characters of the code page and gives back the same NFC text', () => {
    const form = toCp1258Form(ALL_VIETNAMESE);
    for (const ch of form) expect(inCp1258(ch), `U+${ch.codePointAt(0)!.toString(16)}`).toBe(true);
    expect(form.normalize('NFC')).toBe(ALL_VIETNAMESE);
  });

  it('uses composed letters where the code page has them, and a combining tone after', () => {
    expect(toCp1258Form('á')).toBe('á');
    expect(toCp1258Form('ễ')).toBe('ê\u0303');
    expect(toCp1258Form('ậ')).toBe('â\u0323');
    expect(toCp1258Form('ò')).toBe('o\u0300');
    expect(toCp1258Form('Đ')).toBe('Đ');
  });

  it('counts a letter and its marks as one column, and wraps by columns', () => {
    expect(visualLength(toCp1258Form('Nguyễn'))).toBe(6);
    expect(wrapText('Nguyễn Thị Hồng Nhung', 11)).toEqual(['Nguyễn Thị', 'Hồng Nhung']);
    expect(wrapText('ABCDEFGHIJ', 4)).toEqual(['ABCD', 'EFGH', 'IJ']);
  });
});
