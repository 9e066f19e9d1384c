// `kiosk start` for an enrolled kiosk whose registry is down: it keeps serving for over a
// minute, checks a person in, `kiosk sync status` says offline with the queue, and when the
// registry comes back the queue drains by itself. The kiosk is a separate process, as on site.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { CheckinView } from '../../main/api/contract.js';
import { silentLogger } from '../../main/core/logger.js';
import { KioskStore } from '../../main/store/kiosk-store.js';
import { startRegistryServer, type RegistryServer } from '../../registry/server.js';
import { createVirtualCard } from '../../simulator/card.js';
import { freePortPair } from '../../simulator/pcscd.js';
import { createTestPki, trustFiles, type TestPki } from '../../simulator/pki.js';
import { hidPosReports, SYMBOLOGY, VirtualScanner } from '../../simulator/scanner.js';
import { VpcdCard } from '../../simulator/vpcd.js';
import { enrolWithEmbedded, startEmbeddedRegistry, type EmbeddedRegistry } from '../embedded-registry.js';

const kioskBin = fileURLToPath(new URL('../kiosk', import.meta.url));
const log = silentLogger();
let dir: string;
let reg: EmbeddedRegistry;
let server: RegistryServer | null;
let port: number;
let child: ChildProcess | null = null;
let pki: TestPki;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'start-offline-'));
  reg = await startEmbeddedRegistry(null, log);
  server = reg.server;
  port = Number(new URL(reg.server.url).port);
  const store = new KioskStore(join(dir, 'kiosk.db'));
  await enrolWithEmbedded(store, reg, 'offline-site', 'offline kiosk');
  store.close();
  await server.close(); // the registry is down before the kiosk starts
  server = null;
  pki = await createTestPki();
  mkdirSync(join(dir, 'trust'));
  for (const f of trustFiles(pki)) writeFileSync(join(dir, 'trust', f.name), f.bytes);
});

afterAll(async () => {
  if (child && child.exitCode === null) {
    child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 2000));
    if (child.exitCode === null) child.kill('SIGKILL');
  }
  await server?.close();
  await reg?.db.close();
  rmSync(dir, { recursive: true, force: true });
});

const env = () => ({ ...process.env, KIOSK_DATA_DIR: dir, KIOSK_LOG_LEVEL: 'warn' });
// Asynchronous: the registry runs in this process and must answer the command's ping.
const syncStatus = async () => {
  const r = await new Promise<string>((resolve) =>
    execFile(
      kioskBin,
      ['sync', 'status', '--db', join(dir, 'kiosk.db'), '--json'],
      { encoding: 'utf8', env: env(), timeout: 30_000 },
      (_err, stdout) => resolve(stdout),
    ),
  );
  return JSON.parse(r) as { online: boolean; queued: number; lastError: string | null; oldestUnsyncedAgeMs: number | null };
};

describe('kiosk start with its registry down', () => {
  it('keeps serving for a minute, checks a person in, and drains when the registry returns', async () => {
    const vpcdPort = await freePortPair();
    child = spawn(
      kioskBin,
      [
        'start',
        '--simulator',
        '--no-registry',
        '--db',
        join(dir, 'kiosk.db'),
        '--trust',
        join(dir, 'trust'),
        '--vpcd-port',
        String(vpcdPort),
        '--scanner-port',
        '0',
        '--no-open',
        '--json',
        // No browser opens the page here: no camera, so the face step is off.
        '--camera',
        'none',
      ],
      { env: env(), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const started = await new Promise<{ url: string; scannerPort: number }>((resolve, reject) => {
      let out = '';
      const t = setTimeout(() => reject(new Error(`kiosk start did not print its address: ${stderr}`)), 60_000);
      child!.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('\n')) {
          clearTimeout(t);
          resolve(JSON.parse(out));
        }
      });
      child!.on('exit', (code) => reject(new Error(`kiosk start exited (${code}): ${stderr}`)));
    });
    const origin = new URL(started.url).origin;
    const t0 = Date.now();
    const ui = await walkVisitsOverTheBridge(started.url);

    // A person checks in while the registry is down.
    const card = await createVirtualCard({ pki, seed: 'offline', index: 0 });
    const scanner = await VirtualScanner.connect(started.scannerPort);
    await scanner.send(hidPosReports(new TextEncoder().encode(card.citizen.qr), SYMBOLOGY.qr));
    const vpcd = await VpcdCard.insert({ port: vpcdPort, card, delays: false, connectTimeoutMs: 20_000 });
    let st = await syncStatus();
    for (let i = 0; i < 100 && st.queued < 1; i++) {
      await new Promise((r) => setTimeout(r, 200));
      st = await syncStatus();
    }
    vpcd.remove();
    await scanner.close();
    ui.close();
    expect(st).toMatchObject({ online: false, queued: 1, lastError: expect.stringMatching(/cannot reach the registry/) });

    // Still serving, still the same process, a minute on.
    while (Date.now() - t0 < 62_000) {
      expect(child.exitCode, stderr).toBeNull();
      const r = await fetch(`${origin}/`);
      expect(r.status).toBe(200);
      await new Promise((r) => setTimeout(r, 5000));
    }
    expect(await syncStatus()).toMatchObject({ online: false, queued: 1 });

    // The registry returns on its address; the kiosk's queue drains by itself.
    server = await startRegistryServer({ db: reg.db, log, port });
    const deadline = Date.now() + 60_000;
    while ((await syncStatus()).queued > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 1000));
    const final = await syncStatus();
    expect(final, JSON.stringify(final) + stderr.slice(-2000)).toMatchObject({ online: true, queued: 0 });
    const rows = await reg.db.query<{ decision: string }>('SELECT decision FROM checkins');
    expect(rows).toEqual([{ decision: 'admitted' }]);
    expect(child.exitCode).toBeNull();
  }, 200_000);
});

/**
 * A page on the kiosk's UI bridge that walks the hospital visit's screens as a patient would
 * (on from the insurance screen, as fee-paying when not covered; the first clinic; confirm).
 */
async function walkVisitsOverTheBridge(url: string): Promise<WebSocket> {
  const u = new URL(url);
  const token = /token=([A-Za-z0-9_-]+)/.exec(u.hash)![1]!;
  const ws = new WebSocket(`ws://${u.host}/bridge`, ['cccd-kiosk.v1', `cccd-kiosk.token.${token}`], { origin: u.origin });
  ws.on('error', () => undefined);
  let id = 1;
  const request = (method: string, params: unknown) => ws.send(JSON.stringify({ type: 'request', id: id++, method, params }));
  ws.on('message', (data: Buffer) => {
    const m = JSON.parse(data.toString()) as { type: string; name?: string; payload?: CheckinView };
    if (m.type !== 'event' || m.name !== 'checkin.changed' || !m.payload) return;
    const v = m.payload;
    if (v.screen === 'insurance' && v.visit?.insurance) request('checkin.continue', { feePaying: v.visit.insurance.status !== 'covered' });
    else if (v.screen === 'clinic' && v.visit?.clinics[0]) request('checkin.chooseClinic', { clinic: v.visit.clinics[0].id });
    else if (v.screen === 'confirm') request('checkin.confirm', {});
  });
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('unexpected-response', () => reject(new Error('the UI bridge refused the test page')));
  });
  return ws;
}
