// A PrinterService printing to the virtual printer over real loopback TCP: tickets read back,
// paper-out and cover-open reported and refused, the printer switched off and on again.
import { createServer, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { PrinterService } from '../../drivers/printer/service.js';
import type { PrinterStatus } from '../../drivers/printer/status.js';
import { TcpTransport } from '../../drivers/printer/tcp-transport.js';
import { NAME_LINE } from '../../drivers/printer/test/vietnamese.js';
import { VirtualPrinter } from '../printer.js';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!();
});

async function printerOn(port = 0, state: VirtualPrinter['state'] = 'ready'): Promise<VirtualPrinter> {
  const p = new VirtualPrinter({ port, state });
  await p.start();
  cleanup.push(() => p.stop());
  return p;
}

function serviceFor(port: number, text: 'codepage' | 'raster' = 'codepage'): PrinterService {
  const s = new PrinterService({
    transport: new TcpTransport('127.0.0.1', port, 500),
    encode: { text },
    pollMs: 100,
    statusTimeoutMs: 500,
  });
  s.on('error', () => {});
  cleanup.push(() => s.stop());
  return s;
}

function statusBecomes(s: PrinterService, state: PrinterStatus['state'], timeoutMs = 5000): Promise<PrinterStatus> {
  if (s.status.state === state) return Promise.resolve(s.status);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`status not ${state} within ${timeoutMs} ms (is ${s.status.state}: ${s.status.detail})`)),
      timeoutMs,
    );
    const on = (st: PrinterStatus) => {
      if (st.state !== state) return;
      clearTimeout(timer);
      s.off('status', on);
      resolve(st);
    };
    s.on('status', on);
  });
}

const TICKET = { lines: [{ text: 'BỆNH VIỆN', align: 'center' as const, bold: true }, { text: NAME_LINE }, { qr: 'A-N-0042' }], cut: true };

describe('PrinterService and the virtual printer over loopback TCP', () => {
  it('prints a ticket whose text reads back equal, with a 576-dot PNG preview', async () => {
    const printer = await printerOn();
    const service = serviceFor(printer.port);
    const next = printer.nextTicket();
    expect(await service.print(TICKET)).toEqual({ ok: true });
    const ticket = await next;
    const rows = ticket.text.split('\n');
    expect(rows[0]).toBe('BỆNH VIỆN');
    expect(rows.at(-1)).toBe('[QR A-N-0042]');
    expect(rows.slice(1, -1).join(' ')).toBe(NAME_LINE);
    expect(ticket.png.subarray(1, 4).toString()).toBe('PNG');
    expect(ticket.png.readUInt32BE(16)).toBe(576);
    // A second one on the same connection.
    const again = printer.nextTicket();
    expect(await service.print({ lines: [{ text: 'Số 2' }], cut: true })).toEqual({ ok: true });
    expect((await again).text).toBe('Số 2');
    expect(printer.tickets).toHaveLength(2);
  });

  it('prints in raster mode', async () => {
    const printer = await printerOn();
    const service = serviceFor(printer.port, 'raster');
    const next = printer.nextTicket();
    expect(await service.print(TICKET)).toEqual({ ok: true });
    const ticket = await next;
    expect(ticket.decoded.lines.find((l) => l.kind === 'image')).toMatchObject({ width: 576 });
  });

  it('reports paper-out and cover-open and refuses to print with that reason', async () => {
    const printer = await printerOn(0, 'paper-out');
    const service = serviceFor(printer.port);
    service.start();
    await statusBecomes(service, 'paper-out');
    expect(await service.print(TICKET)).toMatchObject({ ok: false, reason: 'paper-out' });
    printer.state = 'cover-open';
    await statusBecomes(service, 'cover-open');
    expect(await service.print(TICKET)).toMatchObject({ ok: false, reason: 'cover-open' });
    printer.state = 'paper-low';
    await statusBecomes(service, 'paper-low');
    const next = printer.nextTicket();
    expect(await service.print(TICKET)).toEqual({ ok: true });
    await next;
    expect(printer.tickets).toHaveLength(1);
  });

  it('a printer that goes away is unreachable; polling goes on and finds it again on the same port', async () => {
    const first = await printerOn();
    const port = first.port;
    const service = serviceFor(port);
    service.start();
    await statusBecomes(service, 'ready');
    await first.stop();
    const gone = await statusBecomes(service, 'unreachable');
    expect(gone.detail).toMatch(/127\.0\.0\.1/);
    expect(await service.print(TICKET)).toMatchObject({ ok: false, reason: 'unreachable' });
    const second = await printerOn(port);
    await statusBecomes(service, 'ready');
    const next = second.nextTicket();
    expect(await service.print(TICKET)).toEqual({ ok: true });
    expect((await next).text.split('\n')[0]).toBe('BỆNH VIỆN');
  });

  it('a listener that never answers is a timeout, not a hang', async () => {
    const held = new Set<Socket>();
    const mute = createServer((s) => {
      s.on('error', () => {});
      held.add(s);
    });
    await new Promise<void>((r) => mute.listen(0, '127.0.0.1', r));
    cleanup.push(
      () =>
        new Promise<void>((r) => {
          for (const s of held) s.destroy();
          mute.close(() => r());
        }),
    );
    const port = (mute.address() as { port: number }).port;
    const service = serviceFor(port);
    const started = Date.now();
    expect(await service.print(TICKET)).toMatchObject({ ok: false, reason: 'timeout' });
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
