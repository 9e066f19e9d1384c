// When a CCCD expires (docs/CCCD.md, confidence "likely"): at the birthday on which the holder
// reaches the next renewal age — 25, 40, 60 under the 2014 law; 14, 25, 40, 60 under the 2023
// Identification Law (cards issued from 1 July 2024). A card issued within two years before a
// renewal age runs to the following one; one issued from age 58 on does not expire.

export type CccdLaw = '2014' | '2023';

const AGES: Record<CccdLaw, number[]> = { '2014': [25, 40, 60], '2023': [14, 25, 40, 60] };
export const LAW_2023_FROM = '2024-07-01';

function ageOn(birth: string, day: string): number {
  const years = Number(day.slice(0, 4)) - Number(birth.slice(0, 4));
  return day.slice(5) < birth.slice(5) ? years - 1 : years;
}

/** The expiry (ISO date), or null for a card that does not expire. `withinTwoYears` sets how "within two years" counts. */
export function cardExpiry(
  birthDate: string,
  issueDate: string,
  law: CccdLaw,
  withinTwoYears: 'exclusive' | 'inclusive' = 'inclusive',
): string | null {
  const age = ageOn(birthDate, issueDate);
  if (age >= 58) return null;
  const next = AGES[law].find((a) => a > age && (withinTwoYears === 'inclusive' ? a - age > 2 : a - age >= 2));
  const renewal = next ?? AGES[law].find((a) => a > age) ?? 60;
  const year = Number(birthDate.slice(0, 4)) + renewal;
  const monthDay = birthDate.slice(5) === '02-29' ? '02-28' : birthDate.slice(5);
  return `${year}-${monthDay}`;
}

/** Every plausible expiry (YYMMDD, as in the MRZ) for a holder: the law and the boundary rule are not certain. */
export function expiryCandidates(birthDate: string, issueDate: string): string[] {
  const out = new Set<string>();
  const laws: CccdLaw[] = issueDate >= LAW_2023_FROM ? ['2023', '2014'] : ['2014', '2023'];
  for (const law of laws) {
    for (const rule of ['inclusive', 'exclusive'] as const) {
      const e = cardExpiry(birthDate, issueDate, law, rule);
      if (e) out.add(e.slice(2, 4) + e.slice(5, 7) + e.slice(8, 10));
    }
  }
  return [...out];
}
