// The registry's schema as forward-only migrations, the same SQL on PostgreSQL and PGlite.
// Check-ins are partitioned by month of their (UUIDv7) time and indexed by site and kiosk;
// the ingest path locks only the sending kiosk's own row.
import type { Db } from './db.js';

export const REGISTRY_MIGRATIONS: { version: number; name: string; sql: string }[] = [
  {
    version: 1,
    name: 'kiosks, enrolment, check-ins, alerts, reference data',
    sql: `
      CREATE TABLE kiosks (
        id uuid PRIMARY KEY,
        site text NOT NULL,
        name text NOT NULL,
        public_key bytea NOT NULL,
        enrolled_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz,
        last_seen timestamptz,
        queue_length integer NOT NULL DEFAULT 0,
        oldest_queued_ms bigint NOT NULL DEFAULT 0,
        chain_seq bigint NOT NULL DEFAULT 0,
        chain_hash text NOT NULL DEFAULT '${'0'.repeat(64)}',
        duplicates_acknowledged bigint NOT NULL DEFAULT 0
      );
      CREATE INDEX kiosks_site ON kiosks (site);
      CREATE TABLE enrol_codes (
        code_hash text PRIMARY KEY,
        site text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        used_at timestamptz,
        kiosk_id uuid REFERENCES kiosks(id)
      );
      CREATE TABLE nonces (
        kiosk_id uuid NOT NULL,
        nonce text NOT NULL,
        seen_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (kiosk_id, nonce)
      );
      CREATE INDEX nonces_seen ON nonces (seen_at);
      CREATE TABLE checkins (
        id uuid NOT NULL,
        recorded_at timestamptz NOT NULL,
        kiosk_id uuid NOT NULL,
        site text NOT NULL,
        workflow text NOT NULL,
        seq bigint NOT NULL,
        decision text NOT NULL,
        reasons jsonb NOT NULL,
        match_score real,
        verification jsonb NOT NULL,
        identity jsonb,
        identity_digest text,
        prev_hash text NOT NULL,
        hash text NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (id, recorded_at)
      ) PARTITION BY RANGE (recorded_at);
      CREATE TABLE checkins_default PARTITION OF checkins DEFAULT;
      CREATE INDEX checkins_site_time ON checkins (site, recorded_at);
      CREATE INDEX checkins_kiosk_seq ON checkins (kiosk_id, seq);
      CREATE TABLE alerts (
        id bigserial PRIMARY KEY,
        at timestamptz NOT NULL DEFAULT now(),
        kiosk_id uuid,
        kind text NOT NULL,
        detail text NOT NULL
      );
      CREATE TABLE dataset_versions (dataset text PRIMARY KEY, version bigint NOT NULL, published_at timestamptz NOT NULL DEFAULT now());
      CREATE TABLE dataset_items (
        dataset text NOT NULL,
        key text NOT NULL,
        value jsonb,
        version bigint NOT NULL,
        deleted boolean NOT NULL DEFAULT false,
        PRIMARY KEY (dataset, key)
      );
      CREATE INDEX dataset_items_version ON dataset_items (dataset, version);
    `,
  },
  {
    version: 2,
    name: 'batch ordering for pipelined uploads',
    sql: `
      ALTER TABLE kiosks ADD COLUMN last_batch text;
    `,
  },
  {
    version: 3,
    name: 'site-config and roster per site',
    // Every version line gets a site ('' for trust, the one global line). What site-config
    // and roster held before was served to every kiosk: each known site's line starts as a
    // copy of it, versions included, so no kiosk's checkpoint is ahead of its new line and
    // its next delta carries on from what it has.
    sql: `
      ALTER TABLE dataset_versions ADD COLUMN site text NOT NULL DEFAULT '';
      ALTER TABLE dataset_versions DROP CONSTRAINT dataset_versions_pkey;
      ALTER TABLE dataset_versions ADD PRIMARY KEY (dataset, site);
      ALTER TABLE dataset_items ADD COLUMN site text NOT NULL DEFAULT '';
      ALTER TABLE dataset_items DROP CONSTRAINT dataset_items_pkey;
      ALTER TABLE dataset_items ADD PRIMARY KEY (dataset, site, key);
      DROP INDEX dataset_items_version;
      CREATE INDEX dataset_items_version ON dataset_items (dataset, site, version);
      INSERT INTO dataset_versions (dataset, site, version, published_at)
        SELECT v.dataset, s.site, v.version, v.published_at
        FROM dataset_versions v CROSS JOIN (SELECT site FROM kiosks UNION SELECT site FROM enrol_codes) s
        WHERE v.site = '' AND v.dataset IN ('site-config', 'roster');
      INSERT INTO dataset_items (dataset, site, key, value, version, deleted)
        SELECT i.dataset, s.site, i.key, i.value, i.version, i.deleted
        FROM dataset_items i CROSS JOIN (SELECT site FROM kiosks UNION SELECT site FROM enrol_codes) s
        WHERE i.site = '' AND i.dataset IN ('site-config', 'roster');
      DELETE FROM dataset_items WHERE site = '' AND dataset IN ('site-config', 'roster');
      DELETE FROM dataset_versions WHERE site = '' AND dataset IN ('site-config', 'roster');
    `,
  },
  {
    version: 4,
    name: 'personal data: retention per site, keyed person digest',
    // person_digest: HMAC-SHA-256 of the ID number under the registry's secret (duplicate
    // detection without a digest anyone can open). purged_at: when retention removed the
    // identity. match_score as double precision: the kiosk hashed the score it sent, and a
    // real (float4) could not give it back, so a stored row's hash could not be checked again.
    sql: `
      ALTER TABLE checkins ADD COLUMN person_digest text;
      ALTER TABLE checkins ADD COLUMN purged_at timestamptz;
      ALTER TABLE checkins ALTER COLUMN match_score TYPE double precision;
      CREATE INDEX checkins_unpurged ON checkins (recorded_at) WHERE identity IS NOT NULL;
      CREATE TABLE site_retention (site text PRIMARY KEY, days integer NOT NULL CHECK (days BETWEEN 1 AND 3650));
    `,
  },
  {
    version: 5,
    name: 'operator tokens for the fleet page',
    // Only the scrypt hash of each token is kept; the token itself is printed once.
    sql: `
      CREATE TABLE operator_tokens (
        id text PRIMARY KEY,
        name text NOT NULL,
        salt bytea NOT NULL,
        hash bytea NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz
      );
    `,
  },
  {
    version: 6,
    name: 'check-ins signed by their kiosk; disputed rows kept beside the chain',
    // kiosk_sig: the kiosk's signature over the record (recordSigningText). disputed: stored,
    // but not on the kiosk's chain (it does not follow the chain's head); a row that does
    // follow it later replaces a disputed one with the same id, never the other way round.
    sql: `
      ALTER TABLE checkins ADD COLUMN kiosk_sig text;
      ALTER TABLE checkins ADD COLUMN disputed boolean NOT NULL DEFAULT false;
      CREATE INDEX checkins_disputed ON checkins (kiosk_id, seq) WHERE disputed;
      ALTER TABLE kiosks ADD COLUMN disputed_rows bigint NOT NULL DEFAULT 0;
    `,
  },
  {
    version: 7,
    name: "the registry's signing key; dataset items signed",
    // registry_keys: the registry's Ed25519 key (PKCS#8, base64), made on first use
    // (registry/keys.ts). dataset_items.sig: the registry's signature over the item
    // (datasetItemSigningText); items published before are signed at the next start.
    sql: `
      CREATE TABLE registry_keys (id integer PRIMARY KEY CHECK (id = 1), private_key text NOT NULL, created_at timestamptz NOT NULL DEFAULT now());
      ALTER TABLE dataset_items ADD COLUMN sig text;
    `,
  },
  {
    version: 8,
    name: "each kiosk's ticket letter",
    // Hospital queue numbers are a kiosk's letter and its counter (docs/UI.md): unique across
    // a site's kiosks without asking the registry, offline too. Kiosks enrolled before get
    // letters in their enrolment order.
    sql: `
      ALTER TABLE kiosks ADD COLUMN ticket_prefix text;
      UPDATE kiosks k SET ticket_prefix = n.prefix FROM (
        SELECT id, CASE WHEN rn <= 26 THEN chr(64 + rn::int)
                        ELSE chr(64 + ((rn - 27) / 26 + 1)::int) || chr(65 + ((rn - 27) % 26)::int) END AS prefix
        FROM (SELECT id, row_number() OVER (PARTITION BY site ORDER BY enrolled_at, id) AS rn FROM kiosks) r
      ) n WHERE k.id = n.id;
      CREATE UNIQUE INDEX kiosks_ticket_prefix ON kiosks (site, ticket_prefix);
    `,
  },
  {
    version: 9,
    name: 'boarding claims: one pass boards once per site',
    // One row per site, flight, site day and person (the keyed person digest, never the ID
    // number): a kiosk's claim before it admits (unique, so two gates racing get one winner),
    // confirmed and counted by the admitted check-ins that follow (`admitted`), `alerted` once
    // a second one raised boarded-twice. The index finds a passenger's admitted boarding rows.
    sql: `
      CREATE TABLE boarding_claims (
        site text NOT NULL,
        flight text NOT NULL,
        date text NOT NULL,
        person text NOT NULL,
        kiosk_id uuid NOT NULL,
        claimed_at timestamptz NOT NULL,
        admitted integer NOT NULL DEFAULT 0,
        alerted boolean NOT NULL DEFAULT false,
        PRIMARY KEY (site, flight, date, person)
      );
      CREATE INDEX checkins_boarded ON checkins (site, (identity->>'flight'), recorded_at) WHERE workflow = 'airport-boarding' AND decision = 'admitted';
    `,
  },
  {
    version: 10,
    name: "the fleet page's time series; each kiosk's dataset versions and upload lag",
    // fleet_samples: one row per site and minute (check-ins stored, kiosks seen, the largest
    // queue after an answer, the largest recorded→stored lag), written by each registry process
    // once a minute (registry/fleet-samples.ts) and pruned after a retention window.
    // kiosks.datasets: the version of each dataset the kiosk last asked from (its signed
    // GET /v1/datasets/NAME?since=N), i.e. what it holds; last_lag_ms: recorded→stored of its last upload.
    sql: `
      CREATE TABLE fleet_samples (
        site text NOT NULL,
        minute timestamptz NOT NULL,
        checkins integer NOT NULL DEFAULT 0,
        kiosks_seen integer NOT NULL DEFAULT 0,
        max_queue integer NOT NULL DEFAULT 0,
        max_lag_ms bigint NOT NULL DEFAULT 0,
        PRIMARY KEY (site, minute)
      );
      CREATE INDEX fleet_samples_minute ON fleet_samples (minute);
      ALTER TABLE kiosks ADD COLUMN datasets jsonb NOT NULL DEFAULT '{}';
      ALTER TABLE kiosks ADD COLUMN last_lag_ms bigint;
    `,
  },
  {
    version: 11,
    name: 'enrolment codes that enrol up to N kiosks',
    // `uses` kiosks may enrol with the code, `used` have; a code used before this stays used.
    sql: `
      ALTER TABLE enrol_codes ADD COLUMN uses integer NOT NULL DEFAULT 1;
      ALTER TABLE enrol_codes ADD COLUMN used integer NOT NULL DEFAULT 0;
      UPDATE enrol_codes SET used = 1 WHERE used_at IS NOT NULL;
    `,
  },
];

/** The schema version the migrations bring a registry to. */
export const REGISTRY_SCHEMA_VERSION = Math.max(...REGISTRY_MIGRATIONS.map((m) => m.version));

/** Brings the schema up to `upTo` (all by default; tests stop earlier to migrate old data). */
export async function migrateRegistry(db: Db, upTo = REGISTRY_SCHEMA_VERSION): Promise<number> {
  await db.query(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())',
  );
  for (const m of REGISTRY_MIGRATIONS.filter((x) => x.version <= upTo)) {
    await db.tx(async (q) => {
      // Two registries starting at once: the lock makes the second wait, then skip.
      await q.query('LOCK TABLE schema_migrations IN EXCLUSIVE MODE');
      const done = await q.query('SELECT 1 FROM schema_migrations WHERE version = $1', [m.version]);
      if (done.length) return;
      for (const stmt of m.sql
        .split(/;\s*\n/)
        .map((s) => s.trim())
        .filter(Boolean))
        await q.query(stmt);
      await q.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
    });
  }
  const [row] = await db.query<{ v: number }>('SELECT max(version)::int AS v FROM schema_migrations');
  return row?.v ?? 0;
}

/** Monthly partitions from `monthsBack` before to `monthsAhead` after `now`; rows outside land in the default partition. */
export async function ensurePartitions(db: Db, now = new Date(), monthsBack = 2, monthsAhead = 3): Promise<void> {
  for (let i = -monthsBack; i <= monthsAhead; i++) {
    const from = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + i, 1));
    const to = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + i + 1, 1));
    const name = `checkins_${from.getUTCFullYear()}_${String(from.getUTCMonth() + 1).padStart(2, '0')}`;
    const exists = await db.query('SELECT 1 FROM pg_class WHERE relname = $1', [name]);
    if (exists.length) continue;
    try {
      await db.query(`CREATE TABLE ${name} PARTITION OF checkins FOR VALUES FROM ('${from.toISOString()}') TO ('${to.toISOString()}')`);
    } catch (err) {
      // Rows for that month already sit in the default partition: leave them there.
      if (!/default partition|would be violated/.test((err as Error).message)) throw err;
    }
  }
}
