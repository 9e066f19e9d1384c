// The virtual barcode scanner: turns a payload into the HID input reports a real scanner
// sends (HID POS reports with the AIM symbology identifier, spread over as many reports as
// needed; or keyboard-wedge key presses and releases), and plugs into the kiosk through the
// loopback transport of drivers/hid/socket-transport.ts.
import { connect, type Socket } from 'node:net';
import { DEFAULT_HID_POS_LAYOUT, type HidPosLayout } from '../drivers/hid/hid-pos.js';
import { keyFor } from '../drivers/hid/keyboard-wedge.js';
import { encodeFrame, FRAME_HELLO, FRAME_REPORT, type ScannerHello } from '../drivers/hid/socket-transport.js';

/** AIM identifiers of the symbologies boarding passes and the CCCD use. */
export const SYMBOLOGY = { qr: ']Q1', pdf417: ']L2', aztec: ']z0', dataMatrix: ']d1' } as const;

export function hidPosReports(payload: Uint8Array, symbology: string, layout: HidPosLayout = DEFAULT_HID_POS_LAYOUT): Uint8Array[] {
  const sym = new TextEncoder().encode(symbology);
  if (sym.length > layout.symbologyLength)
    throw new RangeError(`symbology "${symbology}" is longer than the layout's ${layout.symbologyLength} bytes`);
  const reports: Uint8Array[] = [];
  for (let at = 0; at < payload.length || reports.length === 0; at += layout.dataCapacity) {
    const chunk = payload.subarray(at, at + layout.dataCapacity);
    const r = new Uint8Array(layout.size);
    if (layout.reportId !== null) r[0] = layout.reportId;
    r[layout.lengthAt] = chunk.length;
    r.set(sym, layout.symbologyAt);
    r.set(chunk, layout.dataAt);
    if (at + layout.dataCapacity < payload.length) r[layout.continuedAt] = r[layout.continuedAt]! | layout.continuedMask;
    reports.push(r);
  }
  return reports;
}

/** Press and release of each character, then the terminator (Enter). Printable ASCII only. */
export function keyboardReports(text: string, terminator: 'enter' | 'tab' | null = 'enter'): Uint8Array[] {
  const reports: Uint8Array[] = [];
  const press = (usage: number, shift: boolean) => {
    reports.push(Uint8Array.of(shift ? 0x02 : 0, 0, usage, 0, 0, 0, 0, 0));
    reports.push(new Uint8Array(8));
  };
  for (const ch of text) {
    const k = keyFor(ch);
    if (!k) throw new RangeError(`a keyboard wedge cannot type "${ch}"`);
    press(k.usage, k.shift);
  }
  if (terminator) press(terminator === 'enter' ? 0x28 : 0x2b, false);
  return reports;
}

export const VIRTUAL_SCANNER_HELLO: ScannerHello = {
  vendorId: 0x1209, // pid.codes test vendor id
  productId: 0x8c01,
  usagePage: 0x8c,
  usage: 0x02,
  product: 'cccd-kiosk virtual scanner',
  serialNumber: 'SIM-0001',
};

export class VirtualScanner {
  private constructor(private readonly socket: Socket) {}

  /** Plugs in: connects to the kiosk's loopback scanner port and says who it is. */
  static async connect(port: number, hello: ScannerHello = VIRTUAL_SCANNER_HELLO, host = '127.0.0.1'): Promise<VirtualScanner> {
    const socket = connect({ port, host, noDelay: true });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    socket.on('error', () => {});
    const s = new VirtualScanner(socket);
    await s.write(encodeFrame(FRAME_HELLO, new TextEncoder().encode(JSON.stringify(hello))));
    return s;
  }

  /** Sends raw reports, one frame each, optionally `gapMs` apart as a real scanner paces them. */
  async send(reports: Uint8Array[], gapMs = 0): Promise<void> {
    for (const r of reports) {
      await this.write(encodeFrame(FRAME_REPORT, r));
      if (gapMs > 0) await new Promise((res) => setTimeout(res, gapMs));
    }
  }

  /** Writes bytes as they are (for tests of malformed frames). */
  write(bytes: Uint8Array): Promise<void> {
    return new Promise((resolve, reject) => this.socket.write(bytes, (err) => (err ? reject(err) : resolve())));
  }

  /** Unplugs. */
  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.socket.end(resolve));
    this.socket.destroy();
  }
}
