// The virtual ticket printer `kiosk start --simulator` runs when no --printer is given: on a
// free loopback port, each ticket kept as text and a PNG preview where a technician finds
// it (tickets carry no personal data: a number, a clinic, a room, a time).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { VirtualPrinter } from '../simulator/printer.js';
import { DATA_ROOT } from './paths.js';

export const SIM_TICKETS = join(DATA_ROOT, 'sim', 'tickets');

export async function startSimulatorPrinter(say: (line: string) => void): Promise<VirtualPrinter> {
  const printer = new VirtualPrinter({ port: 0 });
  printer.on('error', (err: Error) => say(`virtual printer: ${err.message}`));
  await printer.start();
  mkdirSync(SIM_TICKETS, { recursive: true });
  let n = 0;
  printer.on('ticket', (t: { text: string; png: Buffer }) => {
    n++;
    const base = join(SIM_TICKETS, `ticket-${Date.now()}-${n}`);
    try {
      writeFileSync(`${base}.txt`, t.text);
      writeFileSync(`${base}.png`, t.png);
    } catch (err) {
      say(`virtual printer: could not keep the ticket: ${(err as Error).message}`);
    }
  });
  say(`Virtual ticket printer on 127.0.0.1:${printer.port} (tickets kept in ${SIM_TICKETS})`);
  return printer;
}
