// The registry embedded in a kiosk process (npm start, kiosk demo): PGlite, on loopback.
import type { Logger } from 'pino';
import { type KioskStore } from '../main/store/kiosk-store.js';
import { loadCredentials, saveCredentials, updateCredentials } from '../main/sync/credentials.js';
import { enrol, type KioskCredentials } from '../main/sync/registry-client.js';
import type { Db } from '../registry/db.js';
import { issueEnrolCode } from '../registry/enrolment.js';
import { registryKey } from '../registry/keys.js';
import { openRegistryDb } from '../registry/open.js';
import { loadPersonKeyFile } from '../registry/person-key.js';
import { startRetention } from '../registry/retention.js';
import { startRegistryServer, type RegistryServer } from '../registry/server.js';
import { lockDataDir } from './paths.js';

export interface EmbeddedRegistry {
  db: Db;
  server: RegistryServer;
  close(): Promise<void>;
}

export async function startEmbeddedRegistry(dir: string | null, log: Logger, port = 0): Promise<EmbeddedRegistry> {
  if (dir) lockDataDir(dir);
  // The person-digest key beside the folder, as `kiosk registry --data DIR` keeps it; an in-memory registry's lives with it.
  const personKey = dir ? loadPersonKeyFile(`${dir.replace(/\/+$/, '')}.person-key`) : undefined;
  const db = await openRegistryDb({ kind: 'pglite', dir });
  const stopRetention = startRetention(db, log);
  const server = await startRegistryServer({ db, log, port, ...(personKey ? { personKey } : {}) });
  return {
    db,
    server,
    async close() {
      await server.close();
      await stopRetention();
      await db.close();
    },
  };
}

/** Enrols the store with this registry unless it already is (with this registry's URL kept current). */
export async function enrolWithEmbedded(store: KioskStore, reg: EmbeddedRegistry, site: string, name: string): Promise<KioskCredentials> {
  const have = loadCredentials(store);
  if (have) {
    // Same registry data, new port this run: keep the identity, update the address.
    const [known] = await reg.db.query('SELECT 1 FROM kiosks WHERE id = $1', [have.kioskId]);
    if (known) {
      // Its ticket letter too (given at enrolment; kiosks enrolled before version 8 got theirs then).
      // The registry's key read from its own database (this process runs it): pinned soundly.
      const [row] = await reg.db.query<{ ticket_prefix: string | null }>('SELECT ticket_prefix FROM kiosks WHERE id = $1', [have.kioskId]);
      const creds = {
        ...have,
        registryUrl: reg.server.url,
        registryKey: (await registryKey(reg.db)).publicKey,
        ...(row?.ticket_prefix ? { ticketPrefix: row.ticket_prefix } : {}),
      };
      updateCredentials(store, creds);
      return creds;
    }
  }
  const { code } = await issueEnrolCode(reg.db, site);
  const creds = await enrol(reg.server.url, code, name);
  saveCredentials(store, creds);
  return creds;
}
