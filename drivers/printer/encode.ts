// TicketDocument → ESC/POS bytes, through @point-of-sale/receipt-printer-encoder (code pages,
// sizes, QR codes, raster images, cut); this module only decides what to ask it for.
import ReceiptPrinterEncoder from '@point-of-sale/receipt-printer-encoder';
import { toCp1258Form } from './cp1258.js';
import { checkDocument, SIZE_SCALE, type TicketDocument, type TicketLine } from './document.js';
import { renderLines, toRgba } from './raster.js';

/** How Vietnamese reaches the paper: the printer's Windows-1258 code page, or text drawn as an image. */
export type TextMode = 'codepage' | 'raster';

/** Printer families whose code page numbers the encoder knows (ESC t n differs between makers). */
export const CODEPAGE_MAPPINGS = ['epson', 'bixolon', 'citizen', 'pos-5890', 'pos-8360', 'youku'] as const;
export type CodepageMapping = (typeof CODEPAGE_MAPPINGS)[number];

export interface EncodeOptions {
  text: TextMode;
  /** Default 'epson' (ESC t 52 is Windows-1258). */
  codepageMapping?: CodepageMapping;
  /** Font A columns: 48 on 80 mm paper (576 dots), 32 on 58 mm (384 dots). */
  columns?: number;
}

export class DocumentError extends Error {
  override name = 'DocumentError';
}

const QR = { model: 2, size: 6, errorlevel: 'm' } as const;

export async function encodeTicket(doc: TicketDocument, options: EncodeOptions): Promise<Uint8Array> {
  const problem = checkDocument(doc);
  if (problem) throw new DocumentError(problem);
  const enc = new ReceiptPrinterEncoder({
    language: 'esc-pos',
    columns: options.columns ?? 48,
    codepageMapping: options.codepageMapping ?? 'epson',
    imageMode: 'raster',
    feedBeforeCut: 4,
  });
  enc.initialize();
  if (options.text === 'codepage') {
    enc.codepage('windows1258');
    for (const line of doc.lines) codepageLine(enc, line);
  } else {
    // Runs of text, rules and feeds become one image each; QR codes stay the printer's own.
    let run: TicketLine[] = [];
    const flush = async () => {
      if (run.length === 0) return;
      const bitmap = await renderLines(run, enc.printableWidth);
      enc.align('left').image(toRgba(bitmap), { width: bitmap.width, height: bitmap.height, algorithm: 'threshold', mode: 'raster' });
      run = [];
    };
    for (const line of doc.lines) {
      if ('qr' in line) {
        await flush();
        qrLine(enc, line.qr);
      } else run.push(line);
    }
    await flush();
  }
  if (doc.cut) enc.cut('full');
  return enc.encode();
}

function codepageLine(enc: ReceiptPrinterEncoder, line: TicketLine): void {
  if ('text' in line) {
    const scale = SIZE_SCALE[line.size ?? 'normal'];
    enc
      .align(line.align ?? 'left')
      .bold(line.bold ?? false)
      .size(scale, scale)
      .line(toCp1258Form(line.text))
      .bold(false)
      .size(1, 1)
      .align('left');
  } else if ('rule' in line) enc.rule();
  else if ('qr' in line) qrLine(enc, line.qr);
  else if (line.feed > 0) enc.newline(line.feed);
}

function qrLine(enc: ReceiptPrinterEncoder, data: string): void {
  enc.align('center').qrcode(data, QR).align('left');
}
