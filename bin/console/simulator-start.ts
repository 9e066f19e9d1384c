// `kiosk start --simulator` (npm start): a whole simulated site (bin/sim/site.ts) with the
// kiosk's UI on loopback, the technician console beside it, and both opened in Chromium app
// windows when there is a display (else both addresses printed). The kiosk window's camera is
// Chromium's fake device playing a clip the console rewrites (clip-camera.ts).
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../../main/core/logger.js';
import type { CameraSubject } from '../../simulator/camera-clip.js';
import { issueOperatorToken } from '../../registry/operator.js';
import { SIM_STAFF_PIN } from '../../simulator/site-data.js';
import { CHROMIUM, openChromiumApp } from '../chromium-app.js';
import { CliError, printJson } from '../command.js';
import { startSimSite, type SimSite } from '../sim/site.js';
import { fakeCameraSwitches, startVirtualCamera, type VirtualCamera } from '../virtual-camera.js';
import { chromiumClipCamera } from './clip-camera.js';
import { runLive } from './live-run.js';
import { loadConsoleAssets } from './page-assets.js';
import { parseLoadedScenario, scenarioYaml } from './scenario-text.js';
import { startConsoleServer, type ConsoleBackend, type ConsoleServer } from './server.js';
import { switchableBackend } from './switchable-backend.js';
import { siteBackend } from './site-backend.js';

export const SCENARIO_DIR = fileURLToPath(new URL('../../simulator/scenarios/', import.meta.url));
const SEED = 'cccd';

export interface SimulatorStartOptions {
  kind: 'hospital' | 'airport';
  /** virtual: Chromium's fake camera plays the clip; ui: the browser's own camera; none: no face step. */
  camera: 'virtual' | 'ui' | 'none';
  subject: CameraSubject;
  citizen: number;
  /** --subject or --citizen given: the camera shows them from the start instead of following the card's holder. */
  cameraFixed: boolean;
  liveness: 'refuse' | 'refer' | 'record';
  faceMs: number;
  uiPort: number;
  /** The kiosk database; the site's registry lives beside it. */
  db: string;
  /** The test PKI (`kiosk sim chip` signs with the same, so its cards are trusted too). */
  pkiDir: string;
  /** The private pcscd's first vpcd port (0: any free pair), and the virtual scanner's socket (0: any). */
  vpcdPort: number;
  scannerPort: number;
  open: boolean;
  json: boolean;
  log: Logger;
  say: (line: string) => void;
}

/** A camera the console cannot change: the machine's own, or none. */
function fixedCamera(why: string) {
  return {
    frames: null,
    async show() {
      throw new Error(why);
    },
  };
}

export async function runSimulatorStart(o: SimulatorStartOptions): Promise<number> {
  let clip: VirtualCamera | null = null;
  if (o.camera === 'virtual') {
    o.say(`Writing the virtual camera's clip (${o.subject}, citizen ${o.citizen})…`);
    const made = await startVirtualCamera({ subject: o.subject, seed: SEED, citizen: o.citizen });
    if ('problem' in made) o.say(`No virtual camera: ${made.problem}. Check-ins record the face as not checked.`);
    else clip = made;
  }
  // Bound once the site is up: the driver asks the kiosk page to reopen its camera.
  let reopen = () => {};
  const camera = clip
    ? chromiumClipCamera({ file: clip.file, seed: SEED, subject: o.subject, citizen: o.citizen, reopen: () => reopen() })
    : fixedCamera(
        o.camera === 'ui'
          ? "this kiosk uses the machine's own camera: it sees whoever stands in front of it"
          : 'this kiosk runs without a camera',
      );
  const face = { required: o.camera === 'ui' || clip !== null, liveness: o.liveness, faceMs: o.faceMs };

  // The kiosk page keeps its address across a change of site: the same port and token.
  const uiToken = randomBytes(32).toString('base64url');
  let uiPort = o.uiPort;
  const tickets = join(dirname(o.db), 'tickets');
  let printed = 0;

  /** One simulated site of `kind` with its console backend; throws a CliError saying why it could not start. */
  const startSite = async (kind: 'hospital' | 'airport', first: boolean): Promise<{ site: SimSite; backend: ConsoleBackend }> => {
    o.say(`Starting the simulated ${kind} (pcscd with two virtual readers, the embedded registry, devices)…`);
    let site: SimSite;
    try {
      site = await startSimSite({
        kind,
        seed: SEED,
        dataDir: dirname(o.db),
        db: o.db,
        pkiDir: o.pkiDir,
        ...(o.vpcdPort ? { vpcdPort: o.vpcdPort } : {}),
        scannerPort: o.scannerPort,
        ui: { port: uiPort, token: uiToken },
        camera,
        face,
        log: o.log,
      });
    } catch (err) {
      throw new CliError((err as Error).message);
    }
    const kiosk = site.kiosk;
    uiPort = kiosk.ui!.port;
    reopen = () => kiosk.core.emit('camera.settings', kiosk.reference.siteConfig.camera);
    // Each printed ticket kept as text where a technician finds it (a ticket carries no personal data).
    site.on('event', (e) => {
      if (e.type !== 'ticket') return;
      try {
        mkdirSync(tickets, { recursive: true });
        writeFileSync(join(tickets, `ticket-${Date.now()}-${++printed}.txt`), e.text);
      } catch (err) {
        o.say(`virtual printer: could not keep the ticket: ${(err as Error).message}`);
      }
    });
    try {
      if (first && clip && o.cameraFixed) await site.apply({ do: 'camera', subject: o.subject, citizen: o.citizen });
      const backend = await siteBackend({
        site,
        scenarioDir: SCENARIO_DIR,
        parseScenario: (text) => parseLoadedScenario(text),
        toYaml: scenarioYaml,
        run: (scenario, progress) => runLive(site, scenario, progress, face),
      });
      return { site, backend };
    } catch (err) {
      await site.stop();
      throw err;
    }
  };

  let current: { site: SimSite; backend: ConsoleBackend };
  try {
    current = await startSite(o.kind, true);
  } catch (err) {
    clip?.remove();
    throw err;
  }
  let server: ConsoleServer | null = null;
  const closers: (() => void)[] = [];
  const kioskWindow: { close: (() => void) | null } = { close: null };
  const openKioskWindow = (url: string) => {
    kioskWindow.close = openChromiumApp(url, clip ? fakeCameraSwitches(clip.file) : []);
  };
  try {
    const backend = switchableBackend(current.backend, async (kind) => {
      const was = current.site.kind;
      await current.site.stop();
      try {
        current = await startSite(kind, false);
      } catch (err) {
        o.say(`The simulated ${kind} did not start (${(err as Error).message}); the ${was} again.`);
        current = await startSite(was, false);
        throw err;
      } finally {
        // The kiosk window reloads its page on the new site (the same address); a browser opened by hand is reloaded by hand.
        if (kioskWindow.close) {
          kioskWindow.close();
          openKioskWindow(current.site.kiosk.ui!.url);
        }
      }
      return current.backend;
    });
    server = await startConsoleServer({ backend, assets: await loadConsoleAssets(), warn: o.say });
    const kiosk = current.site.kiosk;
    const site = current.site;
    const url = kiosk.ui!.url;
    if (o.json)
      printJson({
        url,
        console: server.url,
        port: kiosk.ui!.port,
        simulator: true,
        site: kiosk.reference.siteConfig.kind,
        registry: site.registryUrl,
        vpcdPort: site.vpcdPort,
        scannerPort: kiosk.scanners?.socketPort ?? null,
        camera: o.camera,
        cameraClip: clip?.file ?? null,
        printerPort: null,
        gatePort: null,
      });
    else {
      const w = (line: string) => process.stdout.write(`${line}\n`);
      w(`Kiosk UI:             ${url}`);
      w(`Technician console:   ${server.url}`);
      w(`A ${kiosk.reference.siteConfig.kind} kiosk (${kiosk.reference.siteConfig.name}).`);
      // The embedded registry's database is held by this process: its operator token is made here, a new one each start.
      const { token } = await issueOperatorToken(site.registryDb, 'simulator');
      w(`Registry (embedded):  ${site.registryUrl}, fleet page ${site.registryUrl}/fleet (operator token ${token})`);
      w('Try this: in the console, "Try this" runs a whole check-in on the kiosk with one click, telling each step;');
      w('  or pick a person, "Card on reader 0", and follow the kiosk screen. docs/CONSOLE.md says what each control does.');
      if (clip) {
        w(`Virtual camera:       ${o.cameraFixed ? `${o.subject} (citizen ${o.citizen})` : "the card's holder"}; the console changes it`);
        w(`  (for a browser you start: chromium ${fakeCameraSwitches(clip.file).join(' ')})`);
      } else if (o.camera === 'ui') w('Camera: the one the browser offers (the page asks for it)');
      else w('No camera: the face step is off, check-ins record the face as not checked');
      if (o.kind === 'hospital') w(`Tickets printed:      kept as text in ${tickets}`);
      w(`Staff mode PIN (simulator):  ${SIM_STAFF_PIN}`);
      w('(Ctrl+C stops the kiosk)');
    }
    if (o.open && process.env['DISPLAY'] && existsSync(CHROMIUM)) {
      openKioskWindow(url);
      closers.push(openChromiumApp(server.url));
    } else if (!o.json) o.say('No display: open the two addresses above in Chromium on this machine.');
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
  } finally {
    kioskWindow.close?.();
    for (const close of closers) close();
    await server?.close();
    await current.site.stop();
    clip?.remove();
  }
  return 0;
}
