// Vietnamese in Windows-1258. The code page holds the base letters (â ê ô ă ơ ư đ and the
// Latin-1 ones such as á é) and the five tone marks as combining characters (U+0300 grave,
// U+0301 acute, U+0303 tilde, U+0309 hook above, U+0323 dot below), but not the composed
// letters with both a vowel mark and a tone (ễ, ậ) nor most toned ones (ò, ị). So NFC text
// is first decomposed, then each letter recomposed as far as the code page has it, and the
// tone mark that remains follows as its combining character — Microsoft's form for 1258.

const TONE_MARKS = new Set(['\u0300', '\u0301', '\u0303', '\u0309', '\u0323']);

/** Every character Windows-1258 can encode (ASCII and the table above 0x80). */
const REPERTOIRE: ReadonlySet<string> = (() => {
  const high = new TextDecoder('windows-1258').decode(Uint8Array.from({ length: 128 }, (_, i) => 0x80 + i));
  const set = new Set<string>([...high].filter((c) => c !== '\ufffd'));
  for (let c = 0x20; c < 0x7f; c++) set.add(String.fromCharCode(c));
  return set;
})();

export function inCp1258(ch: string): boolean {
  return REPERTOIRE.has(ch);
}

/** One letter (a base and its combining marks, NFD) in the form Windows-1258 can hold. */
function letterFor(cluster: string): string {
  const whole = cluster.normalize('NFC');
  if (REPERTOIRE.has(whole)) return whole;
  const chars = [...cluster];
  const tones = chars.filter((c) => TONE_MARKS.has(c));
  const rest = chars
    .filter((c) => !TONE_MARKS.has(c))
    .join('')
    .normalize('NFC');
  // A letter the code page lacks even without its tone (e.g. Chinese) stays as it is: the
  // encoder prints its placeholder, as for any character outside the code page.
  return rest + tones.join('');
}

/** NFC (or any) Unicode text → the Windows-1258 form: only characters the code page has, where it can. */
export function toCp1258Form(text: string): string {
  const nfd = text.normalize('NFD');
  let out = '';
  let cluster = '';
  for (const ch of nfd) {
    if (/\p{M}/u.test(ch) && cluster !== '') {
      cluster += ch;
      continue;
    }
    if (cluster) out += letterFor(cluster);
    cluster = ch;
  }
  if (cluster) out += letterFor(cluster);
  return out;
}

/** How many columns text takes on paper: combining marks print over the letter before them. */
export function visualLength(text: string): number {
  let n = 0;
  for (const ch of text) if (!/\p{M}/u.test(ch)) n++;
  return n;
}
