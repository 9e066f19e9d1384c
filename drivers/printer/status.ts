// ESC/POS real-time status: DLE EOT n (0x10 0x04 n) makes the printer answer one byte at
// once, even while it holds print data. Each reply has bits 0 and 7 clear and bits 1 and 4
// set; a byte without that pattern is not a status reply (a stray byte, another protocol).

export type PrinterState = 'ready' | 'paper-out' | 'paper-low' | 'cover-open' | 'offline' | 'error' | 'unreachable';

export interface PrinterStatus {
  state: PrinterState;
  detail: string;
}

/** The status kinds the driver asks for: 1 printer, 2 offline cause, 4 roll paper sensor. */
export const STATUS_QUERIES = [1, 2, 4] as const;
export type StatusQuery = (typeof STATUS_QUERIES)[number];

export const DLE = 0x10;
export const EOT = 0x04;

export function statusQuery(n: StatusQuery): Uint8Array {
  return Uint8Array.of(DLE, EOT, n);
}

/** All three queries in one write; the printer answers with three bytes, in order. */
export const STATUS_REQUEST: Uint8Array = Uint8Array.from(STATUS_QUERIES.flatMap((n) => [DLE, EOT, n]));

export class StatusParseError extends Error {
  constructor(
    message: string,
    readonly bytes: Uint8Array,
  ) {
    super(message);
    this.name = 'StatusParseError';
  }
}

const FIXED_MASK = 0x93;
const FIXED_VALUE = 0x12;

export interface PrinterBits {
  /** n = 1, bit 3. */
  offline: boolean;
}
export interface OfflineBits {
  /** n = 2, bit 2. */
  coverOpen: boolean;
  /** bit 3: paper being fed with the FEED button. */
  feedButton: boolean;
  /** bit 5: printing stopped at the end of the paper. */
  paperEndStop: boolean;
  /** bit 6: an error (cutter, head temperature, …). */
  error: boolean;
}
export interface PaperBits {
  /** n = 4, bits 2 and 3: the roll is near its end. */
  nearEnd: boolean;
  /** bits 5 and 6: no paper. */
  end: boolean;
}

function checkFixed(n: number, byte: number): void {
  if ((byte & FIXED_MASK) !== FIXED_VALUE)
    throw new StatusParseError(
      `0x${byte.toString(16).padStart(2, '0')} is not a reply to DLE EOT ${n} (bits 0,7 must be 0 and 1,4 be 1)`,
      Uint8Array.of(byte),
    );
}

export function parsePrinterByte(byte: number): PrinterBits {
  checkFixed(1, byte);
  return { offline: (byte & 0x08) !== 0 };
}

export function parseOfflineByte(byte: number): OfflineBits {
  checkFixed(2, byte);
  return { coverOpen: (byte & 0x04) !== 0, feedButton: (byte & 0x08) !== 0, paperEndStop: (byte & 0x20) !== 0, error: (byte & 0x40) !== 0 };
}

export function parsePaperByte(byte: number): PaperBits {
  checkFixed(4, byte);
  // Each pair of bits is one sensor; printers set both bits of a pair, some only one: either counts.
  return { nearEnd: (byte & 0x0c) !== 0, end: (byte & 0x60) !== 0 };
}

/** The three reply bytes of STATUS_REQUEST → the one state the kiosk shows, worst first. */
export function parseStatusReply(reply: Uint8Array): PrinterStatus {
  if (reply.length !== STATUS_QUERIES.length)
    throw new StatusParseError(`expected ${STATUS_QUERIES.length} status bytes, got ${reply.length}`, reply);
  const printer = parsePrinterByte(reply[0]!);
  const offline = parseOfflineByte(reply[1]!);
  const paper = parsePaperByte(reply[2]!);
  if (paper.end || offline.paperEndStop) return { state: 'paper-out', detail: 'no paper: load a new roll' };
  if (offline.coverOpen) return { state: 'cover-open', detail: 'the cover is open' };
  if (offline.error)
    return {
      state: 'error',
      detail: 'the printer reports an error (cutter jam or head temperature); open and close the cover, or switch it off and on',
    };
  if (printer.offline)
    return { state: 'offline', detail: offline.feedButton ? 'paper is being fed with the FEED button' : 'the printer is offline' };
  if (paper.nearEnd) return { state: 'paper-low', detail: 'the paper roll is near its end' };
  return { state: 'ready', detail: 'ready' };
}

/** The reply bytes a printer in `state` sends (the virtual printer's side, and tests). */
export function statusBytesFor(state: 'ready' | 'paper-out' | 'paper-low' | 'cover-open' | 'error'): [number, number, number] {
  const base = FIXED_VALUE;
  switch (state) {
    case 'ready':
      return [base, base, base];
    case 'paper-low':
      return [base, base, base | 0x0c];
    case 'paper-out':
      return [base | 0x08, base | 0x20, base | 0x6c];
    case 'cover-open':
      return [base | 0x08, base | 0x04, base];
    case 'error':
      return [base | 0x08, base | 0x40, base];
  }
}
