// Crash test: a kiosk process recording check-ins in a loop (and syncing in the background)
// is killed with SIGKILL at random moments, at least 22 times and until 500 check-ins were
// acknowledged. After a restart and a final sync, every check-in it had acknowledged is in
// the registry exactly once and both chains verify. Each cycle is counted in acknowledged
// check-ins, not in time, so a busy machine makes the test slower, never weaker.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KioskStore } from '../../main/store/kiosk-store.js';
import { saveCredentials } from '../../main/sync/credentials.js';
import { enrol } from '../../main/sync/registry-client.js';
import type { Db } from '../../registry/db.js';
import { issueEnrolCode } from '../../registry/enrolment.js';
import { openRegistryDb } from '../../registry/open.js';
import { startRegistryServer, type RegistryServer } from '../../registry/server.js';

const recorder = fileURLToPath(new URL('./fixtures/recorder.ts', import.meta.url));
const tsx = fileURLToPath(new URL('../../node_modules/tsx/dist/loader.mjs', import.meta.url));

let db: Db;
let server: RegistryServer;
let dir: string;
beforeAll(async () => {
  db = await openRegistryDb({ kind: 'pglite', dir: null });
  server = await startRegistryServer({ db, log: pino({ level: 'silent' }) });
  dir = mkdtempSync(join(tmpdir(), 'crash-test-'));
});
afterAll(async () => {
  await server?.close();
  await db?.close();
  rmSync(dir, { recursive: true, force: true });
});

const KILLS = 22;
const TARGET_ACKS = 500;
/** A recorder that has not been killed, or has not drained, after this long is hung. */
const HANG_MS = 90_000;

/**
 * Runs the recorder once. With `killAfterAcks`, it is killed with SIGKILL once it has
 * acknowledged that many check-ins in this run, plus a random few milliseconds (so the kill
 * lands anywhere in a record or an upload); without, it drains its queue and exits.
 */
function run(dbPath: string, killAfterAcks: number | null, acks: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', tsx, recorder, dbPath, ...(killAfterAcks === null ? ['--drain'] : [])], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let buf = '';
    let err = '';
    let mine = 0;
    let hung = false;
    const guard = setTimeout(() => {
      hung = true;
      child.kill('SIGKILL');
    }, HANG_MS);
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      const lines = buf.split('\n');
      buf = lines.pop()!;
      for (const l of lines) {
        if (!l.startsWith('ack ')) continue;
        acks.push(l.slice(4));
        if (++mine === killAfterAcks) setTimeout(() => child.kill('SIGKILL'), Math.floor(Math.random() * 20));
      }
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code, signal) => {
      clearTimeout(guard);
      if (hung)
        reject(
          new Error(
            `recorder hung (no ${killAfterAcks === null ? 'drain' : `${killAfterAcks} acknowledgements`} within ${HANG_MS / 1000} s, ${mine} seen): ${err.slice(-500)}`,
          ),
        );
      else if (killAfterAcks !== null ? signal === 'SIGKILL' : code === 0) resolve();
      else reject(new Error(`recorder ended with ${code ?? signal}: ${err.slice(-500)}`));
    });
  });
}

describe('crash test', () => {
  it(
    `keeps every acknowledged check-in through ${KILLS}+ SIGKILLs: in the registry exactly once, chains whole`,
    async () => {
      const dbPath = join(dir, 'kiosk.db');
      const { code } = await issueEnrolCode(db, 'airport-t1');
      const store = new KioskStore(dbPath);
      saveCredentials(store, await enrol(server.url, code, 'crash kiosk'));
      const kioskId = JSON.parse(store.getMeta('registry.credentials')!).kioskId as string;
      store.close();

      const acks: string[] = [];
      let kills = 0;
      while (kills < KILLS || acks.length < TARGET_ACKS) {
        await run(dbPath, 1 + Math.floor(Math.random() * 120), acks);
        kills++;
      }
      const [before] = await db.query<{ n: string }>('SELECT count(*) AS n FROM checkins WHERE kiosk_id = $1', [kioskId]);
      await run(dbPath, null, acks);

      console.info(
        `crash test: ${kills} SIGKILLs, ${acks.length} check-ins acknowledged; the registry had ${before!.n} before the final drain`,
      );
      const rows = await db.query<{ id: string; n: string }>('SELECT id, count(*) AS n FROM checkins WHERE kiosk_id = $1 GROUP BY id', [
        kioskId,
      ]);
      const inRegistry = new Map(rows.map((r) => [r.id, Number(r.n)]));
      expect(acks.filter((id) => inRegistry.get(id) !== 1)).toEqual([]);
      const after = new KioskStore(dbPath);
      expect(after.queue().length).toBe(0);
      const chain = after.verifyChain();
      expect(chain.ok).toBe(true);
      expect(inRegistry.size).toBe(chain.ok ? chain.count : -1); // nothing the kiosk made is missing, nothing extra
      after.close();
      const alerts = await db.query('SELECT kind, detail FROM alerts WHERE kiosk_id = $1', [kioskId]);
      expect(alerts).toEqual([]);
    },
    15 * 60_000,
  ); // bounds a hang only; every cycle ends by count
});
