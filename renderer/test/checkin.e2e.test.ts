// A check-in seen in a real browser: `kiosk start --simulator` in its own process, the
// technician's `kiosk sim scanner` and `kiosk sim chip` as the scanner and the card, and
// Debian's Chromium showing the screens as the person in front of the kiosk sees them.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, kioskCommand, launchChromium, startKioskProcess, walkToResult, type KioskProcess } from './browser.js';

let kiosk: KioskProcess;
let chrome: Awaited<ReturnType<typeof launchChromium>>;

beforeAll(async () => {
  // The simulator's virtual camera (this machine has none): the card holder's clip, played by Chromium's fake camera.
  kiosk = await startKioskProcess({ site: 'hospital', args: ['--camera', 'virtual'] });
  chrome = await launchChromium({ camera: kiosk.cameraClip ?? undefined });
}, 60_000);
afterAll(async () => {
  await chrome?.close();
  await kiosk?.stop();
});

describe('a hospital check-in in the browser', () => {
  it('shows the reader connected, the QR code taken, the card read, and the result', async () => {
    const page = await chrome.browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(kiosk.url);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 15_000 });
    await page.click('[data-testid="lang-en"]');
    await page.waitForFunction(
      () => /Connected/.test(document.querySelector('[data-testid="device-reader"]')?.textContent ?? ''),
      undefined,
      { timeout: 15_000 },
    );

    const scan = kioskCommand(['sim', 'scanner', '--qrs', '1', '--index', '0', '--port', String(kiosk.scannerPort)]);
    await scan.exited;
    await page.waitForSelector('[data-screen="waiting-card"]', { timeout: 10_000 });
    expect(await page.textContent('[data-testid="prompt"]')).toBe('Place your chip ID card on the reader');

    const chip = kioskCommand(['sim', 'chip', '--index', '0', '--port', String(kiosk.vpcdPort)]);
    try {
      await walkToResult(page);
      expect(await page.getAttribute('[data-screen="result"]', 'data-outcome')).toBe('admitted');
      expect(await page.getAttribute('[data-screen="result"]', 'data-face')).toBe('matched');
      // A hospital visit ends with its queue ticket when the site gives tickets.
      const ticket = await page.getAttribute('[data-screen="result"]', 'data-ticket');
      if (ticket) expect(await page.textContent('[data-testid="ticket-number"]')).toBe(ticket);
      else expect(await page.textContent('[data-testid="prompt"]')).toBe('Done. Please go ahead.');
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: join(ARTIFACTS, 'checkin-result.png') });
    } finally {
      await chip.stop();
    }
    await page.close();
  }, 90_000);
});
