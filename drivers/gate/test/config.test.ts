import { describe, expect, it } from 'vitest';
import { GateConfigError, parseGateConfig } from '../config.js';

describe('parseGateConfig', () => {
  it('fills the defaults of a minimal Modbus TCP gate', () => {
    expect(parseGateConfig({ kind: 'modbus-tcp', host: '10.0.0.9', openCoil: 0 })).toEqual({
      kind: 'modbus-tcp',
      host: '10.0.0.9',
      port: 502,
      unitId: 1,
      openCoil: 0,
      openMode: 'hold',
      pulseMs: 500,
      maxOpenSeconds: 30,
      pollMs: 500,
      connectTimeoutMs: 2000,
      requestTimeoutMs: 1000,
    });
  });

  it('takes state and fault inputs, defaulting to discrete inputs active when on', () => {
    const c = parseGateConfig({
      kind: 'modbus-tcp',
      host: 'gate-3.local',
      openCoil: 4,
      openMode: 'pulse',
      stateInput: { address: 0 },
      faultInput: { table: 'coil', address: 7, activeWhen: false },
    });
    expect(c.stateInput).toEqual({ table: 'discrete-input', address: 0, activeWhen: true });
    expect(c.faultInput).toEqual({ table: 'coil', address: 7, activeWhen: false });
    expect(c.openMode).toBe('pulse');
  });

  it.each([
    [{ kind: 'modbus-tcp', host: '', openCoil: 0 }, 'host'],
    [{ kind: 'modbus-tcp', host: 'h', openCoil: 0, port: 70000 }, 'port'],
    [{ kind: 'modbus-tcp', host: 'h', openCoil: -1 }, 'openCoil'],
    [{ kind: 'modbus-tcp', host: 'h' }, 'openCoil'],
    [{ kind: 'modbus-tcp', host: 'h', openCoil: 0, unitId: 256 }, 'unitId'],
    [{ kind: 'modbus-tcp', host: 'h', openCoil: 0, pollMs: 10 }, 'pollMs'],
    [{ kind: 'modbus-tcp', host: 'h', openCoil: 0, colour: 'red' }, '(root)'],
    [{ kind: 'rs485', host: 'h', openCoil: 0 }, 'kind'],
    [{ kind: 'modbus-tcp', host: 'h', openCoil: 3, stateInput: { table: 'coil', address: 3 } }, 'stateInput.address'],
    [{ kind: 'modbus-tcp', host: 'h', openCoil: 3, stateInput: { address: 1 }, faultInput: { address: 1 } }, 'faultInput.address'],
  ])('refuses %j naming %s', (value, path) => {
    let err: unknown;
    try {
      parseGateConfig(value);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(GateConfigError);
    expect((err as GateConfigError).path).toBe(path);
    expect((err as Error).message).toMatch(/^gate configuration: /);
  });

  it('refuses what is not an object', () => {
    expect(() => parseGateConfig(null)).toThrow(GateConfigError);
    expect(() => parseGateConfig('modbus://h')).toThrow(GateConfigError);
  });
});
