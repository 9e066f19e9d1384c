// `kiosk registry …`: run the registry service and administer it.
import { readFileSync } from 'node:fs';
import { DatasetFile, DatasetName } from '../../main/protocol/registry-protocol.js';
import { createLogger } from '../../main/core/logger.js';
import { DatasetRefusal, isPerSite, publicationLine, publishDataset } from '../../registry/datasets.js';
import type { Db } from '../../registry/db.js';
import { redactUrl } from '../../registry/db.js';
import { issueEnrolCode, revokeKiosk } from '../../registry/enrolment.js';
import { openRegistryDb } from '../../registry/open.js';
import { startRegistryServer } from '../../registry/server.js';
import { registryStats } from '../../registry/stats.js';
import { CliError, intOption, printJson, stringOption, type Command, type CommandContext } from '../command.js';
import { lockDataDir, REGISTRY_DATA } from '../paths.js';

const STORAGE_HELP = `  --db URL     PostgreSQL (postgres://user:password@host:port/database)
  --data DIR   embedded PGlite in DIR (default ${REGISTRY_DATA}); one process at a time`;
const STORAGE_OPTIONS = { db: { type: 'string' }, data: { type: 'string' } } as const;

async function openFromOptions(ctx: CommandContext): Promise<Db> {
  const url = stringOption(ctx, 'db') ?? process.env['REGISTRY_DATABASE_URL'];
  const dir = stringOption(ctx, 'data');
  if (url && dir) throw new CliError('give --db or --data, not both');
  try {
    if (url) return await openRegistryDb({ kind: 'postgres', url });
    const d = dir ?? REGISTRY_DATA;
    lockDataDir(d);
    process.stderr.write(`registry: embedded PGlite database in ${d}\n`);
    return await openRegistryDb({ kind: 'pglite', dir: d });
  } catch (err) {
    if (err instanceof CliError) throw err;
    throw new CliError((err as Error).message);
  }
}

export const registryServe: Command = {
  name: 'registry',
  summary: 'run the registry service (check-in ingest, reference data, fleet page)',
  help: `
Usage: kiosk registry [--db postgres://… | --data DIR] [--port N] [--host ADDRESS]
                      [--tls-cert FILE --tls-key FILE] [--json]

${STORAGE_HELP}
  --port N          port (default 8440; 0 = any free one)
  --host ADDRESS    address to listen on (default 127.0.0.1). Kiosks refuse plain http to
                    another machine: serve TLS (below) or put a TLS proxy in front of it
  --tls-cert FILE   serve HTTPS with this certificate (PEM, the chain after it)
  --tls-key FILE    and this private key (PEM)
  --json            print {"url","db"} once serving

Every answer is signed with the registry's key (made on first start, kept in its database;
kiosks pin it at enrolment). The fleet page is at /fleet. Ctrl+C stops the service.`,
  options: {
    ...STORAGE_OPTIONS,
    port: { type: 'string' },
    host: { type: 'string' },
    'tls-cert': { type: 'string' },
    'tls-key': { type: 'string' },
  },
  async run(ctx) {
    const certFile = stringOption(ctx, 'tls-cert');
    const keyFile = stringOption(ctx, 'tls-key');
    if (!certFile !== !keyFile) throw new CliError('give --tls-cert FILE and --tls-key FILE together');
    let tls: { cert: Buffer; key: Buffer } | undefined;
    if (certFile && keyFile) {
      try {
        tls = { cert: readFileSync(certFile), key: readFileSync(keyFile) };
      } catch (err) {
        throw new CliError(`cannot read the TLS certificate or key: ${(err as Error).message}`);
      }
    }
    const db = await openFromOptions(ctx);
    const log = createLogger('registry');
    const server = await startRegistryServer({
      db,
      log,
      port: intOption(ctx, 'port', 8440, 0, 65535),
      host: stringOption(ctx, 'host') ?? '127.0.0.1',
      ...(tls ? { tls } : {}),
    });
    if (ctx.json) printJson({ url: server.url, db: db.kind });
    else
      process.stdout.write(
        `Registry: ${server.url} (fleet page ${server.url}/fleet), database ${db.kind}${stringOption(ctx, 'db') ? ` ${redactUrl(stringOption(ctx, 'db')!)}` : ''}\n`,
      );
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await server.close();
    await db.close();
    return 0;
  },
};

export const registryEnrolCode: Command = {
  name: 'registry enrol-code',
  summary: 'issue a one-time code that enrols one kiosk for a site',
  help: `
Usage: kiosk registry enrol-code --site SITE [--hours H] [--db … | --data DIR] [--json]

${STORAGE_HELP}
  --hours H    how long the code stays valid (default 24)

Give the code to the technician installing the kiosk: kiosk sync enrol --registry URL --code CODE`,
  options: { ...STORAGE_OPTIONS, site: { type: 'string' }, hours: { type: 'string' } },
  async run(ctx) {
    const site = stringOption(ctx, 'site');
    if (!site) throw new CliError('--site is required');
    const db = await openFromOptions(ctx);
    try {
      const r = await issueEnrolCode(db, site, intOption(ctx, 'hours', 24, 1, 24 * 30));
      if (ctx.json) printJson({ site, ...r });
      else process.stdout.write(`${r.code}\n(site ${site}, valid until ${r.expiresAt})\n`);
    } catch (err) {
      throw new CliError((err as Error).message);
    } finally {
      await db.close();
    }
    return 0;
  },
};

export const registryPublish: Command = {
  name: 'registry publish',
  summary: 'publish a new version of a reference dataset (trust, site-config, roster)',
  help: `
Usage: kiosk registry publish DATASET FILE [--site SITE] [--db … | --data DIR] [--json]

DATASET is one of: ${DatasetName.options.join(', ')}. FILE is JSON: {"items": [{"key": …, "value": …}, …]},
the dataset's whole content. Items that changed or disappeared since the last version are
what kiosks download next.

  --site SITE  the site whose site-config or roster this is (required for those, refused
               for trust, which every kiosk gets); kiosks get their enrolled site's only

${STORAGE_HELP}`,
  options: { ...STORAGE_OPTIONS, site: { type: 'string' } },
  allowPositionals: true,
  async run(ctx) {
    const [name, file] = ctx.positionals;
    if (!name || !file || ctx.positionals.length !== 2) throw new CliError('give DATASET and FILE');
    const dataset = DatasetName.safeParse(name);
    if (!dataset.success) throw new CliError(`unknown dataset "${name}": use ${DatasetName.options.join(', ')}`);
    const site = stringOption(ctx, 'site') ?? null;
    // Refused before the file is read or the database opened: the flag alone decides.
    try {
      publicationLine(dataset.data, site);
    } catch (err) {
      throw new CliError(`${(err as Error).message}${isPerSite(dataset.data) ? ' (--site SITE)' : ' (drop --site)'}`);
    }
    let content;
    try {
      content = DatasetFile.parse(JSON.parse(readFileSync(file, 'utf8')));
    } catch (err) {
      const e = err as Error & { issues?: { path: PropertyKey[]; message: string }[] };
      throw new CliError(
        `${file}: ${
          e.issues
            ? e.issues
                .map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`)
                .slice(0, 3)
                .join('; ')
            : e.message
        }`,
      );
    }
    const db = await openFromOptions(ctx);
    try {
      const r = await publishDataset(db, dataset.data, site, content.items);
      const where = site === null ? {} : { site };
      if (ctx.json) printJson({ dataset: dataset.data, ...where, ...r });
      else
        process.stdout.write(
          `${dataset.data}${site === null ? '' : ` of site ${site}`} version ${r.version}: ${r.changed} changed, ${r.removed} removed\n`,
        );
    } catch (err) {
      if (err instanceof DatasetRefusal) throw new CliError(`refused, nothing published: ${err.message}`);
      throw new CliError((err as Error).message);
    } finally {
      await db.close();
    }
    return 0;
  },
};

export const registryStatsCommand: Command = {
  name: 'registry stats',
  summary: 'count check-ins, kiosks, acknowledged duplicates and chain breaks',
  help: `
Usage: kiosk registry stats [--db … | --data DIR] [--json]

${STORAGE_HELP}

JSON: {"checkins","distinctIds","kiosks","duplicatesAcknowledged","chainBreaks","alerts"}`,
  options: { ...STORAGE_OPTIONS },
  async run(ctx) {
    const db = await openFromOptions(ctx);
    try {
      const s = await registryStats(db);
      if (ctx.json) printJson(s);
      else
        process.stdout.write(
          `${s.checkins} check-ins (${s.distinctIds} distinct ids) from ${s.kiosks} kiosks; ${s.duplicatesAcknowledged} duplicates acknowledged; ${s.chainBreaks} chain breaks or gaps (found by the registry or reported by kiosks); ${s.alerts} alerts\n`,
        );
    } finally {
      await db.close();
    }
    return 0;
  },
};

export const registryRevoke: Command = {
  name: 'registry revoke',
  summary: 'revoke a kiosk: its requests are refused from now on',
  help: `
Usage: kiosk registry revoke KIOSK_ID [--db … | --data DIR]

${STORAGE_HELP}`,
  options: { ...STORAGE_OPTIONS },
  allowPositionals: true,
  async run(ctx) {
    const [id] = ctx.positionals;
    if (!id || !/^[0-9a-f-]{36}$/.test(id)) throw new CliError('give the kiosk id (a UUID, as the fleet page shows it)');
    const db = await openFromOptions(ctx);
    try {
      const done = await revokeKiosk(db, id);
      if (!done) throw new CliError(`no active kiosk ${id}`);
      process.stdout.write(`kiosk ${id} revoked\n`);
    } finally {
      await db.close();
    }
    return 0;
  },
};
