import { siteDay } from '../../main/core/workflow/decision.js';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SCANNER_SOCKET_DEFAULT_PORT } from '../../drivers/hid/socket-transport.js';
import { startKiosk, type Kiosk } from '../../main/core/kiosk.js';
import { createLogger } from '../../main/core/logger.js';
import { loadScannerConfig } from '../../main/core/scanner-service.js';
import { KioskStore } from '../../main/store/kiosk-store.js';
import { SIM_STAFF_PIN, simSiteConfig } from '../../simulator/site-data.js';
import { CHROMIUM, openChromiumApp } from '../chromium-app.js';
import { CliError, intOption, printJson, stringOption, type Command } from '../command.js';
import { ensureDirFor, KIOSK_DB, SIM_KIOSK_DB, SIM_REGISTRY_DATA } from '../paths.js';
import { simulatorPcsc, simulatorRegistry, type SimulatorPcsc, type SimulatorRegistry } from '../simulator-site.js';
import { VPCD_DEFAULT_PORT } from '../../simulator/vpcd.js';
import { issueOperatorToken } from '../../registry/operator.js';
import { DEFAULT_SIM_PKI } from './sim.js';
import { CAMERA_SUBJECTS, isCameraSubject } from '../../simulator/camera-clip.js';
import { fakeCameraSwitches, startVirtualCamera, type VirtualCamera } from '../virtual-camera.js';
import type { PrinterConfig } from '../../drivers/printer/config.js';
import type { VirtualPrinter } from '../../simulator/printer.js';
import { printerFromOption } from '../printer-option.js';
import { SIM_TICKETS, startSimulatorPrinter } from '../simulator-printer.js';
import type { GateConfig } from '../../drivers/gate/config.js';
import type { VirtualGate } from '../../simulator/gate.js';
import { gateFromOption } from '../gate-option.js';
import { startSimulatorGate } from '../simulator-gate.js';
import { runSimulatorStart } from '../console/simulator-start.js';

/** Whether this machine has a video device (a USB camera) the browser could offer. */
function machineHasCamera(): boolean {
  try {
    return readdirSync('/dev').some((n) => /^video\d+$/.test(n));
  } catch {
    return false;
  }
}

const root = fileURLToPath(new URL('../../', import.meta.url));

/** The Electron binary's path when it was downloaded, else null (the usual case here). */
function electronBinary(): string | null {
  try {
    // In Node, the electron package is only its binary's path (no Electron API): start runs it.
    // eslint-disable-next-line rooms/imports -- bin may not use Electron's API; this is not it
    const p = createRequire(import.meta.url)('electron') as unknown;
    return typeof p === 'string' && existsSync(p) ? p : null;
  } catch {
    return null;
  }
}

export const start: Command = {
  name: 'start',
  summary: 'run the kiosk (Electron window if installed, else serve the UI on loopback)',
  help: `
Usage: kiosk start [--simulator] [--site hospital|airport] [--port N] [--browser] [--no-open]
                   [--json] [--scanner-port N] [--scanners FILE] [--db FILE] [--trust DIR]
                   [--no-registry] [--retention-days N] [--camera ui|virtual|none]
                   [--subject S] [--citizen I] [--liveness refuse|refer|record]
                   [--face-wait S] [--printer tcp://HOST[:PORT]|/dev/…] [--printer-text codepage|raster]
                   [--gate modbus://HOST[:PORT]?coil=N…|FILE]

  --simulator   simulator mode (npm start sets it): virtual reader, scanner and camera allowed
  --site KIND   simulator mode: run a hospital (default) or an airport kiosk, whatever the
                registry publishes
  --port N      loopback port for the UI (default: a free one)
  --browser     serve to a browser even when an Electron binary is installed
  --no-open     do not open Chromium, only print the address
  --json        print {"url","console","port","simulator","site","registry","vpcdPort",
                "scannerPort","camera","cameraClip","printerPort","gatePort"} once serving
  --scanner-port N  simulator mode: loopback port the virtual scanner plugs into
                (default 35970; 0 = any free port)
  --scanners FILE   which HID devices are scanners and how to read them (JSON, see
                docs/BARCODE.md); default: any HID POS scanner (usage page 0x8C)
  --db FILE     the kiosk database (default ${KIOSK_DB}; simulator ${SIM_KIOSK_DB})
  --trust DIR   also trust the CSCA certificates and CRLs in this folder (beside the
                registry's trust list)
  --no-registry simulator mode: do not start the embedded registry; a kiosk enrolled
                before syncs with its own registry
  --vpcd-port N simulator mode: the port of the private pcscd's first virtual reader (its
                second slot is N+1); default any free pair (without the console: 35963,
                when there is no system pcscd)
  --retention-days N  keep personal fields of check-ins the registry acknowledged this
                long (default: the site configuration's, 30 days unless published)
  --camera ui   the camera the UI page opens (getUserMedia): a USB camera, or whatever the
                browser offers (the default when this machine has a /dev/video device)
  --camera virtual  simulator mode: Chromium's fake camera plays a clip of --subject (the
                default when this machine has no camera); --json gives the clip's path as
                "cameraClip" for a browser you start yourself
  --camera none simulator mode: no camera; the simulator's site skips the face step (check-ins
                record the face as not checked), to try the card and scanner path alone
  --subject S   what the virtual camera sees: ${CAMERA_SUBJECTS.join(', ')} (default holder)
  --citizen I   whose face: citizen I of the simulator's seed, the card of
                \`kiosk sim chip --index I\` (default 0)
  --liveness P  simulator mode: what a failed liveness check does: refuse, refer to staff,
                or record only (default record: liveness is indicative, docs/FACE.md)
  --face-wait S simulator mode: seconds one capture attempt waits for a face (default 15)
  --printer P   the ticket printer (hospital): tcp://HOST[:PORT] for a network printer's raw
                port (9100 by default), or a device such as /dev/usb/lp0 (docs/PRINTER.md).
                Simulator mode without it: a virtual printer on a loopback port, its tickets
                kept as text and PNG in ${SIM_TICKETS}
  --printer-text codepage|raster  Vietnamese in the printer's code page (Windows-1258,
                default) or drawn as an image (any printer)
  --gate G      the boarding gate (airport): modbus://HOST[:PORT]?coil=N[&unit=U]
                [&open-input=A][&fault-input=B] for a gate controller on Modbus TCP, or a JSON
                file (docs/GATE.md). Simulator mode at an airport without it: a virtual gate

In simulator mode the whole site is simulated (bin/sim/site.ts) and the technician console
opens beside the kiosk (docs/CONSOLE.md): a page on its own loopback address with a one-time
token, from which cards, scans, the camera, the network, the clock, the printer and the gate
are played, scenarios run and recorded. With --no-registry, --printer, --printer-text, --gate,
--trust, --scanners or --retention-days the kiosk starts as before, without the console.

The kiosk uses the system's pcscd for its card readers. In simulator mode without one, it
starts a private pcscd with vsmartcard's virtual readers and prints how to put a card in
(kiosk sim chip). An embedded registry (PGlite, data in ${SIM_REGISTRY_DATA}) runs on
loopback, the kiosk enrols with it on first start, and the simulator's trust anchors, site
configuration and roster are published to it. Otherwise the kiosk syncs with the registry it
was enrolled with (kiosk sync enrol); when that registry cannot be reached the kiosk goes on
checking people in and queues their check-ins.

Without an Electron binary (as on machines that cannot download it) the core runs as a
plain Node process and serves the kiosk UI on 127.0.0.1; the address printed carries a
one-time token. With a display and Debian's chromium, it opens the UI in app mode.`,
  options: {
    site: { type: 'string' },
    port: { type: 'string' },
    browser: { type: 'boolean' },
    'no-open': { type: 'boolean' },
    'scanner-port': { type: 'string' },
    scanners: { type: 'string' },
    db: { type: 'string' },
    trust: { type: 'string' },
    'no-registry': { type: 'boolean' },
    'retention-days': { type: 'string' },
    'vpcd-port': { type: 'string' },
    camera: { type: 'string' },
    subject: { type: 'string' },
    citizen: { type: 'string' },
    liveness: { type: 'string' },
    'face-wait': { type: 'string' },
    printer: { type: 'string' },
    'printer-text': { type: 'string' },
    gate: { type: 'string' },
  },
  async run(ctx) {
    const electron = ctx.values['browser'] ? null : electronBinary();
    const site = stringOption(ctx, 'site');
    if (site !== undefined && site !== 'hospital' && site !== 'airport') throw new CliError('--site hospital or --site airport');
    if (site && !ctx.simulator)
      throw new CliError('--site is for simulator mode; a site kiosk runs the workflow its published site configuration names');
    const kind = site ?? 'hospital';
    const cameraChoice = stringOption(ctx, 'camera') ?? (ctx.simulator && !machineHasCamera() ? 'virtual' : 'ui');
    if (cameraChoice !== 'ui' && cameraChoice !== 'virtual' && cameraChoice !== 'none')
      throw new CliError('--camera ui, --camera virtual or --camera none');
    if (cameraChoice !== 'ui' && !ctx.simulator) throw new CliError(`--camera ${cameraChoice} is for simulator mode`);
    const subject = stringOption(ctx, 'subject') ?? 'holder';
    if (!isCameraSubject(subject)) throw new CliError(`--subject: one of ${CAMERA_SUBJECTS.join(', ')}`);
    const citizen = intOption(ctx, 'citizen', 0, 0, 100_000);
    const liveness = stringOption(ctx, 'liveness') ?? 'record';
    if (liveness !== 'refuse' && liveness !== 'refer' && liveness !== 'record') throw new CliError('--liveness refuse, refer or record');
    if (stringOption(ctx, 'liveness') && !ctx.simulator)
      throw new CliError('--liveness is for simulator mode; a site kiosk follows its published site configuration');
    const printerText = stringOption(ctx, 'printer-text') ?? 'codepage';
    if (printerText !== 'codepage' && printerText !== 'raster') throw new CliError('--printer-text codepage or --printer-text raster');
    let printer: PrinterConfig | null = null;
    const printerOption = stringOption(ctx, 'printer');
    if (printerOption) {
      try {
        printer = printerFromOption(printerOption, printerText);
      } catch (err) {
        throw new CliError((err as Error).message);
      }
    }
    let gateConfig: GateConfig | null = null;
    const gateOption = stringOption(ctx, 'gate');
    if (gateOption) {
      try {
        gateConfig = gateFromOption(gateOption);
      } catch (err) {
        throw new CliError((err as Error).message);
      }
    }
    const log = createLogger('kiosk');
    const port = intOption(ctx, 'port', 0, 0, 65535);
    const scannerPort = intOption(ctx, 'scanner-port', SCANNER_SOCKET_DEFAULT_PORT, 0, 65535);
    const retention = stringOption(ctx, 'retention-days') === undefined ? undefined : intOption(ctx, 'retention-days', 30, 1, 3650);
    const scannersFile = stringOption(ctx, 'scanners');
    let scannerConfig;
    try {
      scannerConfig = scannersFile ? loadScannerConfig(scannersFile) : undefined;
    } catch (err) {
      throw new CliError((err as Error).message);
    }
    const dbPath = stringOption(ctx, 'db') ?? (ctx.simulator ? SIM_KIOSK_DB : KIOSK_DB);
    ensureDirFor(dbPath);
    // The simulated site with its console, unless a flag asks for a part it does not simulate.
    const outside = ['no-registry', 'printer', 'printer-text', 'gate', 'trust', 'scanners', 'retention-days'].filter(
      (f) => ctx.values[f] !== undefined,
    );
    if (ctx.simulator && !electron && outside.length === 0)
      return runSimulatorStart({
        kind,
        camera: cameraChoice,
        subject,
        citizen,
        cameraFixed: stringOption(ctx, 'subject') !== undefined || stringOption(ctx, 'citizen') !== undefined,
        liveness,
        faceMs: intOption(ctx, 'face-wait', 15, 2, 120) * 1000,
        uiPort: port,
        db: dbPath,
        pkiDir: DEFAULT_SIM_PKI,
        vpcdPort: intOption(ctx, 'vpcd-port', 0, 0, 65534),
        scannerPort,
        open: !ctx.values['no-open'],
        json: ctx.json,
        log,
        say: (line) => process.stderr.write(`${line}\n`),
      });
    if (ctx.simulator && !ctx.json && outside.length)
      process.stderr.write(`With --${outside.join(', --')} the simulator starts without the technician console.\n`);
    let store: KioskStore;
    try {
      store = new KioskStore(dbPath);
    } catch (err) {
      throw new CliError((err as Error).message);
    }
    const say = (line: string) => process.stderr.write(`${line}\n`);
    let pcsc: SimulatorPcsc | null = null;
    let sim: SimulatorRegistry | null = null;
    let camera: VirtualCamera | null = null;
    let virtualPrinter: VirtualPrinter | null = null;
    let virtualGate: VirtualGate | null = null;
    let kiosk: Kiosk;
    try {
      if (ctx.simulator && kind === 'airport' && !gateConfig) {
        const g = await startSimulatorGate(say);
        virtualGate = g.gate;
        gateConfig = g.config;
      }
      if (ctx.simulator && !printer) {
        virtualPrinter = await startSimulatorPrinter(say);
        printer = printerFromOption(`tcp://127.0.0.1:${virtualPrinter.port}`, printerText);
      }
      if (cameraChoice === 'virtual') {
        say(`Writing the virtual camera's clip (${subject}, citizen ${citizen})…`);
        const made = await startVirtualCamera({ subject, seed: 'cccd', citizen });
        if ('problem' in made) say(`No virtual camera: ${made.problem}. Check-ins record the face as not checked.`);
        else camera = made;
      }
      // Without any camera the simulator's site skips the face step rather than refer everyone to staff.
      const face = {
        required: cameraChoice === 'ui' || camera !== null,
        liveness,
        faceMs: intOption(ctx, 'face-wait', 15, 2, 120) * 1000,
      } as const;
      if (ctx.simulator) {
        pcsc = await simulatorPcsc(say, intOption(ctx, 'vpcd-port', VPCD_DEFAULT_PORT, 1, 65534));
        if (!ctx.values['no-registry']) {
          say(`Starting the embedded registry (PGlite, ${SIM_REGISTRY_DATA})…`);
          const today = siteDay(new Date());
          sim = await simulatorRegistry({
            dataDir: SIM_REGISTRY_DATA,
            store,
            log,
            kind,
            pkiDir: DEFAULT_SIM_PKI,
            seed: 'cccd',
            date: today,
            face,
          }).catch((err: Error) => {
            throw new CliError(`cannot start the embedded registry: ${err.message}`);
          });
        }
      }
      if (electron) {
        // The Electron core opens the database itself: this process keeps the simulator's
        // registry and pcscd running for it, and stops them when the window closes.
        store.close();
        const build = spawnSync(process.execPath, [join(root, 'scripts/build.mjs')], { stdio: 'inherit' });
        if (build.status !== 0) throw new CliError('building the Electron app failed (see above)');
        const env = {
          ...process.env,
          KIOSK_DB: dbPath,
          KIOSK_SCANNER_PORT: String(scannerPort),
          ...(ctx.simulator ? { KIOSK_SIMULATOR: '1', KIOSK_SITE: kind } : {}),
          ...(camera ? { KIOSK_FAKE_CAMERA: camera.file } : {}),
          ...(printer ? { KIOSK_PRINTER: JSON.stringify(printer) } : {}),
          ...(gateConfig ? { KIOSK_GATE: JSON.stringify(gateConfig) } : {}),
          ...(stringOption(ctx, 'trust') ? { KIOSK_TRUST: stringOption(ctx, 'trust')! } : {}),
          ...(scannersFile ? { KIOSK_SCANNERS: scannersFile } : {}),
        };
        const child = spawn(electron, [join(root, 'dist/main/shell/app.js')], { stdio: 'inherit', env });
        const code = await new Promise<number>((resolve) => child.on('exit', (c) => resolve(c ?? 1)));
        await sim?.registry.close();
        await pcsc?.stop();
        camera?.remove();
        await virtualPrinter?.stop();
        await virtualGate?.stop();
        return code;
      }
      kiosk = await startKiosk({
        simulator: ctx.simulator,
        log,
        db: store,
        ...(ctx.simulator ? { siteKind: kind, defaultSiteConfig: simSiteConfig(kind, face) } : {}),
        trustDir: stringOption(ctx, 'trust') ?? null,
        ui: { port },
        scanner: { socketPort: scannerPort, ...(scannerConfig ? { config: scannerConfig } : {}) },
        ...(retention !== undefined ? { retentionDays: retention } : {}),
        printer: printer ?? false,
        gate: gateConfig ?? false,
      });
    } catch (err) {
      await sim?.registry.close();
      await pcsc?.stop();
      camera?.remove();
      await virtualPrinter?.stop();
      await virtualGate?.stop();
      if (store.db.open) store.close();
      throw err instanceof CliError ? err : new CliError((err as Error).message);
    }
    const url = kiosk.ui!.url;
    const registryUrl = sim?.registry.server.url ?? kiosk.credentials?.registryUrl ?? null;
    if (ctx.json)
      printJson({
        url,
        console: null,
        port: kiosk.ui!.port,
        simulator: ctx.simulator,
        site: kiosk.reference.siteConfig.kind,
        registry: registryUrl,
        vpcdPort: pcsc?.vpcdPort ?? null,
        scannerPort: kiosk.scanners?.socketPort ?? null,
        camera: cameraChoice,
        cameraClip: camera?.file ?? null,
        printerPort: virtualPrinter?.port ?? null,
        gatePort: virtualGate?.port ?? null,
      });
    else {
      process.stdout.write(`Kiosk UI: ${url}\n`);
      process.stdout.write(`A ${kiosk.reference.siteConfig.kind} kiosk (${kiosk.reference.siteConfig.name}).\n`);
      if (sim) {
        // The embedded registry's database is held by this process: its operator token is made here, a new one each start.
        const { token } = await issueOperatorToken(sim.registry.db, 'simulator');
        process.stdout.write(
          `Registry (embedded): ${sim.registry.server.url}, fleet page ${sim.registry.server.url}/fleet (operator token ${token})\n`,
        );
      }
      if (pcsc) {
        process.stdout.write(
          `Put a card on the reader:   ./bin/kiosk sim chip --index 0${pcsc.vpcdPort !== VPCD_DEFAULT_PORT ? ` --port ${pcsc.vpcdPort}` : ''}\n` +
            `Scan its front QR code:     ./bin/kiosk sim scanner --qrs 1 --index 0${scannerPort !== SCANNER_SOCKET_DEFAULT_PORT ? ` --port ${kiosk.scanners?.socketPort ?? scannerPort}` : ''}\n` +
            (kind === 'airport' ? `Scan a boarding pass:       ./bin/kiosk sim scanner --passes 1 --index 0\n` : ''),
        );
      }
      if (camera)
        process.stdout.write(
          `Virtual camera:             ${camera.subject} (citizen ${camera.citizen}); another: kiosk start --subject ${CAMERA_SUBJECTS.join('|')} --citizen I\n` +
            `  (for a browser you start:  chromium ${fakeCameraSwitches(camera.file).join(' ')})\n`,
        );
      else if (cameraChoice === 'ui') process.stdout.write('Camera: the one the browser offers (the page asks for it)\n');
      else process.stdout.write('No camera: the face step is off, check-ins record the face as not checked\n');
      if (ctx.simulator) process.stdout.write(`Staff mode PIN (simulator):  ${SIM_STAFF_PIN}\n`);
      process.stdout.write('(open the address in Chromium; Ctrl+C stops the kiosk)\n');
    }
    let closeBrowser: (() => void) | null = null;
    if (!ctx.values['no-open'] && process.env['DISPLAY'] && existsSync(CHROMIUM))
      closeBrowser = openChromiumApp(url, camera ? fakeCameraSwitches(camera.file) : []);
    else if (!ctx.json) say('No Electron binary and no display: open the address above in a browser on this machine.');
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    closeBrowser?.();
    await kiosk.stop();
    store.close();
    await sim?.registry.close();
    await pcsc?.stop();
    camera?.remove();
    await virtualPrinter?.stop();
    await virtualGate?.stop();
    return 0;
  },
};
