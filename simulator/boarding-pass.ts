// Boarding passes for synthetic passengers: a deterministic roster of domestic flights, an
// IATA BCBP (format M) encoder written from the field layout, the parse result each pass
// must give (built from the inputs, not by our parser), and broken variants with the field
// a parser must name.
import type { Bcbp, BcbpLeg } from '../drivers/barcode/bcbp.js';
import { asciiName, PASS_NAME_WIDTH } from '../drivers/barcode/name-match.js';
import { SeededRandom, type Citizen } from './citizens.js';

export interface Flight {
  carrier: string;
  number: string;
  from: string;
  to: string;
  /** ISO date of departure (local). */
  date: string;
}

const AIRPORTS = ['HAN', 'SGN', 'DAD', 'CXR', 'PQC', 'HPH', 'VCA', 'HUI', 'VII', 'DLI', 'BMV', 'UIH'];
const CARRIERS = [
  ['VN', '738'],
  ['VJ', '978'],
  ['QH', '926'],
  ['BL', '550'],
  ['VU', '813'],
] as const;

/** Day of the year, 1-366, as the BCBP's Julian date of flight. */
export function dayOfYear(isoDate: string): number {
  const d = Date.UTC(Number(isoDate.slice(0, 4)), Number(isoDate.slice(5, 7)) - 1, Number(isoDate.slice(8, 10)));
  return Math.round((d - Date.UTC(Number(isoDate.slice(0, 4)), 0, 1)) / 86_400_000) + 1;
}

export function makeRoster(seed: string, date: string, count: number): Flight[] {
  const r = new SeededRandom(`roster/${seed}/${date}`);
  return Array.from({ length: count }, () => {
    const from = r.pick(AIRPORTS);
    let to = r.pick(AIRPORTS);
    while (to === from) to = r.pick(AIRPORTS);
    const [carrier] = r.pick(CARRIERS);
    return { carrier, number: String(100 + r.int(9800)), from, to, date };
  });
}

/** Today's departures from one airport (the simulator's airport site): every flight leaves from `from`. */
export function makeAirportRoster(seed: string, date: string, count: number, from: string): Flight[] {
  const r = new SeededRandom(`roster/${seed}/${date}/${from}`);
  const destinations = AIRPORTS.filter((a) => a !== from);
  return Array.from({ length: count }, () => {
    const [carrier] = r.pick(CARRIERS);
    return { carrier, number: String(100 + r.int(9800)), from, to: r.pick(destinations), date };
  });
}

/** The airline form of a Vietnamese name: family name / middle and given names, ASCII capitals, at most 20 characters. */
export function bcbpName(citizen: Pick<Citizen, 'surname' | 'givenNames'>): string {
  return `${asciiName(citizen.surname)}/${asciiName(citizen.givenNames)}`.slice(0, PASS_NAME_WIDTH).trimEnd();
}

export interface LegInput {
  pnr: string;
  flight: Flight;
  compartment: string;
  seat: string;
  sequence: number;
  status: string;
  conditional?: BcbpLeg['conditional'];
  airlineUse?: string;
}
export interface PassInput {
  name: string;
  eticket: boolean;
  legs: LegInput[];
  /** The conditional section's unique items; present with `version`. */
  version?: number;
  unique?: Bcbp['unique'];
  security?: { type: string; data: string };
}

const pad = (s: string, n: number) => s.padEnd(n, ' ').slice(0, n);
const hex2 = (n: number) => n.toString(16).toUpperCase().padStart(2, '0');

function repeatedBlock(c: BcbpLeg['conditional']): string {
  return [
    pad(c.airlineNumericCode ?? '', 3),
    pad(c.documentSerialNumber ?? '', 10),
    pad(c.selecteeIndicator ?? '', 1),
    pad(c.internationalDocumentationVerification ?? '', 1),
    pad(c.marketingCarrier ?? '', 3),
    pad(c.frequentFlyerAirline ?? '', 3),
    pad(c.frequentFlyerNumber ?? '', 16),
    pad(c.idAdIndicator ?? '', 1),
    pad(c.freeBaggageAllowance ?? '', 3),
    pad(c.fastTrack ?? '', 1),
  ].join('');
}

export function encodeBcbp(p: PassInput): string {
  let out = 'M' + String(p.legs.length) + pad(p.name, 20) + (p.eticket ? 'E' : ' ');
  p.legs.forEach((leg, i) => {
    const f = leg.flight;
    out +=
      pad(leg.pnr, 7) +
      f.from +
      f.to +
      pad(f.carrier, 3) +
      f.number.padStart(4, '0').padEnd(5, ' ') +
      String(dayOfYear(f.date)).padStart(3, '0');
    out += leg.compartment + leg.seat.padStart(4, '0') + String(leg.sequence).padStart(4, '0').padEnd(5, ' ') + leg.status;
    let variable = '';
    if (i === 0 && p.version !== undefined) {
      const u = p.unique ?? {};
      const tags = u.bagTags ?? [];
      const unique = [
        pad(u.passengerDescription ?? '', 1),
        pad(u.sourceOfCheckIn ?? '', 1),
        pad(u.sourceOfIssuance ?? '', 1),
        pad(u.issueDate ?? '', 4),
        pad(u.documentType ?? '', 1),
        pad(u.issuer ?? '', 3),
        ...tags.map((t) => pad(t, 13)),
      ].join('');
      variable += '>' + String(p.version) + hex2(unique.length) + unique;
    }
    if (leg.conditional) {
      const rep = repeatedBlock(leg.conditional);
      variable += hex2(rep.length) + rep;
    }
    variable += leg.airlineUse ?? '';
    out += hex2(variable.length) + variable;
  });
  if (p.security) out += '^' + p.security.type + hex2(p.security.data.length) + p.security.data;
  return out;
}

/** What parseBcbp must return for `p` (items trimmed, blank ones left out). */
export function expectedBcbp(p: PassInput): Bcbp {
  const trim = <T extends object>(o: T): T =>
    Object.fromEntries(
      Object.entries(o)
        .filter(([, v]) => typeof v !== 'string' || v.trim() !== '')
        .map(([k, v]) => [k, typeof v === 'string' ? v.trim() : v]),
    ) as T;
  const [surname = '', ...given] = p.name.trimEnd().split('/');
  return {
    formatCode: 'M',
    passengerName: p.name.trimEnd(),
    surname: surname.trim(),
    givenNames: given.join('/').trim(),
    electronicTicket: p.eticket,
    version: p.version ?? null,
    unique: p.version !== undefined ? trim({ ...p.unique, ...(p.unique?.bagTags?.length ? { bagTags: p.unique.bagTags } : {}) }) : {},
    legs: p.legs.map((l) => ({
      pnr: l.pnr,
      from: l.flight.from,
      to: l.flight.to,
      operatingCarrier: l.flight.carrier,
      flightNumber: l.flight.number.padStart(4, '0'),
      flightDay: dayOfYear(l.flight.date),
      compartment: l.compartment,
      seat: l.seat.padStart(4, '0'),
      checkInSequence: String(l.sequence).padStart(4, '0'),
      passengerStatus: l.status,
      conditional: l.conditional ? trim(l.conditional) : {},
      airlineUse: l.airlineUse ?? '',
    })),
    security: p.security ?? null,
  };
}

const PNR_LETTERS = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** A boarding pass for a citizen on 1-2 flights of the roster; every other pass carries the conditional section. */
export function makeBoardingPass(citizen: Citizen, roster: Flight[], seed: string): PassInput {
  const r = new SeededRandom(`pass/${seed}/${citizen.idNumber}`);
  const pnr = Array.from({ length: 6 }, () => PNR_LETTERS[r.int(PNR_LETTERS.length)]).join('');
  const first = r.pick(roster);
  const onward = roster.filter((f) => f.from === first.to);
  const flights = onward.length && r.int(3) === 0 ? [first, r.pick(onward)] : [first];
  const rich = r.int(2) === 0;
  const carrierCode = (c: string) => CARRIERS.find(([k]) => k === c)?.[1] ?? '000';
  return {
    name: bcbpName(citizen),
    eticket: true,
    legs: flights.map((flight) => ({
      pnr,
      flight,
      compartment: r.pick(['Y', 'Y', 'Y', 'C', 'W']),
      seat: `${1 + r.int(40)}${r.pick(['A', 'B', 'C', 'D', 'E', 'F'])}`,
      sequence: 1 + r.int(300),
      status: '1',
      ...(rich
        ? {
            conditional: {
              airlineNumericCode: carrierCode(flight.carrier),
              documentSerialNumber: String(1_000_000_000 + r.int(999_999_999)),
              selecteeIndicator: '0',
              internationalDocumentationVerification: '0',
              marketingCarrier: flight.carrier,
              freeBaggageAllowance: r.pick(['20K', '23K', '7K ', 'PC ']),
              fastTrack: 'N',
            },
            airlineUse: r.int(2) ? '' : 'VNA' + r.int(1000),
          }
        : {}),
    })),
    ...(rich
      ? {
          version: 6,
          unique: {
            passengerDescription: '0',
            sourceOfCheckIn: 'K',
            sourceOfIssuance: 'W',
            issueDate: '6' + String(dayOfYear(first.date)).padStart(3, '0'),
            documentType: 'B',
            issuer: first.carrier,
          },
        }
      : {}),
    ...(rich && r.int(2) ? { security: { type: '1', data: Array.from({ length: 16 }, () => PNR_LETTERS[r.int(32)]).join('') } } : {}),
  };
}

/** Broken boarding passes and the field a parser must name for each. */
export function brokenPasses(valid: string): { name: string; text: string; field: string }[] {
  const at = (i: number, s: string) => valid.slice(0, i) + s + valid.slice(i + s.length);
  return [
    { name: 'not format M', text: at(0, 'S'), field: 'formatCode' },
    { name: 'zero legs', text: at(1, '0'), field: 'numberOfLegs' },
    { name: 'blank name', text: at(2, ' '.repeat(20)), field: 'passengerName' },
    { name: 'digits for the origin airport', text: at(30, '123'), field: 'fromAirport' },
    { name: 'lowercase destination', text: at(33, 'han'), field: 'toAirport' },
    { name: 'day 000', text: at(44, '000'), field: 'dateOfFlight' },
    { name: 'compartment a digit', text: at(47, '9'), field: 'compartment' },
    { name: 'cut inside the seat', text: valid.slice(0, 50), field: 'seat' },
    { name: 'size field not hex', text: at(58, 'G0'), field: 'variableSizeField' },
    { name: 'size field past the end', text: at(58, 'FF'), field: 'variableSizeField' },
    { name: 'junk after the data', text: valid + '#', field: valid.includes('^') ? 'securityData' : 'securityDataBeginning' },
    // Only a one-leg pass that ends with its leg: the missing second leg then fails at its first item.
    ...(valid[1] === '1' && !valid.includes('^') ? [{ name: 'one leg announced as two', text: at(1, '2'), field: 'pnr' }] : []),
  ];
}
