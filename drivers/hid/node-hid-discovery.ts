// Real scanners through node-hid (hidraw on Linux). node-hid has no hot-plug events, so the
// device list is polled; a device that matches the configuration and is not open yet is
// opened, and a read error (unplugged) closes it so the next poll can open it again.
import { EventEmitter } from 'node:events';
import type { DeviceDiscovery, HidDeviceInfo, ReportSource } from './device.js';

/** The part of node-hid we use (injected in unit tests). */
export interface NodeHidModule {
  devicesAsync(): Promise<
    { vendorId: number; productId: number; path?: string; serialNumber?: string; product?: string; usagePage?: number; usage?: number }[]
  >;
  HIDAsync: { open(path: string, options?: { nonExclusive?: boolean }): Promise<NodeHidHandle> };
}
export interface NodeHidHandle extends EventEmitter {
  close(): Promise<void>;
}

class HidrawSource extends EventEmitter implements ReportSource {
  private gone = false;
  constructor(
    readonly info: HidDeviceInfo,
    private readonly handle: NodeHidHandle,
  ) {
    super();
    handle.on('data', (data: Buffer) => {
      if (!this.gone) this.emit('report', new Uint8Array(data));
    });
    handle.on('error', (err: Error) => this.end(`read failed (unplugged?): ${err.message}`));
  }
  end(reason: string): void {
    if (this.gone) return;
    this.gone = true;
    this.handle.removeAllListeners('data');
    this.handle.close().catch(() => {});
    this.emit('gone', reason);
  }
  close(): void {
    this.end('closed by the kiosk');
  }
}

export class NodeHidDiscovery extends EventEmitter implements DeviceDiscovery {
  private timer: NodeJS.Timeout | null = null;
  private readonly open = new Map<string, HidrawSource>();
  private polling = false;
  private lastError = '';
  private failedThisPoll = false;

  constructor(
    private readonly match: (info: HidDeviceInfo) => boolean,
    private readonly pollMs = 1000,
    private readonly hid?: NodeHidModule,
  ) {
    super();
  }

  async start(): Promise<void> {
    await this.poll();
    this.timer = setInterval(() => void this.poll(), this.pollMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    for (const s of this.open.values()) s.close();
    this.open.clear();
  }

  private async module(): Promise<NodeHidModule> {
    if (this.hid) return this.hid;
    const m = (await import('node-hid')) as unknown as NodeHidModule & { default?: NodeHidModule };
    return m.default ?? m;
  }

  /** One pass over the device list; exposed for tests. */
  async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    this.failedThisPoll = false;
    try {
      const hid = await this.module();
      const list = await hid.devicesAsync();
      for (const d of list) {
        if (!d.path || this.open.has(d.path)) continue;
        const info: HidDeviceInfo = {
          path: d.path,
          vendorId: d.vendorId,
          productId: d.productId,
          usagePage: d.usagePage ?? 0,
          usage: d.usage ?? 0,
          product: d.product ?? '',
          serialNumber: d.serialNumber ?? '',
          transport: 'hidraw',
        };
        if (!this.match(info)) continue;
        let handle: NodeHidHandle;
        try {
          handle = await hid.HIDAsync.open(d.path);
        } catch (err) {
          this.report(
            new Error(
              `cannot open ${d.path} (${info.product || 'scanner'}): ${(err as Error).message}; check the udev rule in docs/BARCODE.md`,
            ),
          );
          continue;
        }
        const source = new HidrawSource(info, handle);
        this.open.set(d.path, source);
        source.once('gone', () => this.open.delete(d.path!));
        this.emit('attach', source);
      }
      if (!this.failedThisPoll) this.lastError = '';
    } catch (err) {
      this.report(new Error(`cannot list HID devices: ${(err as Error).message}`));
    } finally {
      this.polling = false;
    }
  }

  /** The same problem is reported once, not every poll. */
  private report(err: Error): void {
    this.failedThisPoll = true;
    if (err.message === this.lastError) return;
    this.lastError = err.message;
    this.emit('error', err);
  }
}
