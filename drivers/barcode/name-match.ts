// Is this boarding pass in the card holder's name? The chip (DG13) writes the name in
// Vietnamese order with diacritics ("Nguyễn Văn An": family, middle, given); the pass writes
// ASCII capitals as SURNAME/GIVEN in a 20-character field. The rule (docs/BARCODE.md, "Name
// matching") accepts the readings airlines actually produce and nothing looser:
//  1. both sides lose diacritics (đ → D), case, punctuation; spaces are ignored when comparing,
//     because reservation systems often drop them ("VANAN");
//  2. the pass's surname must be the chip's family name, its family and middle names, or its
//     last (given) name — the three orders in which Vietnamese names get booked;
//  3. the pass's given names must then be exactly the rest, except when that reading of the
//     chip's name does not fit the 20-character field: then the pass may show it cut at the
//     field's end (19-20 characters used, a prefix of at least one letter);
//  4. a title the airline appends (MR, MRS, MS, MISS, MSTR, DR, CHD, INF) is ignored, with or
//     without a space before it.

export type NameReading = 'family-first' | 'compound-surname' | 'given-first';
// Reasons never quote the names: they go to logs.
export type NameMatch = { match: true; reading: NameReading; truncated: boolean; title: string | null } | { match: false; reason: string };

const TITLES = ['MSTR', 'MISS', 'MRS', 'MR', 'MS', 'DR', 'CHD', 'INF'];
/** The BCBP passenger name field's width. */
export const PASS_NAME_WIDTH = 20;

/** Diacritics off, đ/Đ → D, capitals; letters and single spaces only. */
export function asciiName(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'D')
    .toUpperCase()
    .replace(/['’.\-]/g, '')
    .replace(/[^A-Z]+/g, ' ')
    .trim();
}

const compact = (s: string) => s.replace(/ /g, '');

/** Each reading: its name, then surname and given names with their spaces (for the field width). */
function readings(tokens: string[]): [NameReading, string, string][] {
  const n = tokens.length;
  if (n === 1) return [['family-first', tokens[0]!, '']];
  const out: [NameReading, string, string][] = [
    ['family-first', tokens[0]!, tokens.slice(1).join(' ')],
    ['given-first', tokens[n - 1]!, tokens.slice(0, n - 1).join(' ')],
  ];
  if (n > 2) out.push(['compound-surname', tokens.slice(0, n - 1).join(' '), tokens[n - 1]!]);
  return out;
}

/** Given names as printed, and the same with a trailing title removed (when there is one). */
function givenVariants(given: string): [string, string | null][] {
  const c = compact(given);
  const out: [string, string | null][] = [[c, null]];
  for (const t of TITLES) if (c.endsWith(t) && c.length > t.length) out.push([c.slice(0, -t.length), t]);
  return out;
}

export function matchPassName(chipFullName: string, passName: string): NameMatch {
  const tokens = asciiName(chipFullName).split(' ').filter(Boolean);
  if (tokens.length === 0) return { match: false, reason: 'the chip gives no name' };
  const field = passName.replace(/\s+$/, '');
  const slash = field.indexOf('/');
  if (slash <= 0) return { match: false, reason: 'the pass name has no SURNAME/GIVEN form' };
  const surname = compact(asciiName(field.slice(0, slash)));
  const given = asciiName(field.slice(slash + 1));
  for (const [reading, spacedSurname, spacedGiven] of readings(tokens)) {
    if (surname !== compact(spacedSurname)) continue;
    const g = compact(spacedGiven);
    // The airline had to cut only if this reading does not fit the field; then the cut
    // leaves 19-20 characters (20, less a trailing space).
    const cut = `${spacedSurname}/${spacedGiven}`.length > PASS_NAME_WIDTH && field.length >= PASS_NAME_WIDTH - 1;
    for (const [pg, title] of givenVariants(given)) {
      if (pg === g) return { match: true, reading, truncated: false, title };
      if (cut && pg.length >= 1 && pg.length < g.length && g.startsWith(pg)) return { match: true, reading, truncated: true, title };
    }
    if (given === '' && g === '') return { match: true, reading, truncated: false, title: null };
  }
  const surnames = new Set(readings(tokens).map(([, s]) => compact(s)));
  if (!surnames.has(surname))
    return { match: false, reason: "the pass surname is not the card holder's family name, family and middle names, or given name" };
  return { match: false, reason: given ? "the pass given names differ from the card holder's" : 'the pass has no given names' };
}
