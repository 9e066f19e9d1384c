// The kiosk's view of its scanners: devices from any discovery that match the configuration,
// each with its own decoder, turned into events — 'attached' / 'detached' (hot-plug),
// 'scan' (a whole scan), 'dropped' (a report or half scan discarded, with the reason for the
// log) and 'error' (cannot find or open devices).
import { EventEmitter } from 'node:events';
import { entryFor, layoutOf, type ScannerConfig, type ScannerEntry } from './config.js';
import type { DeviceDiscovery, HidDeviceInfo, ReportSource } from './device.js';
import { HidPosDecoder } from './hid-pos.js';
import { KeyboardWedgeDecoder } from './keyboard-wedge.js';
import type { DecoderEvent, ReportDecoder, Scan } from './scan.js';

export interface ScanEvent {
  device: HidDeviceInfo;
  scan: Scan;
}
export interface DroppedEvent {
  device: HidDeviceInfo;
  reason: string;
}

export function decoderFor(entry: ScannerEntry): ReportDecoder {
  if (entry.mode === 'hid-pos') return new HidPosDecoder(layoutOf(entry), entry.gapMs ?? 300);
  return new KeyboardWedgeDecoder({
    reportId: entry.reportId ?? null,
    terminator: entry.terminator === undefined ? 'enter' : entry.terminator,
    gapMs: entry.gapMs ?? 150,
  });
}

export class BarcodeScanners extends EventEmitter {
  private readonly attached = new Map<ReportSource, { decoder: ReportDecoder; timer: NodeJS.Timeout | null }>();

  constructor(
    private readonly config: ScannerConfig,
    private readonly discoveries: DeviceDiscovery[],
    private readonly now: () => number = () => performance.now(),
  ) {
    super();
  }

  /** Devices with the configuration entry that matches them (for matching before opening). */
  matches(info: HidDeviceInfo): boolean {
    return entryFor(info, this.config) !== null;
  }

  async start(): Promise<void> {
    for (const d of this.discoveries) {
      d.on('attach', (source: ReportSource) => this.attach(source));
      d.on('error', (err: Error) => this.emit('error', err));
      d.on('refused', (r: { path: string; reason: string }) =>
        this.emit('error', new Error(`scanner connection ${r.path} refused: ${r.reason}`)),
      );
      await d.start();
    }
  }

  async stop(): Promise<void> {
    for (const d of this.discoveries) await d.stop();
    for (const source of [...this.attached.keys()]) source.close();
  }

  devices(): HidDeviceInfo[] {
    return [...this.attached.keys()].map((s) => s.info);
  }

  private attach(source: ReportSource): void {
    const entry = entryFor(source.info, this.config);
    if (!entry) {
      source.close();
      return;
    }
    const state = { decoder: decoderFor(entry), timer: null as NodeJS.Timeout | null };
    this.attached.set(source, state);
    const deliver = (events: DecoderEvent[]) => {
      for (const e of events) {
        if (e.kind === 'scan') this.emit('scan', { device: source.info, scan: e.scan } satisfies ScanEvent);
        else this.emit('dropped', { device: source.info, reason: e.reason } satisfies DroppedEvent);
      }
      if (state.timer) clearTimeout(state.timer);
      state.timer = null;
      if (state.decoder.pending) {
        // Wake up after the gap to drop (or, for a wedge without terminator, finish) a scan left open.
        state.timer = setTimeout(() => deliver(state.decoder.expire(this.now())), (entry.gapMs ?? 300) + 20);
        state.timer.unref();
      }
    };
    source.on('report', (report: Uint8Array) => deliver(state.decoder.push(report, this.now())));
    source.once('gone', (reason: string) => {
      if (state.timer) clearTimeout(state.timer);
      for (const e of state.decoder.expire(Number.POSITIVE_INFINITY)) {
        if (e.kind === 'scan') this.emit('scan', { device: source.info, scan: e.scan } satisfies ScanEvent);
        else this.emit('dropped', { device: source.info, reason: e.reason } satisfies DroppedEvent);
      }
      this.attached.delete(source);
      this.emit('detached', source.info, reason);
    });
    this.emit('attached', source.info);
  }
}
