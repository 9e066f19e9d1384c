// Our own reading of the ESC/POS a kiosk sends, for the virtual printer: a streaming decoder
// that knows the length of every command the ticket driver (and most receipt software) uses,
// so that bytes inside an image or a QR code are never taken for commands. It yields status
// queries as they come (the printer answers those at once), and a ticket at each cut.
// Unknown commands and oversized blocks are skipped with a reason, never thrown.

export type DecodedAlign = 'left' | 'center' | 'right';

export type DecodedLine =
  /** `text` is as printed, NFC; `indent` the dots of the spaces before it (senders align text with them). */
  | { kind: 'text'; text: string; indent: number; align: DecodedAlign; bold: boolean; scale: number }
  | { kind: 'image'; width: number; height: number; dots: Uint8Array }
  | { kind: 'qr'; data: string; align: DecodedAlign };

export interface DecodedTicket {
  lines: DecodedLine[];
  /** False when the connection ended before a cut. */
  cut: boolean;
}

export type DecoderEvent =
  { kind: 'status-query'; n: number } | { kind: 'ticket'; ticket: DecodedTicket } | { kind: 'skipped'; reason: string };

const ESC = 0x1b;
const GS = 0x1d;
const FS = 0x1c;
const DLE = 0x10;
const LF = 0x0a;

/** Largest block (image, stored graphics) the decoder keeps; bigger ones are skipped. */
export const MAX_BLOCK = 4 * 1024 * 1024;

/** Byte → character for the code pages ESC t selects on Epson-numbered printers. */
function tableOf(encoding: string): string[] {
  const high = [...new TextDecoder(encoding).decode(Uint8Array.from({ length: 128 }, (_, i) => 0x80 + i))];
  return [...Array.from({ length: 128 }, (_, i) => String.fromCharCode(i)), ...high];
}
const CP437_BOX: Record<number, string> = { 0xb3: '│', 0xc4: '─', 0xcd: '═', 0xba: '║' };
const CP437 = Array.from({ length: 256 }, (_, i) => (i < 0x80 ? String.fromCharCode(i) : (CP437_BOX[i] ?? '\ufffd')));
const CODE_PAGES: Record<number, string[]> = { 0: CP437, 16: tableOf('windows-1252'), 52: tableOf('windows-1258') };

/** ESC x commands that take n parameter bytes (the rest of the ESC set is handled below). */
const ESC_PARAMS: Record<number, number> = {
  0x20: 1,
  0x21: 1,
  0x24: 2,
  0x25: 1,
  0x2d: 1,
  0x32: 0,
  0x33: 1,
  0x34: 1,
  0x3d: 1,
  0x40: 0,
  0x44: 0,
  0x45: 1,
  0x47: 1,
  0x4a: 1,
  0x4b: 1,
  0x4d: 1,
  0x52: 1,
  0x53: 0,
  0x54: 1,
  0x55: 1,
  0x56: 1,
  0x5c: 2,
  0x61: 1,
  0x64: 1,
  0x69: 0,
  0x6d: 0,
  0x70: 3,
  0x72: 1,
  0x74: 1,
  0x7b: 1,
};
/** GS x commands with a fixed number of parameter bytes. */
const GS_PARAMS: Record<number, number> = {
  0x21: 1,
  0x24: 2,
  0x2f: 1,
  0x3a: 0,
  0x42: 1,
  0x48: 1,
  0x49: 1,
  0x4c: 2,
  0x50: 2,
  0x57: 2,
  0x5c: 2,
  0x61: 1,
  0x62: 1,
  0x66: 1,
  0x68: 1,
  0x72: 1,
  0x77: 1,
};
/** FS x commands with a fixed number of parameter bytes. */
const FS_PARAMS: Record<number, number> = { 0x21: 1, 0x26: 0, 0x2d: 1, 0x2e: 0, 0x43: 1, 0x53: 2, 0x57: 1, 0x70: 2 };

type Step = { used: number; events?: DecoderEvent[] } | null;

export class EscPosDecoder {
  private buf = new Uint8Array(0);
  private discard = 0;
  private lines: DecodedLine[] = [];
  private text = '';
  private indent = 0;
  private widthScale = 1;
  private lineStyle: { align: DecodedAlign; bold: boolean; scale: number } | null = null;
  private qrData: string | null = null;
  // Printer state, reset by ESC @.
  private codePage = 0;
  private align: DecodedAlign = 'left';
  private bold = false;
  private scale = 1;

  /** Feeds bytes as they arrive; returns what they completed. */
  push(chunk: Uint8Array): DecoderEvent[] {
    const events: DecoderEvent[] = [];
    let data = chunk;
    if (this.discard > 0) {
      const n = Math.min(this.discard, data.length);
      this.discard -= n;
      data = data.subarray(n);
    }
    const joined = new Uint8Array(this.buf.length + data.length);
    joined.set(this.buf);
    joined.set(data, this.buf.length);
    let at = 0;
    while (at < joined.length) {
      const step = this.step(joined, at);
      if (step === null) break;
      if (step.events) events.push(...step.events);
      at += step.used;
      if (at > joined.length) {
        // A skipped block that goes on in later chunks.
        this.discard = at - joined.length;
        at = joined.length;
      }
    }
    this.buf = joined.slice(at);
    return events;
  }

  /** The connection ended: what was printed without a cut is still a ticket. */
  end(): DecoderEvent[] {
    const events: DecoderEvent[] = [];
    if (this.buf.length) events.push({ kind: 'skipped', reason: `${this.buf.length} bytes of an unfinished command at the end` });
    this.buf = new Uint8Array(0);
    this.endLine(false);
    if (this.lines.some((l) => l.kind !== 'text' || l.text.trim() !== '')) events.push(this.ticket(false));
    this.lines = [];
    return events;
  }

  private ticket(cut: boolean): DecoderEvent {
    const lines = this.lines;
    this.lines = [];
    return { kind: 'ticket', ticket: { lines, cut } };
  }

  private reset(): void {
    this.codePage = 0;
    this.align = 'left';
    this.bold = false;
    this.scale = 1;
    this.widthScale = 1;
  }

  private addText(s: string): void {
    // Leading spaces are padding, each as wide as the size it was printed at (Font A: 12 dots).
    if (this.text === '' && s === ' ') {
      this.indent += 12 * this.widthScale;
      return;
    }
    if (!this.lineStyle) this.lineStyle = { align: this.align, bold: this.bold, scale: this.scale };
    else {
      this.lineStyle.bold ||= this.bold;
      this.lineStyle.scale = Math.max(this.lineStyle.scale, this.scale);
    }
    this.text += s;
  }

  /** Ends the line being printed; `always`: an empty line too (LF feeds paper). */
  private endLine(always: boolean): void {
    if (!this.lineStyle && !always) return;
    const style = this.lineStyle ?? { align: this.align, bold: false, scale: 1 };
    this.lines.push({ kind: 'text', text: this.text.normalize('NFC'), indent: this.indent, ...style });
    this.text = '';
    this.indent = 0;
    this.lineStyle = null;
  }

  /** One command or character at `at`; null when more bytes are needed. */
  private step(b: Uint8Array, at: number): Step {
    const byte = b[at]!;
    const left = b.length - at;
    if (byte >= 0x20 && byte !== 0x7f) {
      this.addText((CODE_PAGES[this.codePage] ?? CP437)[byte]!);
      return { used: 1 };
    }
    if (byte === LF) {
      this.endLine(true);
      return { used: 1 };
    }
    if (byte === 0x09) {
      this.addText(' ');
      return { used: 1 };
    }
    if (byte === 0x18) {
      this.text = '';
      this.indent = 0;
      this.lineStyle = null;
      return { used: 1 };
    }
    if (byte === DLE) return this.dle(b, at, left);
    if (byte === ESC || byte === GS || byte === FS) {
      if (left < 2) return null;
      const fn = b[at + 1]!;
      if (byte === ESC) return this.esc(b, at, fn, left);
      if (byte === GS) return this.gs(b, at, fn, left);
      const n = FS_PARAMS[fn];
      if (fn === 0x28) return this.sized(b, at, left, () => undefined);
      if (n === undefined) return { used: 2, events: [{ kind: 'skipped', reason: `unknown command FS 0x${hex(fn)}` }] };
      return left < 2 + n ? null : { used: 2 + n };
    }
    // CR, NUL and other control bytes print nothing.
    return { used: 1 };
  }

  private dle(b: Uint8Array, at: number, left: number): Step {
    if (left < 3) return null;
    const fn = b[at + 1]!;
    if (fn === 0x04) return { used: 3, events: [{ kind: 'status-query', n: b[at + 2]! }] };
    if (fn === 0x05) return { used: 3 };
    if (fn === 0x14) {
      const len = b[at + 2] === 8 ? 10 : 5;
      return left < len ? null : { used: len };
    }
    // A lone DLE is a character in some code pages; here it prints nothing.
    return { used: 1 };
  }

  private esc(b: Uint8Array, at: number, fn: number, left: number): Step {
    if (fn === 0x2a) {
      // ESC * m nL nH: a column image, 1 or 3 bytes a column.
      if (left < 5) return null;
      const cols = b[at + 3]! | (b[at + 4]! << 8);
      const per = b[at + 2]! >= 32 ? 3 : 1;
      return { used: 5 + cols * per, events: [{ kind: 'skipped', reason: 'column image (ESC *) not decoded' }] };
    }
    const n = ESC_PARAMS[fn];
    if (n === undefined) return { used: 2, events: [{ kind: 'skipped', reason: `unknown command ESC 0x${hex(fn)}` }] };
    if (left < 2 + n) return null;
    const p = b[at + 2] ?? 0;
    switch (fn) {
      case 0x40:
        this.reset();
        break;
      case 0x45:
      case 0x47:
        this.bold = (p & 1) === 1;
        break;
      case 0x21:
        this.bold = (p & 0x08) !== 0;
        this.scale = p & 0x30 ? 2 : 1;
        this.widthScale = p & 0x20 ? 2 : 1;
        break;
      case 0x61:
        this.align = p % 48 === 1 ? 'center' : p % 48 === 2 ? 'right' : 'left';
        break;
      case 0x74:
        if (!(p in CODE_PAGES)) {
          this.codePage = p;
          return { used: 3, events: [{ kind: 'skipped', reason: `code page ${p} is not known to the virtual printer` }] };
        }
        this.codePage = p;
        break;
      case 0x64:
        this.endLine(false);
        for (let i = 0; i < p; i++) this.endLine(true);
        break;
      case 0x69:
      case 0x6d:
        this.endLine(false);
        return { used: 2, events: [this.ticket(true)] };
    }
    return { used: 2 + n };
  }

  private gs(b: Uint8Array, at: number, fn: number, left: number): Step {
    if (fn === 0x56) {
      // GS V m [n]: the cut, the end of a ticket.
      if (left < 3) return null;
      const m = b[at + 2]!;
      const len = m === 0 || m === 1 || m === 48 || m === 49 ? 3 : 4;
      if (left < len) return null;
      this.endLine(false);
      return { used: len, events: [this.ticket(true)] };
    }
    if (fn === 0x76) return this.raster(b, at, left);
    if (fn === 0x28) return this.sized(b, at, left, (body) => this.gsParen(b[at + 2]!, body));
    if (fn === 0x38) {
      // GS 8 L p1 p2 p3 p4: stored graphics with a 4-byte length.
      if (left < 7) return null;
      const p = b[at + 3]! + b[at + 4]! * 0x100 + b[at + 5]! * 0x10000 + b[at + 6]! * 0x1000000;
      return { used: 7 + p, events: [{ kind: 'skipped', reason: 'graphics (GS 8 L) not decoded' }] };
    }
    if (fn === 0x6b) {
      // GS k m: a barcode, NUL-ended (m ≤ 6) or with its length (m ≥ 65).
      if (left < 3) return null;
      const m = b[at + 2]!;
      if (m <= 6) {
        const end = b.indexOf(0, at + 3);
        return end < 0 ? null : { used: end + 1 - at, events: [{ kind: 'skipped', reason: 'barcode not decoded' }] };
      }
      if (left < 4) return null;
      return { used: 4 + b[at + 3]!, events: [{ kind: 'skipped', reason: 'barcode not decoded' }] };
    }
    const n = GS_PARAMS[fn];
    if (n === undefined) return { used: 2, events: [{ kind: 'skipped', reason: `unknown command GS 0x${hex(fn)}` }] };
    if (left < 2 + n) return null;
    if (fn === 0x21) {
      const p = b[at + 2]!;
      this.scale = Math.max((p >> 4) + 1, (p & 0x0f) + 1);
      this.widthScale = (p >> 4) + 1;
    }
    return { used: 2 + n };
  }

  /** GS v 0 m xL xH yL yH d…: a raster image, xL+xH×256 bytes a row. */
  private raster(b: Uint8Array, at: number, left: number): Step {
    if (left < 8) return null;
    const bytesPerRow = b[at + 4]! | (b[at + 5]! << 8);
    const height = b[at + 6]! | (b[at + 7]! << 8);
    const size = bytesPerRow * height;
    if (b[at + 2] !== 0x30 || size > MAX_BLOCK || size === 0)
      return { used: 8 + size, events: [{ kind: 'skipped', reason: `raster image of ${bytesPerRow}x${height} bytes not kept` }] };
    if (left < 8 + size) return null;
    const width = bytesPerRow * 8;
    const dots = new Uint8Array(width * height);
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++) dots[y * width + x] = (b[at + 8 + y * bytesPerRow + (x >> 3)]! >> (7 - (x & 7))) & 1;
    this.endLine(false);
    this.lines.push({ kind: 'image', width, height, dots });
    return { used: 8 + size };
  }

  /** GS ( fn pL pH …, FS ( fn pL pH …: a command that says its own length. */
  private sized(b: Uint8Array, at: number, left: number, body: (data: Uint8Array) => DecoderEvent[] | undefined): Step {
    if (left < 5) return null;
    const p = b[at + 3]! | (b[at + 4]! << 8);
    if (p > MAX_BLOCK) return { used: 5 + p, events: [{ kind: 'skipped', reason: `a block of ${p} bytes not kept` }] };
    if (left < 5 + p) return null;
    const events = body(b.subarray(at + 5, at + 5 + p));
    return events ? { used: 5 + p, events } : { used: 5 + p };
  }

  /** GS ( k: the QR code (cn 49): fn 80 stores its data, fn 81 prints it. */
  private gsParen(fn: number, body: Uint8Array): DecoderEvent[] | undefined {
    if (fn !== 0x6b || body[0] !== 49) return undefined;
    if (body[1] === 80) {
      const decoded = new TextDecoder('utf-8', { fatal: false }).decode(body.subarray(3));
      this.qrData = decoded;
    } else if (body[1] === 81) {
      if (this.qrData === null) return [{ kind: 'skipped', reason: 'QR code printed before its data was stored' }];
      this.endLine(false);
      this.lines.push({ kind: 'qr', data: this.qrData, align: this.align });
    }
    return undefined;
  }
}

const hex = (n: number) => n.toString(16).padStart(2, '0');

/** A ticket as plain text: lines trimmed, an image and a QR code named, blank lines at the ends dropped. */
export function ticketText(ticket: DecodedTicket): string {
  const rows = ticket.lines.map((l) =>
    l.kind === 'text' ? l.text.trim() : l.kind === 'image' ? `[image ${l.width}x${l.height}]` : `[QR ${l.data}]`,
  );
  while (rows.length && rows[0] === '') rows.shift();
  while (rows.length && rows[rows.length - 1] === '') rows.pop();
  return rows.join('\n');
}
