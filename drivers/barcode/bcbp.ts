// IATA Resolution 792 Bar Coded Boarding Pass (BCBP), format code "M": the mandatory items of
// each leg, the conditional section (version, unique and repeated items, present up to their
// declared sizes), airline-use data, and the security data block kept as it is. Total: any
// text yields a Bcbp or a BcbpError naming the field and its offset.

export class BcbpError extends Error {
  constructor(
    readonly field: string,
    readonly offset: number,
    message: string,
  ) {
    super(`boarding pass, ${field} at offset ${offset}: ${message}`);
    this.name = 'BcbpError';
  }
}

export interface BcbpLeg {
  pnr: string;
  from: string;
  to: string;
  operatingCarrier: string;
  flightNumber: string;
  /** Day of the year of the flight, 1-366. */
  flightDay: number;
  compartment: string;
  seat: string;
  checkInSequence: string;
  passengerStatus: string;
  /** Repeated conditional items present on this leg (absent ones are left out). */
  conditional: {
    airlineNumericCode?: string;
    documentSerialNumber?: string;
    selecteeIndicator?: string;
    internationalDocumentationVerification?: string;
    marketingCarrier?: string;
    frequentFlyerAirline?: string;
    frequentFlyerNumber?: string;
    idAdIndicator?: string;
    freeBaggageAllowance?: string;
    fastTrack?: string;
  };
  /** "For individual airline use": whatever follows the structured items. */
  airlineUse: string;
}

export interface Bcbp {
  formatCode: 'M';
  passengerName: string;
  surname: string;
  givenNames: string;
  electronicTicket: boolean;
  /** Conditional section version (e.g. 6, 7, 8), when present. */
  version: number | null;
  unique: {
    passengerDescription?: string;
    sourceOfCheckIn?: string;
    sourceOfIssuance?: string;
    /** Last digit of the year and day of the year (Julian), as printed. */
    issueDate?: string;
    documentType?: string;
    issuer?: string;
    bagTags?: string[];
  };
  legs: BcbpLeg[];
  security: { type: string; data: string } | null;
}

class Cursor {
  constructor(
    readonly text: string,
    public at = 0,
  ) {}
  take(n: number, field: string): string {
    if (this.at + n > this.text.length) throw new BcbpError(field, this.at, `needs ${n} characters, ${this.text.length - this.at} left`);
    const s = this.text.slice(this.at, this.at + n);
    this.at += n;
    return s;
  }
  hex(field: string): number {
    const at = this.at;
    const s = this.take(2, field);
    if (!/^[0-9A-Fa-f]{2}$/.test(s)) throw new BcbpError(field, at, `"${s}" is not a two-digit hexadecimal size`);
    return parseInt(s, 16);
  }
  get left(): number {
    return this.text.length - this.at;
  }
}

function check(value: string, re: RegExp, field: string, offset: number, what: string): string {
  if (!re.test(value)) throw new BcbpError(field, offset, `"${value}" is not ${what}`);
  return value;
}

/** Reads items from a structured block of `size` characters: only those that fit are present. */
function structured<K extends string>(c: Cursor, size: number, items: [K, number][], block: string): Partial<Record<K, string>> {
  const end = c.at + size;
  if (end > c.text.length) throw new BcbpError(block, c.at, `declares ${size} characters, ${c.left} left`);
  const out: Partial<Record<K, string>> = {};
  for (const [key, width] of items) {
    if (c.at + width > end) break;
    out[key] = c.take(width, key);
  }
  c.at = end; // newer versions may add items we do not know: skip them
  return out;
}

const UNIQUE: [string, number][] = [
  ['passengerDescription', 1],
  ['sourceOfCheckIn', 1],
  ['sourceOfIssuance', 1],
  ['issueDate', 4],
  ['documentType', 1],
  ['issuer', 3],
  ['bagTag1', 13],
  ['bagTag2', 13],
  ['bagTag3', 13],
];
const REPEATED: [keyof BcbpLeg['conditional'], number][] = [
  ['airlineNumericCode', 3],
  ['documentSerialNumber', 10],
  ['selecteeIndicator', 1],
  ['internationalDocumentationVerification', 1],
  ['marketingCarrier', 3],
  ['frequentFlyerAirline', 3],
  ['frequentFlyerNumber', 16],
  ['idAdIndicator', 1],
  ['freeBaggageAllowance', 3],
  ['fastTrack', 1],
];

function trimmed<T extends Record<string, string | undefined>>(o: T): T {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined && v.trim() !== '') out[k] = v.trim();
  return out as T;
}

export function parseBcbp(text: string): Bcbp {
  if (text.length > 2000) throw new BcbpError('text', 0, 'longer than any boarding pass');
  const c = new Cursor(text.replace(/[\r\n]+$/, ''));
  const format = c.take(1, 'formatCode');
  if (format !== 'M') throw new BcbpError('formatCode', 0, `"${format}" is not M`);
  const legCount = Number(check(c.take(1, 'numberOfLegs'), /^[1-9]$/, 'numberOfLegs', 1, 'a leg count 1-9'));
  const passengerName = c.take(20, 'passengerName');
  if (passengerName.trim() === '') throw new BcbpError('passengerName', 2, 'empty');
  const [surname = '', ...given] = passengerName.trimEnd().split('/');
  const eti = c.take(1, 'electronicTicketIndicator');
  const pass: Bcbp = {
    formatCode: 'M',
    passengerName: passengerName.trimEnd(),
    surname: surname.trim(),
    givenNames: given.join('/').trim(),
    electronicTicket: eti === 'E',
    version: null,
    unique: {},
    legs: [],
    security: null,
  };
  for (let leg = 0; leg < legCount; leg++) {
    const at = (n: number) => c.at + n;
    const pnr = c.take(7, 'pnr');
    const from = check(c.take(3, 'fromAirport'), /^[A-Z]{3}$/, 'fromAirport', at(-3), 'a 3-letter airport code');
    const to = check(c.take(3, 'toAirport'), /^[A-Z]{3}$/, 'toAirport', at(-3), 'a 3-letter airport code');
    const operatingCarrier = check(c.take(3, 'operatingCarrier'), /^[A-Z0-9]{2,3} ?$/, 'operatingCarrier', at(-3), 'an airline designator');
    const flightNumber = check(
      c.take(5, 'flightNumber'),
      /^[0-9 ]{1,4}[0-9][A-Z ]?$|^\d{4}[A-Z ]$/,
      'flightNumber',
      at(-5),
      'a flight number',
    );
    const dayText = c.take(3, 'dateOfFlight');
    const flightDay = Number(dayText);
    if (!/^\d{3}$/.test(dayText) || flightDay < 1 || flightDay > 366)
      throw new BcbpError('dateOfFlight', at(-3), `"${dayText}" is not a day of the year 001-366`);
    const compartment = check(c.take(1, 'compartment'), /^[A-Z]$/, 'compartment', at(-1), 'a compartment letter');
    const seat = c.take(4, 'seat');
    const checkInSequence = c.take(5, 'checkInSequence');
    const passengerStatus = c.take(1, 'passengerStatus');
    const variableSize = c.hex('variableSizeField');
    const blockEnd = c.at + variableSize;
    if (blockEnd > c.text.length) throw new BcbpError('variableSizeField', c.at - 2, `declares ${variableSize} characters, ${c.left} left`);
    const legData: BcbpLeg = {
      pnr: pnr.trim(),
      from,
      to,
      operatingCarrier: operatingCarrier.trim(),
      flightNumber: flightNumber.trim(),
      flightDay,
      compartment,
      seat: seat.trim(),
      checkInSequence: checkInSequence.trim(),
      passengerStatus,
      conditional: {},
      airlineUse: '',
    };
    if (variableSize > 0) {
      if (leg === 0 && c.text[c.at] === '>') {
        c.take(1, 'versionBeginning');
        const v = c.take(1, 'versionNumber');
        pass.version = /^\d$/.test(v) ? Number(v) : null;
        const uniqueSize = c.hex('uniqueConditionalSize');
        if (c.at + uniqueSize > blockEnd)
          throw new BcbpError('uniqueConditionalSize', c.at - 2, `declares ${uniqueSize} characters past the leg's variable field`);
        const u = trimmed(structured(c, uniqueSize, UNIQUE as [string, number][], 'uniqueConditional'));
        const { bagTag1, bagTag2, bagTag3, ...rest } = u as Record<string, string | undefined>;
        const bagTags = [bagTag1, bagTag2, bagTag3].filter((b): b is string => !!b);
        pass.unique = { ...rest, ...(bagTags.length ? { bagTags } : {}) };
      }
      if (c.at + 2 <= blockEnd) {
        const repeatedSize = c.hex('repeatedConditionalSize');
        if (c.at + repeatedSize > blockEnd)
          throw new BcbpError('repeatedConditionalSize', c.at - 2, `declares ${repeatedSize} characters past the leg's variable field`);
        legData.conditional = trimmed(structured(c, repeatedSize, REPEATED, 'repeatedConditional'));
      }
      if (c.at > blockEnd) throw new BcbpError('variableSizeField', blockEnd, 'conditional items run past the declared size');
      legData.airlineUse = c.take(blockEnd - c.at, 'airlineUse');
    }
    pass.legs.push(legData);
  }
  if (c.left > 0) {
    const at = c.at;
    if (c.take(1, 'securityDataBeginning') !== '^') throw new BcbpError('securityDataBeginning', at, 'expected "^" or the end of the data');
    const type = c.take(1, 'securityDataType');
    const len = c.hex('securityDataLength');
    const data = c.take(len, 'securityData');
    if (c.left > 0) throw new BcbpError('securityData', c.at, `${c.left} characters after the security data`);
    pass.security = { type, data };
  }
  return pass;
}
