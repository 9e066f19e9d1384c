// Accessibility (axe-core) and screenshots of every screen in both languages. The page is
// the real bundle served by the real `kiosk start` (its CSP included); the screens that need
// the hospital workflow are fed by a fake window.kiosk (fake-kiosk.ts). axe is evaluated
// through the DevTools protocol, which the page's CSP does not govern, so the page keeps it.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Language } from '../../main/api/contract.js';
import { kioskCommand, launchChromium, repoRoot, startKioskProcess, type KioskProcess } from './browser.js';
import { installFakeKiosk, requestsSent, sampleViews, showView, viewSelector } from './fake-kiosk.js';

const SCREENSHOTS = join(repoRoot, 'artifacts', 'ui');
const axeSource = readFileSync(join(repoRoot, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
const LANGUAGES: Language[] = ['vi', 'en'];

/** Uncaught errors in the pages (a screen that throws, a sound that could not play…): none allowed. */
const pageErrors: string[] = [];
afterEach(() => {
  expect(pageErrors.splice(0)).toEqual([]);
});

let kiosk: KioskProcess;
let chrome: Awaited<ReturnType<typeof launchChromium>>;

beforeAll(async () => {
  kiosk = await startKioskProcess();
  chrome = await launchChromium();
  mkdirSync(SCREENSHOTS, { recursive: true });
}, 60_000);
afterAll(async () => {
  await chrome?.close();
  await kiosk?.stop();
});

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** axe's serious and critical violations on the page as it is now. */
async function seriousViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(c: Document, o: object): Promise<{ violations: Violation[] }> } }).axe;
    return (await axe.run(document, { resultTypes: ['violations'] })).violations;
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

async function openFake(language: Language, view = sampleViews['idle']!): Promise<Page> {
  const page = await chrome.browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.setDefaultTimeout(5000);
  await installFakeKiosk(page, { language, view });
  await page.goto(kiosk.url);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 15_000 });
  return page;
}

describe('every screen, fed by a fake core', () => {
  it.each(LANGUAGES)(
    'in %s: no serious or critical axe violation; a screenshot of each',
    async (language) => {
      const page = await openFake(language);
      const found: Record<string, string[]> = {};
      for (const [name, view] of Object.entries(sampleViews)) {
        await showView(page, view);
        await page.waitForSelector(viewSelector(view));
        await page.screenshot({ path: join(SCREENSHOTS, `${name}-${language}.png`) });
        const v = await seriousViolations(page);
        if (v.length) found[name] = v;
      }
      await page.click('[data-testid="staff-open"]');
      await page.waitForSelector('[data-screen="staff"][data-staff="locked"]');
      await page.screenshot({ path: join(SCREENSHOTS, `staff-pin-${language}.png`) });
      found['staff-pin'] = await seriousViolations(page);
      for (const d of '2468') await page.click(`[data-testid="staff-pin-${d}"]`);
      await page.click('[data-testid="staff-pin-ok"]');
      await page.waitForSelector('[data-testid="staff-recent"]');
      await page.screenshot({ path: join(SCREENSHOTS, `staff-${language}.png`), fullPage: true });
      found['staff'] = await seriousViolations(page);
      expect(Object.fromEntries(Object.entries(found).filter(([, v]) => v.length))).toEqual({});
      await page.close();
    },
    120_000,
  );
});

describe('the screens send what the person chose', () => {
  it('the keypad sends the six digits, from the screen and from the keyboard', async () => {
    const page = await openFake('en', sampleViews['need-access']);
    for (const d of '123') await page.click(`[data-testid="keypad-${d}"]`);
    await page.keyboard.type('4567');
    await page.click('[data-testid="keypad-erase"]');
    expect(await page.isDisabled('[data-testid="keypad-ok"]')).toBe(true);
    await page.keyboard.press('9');
    await page.keyboard.press('Backspace');
    await page.keyboard.press('5');
    await page.click('[data-testid="keypad-ok"]');
    expect(await requestsSent(page)).toContainEqual({ method: 'checkin.enterCan', params: { can: '123455' } });
    await page.close();
  });

  it('insurance, clinic and confirmation send continue, the clinic, back and confirm', async () => {
    const page = await openFake('vi', sampleViews['insurance-expired']);
    expect(await page.textContent('[data-testid="roster-stale"]')).toContain('bản lưu gần nhất');
    expect(await page.textContent('[data-screen="insurance"]')).toContain('30/06/2024');
    await page.click('[data-testid="fee-paying"]');
    await showView(page, sampleViews['clinic']!);
    await page.click('[data-testid="clinic-nhi"]');
    await showView(page, sampleViews['confirm-booked']!);
    expect(await page.textContent('[data-screen="confirm"]')).toContain('09:30');
    await page.click('[data-testid="back"]');
    await page.click('[data-testid="confirm"]');
    const sent = (await requestsSent(page)).map((r) => [r.method, r.params]);
    expect(sent).toEqual(
      expect.arrayContaining([
        ['checkin.continue', { feePaying: true }],
        ['checkin.chooseClinic', { clinic: 'nhi' }],
        ['checkin.back', {}],
        ['checkin.confirm', {}],
      ]),
    );
    await page.close();
  });

  it('the ticket shows its number and data attributes, and counts down', async () => {
    const page = await openFake('en', sampleViews['result-ticket-unprinted']);
    const result = page.locator('[data-screen="result"]');
    expect(await result.getAttribute('data-ticket')).toBe('B104');
    expect(await result.getAttribute('data-outcome')).toBe('admitted');
    expect(await page.textContent('[data-testid="ticket-number"]')).toBe('B104');
    expect(await page.textContent('[data-testid="ticket-printed"]')).toContain('note your number or ask staff');
    const before = await page.textContent('[data-testid="countdown"]');
    await page.waitForFunction((b) => document.querySelector('[data-testid="countdown"]')?.textContent !== b, before);
    await showView(page, sampleViews['result-refused']!);
    expect(await page.getAttribute('[data-screen="result"]', 'data-reason')).toBe('card-expired chip-not-genuine');
    expect(await page.textContent('[data-testid="advice"]')).toContain('photo ID');
    await page.close();
  });

  it('staff mode: a wrong PIN waits, the right one shows the panel; reprint, out of service, lock', async () => {
    const page = await openFake('en');
    await page.keyboard.press('Tab');
    await page.focus('[data-testid="staff-open"]');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-screen="staff"]');
    await page.keyboard.type('1111');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid="staff-wrong-pin"]');
    expect(await page.isDisabled('[data-testid="staff-pin-1"]')).toBe(true);
    await page.waitForFunction(() => !(document.querySelector('[data-testid="staff-pin-1"]') as HTMLButtonElement).disabled);
    await page.keyboard.type('2468');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid="staff-recent"]');
    expect(await page.textContent('[data-testid="staff-device-printer"]')).toContain('Out of paper');
    await page.click('[data-testid="staff-reprint"]');
    expect(await page.textContent('[data-testid="staff-reprint-result"]')).toContain('paper-out');
    await page.click('[data-testid="staff-out-of-service"]');
    await page.waitForFunction(() =>
      /out of service\./.test(document.querySelector('[data-testid="staff-service-state"]')?.textContent ?? ''),
    );
    await page.click('[data-testid="staff-close"]');
    await page.waitForSelector('[data-screen="idle"]');
    const methods = (await requestsSent(page)).map((r) => r.method);
    expect(methods).toEqual(expect.arrayContaining(['staff.unlock', 'staff.view', 'staff.reprint', 'staff.outOfService', 'staff.lock']));
    await page.close();
  });
});

describe('the airport passage', () => {
  /** Shows a sample view and waits until it is on the page. */
  async function show(page: Page, name: string): Promise<void> {
    const view = sampleViews[name]!;
    await showView(page, view);
    await page.waitForSelector(viewSelector(view));
  }

  it('asks for the pass and the card in either order', async () => {
    const page = await openFake('en', sampleViews['airport-idle']);
    await page.waitForSelector('[data-screen="idle"]');
    expect(await page.textContent('[data-testid="prompt"]')).toBe(
      'Scan your boarding pass (paper or phone) or place your chip ID card — either order',
    );
    await show(page, 'airport-waiting-card');
    expect(await page.textContent('[data-testid="prompt"]')).toContain('Boarding pass scanned. Now place your chip ID card');
    await show(page, 'airport-waiting-pass');
    expect(await page.textContent('[data-testid="prompt"]')).toBe('Now scan your boarding pass');
    expect(await page.textContent('[data-testid="announce"]')).toContain('Now scan your boarding pass');
    // The hospital's prompts are untouched.
    await show(page, 'waiting-card');
    expect(await page.textContent('[data-testid="prompt"]')).toBe('Place your chip ID card on the reader');
    await page.close();
  });

  it('an admitted passenger sees the gate open with the flight and a countdown; a gate fault sends them to staff', async () => {
    const page = await openFake('en', sampleViews['airport-gate-open']);
    const result = page.locator('[data-screen="result"]');
    await result.waitFor();
    expect(await result.getAttribute('data-outcome')).toBe('admitted');
    expect(await result.getAttribute('data-gate')).toBe('open');
    expect(await result.getAttribute('data-flight')).toBe('VN245');
    expect(await page.textContent('[data-testid="prompt"]')).toBe('Gate open — please go through');
    expect(await page.textContent('[data-testid="flight-id"]')).toBe('VN245');
    expect(await page.textContent('[data-testid="flight-seat"]')).toBe('12A');
    expect(await page.textContent('[data-testid="flight-gate"]')).toBe('5');
    expect(await page.textContent('[data-testid="flight-departure"]')).toBe('10:40');
    expect(await page.textContent('[data-testid="countdown"]')).toMatch(/^The gate closes in [78] s$/);
    await show(page, 'airport-gate-fault');
    expect(await page.getAttribute('[data-screen="result"]', 'data-gate')).toBe('fault');
    expect(await page.textContent('[data-testid="prompt"]')).toBe('The gate could not open — please see staff');
    expect(await page.textContent('[data-testid="countdown"]')).toContain('Back to the start');
    await page.close();
  });

  // Each refusal: its outcome, its reasons and the one thing to do next.
  const refusals: [name: string, outcome: string, reason: string, advice: string, says: string][] = [
    ['airport-name-mismatch', 'refused', 'name-mismatch', 'own-pass', 'Scan your own boarding pass, or see the check-in counter.'],
    ['airport-another-day', 'refused', 'pass-not-for-today flight-not-found', 'another-day', 'see the airline counter'],
    ['airport-wrong-airport', 'refused', 'wrong-airport flight-not-found', 'wrong-airport', 'does not leave from here'],
    ['airport-wrong-gate', 'refused', 'wrong-gate', 'wrong-gate', 'This flight boards at gate 12: please go to gate 12.'],
    ['airport-flight-closed', 'refused', 'flight-closed', 'flight-closed', 'Boarding is over'],
    ['airport-flight-not-boarding', 'refused', 'flight-not-boarding', 'flight-not-boarding', 'when boarding is called'],
    ['airport-flight-cancelled', 'refused', 'flight-cancelled', 'flight-cancelled', 'change your flight'],
    ['airport-flight-not-found', 'refused', 'flight-not-found', 'flight-not-found', 'departures screen'],
    ['airport-already-boarded', 'refused', 'already-boarded', 'already-boarded', 'see a member of staff'],
    ['airport-no-pass', 'refused', 'no-boarding-pass', 'no-boarding-pass', 'scan your boarding pass'],
    ['airport-face-mismatch', 'referred', 'face-mismatch', 'face', 'staff at the gate'],
    ['airport-card-expired', 'refused', 'card-expired', 'check-in-counter', 'check-in counter'],
    ['airport-not-genuine', 'refused', 'chip-not-genuine chip-cloned', 'security', 'security staff'],
  ];

  it('each refusal says why and what to do next', async () => {
    const page = await openFake('en', sampleViews['airport-idle']);
    for (const [name, outcome, reason, advice, says] of refusals) {
      await show(page, name);
      const result = page.locator('[data-screen="result"]');
      expect([name, await result.getAttribute('data-outcome')]).toEqual([name, outcome]);
      expect([name, await result.getAttribute('data-reason')]).toEqual([name, reason]);
      expect([name, await result.getAttribute('data-advice')]).toEqual([name, advice]);
      expect([name, await result.getAttribute('data-gate')]).toEqual([name, null]);
      expect(await page.textContent('[data-testid="advice"]')).toContain(says);
      for (const r of reason.split(' ')) expect(await page.isVisible(`[data-testid="reason-${r}"]`)).toBe(true);
    }
    expect(await page.textContent('[data-testid="reason-chip-not-genuine"]')).toBe('This card is not genuine.');
    await show(page, 'airport-name-mismatch');
    expect(await page.textContent('[data-testid="reason-name-mismatch"]')).toBe('The boarding pass is not in the name on this card.');
    await page.close();
  });

  it('in Vietnamese too', async () => {
    const page = await openFake('vi', sampleViews['airport-wrong-gate']);
    await page.waitForSelector('[data-screen="result"]');
    expect(await page.textContent('[data-testid="advice"]')).toBe('Chuyến bay này lên máy bay tại cửa 12: vui lòng đến cửa 12.');
    await show(page, 'airport-gate-open');
    expect(await page.textContent('[data-testid="prompt"]')).toBe('Cửa đã mở — mời bạn đi qua');
    await page.close();
  });
});

describe('the real core', () => {
  it.each(LANGUAGES)(
    'in %s: idle, staff PIN and waiting-card screens have no serious or critical violation',
    async (language) => {
      const page = await chrome.browser.newPage({ viewport: { width: 1280, height: 800 } });
      await page.goto(kiosk.url);
      await page.waitForSelector('body[data-ready="true"]', { timeout: 15_000 });
      await page.click(`[data-testid="lang-${language}"]`);
      await page.waitForSelector('[data-screen="idle"]');
      expect(await seriousViolations(page)).toEqual([]);
      await page.click('[data-testid="staff-open"]');
      await page.waitForSelector('[data-screen="staff"]');
      expect(await seriousViolations(page)).toEqual([]);
      await page.click('[data-testid="staff-close"]');
      await page.waitForSelector('[data-screen="idle"]');
      // A card's QR code scanned: the kiosk waits for that card.
      await kioskCommand(['sim', 'scanner', '--qrs', '1', '--index', '0', '--port', String(kiosk.scannerPort)]).exited;
      await page.waitForSelector('[data-screen="waiting-card"]', { timeout: 10_000 });
      expect(await seriousViolations(page)).toEqual([]);
      await page.click('[data-testid="cancel"]');
      await page.waitForSelector('[data-screen="idle"]', { timeout: 10_000 });
      await page.close();
    },
    60_000,
  );
});
