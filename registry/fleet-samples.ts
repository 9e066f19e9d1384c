// The fleet page's figures over time, gathered cheaply: the request handlers only count in
// memory (check-ins stored per site and minute, which kiosks were seen, the dataset versions
// they asked from); once a minute each registry process writes what it counted in one or two
// statements (additive upserts, so several processes add up) and prunes old samples.
import type { Logger } from 'pino';
import { uuid7Time, type RecordOutcome } from '../main/protocol/registry-protocol.js';
import type { Db } from './db.js';

export const SAMPLE_EVERY_MS = 60_000;
/** How long the per-minute samples are kept: the page's longest range. */
export const SAMPLE_RETENTION_MS = 7 * 24 * 3_600_000;
/** A kiosk counts as seen in a minute if it made a signed request in the minute before the sample. */
const SEEN_WINDOW = '1 minute';
/** Kiosk rows written per statement when flushing. */
const CHUNK = 1000;

const minuteOf = (ms: number) => Math.floor(ms / 60_000) * 60_000;

interface Seen {
  at: number;
  datasets: Record<string, number>;
  lagMs: number | null;
}

export class FleetRecorder {
  /** `${minute}|${site}` → check-ins stored and the largest recorded→stored lag among them. */
  private stored = new Map<string, { n: number; lagMs: number }>();
  private seen = new Map<string, Seen>();
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Db,
    private readonly log: Logger,
  ) {}

  private touch(kioskId: string, now: number): Seen {
    let s = this.seen.get(kioskId);
    if (!s) this.seen.set(kioskId, (s = { at: now, datasets: {}, lagMs: null }));
    s.at = Math.max(s.at, now);
    return s;
  }

  /** After an upload: the check-ins stored now (accepted; a duplicate was counted when first stored). */
  noteUpload(kiosk: { id: string; site: string }, results: RecordOutcome[], now = Date.now()): void {
    const s = this.touch(kiosk.id, now);
    let n = 0;
    let lag = 0;
    for (const r of results) {
      if (r.status !== 'accepted') continue;
      n++;
      // The id is a UUIDv7 of the recording time (ingest checked it against recordedAt).
      lag = Math.max(lag, now - uuid7Time(r.id));
    }
    if (n === 0) return;
    s.lagMs = lag;
    const key = `${minuteOf(now)}|${kiosk.site}`;
    const c = this.stored.get(key);
    if (c) {
      c.n += n;
      c.lagMs = Math.max(c.lagMs, lag);
    } else this.stored.set(key, { n, lagMs: lag });
  }

  /** A signed request from the kiosk; for a dataset poll, the version it asked from is the one it holds. */
  noteSeen(kioskId: string, dataset?: { name: string; since: number }, now = Date.now()): void {
    const s = this.touch(kioskId, now);
    if (dataset) s.datasets[dataset.name] = dataset.since;
  }

  /** Writes what was counted since the last flush, and this minute's gauges (kiosks seen, queues). Never throws. */
  flush(now = Date.now()): Promise<void> {
    this.flushing = this.flushing.then(() =>
      this.write(now).catch((err: Error) => this.log.error({ err: err.message }, 'fleet samples: write failed')),
    );
    return this.flushing;
  }

  private async write(now: number): Promise<void> {
    const seen = [...this.seen].map(([id, s]) => ({ id, at: new Date(s.at).toISOString(), datasets: s.datasets, lag: s.lagMs }));
    const stored = [...this.stored].map(([key, c]) => {
      const bar = key.indexOf('|');
      return { minute: new Date(Number(key.slice(0, bar))).toISOString(), site: key.slice(bar + 1), n: c.n, lag: c.lagMs };
    });
    this.seen = new Map();
    this.stored = new Map();
    for (let i = 0; i < seen.length; i += CHUNK)
      await this.db.query(
        `UPDATE kiosks k SET last_seen = greatest(k.last_seen, s.at), datasets = k.datasets || s.datasets, last_lag_ms = coalesce(s.lag, k.last_lag_ms)
         FROM jsonb_to_recordset($1::jsonb) AS s(id uuid, at timestamptz, datasets jsonb, lag bigint) WHERE k.id = s.id`,
        [JSON.stringify(seen.slice(i, i + CHUNK))],
      );
    if (stored.length)
      await this.db.query(
        `INSERT INTO fleet_samples (site, minute, checkins, max_lag_ms)
         SELECT site, minute, n, lag FROM jsonb_to_recordset($1::jsonb) AS s(site text, minute timestamptz, n integer, lag bigint)
         ON CONFLICT (site, minute) DO UPDATE SET checkins = fleet_samples.checkins + excluded.checkins,
           max_lag_ms = greatest(fleet_samples.max_lag_ms, excluded.max_lag_ms)`,
        [JSON.stringify(stored)],
      );
    // Gauges: read from the kiosks' rows (every process writes the same figure; greatest keeps it).
    // Sites where nothing was seen and nothing waits get no row: an idle site costs nothing.
    await this.db.query(
      `INSERT INTO fleet_samples (site, minute, kiosks_seen, max_queue)
       SELECT site, $1::timestamptz, count(*) FILTER (WHERE last_seen > $2::timestamptz - interval '${SEEN_WINDOW}'), max(queue_length)
       FROM kiosks WHERE revoked_at IS NULL GROUP BY site
       HAVING count(*) FILTER (WHERE last_seen > $2::timestamptz - interval '${SEEN_WINDOW}') > 0 OR max(queue_length) > 0
       ON CONFLICT (site, minute) DO UPDATE SET kiosks_seen = greatest(fleet_samples.kiosks_seen, excluded.kiosks_seen),
         max_queue = greatest(fleet_samples.max_queue, excluded.max_queue)`,
      [new Date(minuteOf(now)).toISOString(), new Date(now).toISOString()],
    );
  }

  /** Removes samples older than the retention window; returns how many. */
  async prune(now = Date.now(), retentionMs = SAMPLE_RETENTION_MS): Promise<number> {
    const [gone] = await this.db.query<{ n: string }>(
      'WITH d AS (DELETE FROM fleet_samples WHERE minute < $1 RETURNING 1) SELECT count(*) AS n FROM d',
      [new Date(now - retentionMs).toISOString()],
    );
    return Number(gone?.n ?? 0);
  }

  /** Flushes and prunes every `everyMs`; the stop flushes once more. */
  start(everyMs = SAMPLE_EVERY_MS): () => Promise<void> {
    const timer = setInterval(() => {
      void this.flush().then(() => this.prune().catch((err: Error) => this.log.error({ err: err.message }, 'fleet samples: prune failed')));
    }, everyMs);
    timer.unref();
    return async () => {
      clearInterval(timer);
      await this.flush();
    };
  }
}
