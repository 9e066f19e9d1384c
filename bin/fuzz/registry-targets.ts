// Fuzz targets for the registry protocol, both ways: the registry's reading of request bodies
// (as registry/server.ts reads them: bytes → JSON → the zod schema → ingest's per-record
// check) and the kiosk's reading of the registry's answers and datasets (the protocol schemas,
// the dataset item formats, and the SyncEngine's download and upload paths, driven through a
// stub client that answers with the fuzz input, so no network is involved).
import { generateKeyPairSync, randomUUID, sign as cryptoSign, verify as cryptoVerify } from 'node:crypto';
import type { z } from 'zod';
import { parseDatasetItem } from '../../main/protocol/datasets.js';
import {
  CheckInBatch,
  CheckInBatchResponse,
  DatasetDelta,
  EnrolRequest,
  KioskAlert,
  datasetItemSigningText,
  type DatasetName,
} from '../../main/protocol/registry-protocol.js';
import { KioskStore, type CheckInInput } from '../../main/store/kiosk-store.js';
import { SyncError, type RegistryClient } from '../../main/sync/registry-client.js';
import { SyncEngine } from '../../main/sync/sync-engine.js';
import { checkRecord } from '../../registry/ingest.js';
import { airportConfig, csca, flight, hospitalConfig, patient } from '../test/fixtures/dataset-items.js';
import type { FuzzTarget } from './targets.js';

const SAMPLE: CheckInInput = {
  site: 'hospital-a',
  workflow: 'hospital-checkin',
  decision: 'admitted',
  reasons: [],
  matchScore: 0.7,
  verification: { chip: 'verified' },
  identity: { idNumber: '001099012345' },
};
/** Valid JSON samples, mutated both as bytes and by structure. */
const json = (values: unknown[]) => ({ seeds: values.map((v) => new TextEncoder().encode(JSON.stringify(v))), jsonSeeds: values });
const text = (b: Uint8Array) => Buffer.from(b).toString('utf8');

/** What the registry answers for a body: 400 malformed-json, 400 invalid-body, or the value (registry/server.ts parseBody). */
function registryBody<T extends z.ZodType>(b: Uint8Array, schema: T): { error: string } | { value: z.infer<T> } {
  let value: unknown;
  try {
    value = JSON.parse(text(b));
  } catch {
    return { error: 'malformed-json' };
  }
  const p = schema.safeParse(value);
  return p.success ? { value: p.data } : { error: `invalid-body: ${p.error.issues[0]?.message ?? ''}` };
}

/** What the kiosk's client makes of an answer's text (main/sync/registry-client.ts): the value, or a SyncError. */
function kioskAnswer<T extends z.ZodType>(answer: unknown, schema: T): z.infer<T> {
  const p = schema.safeParse(answer);
  if (!p.success)
    throw new SyncError('protocol', `the registry's answer does not follow the protocol: ${p.error.issues[0]?.message ?? ''}`);
  return p.data;
}
function kioskJson(b: Uint8Array): unknown {
  try {
    return JSON.parse(text(b));
  } catch {
    throw new SyncError('protocol', 'the registry answered with a body that is not JSON');
  }
}

// The stub registry's key: the seeds' dataset items are signed with it, as the real registry
// signs them, so mutations reach the item checks behind the signature check.
const STUB_SITE = 'hospital-a';
const stubKeys = generateKeyPairSync('ed25519');
type Change = { key: string; value: unknown; deleted: boolean };
function signed(dataset: string, version: number, c: Change): Change & { version: number; sig: string } {
  const line = dataset === 'trust' ? '' : STUB_SITE;
  const text = datasetItemSigningText(dataset, line, c.key, version, c.value, c.deleted);
  return { ...c, version, sig: cryptoSign(null, Buffer.from(text), stubKeys.privateKey).toString('base64') };
}

/** A client that answers each request with the next of the given answers; never touches the network. */
function stubClient(answer: (method: string, path: string, body: unknown) => unknown): RegistryClient {
  return {
    credentials: { site: STUB_SITE },
    request: async <T extends z.ZodType>(method: 'GET' | 'POST', path: string, body: unknown, schema: T) =>
      kioskAnswer(answer(method, path, body), schema),
    // The real client's check (main/sync/registry-client.ts), with the stub's key pinned.
    datasetItemSigned: (dataset: string, line: string, c: Change & { version: number; sig: string }) => {
      try {
        const b = Buffer.from(c.sig, 'base64');
        return (
          b.length === 64 &&
          cryptoVerify(
            null,
            Buffer.from(datasetItemSigningText(dataset, line, c.key, c.version, c.value, c.deleted)),
            stubKeys.publicKey,
            b,
          )
        );
      } catch {
        return false;
      }
    },
    reportAlert: async () => ({ recorded: true }),
  } as unknown as RegistryClient;
}

const datasetError = (e: unknown) => e instanceof Error && /^(trust|site-config|roster) item "/.test(e.message);

export function registryFuzzTargets(): FuzzTarget[] {
  // Valid samples: a kiosk's real batch, enrolment, alert; the registry's real answers and deltas.
  const store = new KioskStore(':memory:');
  for (let i = 0; i < 3; i++) store.record(SAMPLE);
  const records = store.dueBatch(Date.now(), 10, 1e6);
  store.close();
  // Records from an unenrolled in-memory store carry no signature: ingest refuses them as such, which the fuzz then varies.
  const kiosk = { id: randomUUID(), site: STUB_SITE, publicKey: new Uint8Array(32) };
  const batch = { records, queue: { length: 3, oldestAgeMs: 12 }, batch: { id: 'AAAAAAAAAAAA', after: 'BBBBBBBBBBBB' } };
  const trust = { dataset: 'trust', from: 0, to: 2, changes: [signed('trust', 2, { ...csca('one'), deleted: false })] };
  const site = {
    dataset: 'site-config',
    from: 0,
    to: 1,
    changes: [signed('site-config', 1, { ...hospitalConfig('Bệnh viện A'), deleted: false })],
  };
  const airportSite = {
    dataset: 'site-config',
    from: 0,
    to: 3,
    changes: [signed('site-config', 3, { ...airportConfig('Nội Bài'), deleted: false })],
  };
  const roster = {
    dataset: 'roster',
    from: 0,
    to: 4,
    changes: [
      signed('roster', 4, { ...patient(1), deleted: false }),
      signed('roster', 3, { ...flight('245'), deleted: false }),
      signed('roster', 4, { key: 'patient/001099000002', value: null, deleted: true }),
    ],
  };

  return [
    {
      name: 'registry: check-in batch body (CheckInBatch, then each record as ingest checks it)',
      ...json([batch, { records: records.slice(0, 1), queue: { length: 0, oldestAgeMs: 0 } }]),
      run: (b) => {
        const r = registryBody(b, CheckInBatch);
        if ('error' in r) return r;
        return r.value.records.map((raw) => checkRecord(raw, kiosk));
      },
      typed: () => false,
      weight: 2,
    },
    {
      name: 'registry: one check-in record (ingest checkRecord)',
      ...json(records),
      run: (b) => {
        let raw: unknown;
        try {
          raw = JSON.parse(text(b));
        } catch {
          return null;
        }
        return checkRecord(raw, kiosk);
      },
      typed: () => false,
    },
    {
      name: 'registry: enrolment body (EnrolRequest)',
      ...json([{ code: 'ABCD-EFGH-JKLM', publicKey: Buffer.alloc(32, 7).toString('base64'), name: 'gate 1' }]),
      run: (b) => registryBody(b, EnrolRequest),
      typed: () => false,
    },
    {
      name: 'registry: kiosk alert body (KioskAlert)',
      ...json([{ kind: 'chain-break', seq: 2, problem: 'check-in 2: altered' }]),
      run: (b) => registryBody(b, KioskAlert),
      typed: () => false,
    },
    {
      name: 'kiosk: check-in batch answer (CheckInBatchResponse)',
      ...json([
        {
          results: [
            { id: records[0]!.id, status: 'accepted' },
            { id: records[1]!.id, status: 'duplicate' },
            { id: records[2]!.id, status: 'rejected', reason: 'hash does not match the content' },
          ],
        },
      ]),
      run: (b) => kioskAnswer(kioskJson(b), CheckInBatchResponse),
      typed: (e) => e instanceof SyncError,
    },
    {
      name: 'kiosk: dataset delta and its items (DatasetDelta, parseDatasetItem)',
      ...json([trust, site, airportSite, roster]),
      run: (b) => {
        const delta = kioskAnswer(kioskJson(b), DatasetDelta);
        for (const c of delta.changes) if (!c.deleted) parseDatasetItem(delta.dataset, c.key, c.value);
        return delta;
      },
      typed: (e) => e instanceof SyncError || datasetError(e),
      weight: 2,
    },
    {
      name: 'kiosk: SyncEngine download, answers from a stub registry (a JSON array: trust, site-config, roster)',
      ...json([
        [trust, site, roster],
        [trust, airportSite, roster],
      ]),
      run: async (b) => {
        const answers = kioskJson(b);
        const store = new KioskStore(':memory:');
        try {
          const asked: DatasetName[] = [];
          const engine = new SyncEngine(
            store,
            stubClient((_m, path) => {
              asked.push(path.split('/')[3]!.split('?')[0] as DatasetName);
              if (!Array.isArray(answers)) throw new SyncError('protocol', 'not one answer per dataset');
              return answers[asked.length - 1];
            }),
          );
          const got = await engine.downloadOnce();
          // What the engine applied is what the store holds, and parses.
          for (const g of got)
            if (!g.refused && g.to > g.from)
              for (const item of store.referenceItems(g.dataset)) parseDatasetItem(g.dataset as DatasetName, item.key, item.value);
          return got;
        } finally {
          store.close();
        }
      },
      typed: (e) => e instanceof SyncError,
      weight: 2,
    },
    {
      name: 'kiosk: SyncEngine upload answer from a stub registry ("#n" stands for the n-th record\'s id)',
      ...json([
        {
          results: [
            { id: '#0', status: 'accepted' },
            { id: '#1', status: 'duplicate' },
            { id: '#2', status: 'rejected', reason: 'no' },
          ],
        },
        {
          results: [
            { id: '#2', status: 'accepted' },
            { id: '#0', status: 'accepted' },
          ],
        },
      ]),
      run: async (b) => {
        const answer = kioskJson(b);
        const store = new KioskStore(':memory:');
        try {
          for (let i = 0; i < 3; i++) store.record(SAMPLE);
          const engine = new SyncEngine(
            store,
            stubClient((_m, _p, body) => {
              const ids = (body as { records: { id: string }[] }).records.map((r) => r.id);
              const results = (answer as { results?: unknown } | null)?.results;
              if (!Array.isArray(results)) return answer;
              return {
                ...(answer as object),
                results: results.map((r: unknown) => {
                  const id = (r as { id?: unknown } | null)?.id;
                  return typeof id === 'string' && /^#\d$/.test(id) ? { ...(r as object), id: ids[Number(id.slice(1))] ?? id } : r;
                }),
              };
            }),
          );
          const result = await engine.uploadOnce();
          // Whatever the answer, a row leaves the outbox only when its own id was acknowledged.
          if (store.queue().length !== 3 - result.accepted - result.duplicate) throw new Error('the outbox does not match the answer');
          return result;
        } finally {
          store.close();
        }
      },
      typed: (e) => e instanceof SyncError,
    },
  ];
}
