// What the kiosk prints: a ticket as a short list of lines, independent of the printer's
// command language. The driver turns it into ESC/POS (drivers/printer/encode.ts).

export type TextSize = 'normal' | 'double' | 'big';
export type Align = 'left' | 'center' | 'right';

export type TicketLine =
  { text: string; size?: TextSize; align?: Align; bold?: boolean } | { rule: true } | { qr: string } | { feed: number };

export interface TicketDocument {
  lines: TicketLine[];
  /** Cut the paper after the ticket (the end of a ticket for whoever reads the stream). */
  cut: boolean;
}

/** Character magnification of each size (width and height alike): 1, 2 and 4 times Font A. */
export const SIZE_SCALE: Record<TextSize, number> = { normal: 1, double: 2, big: 4 };

/** Limits that keep one ticket to paper a person can carry, and a QR code a printer accepts. */
export const MAX_LINES = 200;
export const MAX_TEXT = 1000;
export const MAX_QR = 700;
export const MAX_FEED = 20;

/** The first thing wrong with a document, or null: the kiosk builds tickets, but a bug should print nothing rather than a mess. */
export function checkDocument(doc: TicketDocument): string | null {
  if (doc.lines.length > MAX_LINES) return `${doc.lines.length} lines; at most ${MAX_LINES}`;
  for (const [i, item] of doc.lines.entries()) {
    if ('text' in item) {
      if (item.text.length > MAX_TEXT) return `line ${i}: text of ${item.text.length} characters; at most ${MAX_TEXT}`;
      // Control characters would be taken by the printer as commands.
      if (/[\u0000-\u001f\u007f]/.test(item.text)) return `line ${i}: a control character in the text`;
    } else if ('qr' in item) {
      if (item.qr.length === 0 || item.qr.length > MAX_QR) return `line ${i}: QR data of ${item.qr.length} characters; 1 to ${MAX_QR}`;
    } else if ('feed' in item) {
      if (!Number.isInteger(item.feed) || item.feed < 0 || item.feed > MAX_FEED)
        return `line ${i}: feed ${item.feed}; 0 to ${MAX_FEED} lines`;
    }
  }
  return null;
}
