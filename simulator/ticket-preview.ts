// A picture of a decoded ticket as it would come out of an 80 mm printer: a 576-dot column,
// text in Font A's 12 × 24 cell (scaled), raster images dot for dot, a QR code as a framed
// box with its data (the virtual printer keeps the data, not the symbol).
import sharp from 'sharp';
import type { DecodedTicket } from './escpos-decoder.js';

export const PAPER_DOTS = 576;
const ROW = 24;
const FONT = 'DejaVu Sans';
const QR_BOX = 200;

const escapeXml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export async function ticketPng(ticket: DecodedTicket): Promise<Buffer> {
  const parts: string[] = [];
  const images: { input: Buffer; top: number; left: number }[] = [];
  let y = 8;
  for (const line of ticket.lines) {
    if (line.kind === 'text') {
      const h = ROW * line.scale;
      // The sender's padding, in dots, puts the text where the printer would.
      const x = line.align === 'center' ? PAPER_DOTS / 2 : line.align === 'right' ? PAPER_DOTS : line.indent;
      const anchor = line.align === 'center' ? 'middle' : line.align === 'right' ? 'end' : 'start';
      parts.push(
        `<text x="${x}" y="${y + Math.round(h * 0.78)}" font-family="${FONT}" font-size="${20 * line.scale}" text-anchor="${anchor}"` +
          `${line.bold ? ' font-weight="bold"' : ''} xml:space="preserve">${escapeXml(line.text)}</text>`,
      );
      y += h;
    } else if (line.kind === 'image') {
      const width = Math.min(line.width, PAPER_DOTS);
      const pixels = Buffer.alloc(width * line.height);
      for (let r = 0; r < line.height; r++) for (let c = 0; c < width; c++) pixels[r * width + c] = line.dots[r * line.width + c] ? 0 : 255;
      images.push({
        input: await sharp(pixels, { raw: { width, height: line.height, channels: 1 } })
          .png()
          .toBuffer(),
        top: y,
        left: 0,
      });
      y += line.height;
    } else {
      const left = line.align === 'left' ? 0 : line.align === 'right' ? PAPER_DOTS - QR_BOX : (PAPER_DOTS - QR_BOX) / 2;
      parts.push(
        `<rect x="${left + 2}" y="${y + 2}" width="${QR_BOX - 4}" height="${QR_BOX - 4}" fill="none" stroke="#000" stroke-width="4"/>`,
      );
      parts.push(
        `<text x="${left + QR_BOX / 2}" y="${y + QR_BOX / 2 - 8}" font-family="${FONT}" font-size="28" text-anchor="middle">QR</text>`,
      );
      parts.push(
        `<text x="${left + QR_BOX / 2}" y="${y + QR_BOX / 2 + 24}" font-family="${FONT}" font-size="14" text-anchor="middle">${escapeXml(line.data.slice(0, 24))}</text>`,
      );
      y += QR_BOX;
    }
  }
  const height = y + 8;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${PAPER_DOTS}" height="${height}"><rect width="100%" height="100%" fill="#fff"/>${parts.join('')}</svg>`;
  return sharp(Buffer.from(svg)).flatten({ background: '#ffffff' }).composite(images).png().toBuffer();
}
