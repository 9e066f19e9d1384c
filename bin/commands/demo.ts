// `kiosk demo`: scripted check-ins through the kiosk engine exactly as a site runs it
// (main/core/kiosk.ts): synthetic citizens' virtual chips put on a vpcd reader behind a
// private pcscd, their front QR codes (and at an airport their boarding passes) scanned on the
// virtual scanner, decisions taken by the workflow and recorded; then the engine's own sync
// drains the queue to the registry, retrying through failures, and a summary is printed.
import { siteDay } from '../../main/core/workflow/decision.js';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startKiosk, type Kiosk } from '../../main/core/kiosk.js';
import { createLogger } from '../../main/core/logger.js';
import type { Decided } from '../../main/core/workflow/runner.js';
import { KioskStore } from '../../main/store/kiosk-store.js';
import { loadCredentials, saveCredentials } from '../../main/sync/credentials.js';
import { enrol } from '../../main/sync/registry-client.js';
import { registryStats } from '../../registry/stats.js';
import { encodeBcbp, makeBoardingPass } from '../../simulator/boarding-pass.js';
import { createVirtualCard } from '../../simulator/card.js';
import { LINK_PROFILES } from '../../simulator/link.js';
import { freePortPair, missingPcscStack, startPrivatePcscd } from '../../simulator/pcscd.js';
import { createTestPki, trustFiles } from '../../simulator/pki.js';
import { hidPosReports, SYMBOLOGY, VirtualScanner } from '../../simulator/scanner.js';
import { walkVisits } from '../visit-walker.js';
import { holderFrames, LoopingCamera } from '../../simulator/live-frames.js';
import { simFlights, simRoster, simSiteConfig, simSiteConfigItems } from '../../simulator/site-data.js';
import { VpcdCard } from '../../simulator/vpcd.js';
import { publishDataset } from '../../registry/datasets.js';
import { CliError, intOption, printJson, stringOption, type Command } from '../command.js';
import { enrolWithEmbedded, startEmbeddedRegistry, type EmbeddedRegistry } from '../embedded-registry.js';

const pct = (xs: number[], p: number) =>
  xs.length ? [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]! : 0;
const SEED = 'demo';

export const demo: Command = {
  name: 'demo',
  summary: 'N scripted check-ins through the kiosk engine, then sync, then a summary',
  help: `
Usage: kiosk demo --site hospital|airport [--count N] [--registry URL --code CODE]
                  [--db FILE] [--sync-timeout SECONDS] [--json]

Runs the kiosk engine (the same one kiosk start runs) with a private pcscd and vsmartcard's
vpcd reader, the virtual scanner, and a kiosk database. For each synthetic citizen: at an
airport their boarding pass is scanned, then their card's front QR code, then their virtual
chip is put on the reader; the workflow reads and verifies it and records the decision. The
face step is recorded "not checked" (the demo has no camera). Then the engine's sync sends
the check-ins to the registry, retrying with backoff through network failures until all are
acknowledged or --sync-timeout passes (default 120 s).

The registry is an embedded one (PGlite on loopback, with the simulator's site configuration
and roster) unless --registry is given, with a one-time --code from its administrator; there
the site's published configuration and roster apply, and the demo's test CSCA is trusted
locally. --db keeps the kiosk database in FILE (default: a temporary one, removed at exit); a
FILE whose kiosk is enrolled already syncs with its own registry, no code needed.

Exit 0 when every check-in was acknowledged, 2 when some are still queued, 1 on an error.

JSON: {"site","count","admitted","refused","referred","reasons","readMs":{"p50","p95"},
"recordMs":{"p50","p99"},"synced","queued","registry":{"url","checkins","kiosks","chainBreaks"}}`,
  options: {
    site: { type: 'string' },
    count: { type: 'string' },
    registry: { type: 'string' },
    code: { type: 'string' },
    db: { type: 'string' },
    'sync-timeout': { type: 'string' },
  },
  async run(ctx) {
    const kind = stringOption(ctx, 'site');
    if (kind !== 'hospital' && kind !== 'airport') throw new CliError('--site hospital or --site airport');
    const count = intOption(ctx, 'count', 10, 1, 100_000);
    const syncTimeoutMs = intOption(ctx, 'sync-timeout', 120, 1, 86_400) * 1000;
    const registryUrl = stringOption(ctx, 'registry');
    const code = stringOption(ctx, 'code');
    const dbGiven = stringOption(ctx, 'db');
    const missing = missingPcscStack();
    if (missing) throw new CliError(`the demo reads its virtual chips through PC/SC: ${missing}`);
    const say = (s: string) => process.stderr.write(`demo: ${s}\n`);
    const log = createLogger('demo', process.env['KIOSK_LOG_LEVEL'] ?? 'warn');

    const dir = mkdtempSync(join(tmpdir(), 'kiosk-demo-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    const dbFile = dbGiven ?? join(dir, 'kiosk.db');
    const store = new KioskStore(dbFile);
    const today = siteDay(new Date());

    const pki = await createTestPki();
    const trustDir = join(dir, 'trust');
    mkdirSync(trustDir);
    for (const f of trustFiles(pki)) writeFileSync(join(trustDir, f.name), f.bytes);

    let reg: EmbeddedRegistry | null = null;
    const enrolled = loadCredentials(store);
    try {
      if (enrolled) {
        // A kiosk database given with --db that is enrolled already syncs with its own registry.
        say(`the kiosk in ${dbFile} is enrolled with ${enrolled.registryUrl} (site ${enrolled.site})`);
      } else if (registryUrl) {
        if (!code) throw new CliError('--registry needs --code (kiosk registry enrol-code --site SITE on the registry)');
        saveCredentials(store, await enrol(registryUrl, code, `demo ${kind}`));
      } else {
        say('starting an embedded registry (PGlite) on loopback');
        reg = await startEmbeddedRegistry(null, log);
        await enrolWithEmbedded(store, reg, `demo-${kind}`, `demo ${kind}`);
        await publishDataset(reg.db, 'site-config', `demo-${kind}`, simSiteConfigItems(kind));
        await publishDataset(reg.db, 'roster', `demo-${kind}`, simRoster(kind, SEED, today));
      }
    } catch (err) {
      await reg?.close();
      if (err instanceof CliError) throw err;
      throw new CliError(`cannot enrol with the registry: ${(err as Error).message}`);
    }

    const pcscd = await startPrivatePcscd(await freePortPair()).catch((err: Error) => {
      throw new CliError(`cannot start a private pcscd: ${err.message.split('\n')[0]}`);
    });
    process.once('exit', () => void pcscd.stop());
    process.env['PCSCLITE_CSOCK_NAME'] = pcscd.socket;

    let kiosk: Kiosk | null = null;
    let scanner: VirtualScanner | null = null;
    // The camera: each citizen's own face, a few moving frames in a loop.
    const camera = new LoopingCamera(null);
    try {
      kiosk = await startKiosk({
        simulator: true,
        log,
        db: store,
        siteKind: kind,
        defaultSiteConfig: simSiteConfig(kind),
        trustDir,
        ui: false,
        scanner: { socketPort: 0 },
        frames: camera,
        // Datasets are fetched at once, then failures retried quickly: a demo is short.
        sync: { baseDelayMs: 250, maxDelayMs: 5000, idleMs: 500 },
      });
      const k = kiosk;
      walkVisits(k);
      await waitFor(
        () => k.readers.readers.length > 0 && (reg === null || k.reference.status()['roster']!.version > 0),
        15_000,
        'the kiosk did not see the virtual reader or the roster in 15 s',
      );
      scanner = await VirtualScanner.connect(k.scanners!.socketPort!);
      say(`${count} check-ins at ${kind === 'airport' ? 'an airport' : 'a hospital'}, chips through a private pcscd + vpcd`);

      const flights = simFlights(SEED, today);
      const readMs: number[] = [];
      const recordMs: number[] = [];
      const reasons: Record<string, number> = {};
      const tally = { admitted: 0, refused: 0, referred: 0 };
      const faceTally: Record<string, number> = {};
      for (let i = 0; i < count; i++) {
        const card = await createVirtualCard({ pki, seed: SEED, index: i, link: LINK_PROFILES['instant']! });
        const c = card.citizen;
        const faces = await holderFrames(SEED, i, 4);
        if (!faces && i === 0) say('the face photos are not fetched (node models/fetch-test-photos.mjs): no camera, faces not checked');
        camera.show(faces);
        if (kind === 'airport') await scan(k, scanner, encodeBcbp(makeBoardingPass(c, flights, SEED)), SYMBOLOGY.pdf417);
        await scan(k, scanner, c.qr, SYMBOLOGY.qr);
        const decided = k.nextDecision(30_000);
        const vpcd = await VpcdCard.insert({ port: pcscd.ports[0], card, delays: false });
        let d: Decided;
        try {
          d = await decided;
        } finally {
          vpcd.remove();
        }
        await waitFor(
          () => k.runner.current.ctx.reader === null || k.runner.current.screen === 'idle',
          5000,
          'the card was not seen leaving the reader',
        );
        if (d.timings.read !== null) readMs.push(d.timings.read);
        recordMs.push(d.timings.record);
        tally[d.decision.decision]++;
        faceTally[d.decision.face.status] = (faceTally[d.decision.face.status] ?? 0) + 1;
        for (const r of d.decision.reasons) reasons[r] = (reasons[r] ?? 0) + 1;
        if (count >= 10 && (i + 1) % Math.ceil(count / 10) === 0) say(`${i + 1}/${count} checked in`);
      }

      say(`syncing to the registry (up to ${syncTimeoutMs / 1000} s)`);
      const deadline = Date.now() + syncTimeoutMs;
      let lastSaid = '';
      k.sync?.nudge();
      while (k.store.queue().length > 0 && Date.now() < deadline && k.sync) {
        const s = k.sync.status();
        const line = s.lastError ? `${s.queued} queued; retrying after: ${s.lastError}` : `${s.queued} queued`;
        if (line !== lastSaid) say(line);
        lastSaid = line;
        await new Promise((r) => setTimeout(r, 200));
      }
      const queued = k.store.queue().length;
      const total = store.page(0, Number.MAX_SAFE_INTEGER).length;
      const stats = reg ? await registryStats(reg.db) : null;
      const summary = {
        site: k.credentials?.site ?? null,
        count,
        ...tally,
        reasons,
        faces: faceTally,
        readMs: { p50: Math.round(pct(readMs, 50)), p95: Math.round(pct(readMs, 95)) },
        recordMs: { p50: Number(pct(recordMs, 50).toFixed(2)), p99: Number(pct(recordMs, 99).toFixed(2)) },
        synced: total - queued,
        queued,
        registry: {
          url: k.credentials?.registryUrl ?? null,
          ...(stats ? { checkins: stats.checkins, kiosks: stats.kiosks, chainBreaks: stats.chainBreaks } : {}),
        },
      };
      if (ctx.json) printJson(summary);
      else
        process.stdout.write(
          `${count} check-ins at ${summary.site}: ${tally.admitted} admitted, ${tally.refused} refused, ${tally.referred} referred${
            Object.keys(reasons).length
              ? ` (${Object.entries(reasons)
                  .map(([r, n]) => `${r} ${n}`)
                  .join(', ')})`
              : ''
          }\n` +
            `chip reads ${summary.readMs.p50} ms median; record ${summary.recordMs.p50} ms median, ${summary.recordMs.p99} ms p99\n` +
            `synced ${summary.synced}, queued ${queued}${stats ? `; registry holds ${stats.checkins} check-ins, ${stats.chainBreaks} chain breaks` : ''}\n`,
        );
      return queued === 0 ? 0 : 2;
    } finally {
      await scanner?.close().catch(() => undefined);
      await kiosk?.stop();
      store.close();
      await reg?.close();
      await pcscd.stop();
    }
  },
};

async function scan(k: Kiosk, scanner: VirtualScanner, text: string, symbology: string): Promise<void> {
  const before = k.runner.current;
  await scanner.send(hidPosReports(new TextEncoder().encode(text), symbology));
  await waitFor(() => k.runner.current !== before, 5000, 'the kiosk did not take the scan');
}

async function waitFor(ok: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new CliError(what);
    await new Promise((r) => setTimeout(r, 20));
  }
}
