// What simulator mode adds around a kiosk, as hardware and a head office would: a PC/SC
// service with vpcd's virtual readers (the system's pcscd when one runs, else a private one),
// and an embedded registry that publishes the simulator's trust anchors, site configuration
// and roster. The kiosk itself is the same one a site runs (main/core/kiosk.ts).
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import type { Logger } from 'pino';
import { canonicalJson, type DatasetName } from '../main/protocol/registry-protocol.js';
import type { KioskStore } from '../main/store/kiosk-store.js';
import type { KioskCredentials } from '../main/sync/registry-client.js';
import type { Db } from '../registry/db.js';
import { datasetDelta, publicationLine, publishDataset } from '../registry/datasets.js';
import { missingPcscStack, startPrivatePcscd, type PrivatePcscd } from '../simulator/pcscd.js';
import { loadOrCreateTestPki } from '../simulator/pki.js';
import { simRoster, simSiteConfigItems, simTrustItems, type SimFaceOptions } from '../simulator/site-data.js';
import { VPCD_DEFAULT_PORT } from '../simulator/vpcd.js';
import { enrolWithEmbedded, startEmbeddedRegistry, type EmbeddedRegistry } from './embedded-registry.js';

const SYSTEM_PCSCD_SOCKET = '/run/pcscd/pcscd.comm';

/** Whether a pcscd answers on its socket. */
function socketAnswers(path: string): Promise<boolean> {
  if (!existsSync(path)) return Promise.resolve(false);
  return new Promise((resolve) => {
    const s = connect(path);
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
    setTimeout(() => done(false), 1000).unref();
  });
}

export interface SimulatorPcsc {
  /** Where `kiosk sim chip --port N` puts a card. */
  vpcdPort: number;
  source: 'system' | 'private';
  stop(): Promise<void>;
}

/**
 * The system's pcscd when it runs (Debian's vsmartcard-vpcd package gives it a vpcd reader on
 * 35963), else a private pcscd whose vpcd listens on 35963. Sets PCSCLITE_CSOCK_NAME for
 * this process before the kiosk opens PC/SC.
 */
export async function simulatorPcsc(say: (line: string) => void, vpcdPort = VPCD_DEFAULT_PORT): Promise<SimulatorPcsc | null> {
  if (
    vpcdPort === VPCD_DEFAULT_PORT &&
    (process.env['PCSCLITE_CSOCK_NAME']
      ? await socketAnswers(process.env['PCSCLITE_CSOCK_NAME'])
      : await socketAnswers(SYSTEM_PCSCD_SOCKET))
  ) {
    say('Card readers: the system pcscd (its vpcd reader takes virtual cards on port 35963).');
    return { vpcdPort: VPCD_DEFAULT_PORT, source: 'system', stop: async () => undefined };
  }
  const missing = missingPcscStack();
  if (missing) {
    say(`No card readers: ${missing}.`);
    return null;
  }
  let pcscd: PrivatePcscd;
  try {
    pcscd = await startPrivatePcscd(vpcdPort);
  } catch (err) {
    say(`No card readers: a private pcscd could not start (${(err as Error).message.split('\n')[0]}).`);
    return null;
  }
  process.env['PCSCLITE_CSOCK_NAME'] = pcscd.socket;
  say(`Card readers: a private pcscd with vpcd's virtual readers (cards on port ${pcscd.ports[0]}).`);
  return { vpcdPort: pcscd.ports[0], source: 'private', stop: () => pcscd.stop() };
}

/** Publishes `items` as a new version unless the registry already holds exactly them. */
export async function publishIfChanged(
  db: Db,
  dataset: DatasetName,
  site: string | null,
  items: { key: string; value: unknown }[],
): Promise<boolean> {
  const current = await datasetDelta(db, dataset, publicationLine(dataset, site), 0);
  const have = new Map(current.changes.filter((c) => !c.deleted).map((c) => [c.key, canonicalJson(c.value)]));
  if (have.size === items.length && items.every((i) => have.get(i.key) === canonicalJson(i.value))) return false;
  await publishDataset(db, dataset, site, items);
  return true;
}

export interface SimulatorRegistry {
  registry: EmbeddedRegistry;
  credentials: KioskCredentials;
}

/** The embedded registry, this kiosk enrolled with it, and the simulator's datasets published to it. */
export async function simulatorRegistry(o: {
  dataDir: string;
  store: KioskStore;
  log: Logger;
  kind: 'hospital' | 'airport';
  pkiDir: string;
  seed: string;
  date: string;
  face?: SimFaceOptions;
}): Promise<SimulatorRegistry> {
  const registry = await startEmbeddedRegistry(o.dataDir, o.log);
  try {
    const credentials = await enrolWithEmbedded(o.store, registry, 'simulator', 'simulator kiosk');
    const pki = await loadOrCreateTestPki(o.pkiDir);
    await publishIfChanged(registry.db, 'trust', null, simTrustItems(pki));
    await publishIfChanged(registry.db, 'site-config', credentials.site, simSiteConfigItems(o.kind, o.face));
    await publishIfChanged(registry.db, 'roster', credentials.site, simRoster(o.kind, o.seed, o.date));
    return { registry, credentials };
  } catch (err) {
    await registry.close();
    throw err;
  }
}
