// Round trip over the real loopback transport: virtual scanner → socket → BarcodeScanners
// (HID POS or keyboard-wedge decoder) → payload parser gives back exactly what was generated.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BcbpError } from '../../drivers/barcode/bcbp.js';
import { parsePayload } from '../../drivers/barcode/detect.js';
import { parseScannerConfig } from '../../drivers/hid/config.js';
import type { HidDeviceInfo } from '../../drivers/hid/device.js';
import { BarcodeScanners, type DroppedEvent, type ScanEvent } from '../../drivers/hid/scanners.js';
import { encodeFrame, FRAME_HELLO, FRAME_REPORT, SocketDiscovery } from '../../drivers/hid/socket-transport.js';
import { brokenPasses, encodeBcbp, expectedBcbp, makeBoardingPass, makeRoster } from '../boarding-pass.js';
import { makeCitizens } from '../citizens.js';
import { hidPosReports, keyboardReports, SYMBOLOGY, VIRTUAL_SCANNER_HELLO, VirtualScanner } from '../scanner.js';

const WEDGE_HELLO = { ...VIRTUAL_SCANNER_HELLO, productId: 0x8c02, usagePage: 0x01, usage: 0x06, product: 'virtual wedge scanner' };

let discovery: SocketDiscovery;
let scanners: BarcodeScanners;
const scans: ScanEvent[] = [];
const dropped: DroppedEvent[] = [];
const errors: string[] = [];
const plugged: string[] = [];

async function until(cond: () => boolean, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

beforeAll(async () => {
  discovery = new SocketDiscovery(0);
  const config = parseScannerConfig({
    scanners: [
      { usagePage: 0x8c, mode: 'hid-pos' },
      { vendorId: WEDGE_HELLO.vendorId, productId: WEDGE_HELLO.productId, mode: 'keyboard' },
    ],
  });
  scanners = new BarcodeScanners(config, [discovery]);
  scanners.on('scan', (e: ScanEvent) => scans.push(e));
  scanners.on('dropped', (e: DroppedEvent) => dropped.push(e));
  scanners.on('error', (e: Error) => errors.push(e.message));
  scanners.on('attached', (d: HidDeviceInfo) => plugged.push(`+${d.product}`));
  scanners.on('detached', (d: HidDeviceInfo) => plugged.push(`-${d.product}`));
  await scanners.start();
});
afterAll(async () => {
  await scanners.stop();
});

const citizens = makeCitizens('scanner-round-trip', 150);
const roster = makeRoster('scanner-round-trip', '2026-11-23', 12);
const passes = citizens.slice(0, 120).map((c) => makeBoardingPass(c, roster, 'rt'));

describe('virtual scanner → loopback transport → HID decoder → parser', () => {
  it('gives back every generated boarding pass and CCCD QR exactly, multi-report scans included', async () => {
    const scanner = await VirtualScanner.connect(discovery.boundPort);
    await until(() => scanners.devices().length === 1, 'the scanner to attach');
    scans.length = 0;
    const qrCitizens = citizens.slice(0, 60);
    for (const p of passes) await scanner.send(hidPosReports(new TextEncoder().encode(encodeBcbp(p)), SYMBOLOGY.pdf417));
    for (const c of qrCitizens) await scanner.send(hidPosReports(new TextEncoder().encode(c.qr), SYMBOLOGY.qr));
    await until(() => scans.length === passes.length + qrCitizens.length, 'all scans');
    expect(dropped).toEqual([]);
    expect(scans.filter((s) => s.scan.reports > 1).length).toBeGreaterThan(100);
    passes.forEach((p, i) => {
      expect(scans[i]!.scan.symbology).toBe(']L2');
      expect(parsePayload(scans[i]!.scan.text)).toEqual({ kind: 'bcbp', pass: expectedBcbp(p) });
    });
    expect(passes.some((p) => p.legs.length === 2) && passes.some((p) => p.version === 6) && passes.some((p) => p.security)).toBe(true);
    qrCitizens.forEach((c, i) => {
      const s = scans[passes.length + i]!.scan;
      expect(parsePayload(s.text)).toEqual({
        kind: 'cccd-qr',
        qr: {
          idNumber: c.idNumber,
          oldIdNumber: c.oldIdNumber,
          fullName: c.fullName,
          dateOfBirth: c.birthDate,
          sex: c.dg13.sex,
          address: c.placeOfResidence,
          issueDate: c.issueDate,
        },
      });
    });
    await scanner.close();
    await until(() => scanners.devices().length === 0, 'the scanner to detach');
  });

  it('gives each broken boarding pass the parse error that names its field', async () => {
    const scanner = await VirtualScanner.connect(discovery.boundPort);
    scans.length = 0;
    const cases = passes.slice(0, 10).flatMap((p) => brokenPasses(encodeBcbp(p)));
    for (const c of cases) await scanner.send(hidPosReports(new TextEncoder().encode(c.text), SYMBOLOGY.aztec));
    await until(() => scans.length === cases.length, 'all scans');
    cases.forEach((c, i) => {
      expect(scans[i]!.scan.text).toBe(c.text);
      let field = '(parsed)';
      try {
        parsePayload(scans[i]!.scan.text);
      } catch (err) {
        expect(err).toBeInstanceOf(BcbpError);
        field = (err as BcbpError).field;
      }
      expect(`${c.name}: ${field}`).toBe(`${c.name}: ${c.field}`);
    });
    await scanner.close();
  });

  it('reads a keyboard-wedge scanner through the same transport', async () => {
    const wedge = await VirtualScanner.connect(discovery.boundPort, WEDGE_HELLO);
    scans.length = 0;
    const some = passes.slice(0, 20);
    for (const p of some) await wedge.send(keyboardReports(encodeBcbp(p)));
    await until(() => scans.length === some.length, 'all wedge scans');
    some.forEach((p, i) => expect(parsePayload(scans[i]!.scan.text)).toEqual({ kind: 'bcbp', pass: expectedBcbp(p) }));
    await wedge.close();
  });

  it('drops garbage and interleaved reports with a reason and keeps reading', async () => {
    const scanner = await VirtualScanner.connect(discovery.boundPort);
    scans.length = 0;
    dropped.length = 0;
    const good = hidPosReports(new TextEncoder().encode(encodeBcbp(passes[0]!)), SYMBOLOGY.pdf417);
    const other = hidPosReports(new TextEncoder().encode(citizens[0]!.qr), SYMBOLOGY.qr);
    await scanner.send([good[0]!, other[0]!, ...other.slice(1)]); // a pass interrupted by a QR
    await scanner.send([Uint8Array.of(0x07, 1, 2, 3), Uint8Array.of(0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0)]); // another report id, a short report
    await scanner.send([good[0]!]); // the first report of a pass whose end never comes
    await until(() => dropped.length >= 4, 'the drops', 3000);
    await scanner.send(good);
    await until(() => scans.length === 2, 'the scans');
    expect(dropped.map((d) => d.reason)).toEqual([
      expect.stringMatching(/another symbology/),
      expect.stringMatching(/report id 0x07/),
      expect.stringMatching(/report of 10 bytes/),
      expect.stringMatching(/no further report within 300 ms/),
    ]);
    expect(scans.map((s) => parsePayload(s.scan.text).kind)).toEqual(['cccd-qr', 'bcbp']);
    await scanner.close();
  });

  it('follows hot-plug: unplugged and back without restarting', async () => {
    await until(() => scanners.devices().length === 0, 'the earlier scanners to detach');
    plugged.length = 0;
    for (let i = 0; i < 3; i++) {
      const s = await VirtualScanner.connect(discovery.boundPort);
      await until(() => scanners.devices().length === 1, 'attach');
      await s.close();
      await until(() => scanners.devices().length === 0, 'detach');
    }
    expect(plugged).toEqual(Array.from({ length: 3 }, () => ['+cccd-kiosk virtual scanner', '-cccd-kiosk virtual scanner']).flat());
  });

  it('refuses a connection that breaks the transport protocol, and a device not in the configuration', async () => {
    errors.length = 0;
    const raw = await VirtualScanner.connect(discovery.boundPort, { ...VIRTUAL_SCANNER_HELLO, usagePage: 0x01, productId: 1 });
    await raw.send([Uint8Array.of(2)]);
    await new Promise((r) => setTimeout(r, 50));
    expect(scanners.devices()).toEqual([]); // not a configured scanner: closed on attach
    const { connect } = await import('node:net');
    const bad = async (bytes: Uint8Array) => {
      const sock = connect({ port: discovery.boundPort, host: '127.0.0.1' });
      await new Promise((r) => sock.once('connect', r));
      sock.write(bytes);
      await new Promise((r) => sock.once('close', r));
    };
    await bad(encodeFrame(FRAME_REPORT, Uint8Array.of(2)));
    await bad(encodeFrame(FRAME_HELLO, new TextEncoder().encode('{"vendorId":"x"}')));
    await bad(Uint8Array.of(0x09, 0, 1, 0));
    await bad(Uint8Array.of(0x02, 0xff, 0xff));
    await until(() => errors.length === 4, 'the refusals');
    expect(errors).toEqual([
      expect.stringMatching(/refused: a report before HELLO/),
      expect.stringMatching(/refused: HELLO is not a device description/),
      expect.stringMatching(/refused: malformed frame: unknown frame type 0x9/),
      expect.stringMatching(/refused: malformed frame: frame length 65535/),
    ]);
  });
});
