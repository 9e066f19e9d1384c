// `kiosk barcode listen` (what the kiosk's scanners read) and `kiosk sim scanner` (the virtual
// scanner plugging into it over loopback).
import { siteDay } from '../../main/core/workflow/decision.js';
import { readFileSync } from 'node:fs';
import { SCANNER_SOCKET_DEFAULT_PORT } from '../../drivers/hid/socket-transport.js';
import { createLogger } from '../../main/core/logger.js';
import { loadScannerConfig, startScannerService, type ParsedScan } from '../../main/core/scanner-service.js';
import { brokenPasses, encodeBcbp, makeBoardingPass } from '../../simulator/boarding-pass.js';
import { simFlights } from '../../simulator/site-data.js';
import { makeCitizens } from '../../simulator/citizens.js';
import { hidPosReports, keyboardReports, SYMBOLOGY, VIRTUAL_SCANNER_HELLO, VirtualScanner } from '../../simulator/scanner.js';
import { CliError, intOption, printJson, stringOption, type Command } from '../command.js';

export const barcodeListen: Command = {
  name: 'barcode listen',
  summary: 'print what the scanners read, parsed (simulator: wait for kiosk sim scanner)',
  help: `
Usage: kiosk barcode listen [--scanners FILE] [--count N] [--json]
       kiosk barcode listen --simulator [--port ${SCANNER_SOCKET_DEFAULT_PORT}] [--count N] [--json]

Opens the HID scanners the configuration names (default: any HID POS scanner, usage page
0x8C) and prints each scan: its kind (bcbp | cccd-qr | unknown) and fields, or the parse
error naming the field and offset. In simulator mode it listens on 127.0.0.1:PORT for the
virtual scanner instead. Plugging and unplugging, and dropped reports with their reason,
are logged on stderr. Stops after N scans, or with Ctrl+C. --json prints one JSON value per
line per scan.`,
  options: { scanners: { type: 'string' }, port: { type: 'string' }, count: { type: 'string' } },
  async run(ctx) {
    const count = intOption(ctx, 'count', 0, 0, 1_000_000);
    const file = stringOption(ctx, 'scanners');
    let config;
    try {
      config = file ? loadScannerConfig(file) : undefined;
    } catch (err) {
      throw new CliError((err as Error).message);
    }
    const log = createLogger('scanner');
    let seen = 0;
    let done!: () => void;
    const finished = new Promise<void>((resolve) => (done = resolve));
    const print = (s: ParsedScan) => {
      const out = 'payload' in s ? s.payload : { kind: 'invalid', error: s.error };
      if (ctx.json) process.stdout.write(JSON.stringify(out) + '\n');
      else
        process.stdout.write(
          `${out.kind}${'error' in s ? `: ${s.error}` : ''}\n${'payload' in s ? JSON.stringify(s.payload.kind === 'bcbp' ? s.payload.pass : s.payload.kind === 'cccd-qr' ? s.payload.qr : { length: s.payload.length }, null, 2) + '\n' : ''}`,
        );
      if (count && ++seen >= count) done();
    };
    let service;
    try {
      service = await startScannerService({
        simulator: ctx.simulator,
        log,
        socketPort: intOption(ctx, 'port', SCANNER_SOCKET_DEFAULT_PORT, 0, 65535),
        ...(config ? { config } : {}),
        onScan: print,
      });
    } catch (err) {
      throw new CliError((err as Error).message);
    }
    process.stderr.write(
      service.socketPort !== null
        ? `listening for the virtual scanner on 127.0.0.1:${service.socketPort}\n`
        : 'watching for HID scanners (plug one in)\n',
    );
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
    await finished;
    await service.stop();
    return 0;
  },
};

export const simScanner: Command = {
  name: 'sim scanner',
  summary: 'plug the virtual scanner into the kiosk and scan boarding passes or CCCD QR codes',
  help: `
Usage: kiosk sim scanner [--port ${SCANNER_SOCKET_DEFAULT_PORT}] [--passes N] [--qrs N] [--broken]
                         [--text T | --file F] [--seed S] [--index I] [--date YYYY-MM-DD]
                         [--mode hid-pos|keyboard] [--gap MS] [--json]

Connects to the kiosk's scanner port on 127.0.0.1 (kiosk start --simulator, or kiosk barcode
listen --simulator) and sends each payload as HID input reports: HID POS reports with the
AIM symbology identifier (PDF417 for passes, QR for the CCCD), spread over as many reports
as it takes; or, with --mode keyboard, keyboard-wedge key presses ending with Enter (ASCII
only, so no CCCD QR).

  --passes N   boarding passes for N citizens of --seed from --index (default 0), on the
               simulator airport's (HAN) departures of --date (default today in Vietnam)
  --qrs N      the CCCD QR texts of N citizens from --index (the card of kiosk sim chip
               --index I opens with the QR of --index I)
  --broken     also send the broken variants of the first pass (each fails on a named field)
  --text T     send T as it is; --file F sends the file's bytes
  --gap MS     pause between scans (default 200)
  --json       print what was sent: [{"kind","text"}]`,
  options: {
    port: { type: 'string' },
    passes: { type: 'string' },
    qrs: { type: 'string' },
    broken: { type: 'boolean' },
    text: { type: 'string' },
    file: { type: 'string' },
    seed: { type: 'string' },
    index: { type: 'string' },
    date: { type: 'string' },
    mode: { type: 'string' },
    gap: { type: 'string' },
  },
  async run(ctx) {
    const port = intOption(ctx, 'port', SCANNER_SOCKET_DEFAULT_PORT, 1, 65535);
    const passes = intOption(ctx, 'passes', 0, 0, 10_000);
    const qrs = intOption(ctx, 'qrs', 0, 0, 10_000);
    const gap = intOption(ctx, 'gap', 200, 0, 60_000);
    const seed = stringOption(ctx, 'seed') ?? 'cccd';
    // Today as the kiosk counts days (Vietnam's calendar day).
    const date = stringOption(ctx, 'date') ?? siteDay(new Date());
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new CliError(`--date ${date} is not YYYY-MM-DD`);
    const mode = stringOption(ctx, 'mode') ?? 'hid-pos';
    if (mode !== 'hid-pos' && mode !== 'keyboard') throw new CliError(`--mode ${mode}: use hid-pos or keyboard`);
    const items: { kind: string; bytes: Uint8Array; symbology: string }[] = [];
    const enc = (t: string) => new TextEncoder().encode(t);
    const text = stringOption(ctx, 'text');
    const file = stringOption(ctx, 'file');
    if (text !== undefined) items.push({ kind: 'text', bytes: enc(text), symbology: SYMBOLOGY.qr });
    if (file) {
      try {
        items.push({ kind: 'file', bytes: new Uint8Array(readFileSync(file)), symbology: SYMBOLOGY.qr });
      } catch (err) {
        throw new CliError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      }
    }
    const first = intOption(ctx, 'index', 0, 0, 1_000_000);
    const citizens = makeCitizens(seed, Math.max(passes, qrs, ctx.values['broken'] ? 1 : 0), first);
    // The simulator airport's departures: the roster `kiosk start --simulator --site airport` publishes.
    const roster = simFlights(seed, date);
    const passTexts = citizens
      .slice(0, Math.max(passes, ctx.values['broken'] ? 1 : 0))
      .map((c) => encodeBcbp(makeBoardingPass(c, roster, seed)));
    for (const t of passTexts.slice(0, passes)) items.push({ kind: 'bcbp', bytes: enc(t), symbology: SYMBOLOGY.pdf417 });
    for (const c of citizens.slice(0, qrs)) items.push({ kind: 'cccd-qr', bytes: enc(c.qr), symbology: SYMBOLOGY.qr });
    if (ctx.values['broken'])
      for (const b of brokenPasses(passTexts[0]!))
        items.push({ kind: `broken bcbp (${b.name})`, bytes: enc(b.text), symbology: SYMBOLOGY.pdf417 });
    if (items.length === 0) throw new CliError('nothing to scan: give --passes, --qrs, --broken, --text or --file');

    let scanner: VirtualScanner;
    try {
      scanner = await VirtualScanner.connect(
        port,
        mode === 'keyboard' ? { ...VIRTUAL_SCANNER_HELLO, productId: 0x8c02, usagePage: 0x01, usage: 0x06 } : VIRTUAL_SCANNER_HELLO,
      );
    } catch (err) {
      throw new CliError(
        `cannot plug into 127.0.0.1:${port} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); is the kiosk running in simulator mode?`,
      );
    }
    for (const [i, item] of items.entries()) {
      let reports;
      try {
        reports = mode === 'keyboard' ? keyboardReports(new TextDecoder().decode(item.bytes)) : hidPosReports(item.bytes, item.symbology);
      } catch (err) {
        throw new CliError(`${item.kind}: ${(err as Error).message}`);
      }
      await scanner.send(reports);
      if (!ctx.json) process.stderr.write(`scanned ${item.kind} (${item.bytes.length} bytes, ${reports.length} reports)\n`);
      if (gap && i < items.length - 1) await new Promise((r) => setTimeout(r, gap));
    }
    await scanner.close();
    if (ctx.json) printJson(items.map((i) => ({ kind: i.kind, text: new TextDecoder().decode(i.bytes) })));
    return 0;
  },
};
