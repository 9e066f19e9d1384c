// `kiosk sync status` and `kiosk sync enrol`: the kiosk's link to the registry.
import { existsSync } from 'node:fs';
import { z } from 'zod';
import { KioskStore, type StoreError } from '../../main/store/kiosk-store.js';
import { loadCredentials, saveCredentials } from '../../main/sync/credentials.js';
import { enrol, RegistryClient, type SyncError } from '../../main/sync/registry-client.js';
import { CliError, printJson, stringOption, type Command, type CommandContext } from '../command.js';
import { ensureDirFor, KIOSK_DB, SIM_KIOSK_DB } from '../paths.js';

const dbFor = (ctx: CommandContext) => stringOption(ctx, 'db') ?? (ctx.simulator ? SIM_KIOSK_DB : KIOSK_DB);

export const syncStatus: Command = {
  name: 'sync status',
  summary: "the kiosk's sync state: online, queued check-ins, oldest unsynced age, last error",
  help: `
Usage: kiosk sync status [--db FILE] [--simulator] [--json]

  --db FILE   the kiosk database (default ${KIOSK_DB}; with --simulator ${SIM_KIOSK_DB})

Reads the database without changing it and asks the registry whether it answers (3 s).
JSON: {"enrolled","kioskId","site","registryUrl","online","queued","oldestUnsyncedAgeMs",
"lastError","datasets":{NAME:{"version","appliedAt","ageMs"}}}. Exit 0 when online with nothing queued, 2 otherwise.`,
  options: { db: { type: 'string' } },
  async run(ctx) {
    const path = dbFor(ctx);
    if (!existsSync(path))
      throw new CliError(`no kiosk database at ${path} (the kiosk has not run here yet; --db FILE to point at another)`);
    let store: KioskStore;
    try {
      store = new KioskStore(path, { readonly: true });
    } catch (err) {
      throw new CliError((err as StoreError).message);
    }
    const creds = loadCredentials(store);
    const q = store.queue();
    let online = false;
    let lastError = q.lastError;
    if (creds) {
      try {
        await new RegistryClient(creds, 3000).request('GET', '/v1/ping', undefined, z.object({ kioskId: z.string() }));
        online = true;
      } catch (err) {
        lastError = (err as SyncError).message;
      }
    }
    const status = {
      enrolled: creds !== null,
      kioskId: creds?.kioskId ?? null,
      site: creds?.site ?? null,
      registryUrl: creds?.registryUrl ?? null,
      online,
      queued: q.length,
      oldestUnsyncedAgeMs: q.oldestRecordedAt ? Date.now() - Date.parse(q.oldestRecordedAt) : null,
      lastError: creds ? lastError : 'not enrolled: run kiosk sync enrol --registry URL --code CODE',
      datasets: Object.fromEntries(
        Object.entries(store.datasetInfo()).map(([k, d]) => [
          k,
          { version: d.version, appliedAt: d.appliedAt, ageMs: Math.max(0, Date.now() - Date.parse(d.appliedAt)) },
        ]),
      ),
    };
    store.close();
    if (ctx.json) printJson(status);
    else {
      const age = status.oldestUnsyncedAgeMs === null ? '' : `, oldest ${Math.round(status.oldestUnsyncedAgeMs / 1000)} s old`;
      const datasets = Object.entries(status.datasets).map(([k, d]) => `${k} v${d.version}, ${Math.round(d.ageMs / 60_000)} min old`);
      process.stdout.write(
        `${status.enrolled ? `kiosk ${status.kioskId} (site ${status.site}) → ${status.registryUrl}` : 'not enrolled'}\n${online ? 'online' : 'offline'}; ${status.queued} check-ins queued${age}\n${status.lastError ? `last error: ${status.lastError}\n` : ''}reference data: ${datasets.length ? datasets.join('; ') : 'none yet'}\n`,
      );
    }
    return online && q.length === 0 ? 0 : 2;
  },
};

export const syncEnrol: Command = {
  name: 'sync enrol',
  summary: 'enrol this kiosk with the registry (makes its Ed25519 key pair)',
  help: `
Usage: kiosk sync enrol --registry URL --code CODE [--name NAME] [--db FILE] [--simulator]

The code comes from the registry's administrator (kiosk registry enrol-code --site SITE)
and works once. The private key is written to a file beside the kiosk database
(FILE.key, readable by the kiosk's user only), never into it; every check-in is signed with it.
The registry's key comes with the answer and is pinned: every later answer must carry its
signature. URL is https:// (a private CA: NODE_EXTRA_CA_CERTS=ca.pem), or http:// to this
machine; http:// to another machine only in simulator mode.`,
  options: { db: { type: 'string' }, registry: { type: 'string' }, code: { type: 'string' }, name: { type: 'string' } },
  async run(ctx) {
    const url = stringOption(ctx, 'registry');
    const code = stringOption(ctx, 'code');
    if (!url || !code) throw new CliError('--registry URL and --code CODE are required');
    const path = dbFor(ctx);
    ensureDirFor(path);
    const store = new KioskStore(path);
    try {
      if (loadCredentials(store)) throw new CliError(`this kiosk (${path}) is already enrolled; use another --db to enrol a new one`);
      const creds = await enrol(url, code, stringOption(ctx, 'name') ?? (await import('node:os')).hostname(), undefined, {
        simulator: ctx.simulator,
      }).catch((err: unknown) => {
        throw new CliError((err as Error).message);
      });
      saveCredentials(store, creds);
      process.stdout.write(`enrolled as kiosk ${creds.kioskId} of site ${creds.site}\n`);
    } finally {
      store.close();
    }
    return 0;
  },
};
