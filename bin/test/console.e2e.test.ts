// The technician console end to end: `kiosk start --simulator` in its own process (the
// simulated site, the kiosk UI and the console on loopback), and Debian's Chromium with the
// kiosk page (its camera the fake device playing the start's clip) and the console page side
// by side. The test drives the panel as a technician would and watches both: a card on and
// off, a chip fault, the network cut and restored, the camera's subject changed (the kiosk
// page reopens its camera on the new clip). axe checks the panel; screenshots go to
// artifacts/ui/console-*.png.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, repoRoot } from '../../renderer/test/browser.js';
import { freePortPair } from '../../simulator/pcscd.js';

const SHOTS = join(repoRoot, 'artifacts', 'ui');
const axeSource = readFileSync(join(repoRoot, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

interface Started {
  url: string;
  console: string;
  cameraClip: string | null;
}

let child: ChildProcess;
let dataDir: string;
let started: Started;
let chromium: { browser: Browser; close(): Promise<void> };
let kioskPage: Page;
let panel: Page;

/** `kiosk start --simulator --json --no-open` in its own data folder; resolves with its JSON line. */
function startKiosk(timeoutMs: number): Promise<Started> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`kiosk start gave no address within ${timeoutMs} ms: ${err}`)), timeoutMs);
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      try {
        const v = JSON.parse(out) as Started;
        clearTimeout(timer);
        resolve(v);
      } catch {
        // not a whole JSON value yet
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`kiosk start exited with ${code}: ${err}`));
    });
  });
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'console-e2e-'));
  const vpcdPort = await freePortPair();
  child = spawn(
    join(repoRoot, 'bin/kiosk'),
    [
      'start',
      '--simulator',
      '--browser',
      '--no-open',
      '--json',
      '--camera',
      'virtual',
      '--scanner-port',
      '0',
      '--vpcd-port',
      String(vpcdPort),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, KIOSK_DATA_DIR: dataDir } },
  );
  started = await startKiosk(45_000);
  expect(started.console).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#token=[\w-]{20,}$/);
  expect(started.cameraClip).toBeTruthy();
  chromium = await launchChromium({ camera: started.cameraClip! });
  const context = await chromium.browser.newContext({ viewport: { width: 1400, height: 1000 }, bypassCSP: true });
  kioskPage = await context.newPage();
  await kioskPage.goto(started.url);
  panel = await context.newPage();
  await panel.goto(started.console);
  mkdirSync(SHOTS, { recursive: true });
}, 60_000);

afterAll(async () => {
  await chromium?.close();
  if (child && child.exitCode === null) {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    if (child.exitCode === null) child.kill('SIGKILL');
  }
  rmSync(dataDir, { recursive: true, force: true });
});

const kioskScreen = (screen: string, timeout = 20_000) => kioskPage.waitForSelector(`[data-screen="${screen}"]`, { timeout });
const liveScreen = (screen: string, timeout = 20_000) =>
  panel.getByTestId('live-screen').getByText(screen, { exact: true }).waitFor({ timeout });
const videoTrack = () =>
  kioskPage.evaluate(
    '(() => { const v = document.querySelector(\'[data-testid="camera-video"]\'); return v && v.srcObject ? v.srcObject.getVideoTracks()[0]?.id ?? null : null; })()',
  ) as Promise<string | null>;

async function seriousAxe(page: Page): Promise<string[]> {
  if (!(await page.evaluate("'axe' in window"))) await page.evaluate(axeSource);
  return page.evaluate(
    `axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id + ': ' + v.nodes.map((n) => n.target).join(' ')))`,
  ) as Promise<string[]>;
}

describe('the technician console', () => {
  it('shows the site live, puts a card on and off, and is accessible in both languages', async () => {
    await kioskScreen('idle');
    await liveScreen('idle');
    expect((await panel.getByTestId('card-name').textContent())?.trim()).toBeTruthy();
    expect(await seriousAxe(panel)).toEqual([]);
    await panel.screenshot({ path: join(SHOTS, 'console-vi.png'), fullPage: true });

    // A card without its key: the kiosk asks for the QR code or the CAN.
    await panel.getByTestId('citizen').selectOption('1');
    await panel.getByTestId('card-on-0').click();
    await kioskScreen('need-access');
    await liveScreen('need-access');
    await panel.getByTestId('scan-qr').click();
    // The chip is read (the APDU trace fills), then the face step and the visit's screens.
    await kioskPage.waitForSelector(':is([data-screen="face"], [data-screen="insurance"], [data-screen="clinic"])', { timeout: 30_000 });
    await panel.getByTestId('trace').getByText('SELECT').first().waitFor({ timeout: 5000 });
    await panel.getByTestId('card-off-0').click();
    await panel.getByTestId('press-cancel').click();
    await kioskScreen('idle');
    await liveScreen('idle');
    await panel.getByTestId('lang').selectOption('en');
    await panel.getByText('Technician console').first().waitFor();
    expect(await seriousAxe(panel)).toEqual([]);
    await panel.screenshot({ path: join(SHOTS, 'console-en.png'), fullPage: true });
  }, 60_000);

  it('injects a chip fault: a cloned chip is refused', async () => {
    await panel.getByTestId('fault-cloned').check();
    await panel.getByTestId('scan-qr').click();
    await panel.getByTestId('card-on-0').click();
    await kioskScreen('result', 30_000);
    await panel
      .getByTestId('live-decision')
      .getByText(/refused/)
      .waitFor({ timeout: 5000 });
    await panel.getByTestId('fault-cloned').uncheck();
    await panel.screenshot({ path: join(SHOTS, 'console-fault.png'), fullPage: true });
    await panel.getByTestId('card-off-0').click();
    await panel.getByTestId('press-cancel').click();
    await kioskScreen('idle', 20_000);
  }, 45_000);

  it('cuts and restores the network to the registry', async () => {
    await panel.getByTestId('network').click();
    await panel.getByTestId('live-network').getByText('cut').waitFor({ timeout: 5000 });
    await panel.getByTestId('live-devices').getByText('registry: missing').waitFor({ timeout: 15_000 });
    await panel.screenshot({ path: join(SHOTS, 'console-network-cut.png'), fullPage: true });
    await panel.getByTestId('network').click();
    await panel.getByTestId('live-network').getByText('up').waitFor({ timeout: 5000 });
    await panel.getByTestId('live-devices').getByText('registry: connected').waitFor({ timeout: 15_000 });
  }, 45_000);

  it("runs a patient's visit from the try-this list with one click, telling each step", async () => {
    await panel.getByTestId('try-patient-visit').click();
    await panel.getByTestId('running').waitFor({ timeout: 10_000 });
    await kioskScreen('result', 40_000);
    await panel.getByTestId('status-line').getByText("Done: A patient's visit").waitFor({ timeout: 30_000 });
    await panel
      .getByTestId('trace')
      .getByText(/Card of citizen 9 on reader 0/)
      .first()
      .waitFor();
    await panel
      .getByTestId('live-decision')
      .getByText(/admitted/)
      .waitFor();
    await panel.screenshot({ path: join(SHOTS, 'console-try-this.png'), fullPage: true });
  }, 60_000);

  it('records what the technician does as a YAML scenario, and replays it', async () => {
    await panel.getByTestId('record-start').click();
    await panel.getByTestId('citizen').selectOption('3');
    await panel.getByTestId('card-on-1').click();
    await panel.getByTestId('card-off-1').click();
    await panel
      .getByTestId('recording')
      .getByText(/[23] (steps|bước)/)
      .waitFor({ timeout: 5000 });
    const [download] = await Promise.all([panel.waitForEvent('download'), panel.getByTestId('record-stop').click()]);
    const file = join(dataDir, 'recorded.yaml');
    await download.saveAs(file);
    const yaml = readFileSync(file, 'utf8');
    expect(yaml).toMatch(/site: hospital/);
    expect(yaml).toMatch(/do: card-on\s+citizen: 3\s+reader: 1/);
    await panel.getByTestId('replay-file').setInputFiles(file);
    await panel
      .getByTestId('status-line')
      .getByText(/^Done: Replay/)
      .waitFor({ timeout: 20_000 });
  }, 40_000);

  it('changes what the camera sees: the kiosk page reopens its camera on the new clip', async () => {
    const before = await videoTrack();
    expect(before).toBeTruthy();
    await panel.getByTestId('camera-subject').selectOption('nobody');
    await panel.getByTestId('camera-show').click();
    await panel
      .getByTestId('live-camera')
      .getByText(/nobody/)
      .waitFor({ timeout: 10_000 });
    await kioskPage.waitForFunction(
      `(() => { const v = document.querySelector('[data-testid="camera-video"]'); const id = v && v.srcObject ? v.srcObject.getVideoTracks()[0]?.id : null; return id && id !== ${JSON.stringify(before)}; })()`,
      undefined,
      { timeout: 10_000 },
    );
    // A control the kiosk cannot take now says why, in the status line.
    await panel.getByTestId('choose-clinic').click();
    await panel
      .getByRole('alert')
      .getByText(/did not take/)
      .waitFor({ timeout: 5000 });
  }, 30_000);

  it('switches the site to an airport and boards a passenger from the try-this list', async () => {
    await panel.getByTestId('switch-site').click();
    await panel
      .getByTestId('status-line')
      .getByText(/^Done: Switch to an airport/)
      .waitFor({ timeout: 45_000 });
    await panel.getByText('Technician console · Site: airport').waitFor();
    // The same address, the same token: the kiosk page opened by hand is reloaded.
    await kioskPage.reload();
    await kioskScreen('idle');
    await panel.getByTestId('try-passenger-boarding').click();
    await panel.getByTestId('status-line').getByText("Done: A passenger's boarding").waitFor({ timeout: 40_000 });
    await panel
      .getByTestId('live-decision')
      .getByText(/admitted/)
      .waitFor();
    await panel.screenshot({ path: join(SHOTS, 'console-airport.png'), fullPage: true });
  }, 90_000);
});
