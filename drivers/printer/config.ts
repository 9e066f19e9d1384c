// The printer's part of the kiosk configuration, parsed at the boundary, and the service it makes.
import { z } from 'zod';
import { DeviceTransport } from './device-transport.js';
import { CODEPAGE_MAPPINGS } from './encode.js';
import { PrinterService } from './service.js';
import { RAW_TCP_DEFAULT_PORT, TcpTransport } from './tcp-transport.js';
import type { PrinterTransport } from './transport.js';

export const printerConfigSchema = z.strictObject({
  transport: z.discriminatedUnion('kind', [
    z.strictObject({
      kind: z.literal('tcp'),
      host: z.string().min(1).max(253),
      port: z.number().int().min(1).max(65535).default(RAW_TCP_DEFAULT_PORT),
    }),
    z.strictObject({ kind: z.literal('device'), path: z.string().regex(/^\/dev\//, 'a device under /dev/') }),
  ]),
  text: z.enum(['codepage', 'raster']).default('codepage'),
  codepageMapping: z.enum(CODEPAGE_MAPPINGS).default('epson'),
  columns: z.number().int().min(24).max(64).default(48),
  pollMs: z.number().int().min(200).max(60_000).default(2000),
  statusTimeoutMs: z.number().int().min(100).max(30_000).default(2000),
  printTimeoutMs: z.number().int().min(1000).max(120_000).default(15_000),
});
export type PrinterConfig = z.infer<typeof printerConfigSchema>;

/** Parses the printer section of a configuration; throws a one-line message naming the field. */
export function parsePrinterConfig(value: unknown): PrinterConfig {
  const r = printerConfigSchema.safeParse(value);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new Error(`printer configuration: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return r.data;
}

export function transportFor(config: PrinterConfig): PrinterTransport {
  const t = config.transport;
  return t.kind === 'tcp' ? new TcpTransport(t.host, t.port) : new DeviceTransport(t.path);
}

/** The service for a configuration (not started: call start()). */
export function createPrinterService(config: PrinterConfig, transport: PrinterTransport = transportFor(config)): PrinterService {
  return new PrinterService({
    transport,
    encode: { text: config.text, codepageMapping: config.codepageMapping, columns: config.columns },
    pollMs: config.pollMs,
    statusTimeoutMs: config.statusTimeoutMs,
    printTimeoutMs: config.printTimeoutMs,
  });
}
