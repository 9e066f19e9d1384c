// What a scanned payload is: an IATA boarding pass, a CCCD front QR code, or unknown.
import { BcbpError, parseBcbp, type Bcbp } from './bcbp.js';
import { CccdQrError, parseCccdQr, type CccdQr } from './cccd-qr.js';

export type Payload = { kind: 'bcbp'; pass: Bcbp } | { kind: 'cccd-qr'; qr: CccdQr } | { kind: 'unknown'; length: number };

/** Classifies by shape, then parses; a payload of a known shape that fails its parser throws that parser's typed error. */
export function parsePayload(text: string): Payload {
  // A format letter and a leg digit: a boarding pass, even a damaged one (its error says where).
  if (/^[MS]\d/.test(text)) return { kind: 'bcbp', pass: parseBcbp(text) };
  if (text.split('|').length === 7 && /^\d{12}\|/.test(text)) return { kind: 'cccd-qr', qr: parseCccdQr(text) };
  return { kind: 'unknown', length: text.length };
}

export { BcbpError, CccdQrError };
