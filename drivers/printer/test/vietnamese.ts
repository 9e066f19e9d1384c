// Test text: every Vietnamese vowel with every tone, both cases, and đ.
const BASES = ['a', 'ă', 'â', 'e', 'ê', 'i', 'o', 'ô', 'ơ', 'u', 'ư', 'y'];
const TONES = ['', '\u0300', '\u0301', '\u0303', '\u0309', '\u0323'];
export const ALL_VIETNAMESE = [...BASES.flatMap((b) => TONES.map((t) => (b + t).normalize('NFC'))), 'đ']
  .flatMap((c) => [c, c.toUpperCase()])
  .join(' ');
export const NAME_LINE = 'Nguyễn Thị Hồng Nhung — Phòng khám Nội tổng quát, P.101, số thứ tự A-N-0042';
