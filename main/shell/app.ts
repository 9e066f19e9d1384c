// Electron main process: a thin shell. It opens the kiosk window on our own scheme, starts
// the kiosk core as a utilityProcess, and hands the window a MessagePort to the core.
// Nothing else crosses into the renderer.
import { BrowserWindow, Menu, MessageChannelMain, app, ipcMain, net, protocol, utilityProcess, type IpcMainEvent } from 'electron';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { APP_CSP, APP_ENTRY, APP_SCHEME, createHelloGate, hardenApp, kioskWindowOptions } from './security.js';
import { resolveAppPath } from './kiosk-protocol.js';

const distDir = fileURLToPath(new URL('../../', import.meta.url));
const rendererDir = join(distDir, 'renderer');
const simulator = process.env['KIOSK_SIMULATOR'] === '1' || process.argv.includes('--simulator');

protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: false, corsEnabled: false } },
]);
hardenApp(app, Menu);
// Simulator mode's virtual camera (kiosk start --camera virtual): Chromium's fake capture
// device plays the clip, and the page opens it with getUserMedia like a USB camera.
const fakeCamera = simulator ? process.env['KIOSK_FAKE_CAMERA'] : undefined;
if (fakeCamera) {
  app.commandLine.appendSwitch('use-fake-device-for-media-stream');
  app.commandLine.appendSwitch('use-file-for-fake-video-capture', fakeCamera);
}

function serveRenderer(): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const resolved = resolveAppPath(request.url, rendererDir);
    if (!('file' in resolved)) return new Response(resolved.reason, { status: resolved.status, headers: { 'content-type': 'text/plain' } });
    const res = await net.fetch(pathToFileURL(resolved.file).href);
    const headers = new Headers(res.headers);
    headers.set('content-security-policy', APP_CSP);
    headers.set('x-content-type-options', 'nosniff');
    return new Response(res.body, { status: res.status, headers });
  });
}

function startCore(): Electron.UtilityProcess {
  const core = utilityProcess.fork(join(distDir, 'main/core/utility-main.js'), simulator ? ['--simulator'] : [], {
    serviceName: 'cccd-kiosk-core',
    stdio: 'inherit',
    // An installed app keeps the face models beside its archive, in its resources
    // (electron-builder.yml, extraResources); models/manifest.ts reads KIOSK_MODELS_DIR.
    env:
      app.isPackaged && !process.env['KIOSK_MODELS_DIR']
        ? { ...process.env, KIOSK_MODELS_DIR: join(process.resourcesPath, 'models') }
        : process.env,
    // GC work stays on the thread that made it, so the face worker's collections do not
    // compete with the core's main loop (docs/FACE.md).
    execArgv: ['--single-threaded-gc'],
  });
  core.on('exit', (code) => {
    if (code !== 0) console.error(`kiosk core exited with code ${code}`);
    app.quit();
  });
  return core;
}

async function main(): Promise<void> {
  await app.whenReady();
  serveRenderer();
  const core = startCore();
  const win = new BrowserWindow(kioskWindowOptions(join(distDir, 'main/shell/preload.cjs'), !simulator));

  // The preload asks for its port once the page has loaded: only our page's main frame in
  // this window gets one, once per page load (security.ts, createHelloGate).
  const hello = createHelloGate<IpcMainEvent>(
    win.webContents.id,
    (event) => {
      const { port1, port2 } = new MessageChannelMain();
      core.postMessage({ type: 'ui-port' }, [port1]);
      event.sender.postMessage('kiosk:port', null, [port2]);
    },
    (reason) => console.error(reason),
  );
  win.webContents.on('did-navigate', () => hello.newPage());
  ipcMain.on('kiosk:hello', (event: IpcMainEvent) => hello.hello(event));

  win.once('ready-to-show', () => win.show());
  await win.loadURL(APP_ENTRY);
}

app.on('window-all-closed', () => app.quit());
void main().catch((err: unknown) => {
  console.error('kiosk shell failed to start', err);
  app.exit(1);
});
