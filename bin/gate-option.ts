// `--gate` as a person types it: modbus://HOST[:PORT]?coil=N[&unit=U][&open-input=A][&fault-input=B][&mode=hold|pulse]
// (a gate or door controller on Modbus TCP, port 502 by default; docs/GATE.md), or a JSON
// file with the whole gate configuration.
import { readFileSync } from 'node:fs';
import { parseGateConfig, type GateConfig } from '../drivers/gate/config.js';

const USAGE = 'give modbus://HOST[:PORT]?coil=N[&unit=U][&open-input=A][&fault-input=B][&mode=hold|pulse] or a JSON file (docs/GATE.md)';
const KEYS = new Set(['coil', 'unit', 'open-input', 'fault-input', 'mode']);

export function gateFromOption(value: string): GateConfig {
  if (!value.startsWith('modbus://')) {
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(value, 'utf8'));
    } catch (err) {
      throw new Error(`--gate ${value}: ${(err as Error).message}; ${USAGE}`);
    }
    return parseGateConfig(json);
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`--gate ${value}: not an address; ${USAGE}`);
  }
  // A typo (open_input) or a path must not quietly give a gate without the input meant.
  if (url.username || url.password || (url.pathname !== '' && url.pathname !== '/') || url.hash)
    throw new Error(`--gate ${value}: only a host, a port and the options are taken; ${USAGE}`);
  const q = url.searchParams;
  const unknown = [...q.keys()].filter((k) => !KEYS.has(k));
  if (unknown.length) throw new Error(`--gate ${value}: unknown option ${unknown.join(', ')}; ${USAGE}`);
  const int = (name: string): number | undefined => {
    const v = q.get(name);
    if (v === null) return undefined;
    if (!/^\d+$/.test(v)) throw new Error(`--gate: ${name}=${v} is not a whole number; ${USAGE}`);
    return Number(v);
  };
  const coil = int('coil');
  if (coil === undefined) throw new Error(`--gate ${value}: no coil; ${USAGE}`);
  const openInput = int('open-input');
  const faultInput = int('fault-input');
  return parseGateConfig({
    kind: 'modbus-tcp',
    host: url.hostname,
    ...(url.port ? { port: Number(url.port) } : {}),
    ...(int('unit') !== undefined ? { unitId: int('unit') } : {}),
    openCoil: coil,
    ...(q.get('mode') ? { openMode: q.get('mode') } : {}),
    ...(openInput !== undefined ? { stateInput: { table: 'discrete-input', address: openInput } } : {}),
    ...(faultInput !== undefined ? { faultInput: { table: 'discrete-input', address: faultInput } } : {}),
  });
}
