// The transport seam: a scanner device is found by a discovery (node-hid on a real machine,
// a loopback socket from the virtual scanner here) and delivers raw HID input reports — the
// same bytes either way — until it goes away.
import type { EventEmitter } from 'node:events';

export interface HidDeviceInfo {
  /** Stable while plugged in: the hidraw path, or the socket peer for the virtual scanner. */
  path: string;
  vendorId: number;
  productId: number;
  /** HID usage page of the interface's top-level collection (0x8C bar code scanner, 0x01 generic desktop). */
  usagePage: number;
  usage: number;
  product: string;
  serialNumber: string;
  transport: 'hidraw' | 'socket';
}

/** One open device. Emits 'report' (Uint8Array) and, once, 'gone' (reason: string). */
export interface ReportSource extends EventEmitter {
  readonly info: HidDeviceInfo;
  close(): void;
}

/** Emits 'attach' (ReportSource) whenever a device appears, and 'error' (Error) for problems finding devices. */
export interface DeviceDiscovery extends EventEmitter {
  start(): Promise<void>;
  stop(): Promise<void>;
}
