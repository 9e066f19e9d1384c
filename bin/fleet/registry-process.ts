// The fleet's own registry: `kiosk registry --data DIR` (PGlite) in a child process, as a
// site's registry runs apart from its kiosks, so its work is not queued behind the fleet's
// on one event loop. Its data is prepared here first (site configuration, roster, one code
// for N kiosks) and read here again after it stopped (the exactly-once check): PGlite opens
// a folder in one process at a time.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { publishDataset } from '../../registry/datasets.js';
import type { Db } from '../../registry/db.js';
import { issueEnrolCode } from '../../registry/enrolment.js';
import { openRegistryDb } from '../../registry/open.js';
import { simRoster, simSiteConfigItems } from '../../simulator/site-data.js';

const KIOSK = fileURLToPath(new URL('../kiosk', import.meta.url));

export interface RegistryProcess {
  url: string;
  /** Stops the registry (SIGTERM, then SIGKILL after 15 s). */
  stop(): Promise<void>;
}

/** Publishes the simulator's site data for `site` and issues one code for `kiosks` kiosks. */
export async function prepareRegistry(
  dir: string,
  o: { kind: 'hospital' | 'airport'; site: string; seed: string; day: string; kiosks: number },
): Promise<{ code: string }> {
  const db = await openRegistryDb({ kind: 'pglite', dir });
  try {
    // The face step is off at this site: a fleet in one process has no cameras (docs/SIMULATOR.md, "Fleet").
    await publishDataset(db, 'site-config', o.site, simSiteConfigItems(o.kind, { required: false }));
    await publishDataset(db, 'roster', o.site, simRoster(o.kind, o.seed, o.day));
    const { code } = await issueEnrolCode(db, o.site, 1, o.kiosks);
    return { code };
  } finally {
    await db.close();
  }
}

export function openRegistryData(dir: string): Promise<Db> {
  return openRegistryDb({ kind: 'pglite', dir });
}

export async function startRegistryProcess(dir: string, timeoutMs = 60_000): Promise<RegistryProcess> {
  const child = spawn(KIOSK, ['registry', '--data', dir, '--port', '0', '--json'], {
    env: { ...process.env, KIOSK_LOG_LEVEL: process.env['KIOSK_LOG_LEVEL'] ?? 'error' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // The registry does not outlive the fleet, however the fleet ends.
  const orphan = () => child.kill('SIGKILL');
  process.once('exit', orphan);
  void exited.then(() => process.off('exit', orphan));
  child.on('error', () => undefined);
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`the registry did not start within ${timeoutMs / 1000} s`)), timeoutMs);
    const fail = (why: string) => {
      clearTimeout(timer);
      reject(new Error(`the registry process ${why}: ${stderr.trim().split('\n').pop() ?? ''}`));
    };
    child.once('error', (err) => fail(`could not start (${err.message})`));
    child.once('exit', (code) => fail(`ended (exit ${code})`));
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      // `--json` prints one object once serving.
      const m = /"url"\s*:\s*"([^"]+)"/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
  }).catch(async (err: Error) => {
    child.kill('SIGKILL');
    await exited;
    throw err;
  });
  return {
    url,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
