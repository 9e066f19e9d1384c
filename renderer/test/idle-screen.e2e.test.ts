// The idle screen in a real browser, served by the real `kiosk start` process.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, launchChromium, startKioskProcess, type KioskProcess } from './browser.js';

let kiosk: KioskProcess;
let chrome: Awaited<ReturnType<typeof launchChromium>>;

beforeAll(async () => {
  kiosk = await startKioskProcess();
  chrome = await launchChromium();
});
afterAll(async () => {
  await chrome?.close();
  await kiosk?.stop();
});

describe('idle screen', () => {
  it('shows the prompt, the device status and the version, and switches language', async () => {
    const page = await chrome.browser.newPage({ viewport: { width: 1280, height: 800 } });
    const consoleErrors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
    await page.goto(kiosk.url);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 15_000 });

    // Vietnamese by default.
    expect(await page.textContent('[data-testid="prompt"]')).toBe('Đặt thẻ Căn cước lên đầu đọc để bắt đầu');
    expect(await page.textContent('[data-testid="device-reader"]')).toMatch(/Đầu đọc thẻ(Đã kết nối|Không có)/);
    expect(await page.textContent('[data-testid="version"]')).toMatch(/^Phiên bản \d+\.\d+\.\d+/);
    expect(await page.textContent('[data-testid="mode"]')).toBe('Chế độ mô phỏng');
    // The token left the address bar once read.
    expect(page.url()).not.toContain('token=');

    await page.click('[data-testid="lang-en"]');
    expect(await page.textContent('[data-testid="prompt"]')).toBe('Place your chip ID card on the reader to begin');
    expect(await page.textContent('[data-testid="device-camera"]')).toMatch(/Camera(Connected|Missing)/);
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    // The embedded registry is up and the kiosk syncs with it.
    expect(kiosk.registry).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await page.waitForFunction(
      () => /Connected/.test(document.querySelector('[data-testid="device-registry"]')?.textContent ?? ''),
      undefined,
      { timeout: 15_000 },
    );

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'idle-screen.png') });

    await page.click('[data-testid="lang-vi"]');
    expect(await page.textContent('[data-testid="title"]')).toBe('Ki-ốt tự phục vụ');
    expect(consoleErrors).toEqual([]);
    await page.close();
  });

  it('refuses a page that does not carry the token', async () => {
    const page = await chrome.browser.newPage();
    await page.goto(kiosk.url.split('#')[0]!);
    await page.waitForSelector('[data-testid="disconnected"]', { timeout: 15_000 });
    expect(await page.textContent('[data-testid="disconnected"]')).toContain('Mất kết nối');
    await page.close();
  });
});
