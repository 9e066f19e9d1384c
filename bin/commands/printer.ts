// `kiosk sim printer`: the virtual ticket printer, until stopped.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RAW_TCP_DEFAULT_PORT } from '../../drivers/printer/tcp-transport.js';
import { VIRTUAL_PRINTER_STATES, VirtualPrinter, type VirtualPrinterState } from '../../simulator/printer.js';
import { CliError, intOption, stringOption, type Command } from '../command.js';

export const simPrinter: Command = {
  name: 'sim printer',
  summary: 'run the virtual ESC/POS ticket printer on loopback raw TCP and show what it prints',
  help: `
Usage: kiosk sim printer [--port ${RAW_TCP_DEFAULT_PORT}] [--out DIR] [--state ${VIRTUAL_PRINTER_STATES.join('|')}] [--json]

Listens on 127.0.0.1:PORT (0: any free port) as a raw-TCP ("port 9100") thermal printer,
answers the kiosk's status queries (DLE EOT) with --state, and prints the text of every
ticket it receives on stdout, until stopped with Ctrl+C. Tickets sent while the state is not
ready or paper-low are discarded, as a real printer would not print them.

  --out DIR   also write DIR/ticket-N.txt and DIR/ticket-N.png (a 576-dot, 80 mm preview)
  --state S   the status it reports (default ready)
  --json      one JSON line per ticket: {"n","text","receivedAt","png"}`,
  options: { port: { type: 'string' }, out: { type: 'string' }, state: { type: 'string' } },
  async run(ctx) {
    const port = intOption(ctx, 'port', RAW_TCP_DEFAULT_PORT, 0, 65535);
    const state = stringOption(ctx, 'state') ?? 'ready';
    if (!(VIRTUAL_PRINTER_STATES as readonly string[]).includes(state))
      throw new CliError(`--state ${state}: use one of ${VIRTUAL_PRINTER_STATES.join(', ')}`);
    const out = stringOption(ctx, 'out');
    if (out) mkdirSync(out, { recursive: true });
    const printer = new VirtualPrinter({ port, state: state as VirtualPrinterState, log: (line) => process.stderr.write(`${line}\n`) });
    printer.on('error', (err: Error) => process.stderr.write(`virtual printer: ${err.message}\n`));
    try {
      await printer.start();
    } catch (err) {
      throw new CliError(`cannot listen on 127.0.0.1:${port}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    process.stderr.write(`virtual printer on 127.0.0.1:${printer.port}, state ${state}\n`);
    let n = 0;
    printer.on('ticket', (t: { text: string; png: Buffer; receivedAt: Date }) => {
      n++;
      let png: string | null = null;
      if (out) {
        writeFileSync(join(out, `ticket-${n}.txt`), t.text + '\n');
        png = join(out, `ticket-${n}.png`);
        writeFileSync(png, t.png);
      }
      if (ctx.json) process.stdout.write(JSON.stringify({ n, text: t.text, receivedAt: t.receivedAt.toISOString(), png }) + '\n');
      else process.stdout.write(`--- ticket ${n} (${t.receivedAt.toISOString()}) ---\n${t.text}\n`);
    });
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await printer.stop();
    return 0;
  },
};
