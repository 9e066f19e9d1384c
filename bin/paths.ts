// Where the kiosk and the embedded registry keep their data, and the lock that keeps a
// PGlite folder to one process (PGlite is single-process; two would corrupt it).
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { DATA_ROOT } from '../main/core/data-paths.js';
import { CliError } from './command.js';

export { DATA_ROOT, KIOSK_DB, SIM_KIOSK_DB } from '../main/core/data-paths.js';
export const REGISTRY_DATA = join(DATA_ROOT, 'registry');
export const SIM_REGISTRY_DATA = join(DATA_ROOT, 'sim', 'registry');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes DIR.lock (beside DIR: PGlite wants DIR to itself) for this process, or explains who holds it. Released at exit. */
export function lockDataDir(dir: string): () => void {
  mkdirSync(join(dir, '..'), { recursive: true, mode: 0o700 });
  const lock = `${dir.replace(/\/+$/, '')}.lock`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lock, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      const release = () => rmSync(lock, { force: true });
      process.once('exit', release);
      return release;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new CliError(`cannot lock ${dir}: ${(err as Error).message}`);
      const pid = Number(readFileSync(lock, 'utf8'));
      if (pid && alive(pid) && pid !== process.pid) {
        throw new CliError(
          `the registry data in ${dir} is in use by process ${pid} (an embedded registry opens its folder alone). Stop that process, or run this command against PostgreSQL with --db.`,
        );
      }
      rmSync(lock, { force: true }); // left by a process that died
    }
  }
  throw new CliError(`cannot lock ${dir}`);
}

export function ensureDirFor(file: string): void {
  const dir = join(file, '..');
  if (!existsSync(dir)) mkdirSync(dir, { recursive: true, mode: 0o700 });
}
