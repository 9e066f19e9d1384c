// `--printer` as a person types it: tcp://HOST[:PORT] (a network printer's raw port, 9100 by
// default) or a device path (/dev/usb/lp0 for a USB printer, /dev/ttyUSB0 for a serial one).
import { parsePrinterConfig, type PrinterConfig } from '../drivers/printer/config.js';

export function printerFromOption(value: string, text: 'codepage' | 'raster' = 'codepage'): PrinterConfig {
  if (value.startsWith('/dev/')) return parsePrinterConfig({ transport: { kind: 'device', path: value }, text });
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`--printer ${value}: give tcp://HOST[:PORT] or a device such as /dev/usb/lp0`);
  }
  if (url.protocol !== 'tcp:' || !url.hostname)
    throw new Error(`--printer ${value}: give tcp://HOST[:PORT] or a device such as /dev/usb/lp0`);
  return parsePrinterConfig({
    transport: { kind: 'tcp', host: url.hostname, ...(url.port ? { port: Number(url.port) } : {}) },
    text,
  });
}
