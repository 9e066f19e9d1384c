// The reference data a kiosk works from — trust anchors, site configuration, roster — as
// parsed values, rebuilt from the kiosk store whenever sync applies a new version (no
// restart). A dataset that does not parse is not used: the last good one stays, and the
// status says what is wrong and how old the data in use is.
import { EventEmitter } from 'node:events';
import { TrustStore, type TrustFile } from '../../drivers/emrtd/cert/trust-store.js';
import {
  describeError,
  parseRosterItem,
  SITE_CONFIG_KEY,
  SiteConfig,
  TrustItem,
  type FlightEntry,
  type PatientEntry,
  type SiteKind,
} from '../protocol/datasets.js';
import type { KioskStore } from '../store/kiosk-store.js';
import type { Logger } from './logger.js';

export type DatasetSource = 'registry' | 'default' | 'local';

export interface DatasetState {
  source: DatasetSource;
  version: number;
  appliedAt: string | null;
  /** Why the newest registry version is not in use, in words; null when all is well. */
  problem: string | null;
}

export interface ReferenceDataOptions {
  store: KioskStore;
  log: Logger;
  /** Used until (or instead of) a published site configuration. */
  defaultSiteConfig: SiteConfig;
  /** Simulator mode: this workflow whatever the registry publishes. */
  siteKindOverride?: SiteKind | null;
  /** A local folder's CSCAs and CRLs, trusted beside the registry's. */
  localTrust?: TrustFile[];
}

export class ReferenceData extends EventEmitter<{ changed: [] }> {
  trust: TrustStore = TrustStore.empty();
  siteConfig: SiteConfig;
  private patients = new Map<string, PatientEntry>();
  private flights = new Map<string, FlightEntry>();
  private readonly states: Record<'trust' | 'site-config' | 'roster', DatasetState>;

  constructor(private readonly o: ReferenceDataOptions) {
    super();
    this.siteConfig = o.defaultSiteConfig;
    const none = (): DatasetState => ({ source: 'default', version: 0, appliedAt: null, problem: null });
    this.states = { trust: none(), 'site-config': none(), roster: none() };
    this.reload();
  }

  /** Re-reads every dataset from the store; a dataset that fails keeps its last good value. */
  reload(): void {
    const info = this.o.store.datasetInfo();
    this.loadTrust(info['trust']);
    this.loadSiteConfig(info['site-config']);
    this.loadRoster(info['roster']);
    this.emit('changed');
  }

  patient(idNumber: string): PatientEntry | null {
    return this.patients.get(idNumber) ?? null;
  }

  flight(key: string): FlightEntry | null {
    return this.flights.get(key) ?? null;
  }

  status(now = Date.now()): Record<string, DatasetState & { ageMs: number | null }> {
    return Object.fromEntries(
      Object.entries(this.states).map(([k, s]) => [k, { ...s, ageMs: s.appliedAt ? Math.max(0, now - Date.parse(s.appliedAt)) : null }]),
    );
  }

  /** Sync refused a new version (it did not parse): the one in use stays, and the status says why. */
  refused(dataset: keyof typeof this.states, problem: string): void {
    this.failed(dataset, problem);
    this.emit('changed');
  }

  private failed(dataset: keyof typeof this.states, problem: string): void {
    this.states[dataset] = { ...this.states[dataset], problem };
    this.o.log.error({ dataset, problem }, 'reference data not applied; the last good version stays in use');
  }

  private loadTrust(v: { version: number; appliedAt: string } | undefined): void {
    const files: TrustFile[] = [...(this.o.localTrust ?? [])];
    try {
      for (const { key, value } of this.o.store.referenceItems('trust')) {
        const item = TrustItem.parse(value);
        files.push({ name: `registry:${key}`, bytes: new Uint8Array(Buffer.from(item.der, 'base64')) });
      }
    } catch (err) {
      return this.failed('trust', describeError(err));
    }
    const load = TrustStore.fromFiles(files);
    for (const s of load.skipped) this.o.log.warn({ item: s.name, reason: s.reason }, 'trust item skipped');
    this.trust = load.store;
    this.states.trust = {
      source: v ? 'registry' : this.o.localTrust?.length ? 'local' : 'default',
      version: v?.version ?? 0,
      appliedAt: v?.appliedAt ?? null,
      problem: null,
    };
  }

  private loadSiteConfig(v: { version: number; appliedAt: string } | undefined): void {
    if (!v) return;
    const item = this.o.store.referenceItems('site-config').find((i) => i.key === SITE_CONFIG_KEY);
    if (!item) return this.failed('site-config', `version ${v.version} has no item "${SITE_CONFIG_KEY}"`);
    const parsed = SiteConfig.safeParse(item.value);
    if (!parsed.success) return this.failed('site-config', `version ${v.version}: ${describeError(parsed.error)}`);
    const override = this.o.siteKindOverride;
    if (override && parsed.data.kind !== override) {
      // Simulator mode chose the other workflow: keep the published policy, but not its kind.
      this.states['site-config'] = {
        source: 'default',
        version: v.version,
        appliedAt: v.appliedAt,
        problem: `the published configuration is for a ${parsed.data.kind} site; simulator mode runs a ${override} kiosk`,
      };
      return;
    }
    this.siteConfig = parsed.data;
    this.states['site-config'] = { source: 'registry', version: v.version, appliedAt: v.appliedAt, problem: null };
  }

  private loadRoster(v: { version: number; appliedAt: string } | undefined): void {
    if (!v) return;
    const patients = new Map<string, PatientEntry>();
    const flights = new Map<string, FlightEntry>();
    try {
      for (const { key, value } of this.o.store.referenceItems('roster')) {
        const item = parseRosterItem(key, value);
        if (item.kind === 'patient') patients.set(item.idNumber, item.entry);
        else flights.set(key, item.entry);
      }
    } catch (err) {
      return this.failed('roster', `version ${v.version}: ${describeError(err)}`);
    }
    this.patients = patients;
    this.flights = flights;
    this.states.roster = { source: 'registry', version: v.version, appliedAt: v.appliedAt, problem: null };
  }
}
