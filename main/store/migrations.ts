// The kiosk database's schema, as forward-only migrations. `user_version` holds the number of
// the last one applied; each runs in its own transaction at start.

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'check-ins, outbox, reference data, audit log',
    sql: `
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
      CREATE TABLE checkins (
        seq INTEGER PRIMARY KEY,                -- this kiosk's monotonic sequence
        id TEXT NOT NULL UNIQUE,                -- UUIDv7
        site TEXT NOT NULL,
        workflow TEXT NOT NULL,
        recorded_at TEXT NOT NULL,
        decision TEXT NOT NULL,
        reasons TEXT NOT NULL,                  -- JSON array
        match_score REAL,
        verification TEXT NOT NULL,             -- JSON object
        identity TEXT,                          -- JSON object; NULL once purged
        identity_digest TEXT,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL
      ) STRICT;
      CREATE TABLE outbox (
        seq INTEGER PRIMARY KEY REFERENCES checkins(seq),
        attempts INTEGER NOT NULL DEFAULT 0,
        next_try_at INTEGER NOT NULL DEFAULT 0,
        last_error TEXT
      ) STRICT;
      CREATE TABLE reference_items (
        dataset TEXT NOT NULL,
        key TEXT NOT NULL,
        value TEXT NOT NULL,                    -- JSON
        PRIMARY KEY (dataset, key)
      ) STRICT;
      CREATE TABLE reference_versions (dataset TEXT PRIMARY KEY, version INTEGER NOT NULL, applied_at TEXT NOT NULL) STRICT;
      CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        action TEXT NOT NULL,
        detail TEXT NOT NULL
      ) STRICT;
    `,
  },
  {
    version: 2,
    name: 'acknowledgement and purge times',
    sql: `
      ALTER TABLE checkins ADD COLUMN synced_at TEXT;
      ALTER TABLE checkins ADD COLUMN purged_at TEXT;
      CREATE INDEX checkins_unpurged ON checkins (recorded_at) WHERE identity IS NOT NULL;
      CREATE INDEX outbox_due ON outbox (next_try_at, seq);
    `,
  },
  {
    version: 3,
    name: 'per-record kiosk id and signature',
    // Signed with the kiosk's key (kept in a file beside the database, never in it) when the
    // row is written; NULL for rows written before enrolment (or before this version, until
    // the key moves out of the database: KioskStore signs those unsent rows then, once).
    sql: `
      ALTER TABLE checkins ADD COLUMN kiosk_id TEXT;
      ALTER TABLE checkins ADD COLUMN sig TEXT;
    `,
  },
  {
    version: 4,
    name: 'queue ticket counters',
    // One counter a clinic a day: the next number this kiosk gives (with its letter, the number
    // is unique across the site's kiosks, offline too). Old days are pruned with the purge.
    sql: `
      CREATE TABLE ticket_counters (
        day TEXT NOT NULL,
        clinic TEXT NOT NULL,
        issued INTEGER NOT NULL,
        PRIMARY KEY (day, clinic)
      ) STRICT;
    `,
  },
];
