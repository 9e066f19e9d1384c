// The printer driver's encoder wrapper against the virtual printer's own decoder: what the kiosk
// asks for is what a printer would read.
import { describe, expect, it } from 'vitest';
import { DocumentError, encodeTicket } from '../../drivers/printer/encode.js';
import type { TicketDocument } from '../../drivers/printer/document.js';
import { ALL_VIETNAMESE, NAME_LINE } from '../../drivers/printer/test/vietnamese.js';
import { EscPosDecoder, ticketText, type DecodedTicket } from '../escpos-decoder.js';

function decode(bytes: Uint8Array): { tickets: DecodedTicket[]; skipped: string[] } {
  const tickets: DecodedTicket[] = [];
  const skipped: string[] = [];
  for (const e of new EscPosDecoder().push(bytes)) {
    if (e.kind === 'ticket') tickets.push(e.ticket);
    if (e.kind === 'skipped') skipped.push(e.reason);
  }
  return { tickets, skipped };
}

describe('encodeTicket, codepage mode', () => {
  it('Vietnamese with every tone mark comes back exactly (lines wrapped by the encoder)', async () => {
    for (const text of [NAME_LINE, ALL_VIETNAMESE]) {
      const { tickets, skipped } = decode(await encodeTicket({ lines: [{ text }], cut: true }, { text: 'codepage' }));
      expect(skipped).toEqual([]);
      expect(tickets).toHaveLength(1);
      expect(tickets[0]!.cut).toBe(true);
      expect(ticketText(tickets[0]!).split('\n').join(' ')).toBe(text);
    }
  });

  it('keeps sizes, bold, rules, QR codes and feeds', async () => {
    const doc: TicketDocument = {
      lines: [
        { text: 'BỆNH VIỆN ĐA KHOA', align: 'center', bold: true },
        { rule: true },
        { text: 'A-N-0042', size: 'big', align: 'center' },
        { text: 'Số thứ tự', size: 'double' },
        { qr: 'A-N-0042|2025-01-02' },
        { feed: 1 },
        { text: 'Xin cảm ơn' },
      ],
      cut: true,
    };
    const { tickets } = decode(await encodeTicket(doc, { text: 'codepage' }));
    const lines = tickets[0]!.lines.filter((l) => l.kind !== 'text' || l.text.trim() !== '');
    expect(lines.map((l) => (l.kind === 'text' ? l.text.trim() : l.kind))).toEqual([
      'BỆNH VIỆN ĐA KHOA',
      '─'.repeat(48),
      'A-N-0042',
      'Số thứ tự',
      'qr',
      'Xin cảm ơn',
    ]);
    expect(lines[0]).toMatchObject({ bold: true, scale: 1 });
    expect(lines[2]).toMatchObject({ bold: false, scale: 4 });
    expect(lines[3]).toMatchObject({ scale: 2 });
    expect(lines[4]).toMatchObject({ kind: 'qr', data: 'A-N-0042|2025-01-02', align: 'center' });
  });

  it('two tickets in one stream are two tickets; no cut means none yet', async () => {
    const one = await encodeTicket({ lines: [{ text: 'một' }], cut: true }, { text: 'codepage' });
    const two = await encodeTicket({ lines: [{ text: 'hai' }], cut: false }, { text: 'codepage' });
    const d = new EscPosDecoder();
    const events = [...d.push(one), ...d.push(two)];
    expect(events.filter((e) => e.kind === 'ticket')).toHaveLength(1);
    const end = d.end().filter((e) => e.kind === 'ticket');
    expect(end).toHaveLength(1);
    expect(end[0]!.kind === 'ticket' && ticketText(end[0]!.ticket)).toBe('hai');
  });

  it('refuses a document a printer would misread', async () => {
    await expect(encodeTicket({ lines: [{ text: 'a\u001bb' }], cut: true }, { text: 'codepage' })).rejects.toThrow(DocumentError);
    await expect(encodeTicket({ lines: [{ feed: 99 }], cut: true }, { text: 'codepage' })).rejects.toThrow(/feed 99/);
    await expect(encodeTicket({ lines: [{ qr: '' }], cut: true }, { text: 'codepage' })).rejects.toThrow(DocumentError);
  });
});

describe('encodeTicket, raster mode', () => {
  it('sends the text as a 576-dot-wide raster image with ink on it, the QR code as the printer’s own', async () => {
    const doc: TicketDocument = {
      lines: [{ text: NAME_LINE }, { text: 'A-N-0042', size: 'big', align: 'center' }, { qr: 'A-N-0042' }],
      cut: true,
    };
    const { tickets, skipped } = decode(await encodeTicket(doc, { text: 'raster' }));
    expect(skipped).toEqual([]);
    const images = tickets[0]!.lines.filter((l) => l.kind === 'image');
    expect(images).toHaveLength(1);
    const image = images[0]!;
    if (image.kind !== 'image') throw new Error('not an image');
    expect(image.width).toBe(576);
    // Two rows of normal text and one of big text: 2 × 32 + 4 × 32 dots.
    expect(image.height).toBe(192);
    const ink = image.dots.reduce((n, d) => n + d, 0);
    expect(ink).toBeGreaterThan(1000);
    expect(ink).toBeLessThan(image.dots.length / 2);
    expect(tickets[0]!.lines.some((l) => l.kind === 'qr' && l.data === 'A-N-0042')).toBe(true);
    // No text reaches the printer as characters in raster mode.
    expect(ticketText(tickets[0]!)).not.toMatch(/Nguy/);
  });

  it('is 384 dots wide for 58 mm paper (32 columns)', async () => {
    const { tickets } = decode(await encodeTicket({ lines: [{ text: 'Phòng khám' }], cut: true }, { text: 'raster', columns: 32 }));
    const image = tickets[0]!.lines.find((l) => l.kind === 'image');
    expect(image).toMatchObject({ kind: 'image', width: 384, height: 32 });
  });
});

describe('EscPosDecoder on malformed input', () => {
  it('skips unknown commands and oversized blocks, and never throws', () => {
    const d = new EscPosDecoder();
    const events = [
      ...d.push(Uint8Array.of(0x1b, 0xff, 0x41, 0x1d, 0xfe, 0x42, 0x0a)),
      // GS v 0 declaring 65535 x 65535 bytes: skipped, and the decoder keeps going after it.
      ...d.push(Uint8Array.of(0x1d, 0x76, 0x30, 0, 0xff, 0xff, 0xff, 0xff, 1, 2, 3)),
    ];
    expect(events.filter((e) => e.kind === 'skipped')).toHaveLength(3);
    for (let seed = 1; seed < 200; seed++) {
      let x = seed;
      const noise = Uint8Array.from({ length: 512 }, () => ((x = (x * 1103515245 + 12345) >>> 0) >>> 24) & 0xff);
      const fresh = new EscPosDecoder();
      expect(() => [...fresh.push(noise.subarray(0, 200)), ...fresh.push(noise.subarray(200)), ...fresh.end()]).not.toThrow();
    }
  });

  it('answers status queries between commands, split over chunks', () => {
    const d = new EscPosDecoder();
    expect(d.push(Uint8Array.of(0x10, 0x04))).toEqual([]);
    expect(d.push(Uint8Array.of(0x01, 0x10, 0x04, 0x04))).toEqual([
      { kind: 'status-query', n: 1 },
      { kind: 'status-query', n: 4 },
    ]);
  });
});
