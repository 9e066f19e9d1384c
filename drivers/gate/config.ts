// The gate's part of the site configuration, parsed at the boundary, and the service it makes.
import { z } from 'zod';
import { ModbusTcpLink, type ModbusLink } from './modbus-link.js';
import { GateService } from './service.js';

export const MODBUS_TCP_DEFAULT_PORT = 502;

/** A bit the controller exposes: a discrete input (FC 02) or a coil read back (FC 01). */
const bitSchema = z.strictObject({
  table: z.enum(['discrete-input', 'coil']).default('discrete-input'),
  /** The protocol address (0-based), not the "10001"-style register number of some manuals. */
  address: z.number().int().min(0).max(65535),
  /** The value that means "open" (state) or "fault" (fault); wiring may invert it. */
  activeWhen: z.boolean().default(true),
});
export type GateBit = z.infer<typeof bitSchema>;

export const gateConfigSchema = z.strictObject({
  kind: z.literal('modbus-tcp'),
  host: z.string().min(1).max(253),
  port: z.number().int().min(1).max(65535).default(MODBUS_TCP_DEFAULT_PORT),
  /** 1–247 for a device; 255 (or 0) is what many TCP-only controllers expect. */
  unitId: z.number().int().min(0).max(255).default(1),
  /** The coil that opens the gate (FC 05). */
  openCoil: z.number().int().min(0).max(65535),
  /**
   * 'hold': the coil stays true for the opening's seconds, then false (the kiosk times it).
   * 'pulse': true for pulseMs, then false (the controller times the opening itself).
   */
  openMode: z.enum(['hold', 'pulse']).default('hold'),
  pulseMs: z.number().int().min(50).max(10_000).default(500),
  stateInput: bitSchema.optional(),
  faultInput: bitSchema.optional(),
  maxOpenSeconds: z.number().min(1).max(600).default(30),
  pollMs: z.number().int().min(100).max(60_000).default(500),
  connectTimeoutMs: z.number().int().min(100).max(30_000).default(2000),
  requestTimeoutMs: z.number().int().min(100).max(30_000).default(1000),
});
export type GateConfig = z.infer<typeof gateConfigSchema>;

/** A gate configuration that does not parse; the message names the field. */
export class GateConfigError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(`gate configuration: ${path}: ${message}`);
    this.name = 'GateConfigError';
  }
}

/** Parses the gate section of a site configuration; throws a GateConfigError. */
export function parseGateConfig(value: unknown): GateConfig {
  const r = gateConfigSchema.safeParse(value);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new GateConfigError(issue.path.join('.') || '(root)', issue.message);
  }
  const c = r.data;
  // The same bit cannot both open the gate and report on it.
  for (const [name, bit] of [
    ['stateInput', c.stateInput],
    ['faultInput', c.faultInput],
  ] as const) {
    if (bit?.table === 'coil' && bit.address === c.openCoil)
      throw new GateConfigError(`${name}.address`, `coil ${bit.address} is the open coil`);
  }
  if (c.stateInput && c.faultInput && c.stateInput.table === c.faultInput.table && c.stateInput.address === c.faultInput.address)
    throw new GateConfigError('faultInput.address', 'the same bit as stateInput');
  return c;
}

export function linkFor(config: GateConfig): ModbusLink {
  return new ModbusTcpLink({
    host: config.host,
    port: config.port,
    unitId: config.unitId,
    connectTimeoutMs: config.connectTimeoutMs,
    requestTimeoutMs: config.requestTimeoutMs,
  });
}

/** The service for a configuration (not started: call start()). */
export function createGateService(config: GateConfig, link: ModbusLink = linkFor(config)): GateService {
  return new GateService({ config, link });
}
