// The virtual gate `kiosk start --simulator --site airport` runs when no --gate is given: a
// Modbus TCP gate controller on a free loopback port (simulator/gate.ts), each opening logged.
import { VirtualGate } from '../simulator/gate.js';
import { gateFromOption } from './gate-option.js';
import type { GateConfig } from '../drivers/gate/config.js';

export async function startSimulatorGate(say: (line: string) => void): Promise<{ gate: VirtualGate; config: GateConfig }> {
  const gate = new VirtualGate({ port: 0 });
  gate.on('error', (err: Error) => say(`virtual gate: ${err.message}`));
  await gate.start();
  say(`Virtual gate (Modbus TCP) on 127.0.0.1:${gate.port}`);
  return { gate, config: gateFromOption(gate.address) };
}
