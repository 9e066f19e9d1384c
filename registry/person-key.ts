// The registry's secret for the keyed person digest (HMAC-SHA-256 of the ID number). It is
// kept out of the database, so a copy of the database (a dump, a backup, a stolen disk of the
// database server) cannot be searched for a guessed ID number: from an environment variable,
// or a file of its own that only the registry's user can read (0600), made on first use.
import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';

/** The environment variable that gives the key (base64 of at least 32 bytes) to a PostgreSQL deployment. */
export const PERSON_KEY_ENV = 'REGISTRY_PERSON_KEY';

function parseKey(text: string, where: string): Buffer {
  const key = Buffer.from(text.trim(), 'base64');
  if (key.length < 32) throw new Error(`${where}: the person-digest key must be base64 of at least 32 bytes`);
  return key;
}

/** Reads the key from FILE, making one (32 random bytes, base64, mode 0600) if there is none. */
export function loadPersonKeyFile(file: string): Buffer {
  try {
    const fd = openSync(file, 'wx', 0o600);
    try {
      writeSync(fd, `${randomBytes(32).toString('base64')}\n`);
    } finally {
      closeSync(fd);
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST')
      throw new Error(`cannot make the person-digest key ${file}: ${(err as Error).message}`);
  }
  // A key others could read would defeat it: keep it the owner's alone.
  if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
  return parseKey(readFileSync(file, 'utf8'), file);
}

/** The key from the environment when set, else from (or made in) `file`. */
export function loadPersonKey(file: string, env: NodeJS.ProcessEnv = process.env): Buffer {
  const given = env[PERSON_KEY_ENV];
  return given ? parseKey(given, PERSON_KEY_ENV) : loadPersonKeyFile(file);
}
