// A worker thread that checks check-in records (registry/ingest.ts checkRecord: the schema,
// both digests and the kiosk's Ed25519 signature on each), so a registry process uses every
// core for the per-record work and its main loop stays free for requests and the database.
import { parentPort } from 'node:worker_threads';
import type { AuthedKiosk } from './auth.js';
import { checkRecord, type RecordCheck } from './ingest.js';

export type CheckRequest = { id: number; kiosk: AuthedKiosk; records: unknown[] };
export type CheckReply = { id: number; ok: true; results: RecordCheck[] } | { id: number; ok: false; message: string };

parentPort?.on('message', (m: CheckRequest) => {
  let reply: CheckReply;
  try {
    reply = { id: m.id, ok: true, results: m.records.map((r) => checkRecord(r, m.kiosk)) };
  } catch (err) {
    reply = { id: m.id, ok: false, message: (err as Error).message };
  }
  parentPort!.postMessage(reply);
});
