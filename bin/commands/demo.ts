// `kiosk demo`: scripted check-ins through the whole headless stack — virtual chips behind a
// private pcscd (or in process), the chip stack, boarding passes or CCCD QR codes, the
// decision, the kiosk store — then a sync to the registry, and a summary.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parsePayload } from '../../drivers/barcode/detect.js';
import { readDocument, type DocumentRead } from '../../drivers/emrtd/reader.js';
import { TrustStore } from '../../drivers/emrtd/cert/trust-store.js';
import { PcscReaders } from '../../drivers/pcsc/pcsc.js';
import { accessFromQr } from '../../main/core/access-keys.js';
import { pcscChannel } from '../../main/core/card-reading.js';
import { decideCheckIn, type SiteKind } from '../../main/core/checkin-decision.js';
import { createLogger } from '../../main/core/logger.js';
import { KioskStore } from '../../main/store/kiosk-store.js';
import { enrol, RegistryClient } from '../../main/sync/registry-client.js';
import { saveCredentials } from '../../main/sync/credentials.js';
import { SyncEngine } from '../../main/sync/sync-engine.js';
import { registryStats } from '../../registry/stats.js';
import { encodeBcbp, makeBoardingPass, makeRoster } from '../../simulator/boarding-pass.js';
import { createVirtualCard, InProcessChannel } from '../../simulator/card.js';
import { LINK_PROFILES } from '../../simulator/link.js';
import { freePortPair, missingPcscStack, startPrivatePcscd } from '../../simulator/pcscd.js';
import { createTestPki, trustFiles } from '../../simulator/pki.js';
import { VpcdCard } from '../../simulator/vpcd.js';
import { CliError, intOption, printJson, stringOption, type Command } from '../command.js';
import { enrolWithEmbedded, startEmbeddedRegistry, type EmbeddedRegistry } from '../embedded-registry.js';

const pct = (xs: number[], p: number) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]! : 0);

export const demo: Command = {
  name: 'demo',
  summary: 'N scripted check-ins through the whole headless stack, then sync, then a summary',
  help: `
Usage: kiosk demo --site hospital|airport [--count N] [--registry URL --code CODE]
                  [--transport auto|pcscd|in-process] [--json]

Each check-in: a synthetic citizen's virtual chip is read and verified (behind a private pcscd
with vsmartcard's vpcd when this machine can run one, else in process); at a hospital the
card's front QR code opens it, at an airport the MRZ, with the citizen's boarding pass
scanned and matched by name. The decision is recorded in a fresh kiosk database, then synced
to the registry: an embedded one (PGlite on loopback) unless --registry is given, with a
one-time --code from its administrator. The face check is "not-checked" (the face pipeline
is not wired into check-ins yet).

JSON: {"site","count","transport","admitted","refused","reasons","readMs":{"p50","p95"},
"recordMs":{"p50","p99"},"synced","queued","registry":{"url","checkins","kiosks","chainBreaks"}}`,
  options: { site: { type: 'string' }, count: { type: 'string' }, registry: { type: 'string' }, code: { type: 'string' }, transport: { type: 'string' } },
  async run(ctx) {
    const kind = stringOption(ctx, 'site');
    if (kind !== 'hospital' && kind !== 'airport') throw new CliError('--site hospital or --site airport');
    const count = intOption(ctx, 'count', 10, 1, 100_000);
    const registryUrl = stringOption(ctx, 'registry');
    const code = stringOption(ctx, 'code');
    if (registryUrl && !code) throw new CliError('--registry needs --code (kiosk registry enrol-code --site SITE on the registry)');
    const transportWanted = stringOption(ctx, 'transport') ?? 'auto';
    if (!['auto', 'pcscd', 'in-process'].includes(transportWanted)) throw new CliError('--transport auto, pcscd or in-process');
    const say = (s: string) => process.stderr.write(`demo: ${s}\n`);
    const log = createLogger('demo', process.env['KIOSK_LOG_LEVEL'] ?? 'warn');
    const site = kind === 'hospital' ? 'demo-hospital' : 'demo-airport';

    const dir = mkdtempSync(join(tmpdir(), 'kiosk-demo-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    const store = new KioskStore(join(dir, 'kiosk.db'));
    let reg: EmbeddedRegistry | null = null;
    let creds;
    try {
      if (registryUrl) {
        creds = await enrol(registryUrl, code!, `demo ${kind}`);
        saveCredentials(store, creds);
      } else {
        say('starting an embedded registry (PGlite) on loopback');
        reg = await startEmbeddedRegistry(null, log);
        creds = await enrolWithEmbedded(store, reg, site, `demo ${kind}`);
      }
    } catch (err) {
      throw new CliError(`cannot enrol with the registry: ${(err as Error).message}`);
    }

    const pki = await createTestPki();
    const trust = TrustStore.fromFiles(trustFiles(pki)).store;
    const missing = missingPcscStack();
    let transport: 'pcscd' | 'in-process' = transportWanted === 'in-process' || (transportWanted === 'auto' && missing) ? 'in-process' : 'pcscd';
    if (transport === 'pcscd' && missing) throw new CliError(`--transport pcscd: ${missing}`);
    let pcsc: { readers: PcscReaders; port: number } | null = null;
    if (transport === 'pcscd') {
      try {
        const pcscd = await startPrivatePcscd(await freePortPair());
        process.once('exit', () => void pcscd.stop());
        process.env['PCSCLITE_CSOCK_NAME'] = pcscd.socket;
        pcsc = { readers: new PcscReaders({ allowVirtualReaders: true }), port: pcscd.ports[0] };
      } catch (err) {
        if (transportWanted === 'pcscd') throw new CliError(`cannot start a private pcscd: ${(err as Error).message}`);
        say(`no private pcscd (${(err as Error).message.split('\n')[0]}); reading in process`);
        transport = 'in-process';
      }
    }
    say(`${count} check-ins at ${kind === "airport" ? "an airport" : "a hospital"} (${site}), chips ${transport === 'pcscd' ? 'behind a private pcscd + vpcd' : 'in process'}`);

    const today = new Date().toISOString().slice(0, 10);
    const roster = makeRoster('demo', today, 12);
    const readMs: number[] = [];
    const recordMs: number[] = [];
    const reasons: Record<string, number> = {};
    let admitted = 0;
    for (let i = 0; i < count; i++) {
      const card = await createVirtualCard({ pki, seed: 'demo', index: i, link: LINK_PROFILES['instant']! });
      const c = card.citizen;
      let pass = null;
      if (kind === 'airport') {
        const scanned = parsePayload(encodeBcbp(makeBoardingPass(c, roster, 'demo')));
        pass = scanned.kind === 'bcbp' ? scanned.pass : null;
      }
      const access = kind === 'hospital' ? accessFromQr(c.qr) : [{ kind: 'mrz' as const, key: card.mrzKey }];
      let read: DocumentRead;
      if (pcsc) {
        const vpcd = await VpcdCard.insert({ port: pcsc.port, card, delays: false });
        const info = await pcsc.readers.waitForCard({ reader: 'Virtual PCD 00 00', timeoutMs: 10_000 });
        const pc = await pcsc.readers.connect(info.reader);
        read = await readDocument(pcscChannel(pc), { access, trust, extendedLength: pc.extendedLength });
        await pc.disconnect();
        const removed = new Promise((res) => pcsc!.readers.once('card-removed', res));
        vpcd.remove();
        await removed;
      } else {
        read = await readDocument(new InProcessChannel(card), { access, trust });
      }
      readMs.push(read.ms);
      const input = decideCheckIn(creds.site, kind as SiteKind, read, pass);
      const t = performance.now();
      store.record(input);
      recordMs.push(performance.now() - t);
      if (input.decision === 'admitted') admitted++;
      for (const r of input.reasons) reasons[r] = (reasons[r] ?? 0) + 1;
      if (count >= 10 && (i + 1) % Math.ceil(count / 10) === 0) say(`${i + 1}/${count} checked in`);
    }

    say('syncing to the registry');
    const engine = new SyncEngine(store, new RegistryClient(creds));
    let synced = 0;
    try {
      synced = (await engine.drain()).sent;
    } catch (err) {
      say(`sync stopped: ${(err as Error).message} (the check-ins stay queued)`);
    }
    const queued = store.queue().length;
    const stats = reg ? await registryStats(reg.db) : null;
    const summary = {
      site,
      count,
      transport,
      admitted,
      refused: count - admitted,
      reasons,
      readMs: { p50: Math.round(pct(readMs, 50)), p95: Math.round(pct(readMs, 95)) },
      recordMs: { p50: Number(pct(recordMs, 50).toFixed(2)), p99: Number(pct(recordMs, 99).toFixed(2)) },
      synced,
      queued,
      registry: { url: creds.registryUrl, ...(stats ? { checkins: stats.checkins, kiosks: stats.kiosks, chainBreaks: stats.chainBreaks } : {}) },
    };
    store.close();
    await reg?.close();
    if (ctx.json) printJson(summary);
    else
      process.stdout.write(
        `${count} check-ins at ${site}: ${admitted} admitted, ${count - admitted} refused${Object.keys(reasons).length ? ` (${Object.entries(reasons).map(([r, n]) => `${r} ${n}`).join(', ')})` : ''}\n` +
          `chip reads ${summary.readMs.p50} ms median (${transport}); record ${summary.recordMs.p50} ms median, ${summary.recordMs.p99} ms p99\n` +
          `synced ${synced}, queued ${queued}${stats ? `; registry holds ${stats.checkins} check-ins, ${stats.chainBreaks} chain breaks` : ''}\n`,
      );
    return queued === 0 ? 0 : 2;
  },
};
