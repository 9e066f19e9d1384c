// Which HID devices are scanners and how to read them: site configuration, validated.
// Keyboard-wedge entries must name the vendor and product id, so the kiosk never reads an
// ordinary keyboard's keystrokes.
import { z } from 'zod';
import { DEFAULT_HID_POS_LAYOUT, layoutProblem, type HidPosLayout } from './hid-pos.js';
import type { HidDeviceInfo } from './device.js';

const id16 = z.union(
  [
    z.number().int().min(0).max(0xffff),
    z
      .string()
      .regex(/^0x[0-9a-fA-F]{1,4}$/)
      .transform((s) => parseInt(s, 16)),
  ],
  { error: 'a number 0-65535 or a hex string such as "0x8C"' },
);
const byte = z.number().int().min(0).max(255);

const layoutSchema = z.strictObject({
  reportId: byte.nullable(),
  size: z.number().int().min(2).max(1024),
  lengthAt: z.number().int().min(0),
  symbologyAt: z.number().int().min(0),
  symbologyLength: z.number().int().min(0).max(8),
  dataAt: z.number().int().min(0),
  dataCapacity: z.number().int().min(1).max(255),
  continuedAt: z.number().int().min(0),
  continuedMask: z.number().int().min(1).max(255),
});

const entrySchema = z
  .strictObject({
    name: z.string().max(64).optional(),
    vendorId: id16.optional(),
    productId: id16.optional(),
    usagePage: id16.optional(),
    mode: z.enum(['hid-pos', 'keyboard']),
    layout: layoutSchema.partial().optional(),
    reportId: byte.nullable().optional(),
    terminator: z.enum(['enter', 'tab']).nullable().optional(),
    gapMs: z.number().int().min(20).max(5000).optional(),
  })
  .refine((e) => e.vendorId !== undefined || e.productId !== undefined || e.usagePage !== undefined, 'give vendorId/productId or usagePage')
  .refine(
    (e) => e.mode !== 'keyboard' || (e.vendorId !== undefined && e.productId !== undefined),
    'a keyboard-wedge scanner needs vendorId and productId (so no ordinary keyboard is read)',
  )
  .superRefine((e, ctx) => {
    const problem = e.layout ? layoutProblem(mergeLayout(e.layout)) : null;
    if (problem) ctx.addIssue({ code: 'custom', path: ['layout'], message: problem });
  });

export const scannerConfigSchema = z.strictObject({ scanners: z.array(entrySchema).max(16) });
export type ScannerConfig = z.infer<typeof scannerConfigSchema>;
export type ScannerEntry = ScannerConfig['scanners'][number];

/** Any HID POS bar code scanner (usage page 0x8C) with the default layout. */
export const DEFAULT_SCANNER_CONFIG: ScannerConfig = { scanners: [{ name: 'HID POS scanner', usagePage: 0x8c, mode: 'hid-pos' }] };

export class ScannerConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScannerConfigError';
  }
}

export function parseScannerConfig(value: unknown): ScannerConfig {
  const r = scannerConfigSchema.safeParse(value);
  if (!r.success)
    throw new ScannerConfigError(
      `scanner configuration: ${r.error.issues.map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`).join('; ')}`,
    );
  return r.data;
}

/** The first entry the device matches, or null. */
export function entryFor(info: HidDeviceInfo, config: ScannerConfig): ScannerEntry | null {
  return (
    config.scanners.find(
      (e) =>
        (e.vendorId === undefined || e.vendorId === info.vendorId) &&
        (e.productId === undefined || e.productId === info.productId) &&
        (e.usagePage === undefined || e.usagePage === info.usagePage),
    ) ?? null
  );
}

function mergeLayout(partial: { [K in keyof HidPosLayout]?: HidPosLayout[K] | undefined }): HidPosLayout {
  const out: HidPosLayout = { ...DEFAULT_HID_POS_LAYOUT };
  for (const [k, v] of Object.entries(partial)) if (v !== undefined) (out as unknown as Record<string, unknown>)[k] = v;
  return out;
}

export function layoutOf(entry: ScannerEntry): HidPosLayout {
  return entry.layout ? mergeLayout(entry.layout) : DEFAULT_HID_POS_LAYOUT;
}
