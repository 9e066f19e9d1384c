// `kiosk registry …`: run the registry service and administer it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatasetFile, DatasetName } from '../../main/protocol/registry-protocol.js';
import { createLogger } from '../../main/core/logger.js';
import { DatasetRefusal, isPerSite, publicationLine, publishDataset } from '../../registry/datasets.js';
import type { Db } from '../../registry/db.js';
import { redactUrl } from '../../registry/db.js';
import { issueEnrolCode, MAX_CODE_USES, revokeKiosk } from '../../registry/enrolment.js';
import { openRegistryDb } from '../../registry/open.js';
import { loadPersonKey, PERSON_KEY_ENV } from '../../registry/person-key.js';
import {
  DEFAULT_REGISTRY_RETENTION_DAYS,
  purgeIdentities,
  retentionSettings,
  setRetention,
  startRetention,
} from '../../registry/retention.js';
import { issueOperatorToken, listOperatorTokens, revokeOperatorToken } from '../../registry/operator.js';
import { startRegistryServer } from '../../registry/server.js';
import { registryStats } from '../../registry/stats.js';
import { CliError, intOption, printJson, stringOption, type Command, type CommandContext } from '../command.js';
import { DATA_ROOT, lockDataDir, REGISTRY_DATA } from '../paths.js';

const STORAGE_HELP = `  --db URL     PostgreSQL (postgres://user:password@host:port/database)
  --data DIR   embedded PGlite in DIR (default ${REGISTRY_DATA}); one process at a time`;
const STORAGE_OPTIONS = { db: { type: 'string' }, data: { type: 'string' } } as const;

/** Where the person-digest key is kept unless REGISTRY_PERSON_KEY gives it: beside the PGlite folder, or in the data root for PostgreSQL. */
function personKeyFile(ctx: CommandContext): string {
  const given = stringOption(ctx, 'person-key');
  if (given) return given;
  if (stringOption(ctx, 'db') ?? process.env['REGISTRY_DATABASE_URL']) return join(DATA_ROOT, 'registry.person-key');
  return `${(stringOption(ctx, 'data') ?? REGISTRY_DATA).replace(/\/+$/, '')}.person-key`;
}

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
                      [--tls-cert FILE --tls-key FILE] [--person-key FILE] [--json]

${STORAGE_HELP}
  --port N          port (default 8440; 0 = any free one)
  --host ADDRESS    address to listen on (default 127.0.0.1). Kiosks refuse plain http to
                    another machine: serve TLS (below) or put a TLS proxy in front of it
  --tls-cert FILE   serve HTTPS with this certificate (PEM, the chain after it)
  --tls-key FILE    and this private key (PEM)
  --person-key FILE the secret of the keyed person digest (made, 0600, if missing;
                    default DIR.person-key beside the PGlite folder, or
                    ${join(DATA_ROOT, 'registry.person-key')} with --db); ${PERSON_KEY_ENV}
                    (base64, 32 bytes or more) overrides it. Keep it out of database backups.
  --json            print {"url","db"} once serving

Every answer is signed with the registry's key (made on first start, kept in its database;
kiosks pin it at enrolment). Identities of check-ins older than their site's retention are
removed at start and every hour (kiosk registry retention; docs/PRIVACY.md). The fleet page
is at /fleet, for operators only: log in there with a token from kiosk registry
operator-token (or send it as Authorization: Bearer). Ctrl+C stops the service.`,
  options: {
    ...STORAGE_OPTIONS,
    port: { type: 'string' },
    host: { type: 'string' },
    'tls-cert': { type: 'string' },
    'tls-key': { type: 'string' },
    'person-key': { type: 'string' },
  },
  async run(ctx) {
    let personKey: Buffer;
    try {
      personKey = loadPersonKey(personKeyFile(ctx));
    } catch (err) {
      throw new CliError((err as Error).message);
    }
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
    const stopRetention = startRetention(db, log);
    const server = await startRegistryServer({
      db,
      log,
      personKey,
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
    await stopRetention();
    await db.close();
    return 0;
  },
};

export const registryEnrolCode: Command = {
  name: 'registry enrol-code',
  summary: 'issue a code that enrols one kiosk (or up to N) for a site',
  help: `
Usage: kiosk registry enrol-code --site SITE [--uses N] [--hours H] [--db … | --data DIR] [--json]

${STORAGE_HELP}
  --uses N     how many kiosks the code enrols (default 1; a fleet: kiosk sim fleet --code)
  --hours H    how long the code stays valid (default 24)

Give the code to the technician installing the kiosk: kiosk sync enrol --registry URL --code CODE`,
  options: { ...STORAGE_OPTIONS, site: { type: 'string' }, hours: { type: 'string' }, uses: { type: 'string' } },
  async run(ctx) {
    const site = stringOption(ctx, 'site');
    if (!site) throw new CliError('--site is required');
    const hours = intOption(ctx, 'hours', 24, 1, 24 * 30);
    const uses = intOption(ctx, 'uses', 1, 1, MAX_CODE_USES);
    const db = await openFromOptions(ctx);
    try {
      const r = await issueEnrolCode(db, site, hours, uses);
      if (ctx.json) printJson({ site, ...r });
      else
        process.stdout.write(
          `${r.code}\n(site ${site}, ${r.uses === 1 ? 'one kiosk' : `up to ${r.uses} kiosks`}, valid until ${r.expiresAt})\n`,
        );
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
  summary: 'count check-ins, kiosks, acknowledged duplicates, chain breaks and boarded passengers per flight',
  help: `
Usage: kiosk registry stats [--db … | --data DIR] [--json]

${STORAGE_HELP}

JSON: {"checkins","distinctIds","distinctPeople","purgedIdentities","kiosks","duplicatesAcknowledged","chainBreaks","alerts",
       "boardedTwice","boarded":[{"site","flight","date","passengers","admitted"}]}
(distinctIds counts check-in ids; distinctPeople, ID numbers by their keyed digest; boarded: airport
sites, passengers admitted per flight and site day over the last 7 days; boardedTwice: passes used twice)`,
  options: { ...STORAGE_OPTIONS },
  async run(ctx) {
    const db = await openFromOptions(ctx);
    try {
      const s = await registryStats(db);
      if (ctx.json) printJson(s);
      else
        process.stdout.write(
          `${s.checkins} check-ins (${s.distinctIds} distinct ids, ${s.distinctPeople} distinct people, ${s.purgedIdentities} identities purged) from ${s.kiosks} kiosks; ${s.duplicatesAcknowledged} duplicates acknowledged; ${s.chainBreaks} chain breaks or gaps (found by the registry or reported by kiosks); ${s.alerts} alerts; ${s.boardedTwice} passes used twice\n` +
            s.boarded
              .map((b) => `boarded ${b.date} ${b.site} ${b.flight}: ${b.passengers} passengers (${b.admitted} admitted check-ins)\n`)
              .join(''),
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

export const registryRetention: Command = {
  name: 'registry retention',
  summary: 'show or set how long the registry keeps identities, by default and per site',
  help: `
Usage: kiosk registry retention [--site SITE] [--days N] [--db … | --data DIR] [--json]

Without --days, shows the default and each site's own retention. With --days, sets the
site's (or, without --site, the default for every site without its own). After that many
days a check-in's identity (ID number, name, birth date, …) is removed; its decision record,
identity digest and hash stay. The default until set: ${DEFAULT_REGISTRY_RETENTION_DAYS} days.

  --site SITE  the site
  --days N     1 to 3650

${STORAGE_HELP}`,
  options: { ...STORAGE_OPTIONS, site: { type: 'string' }, days: { type: 'string' } },
  async run(ctx) {
    const site = stringOption(ctx, 'site') ?? null;
    const days = stringOption(ctx, 'days') === undefined ? null : intOption(ctx, 'days', 0, 1, 3650);
    if (days === null && site !== null) throw new CliError('give --days N to set the retention of a site');
    const db = await openFromOptions(ctx);
    try {
      if (days !== null) await setRetention(db, site, days);
      const r = await retentionSettings(db);
      if (ctx.json) printJson(r);
      else
        process.stdout.write(
          `default: ${r.defaultDays} days\n${Object.entries(r.sites)
            .map(([s, d]) => `${s}: ${d} days\n`)
            .join('')}`,
        );
    } finally {
      await db.close();
    }
    return 0;
  },
};

export const registryPurge: Command = {
  name: 'registry purge',
  summary: 'remove now the identities of check-ins older than their site retention',
  help: `
Usage: kiosk registry purge [--db … | --data DIR] [--json]

What the running service does every hour (kiosk registry retention sets how long).
Prints the number of check-ins whose identity was removed, by site.

${STORAGE_HELP}`,
  options: { ...STORAGE_OPTIONS },
  async run(ctx) {
    const db = await openFromOptions(ctx);
    try {
      const bySite = await purgeIdentities(db);
      if (ctx.json) printJson({ purged: bySite });
      else {
        const total = Object.values(bySite).reduce((a, b) => a + b, 0);
        process.stdout.write(
          `${total} check-ins lost their identity${
            total
              ? `: ${Object.entries(bySite)
                  .map(([s, n]) => `${s} ${n}`)
                  .join(', ')}`
              : ''
          }\n`,
        );
      }
    } finally {
      await db.close();
    }
    return 0;
  },
};

export const registryOperatorToken: Command = {
  name: 'registry operator-token',
  summary: 'make an operator token for the fleet page (printed once), list them, or revoke one',
  help: `
Usage: kiosk registry operator-token [--name NAME | --list | --revoke ID] [--db … | --data DIR] [--json]

${STORAGE_HELP}
  --name NAME   who or what the new token is for (default "operator")
  --list        the tokens' ids, names, dates and state (never the tokens)
  --revoke ID   refuse that token from now on, and end its fleet page sessions

A new token is printed once: the registry keeps only its scrypt hash. Log in on the fleet
page (/fleet) with it, or send it as Authorization: Bearer. This command works on the
database directly, on the registry's own machine; there is no remote admin interface.`,
  options: { ...STORAGE_OPTIONS, name: { type: 'string' }, list: { type: 'boolean' }, revoke: { type: 'string' } },
  async run(ctx) {
    const revoke = stringOption(ctx, 'revoke');
    const list = ctx.values['list'] === true;
    if ([revoke !== undefined, list, stringOption(ctx, 'name') !== undefined].filter(Boolean).length > 1)
      throw new CliError('give one of --name, --list, --revoke');
    const db = await openFromOptions(ctx);
    try {
      if (list) {
        const tokens = await listOperatorTokens(db);
        if (ctx.json) printJson(tokens);
        else for (const t of tokens) process.stdout.write(`${t.id}  ${t.createdAt}  ${t.revoked ? 'revoked' : 'active '}  ${t.name}\n`);
      } else if (revoke !== undefined) {
        if (!(await revokeOperatorToken(db, revoke))) throw new CliError(`no active operator token ${revoke}`);
        if (ctx.json) printJson({ id: revoke, revoked: true });
        else process.stdout.write(`operator token ${revoke} revoked\n`);
      } else {
        const name = stringOption(ctx, 'name') ?? 'operator';
        let r;
        try {
          r = await issueOperatorToken(db, name);
        } catch (err) {
          throw new CliError((err as Error).message);
        }
        if (ctx.json) printJson({ id: r.id, name, token: r.token });
        else process.stdout.write(`${r.token}\n(operator token ${r.id} for ${name}; shown this once, the registry keeps only its hash)\n`);
      }
    } finally {
      await db.close();
    }
    return 0;
  },
};
