// The kiosk's scanners: node-hid devices from the site configuration on a real kiosk, the
// loopback transport of the virtual scanner in simulator mode. Keeps the device status up to
// date and logs what is dropped. Scans are logged by kind and length only: their content is
// personal data.
import { readFileSync } from 'node:fs';
import { parsePayload, type Payload } from '../../drivers/barcode/detect.js';
import { DEFAULT_SCANNER_CONFIG, entryFor, parseScannerConfig, ScannerConfigError, type ScannerConfig } from '../../drivers/hid/config.js';
import type { DeviceDiscovery, HidDeviceInfo } from '../../drivers/hid/device.js';
import { NodeHidDiscovery } from '../../drivers/hid/node-hid-discovery.js';
import { BarcodeScanners, type DroppedEvent, type ScanEvent } from '../../drivers/hid/scanners.js';
import { SCANNER_SOCKET_DEFAULT_PORT, SocketDiscovery } from '../../drivers/hid/socket-transport.js';
import type { Logger } from './logger.js';

export type ParsedScan = { device: HidDeviceInfo; payload: Payload } | { device: HidDeviceInfo; error: string };

export interface ScannerServiceOptions {
  simulator: boolean;
  log: Logger;
  /** Loopback port for the virtual scanner (simulator mode; 0 = any free port). */
  socketPort?: number;
  config?: ScannerConfig;
  onStatus?(connected: boolean): void;
  onScan?(scan: ParsedScan): void;
}

export interface ScannerService {
  scanners: BarcodeScanners;
  /** The virtual scanner's port, in simulator mode. */
  socketPort: number | null;
  stop(): Promise<void>;
}

/** Reads a scanner configuration file (JSON), with a clear error. */
export function loadScannerConfig(file: string): ScannerConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ScannerConfigError(`cannot read the scanner configuration ${file}: ${(err as Error).message}`);
  }
  return parseScannerConfig(raw);
}

export async function startScannerService(o: ScannerServiceOptions): Promise<ScannerService> {
  const config = o.config ?? DEFAULT_SCANNER_CONFIG;
  let socket: SocketDiscovery | null = null;
  const discoveries: DeviceDiscovery[] = [];
  if (o.simulator) {
    socket = new SocketDiscovery(o.socketPort ?? SCANNER_SOCKET_DEFAULT_PORT);
    discoveries.push(socket);
  } else {
    discoveries.push(new NodeHidDiscovery((info) => entryFor(info, config) !== null));
  }
  const scanners = new BarcodeScanners(config, discoveries);
  const status = () => o.onStatus?.(scanners.devices().length > 0);
  scanners.on('attached', (d: HidDeviceInfo) => {
    o.log.info({ scanner: describe(d) }, 'scanner connected');
    status();
  });
  scanners.on('detached', (d: HidDeviceInfo, reason: string) => {
    o.log.warn({ scanner: describe(d), reason }, 'scanner disconnected');
    status();
  });
  scanners.on('dropped', (e: DroppedEvent) => o.log.warn({ scanner: describe(e.device), reason: e.reason }, 'scanner report dropped'));
  scanners.on('error', (err: Error) => o.log.error({ err: err.message }, 'scanner problem'));
  scanners.on('scan', (e: ScanEvent) => {
    let parsed: ParsedScan;
    try {
      parsed = { device: e.device, payload: parsePayload(e.scan.text) };
    } catch (err) {
      parsed = { device: e.device, error: (err as Error).message };
    }
    o.log.info(
      {
        scanner: describe(e.device),
        kind: 'payload' in parsed ? parsed.payload.kind : 'invalid',
        length: e.scan.bytes.length,
        symbology: e.scan.symbology,
      },
      'scan',
    );
    o.onScan?.(parsed);
  });
  try {
    await scanners.start();
  } catch (err) {
    await scanners.stop().catch(() => {});
    throw new Error(`cannot start the scanners: ${(err as Error).message}`);
  }
  return { scanners, socketPort: socket ? socket.boundPort : null, stop: () => scanners.stop() };
}

const hex4 = (n: number) => n.toString(16).padStart(4, '0');
function describe(d: HidDeviceInfo): string {
  return `${d.product || 'scanner'} ${hex4(d.vendorId)}:${hex4(d.productId)} (${d.path})`;
}
