// Raster mode: the ticket's text drawn into a 1-bit image on the computer (SVG rendered by
// sharp), sent as GS v 0. Any ESC/POS printer prints it, whatever code pages it has, and
// Vietnamese comes out exactly as the font draws it. Needs a font with Vietnamese glyphs:
// DejaVu Sans (Debian: fonts-dejavu-core); its Mono face lacks the composed Vietnamese letters.
import sharp from 'sharp';
import { SIZE_SCALE, type TicketLine } from './document.js';
import { wrapText } from './wrap.js';

/** One text row of size 1: 32 dots, room for a capital with a mark above (Ở) and one below (Ợ); a printer's own line is 30-34. */
export const ROW_DOTS = 32;
export const RASTER_FONT = 'DejaVu Sans';
const FONT_PX = 20;
// DejaVu Sans is proportional: lines are wrapped at 0.65 em a letter, wider than most text
// (capitals and m, w are wider still, and a line of them may reach the edge).
const LETTER_PX = 13;

export interface Bitmap {
  width: number;
  height: number;
  /** One byte per dot, 1 = black, row after row. */
  dots: Uint8Array;
}

const escapeXml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The SVG of text, rule and feed lines, `width` dots wide (a multiple of 8). */
export function linesSvg(lines: TicketLine[], width: number): { svg: string; height: number } {
  const columns = Math.floor(width / LETTER_PX);
  const parts: string[] = [];
  let y = 0;
  for (const line of lines) {
    if ('feed' in line) y += line.feed * ROW_DOTS;
    else if ('rule' in line) {
      parts.push(`<rect x="0" y="${y + ROW_DOTS / 2 - 1}" width="${width}" height="2"/>`);
      y += ROW_DOTS;
    } else if ('text' in line) {
      const scale = SIZE_SCALE[line.size ?? 'normal'];
      const align = line.align ?? 'left';
      const x = align === 'left' ? 0 : align === 'center' ? width / 2 : width;
      const anchor = align === 'left' ? 'start' : align === 'center' ? 'middle' : 'end';
      for (const row of wrapText(line.text.normalize('NFC'), Math.max(1, Math.floor(columns / scale)))) {
        // The baseline a quarter of the row above its bottom leaves room for the dot below (ậ).
        parts.push(
          `<text x="${x}" y="${y + Math.round(ROW_DOTS * scale * 0.75)}" font-family="${RASTER_FONT}" font-size="${FONT_PX * scale}"` +
            `${line.bold ? ' font-weight="bold"' : ''} text-anchor="${anchor}" xml:space="preserve">${escapeXml(row)}</text>`,
        );
        y += ROW_DOTS * scale;
      }
    }
  }
  const height = Math.max(8, Math.ceil(y / 8) * 8);
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">` +
    `<rect width="100%" height="100%" fill="#fff"/><g fill="#000">${parts.join('')}</g></svg>`;
  return { svg, height };
}

/** Renders lines to a 1-bit bitmap (black where the grey level is below 176: thin strokes such as the hook above stay). */
export async function renderLines(lines: TicketLine[], width: number): Promise<Bitmap> {
  const { svg, height } = linesSvg(lines, width);
  const { data, info } = await sharp(Buffer.from(svg))
    .flatten({ background: '#ffffff' })
    .greyscale()
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.width !== width || info.height !== height) throw new Error(`rendered ${info.width}x${info.height}, not ${width}x${height}`);
  const dots = new Uint8Array(width * height);
  for (let i = 0; i < dots.length; i++) dots[i] = data[i * info.channels]! < 176 ? 1 : 0;
  return { width, height, dots };
}

/** The bitmap as RGBA pixels, the form the encoder's image() takes. */
export function toRgba(bitmap: Bitmap): { data: Uint8ClampedArray; width: number; height: number } {
  const data = new Uint8ClampedArray(bitmap.width * bitmap.height * 4);
  for (let i = 0; i < bitmap.dots.length; i++) {
    const v = bitmap.dots[i] ? 0 : 255;
    data.set([v, v, v, 255], i * 4);
  }
  return { data, width: bitmap.width, height: bitmap.height };
}
