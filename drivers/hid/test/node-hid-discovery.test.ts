// Hot-plug through node-hid, with node-hid itself replaced by a fake device list (no
// /dev/hidraw on this machine); the socket transport's hot-plug is tested for real in
// simulator/test/scanner-round-trip.int.test.ts.
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { NodeHidDiscovery, type NodeHidHandle, type NodeHidModule } from '../node-hid-discovery.js';
import type { ReportSource } from '../device.js';

class FakeHandle extends EventEmitter implements NodeHidHandle {
  closed = false;
  async close() {
    this.closed = true;
  }
}

function fakeHid() {
  const list: Awaited<ReturnType<NodeHidModule['devicesAsync']>> = [];
  const handles = new Map<string, FakeHandle>();
  const failOpen = new Set<string>();
  const module: NodeHidModule = {
    devicesAsync: async () => list,
    HIDAsync: {
      open: async (path: string) => {
        if (failOpen.has(path)) throw new Error('Permission denied');
        const h = new FakeHandle();
        handles.set(path, h);
        return h;
      },
    },
  };
  return { module, list, handles, failOpen };
}

describe('node-hid discovery', () => {
  it('opens matching devices only, delivers reports, and reopens after an unplug', async () => {
    const hid = fakeHid();
    hid.list.push(
      { vendorId: 1, productId: 2, path: '/dev/hidraw1', usagePage: 0x8c, usage: 2, product: 'Scanner' },
      { vendorId: 3, productId: 4, path: '/dev/hidraw0', usagePage: 1, usage: 6, product: 'Keyboard' },
    );
    const d = new NodeHidDiscovery((i) => i.usagePage === 0x8c, 60_000, hid.module);
    const attached: ReportSource[] = [];
    d.on('attach', (s: ReportSource) => attached.push(s));
    await d.start();
    expect(attached.map((s) => s.info)).toEqual([
      expect.objectContaining({ path: '/dev/hidraw1', transport: 'hidraw', product: 'Scanner' }),
    ]);
    expect(hid.handles.has('/dev/hidraw0')).toBe(false);

    const reports: Uint8Array[] = [];
    attached[0]!.on('report', (r: Uint8Array) => reports.push(r));
    hid.handles.get('/dev/hidraw1')!.emit('data', Buffer.from([2, 3]));
    expect(reports).toEqual([Uint8Array.of(2, 3)]);

    let gone = '';
    attached[0]!.on('gone', (why: string) => (gone = why));
    await d.poll();
    expect(attached).toHaveLength(1); // still open: not opened twice
    hid.handles.get('/dev/hidraw1')!.emit('error', new Error('could not read from HID device'));
    expect(gone).toMatch(/unplugged/);
    expect(hid.handles.get('/dev/hidraw1')!.closed).toBe(true);
    await d.poll();
    expect(attached).toHaveLength(2);
    await d.stop();
  });

  it('reports a device it cannot open once, with a hint', async () => {
    const hid = fakeHid();
    hid.list.push({ vendorId: 1, productId: 2, path: '/dev/hidraw1', usagePage: 0x8c });
    hid.failOpen.add('/dev/hidraw1');
    const d = new NodeHidDiscovery(() => true, 60_000, hid.module);
    const errors: string[] = [];
    d.on('error', (e: Error) => errors.push(e.message));
    await d.start();
    await d.poll();
    expect(errors).toEqual([expect.stringMatching(/cannot open \/dev\/hidraw1.*Permission denied.*udev/)]);
    await d.stop();
  });
});
