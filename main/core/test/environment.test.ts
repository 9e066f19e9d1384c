import { describe, expect, it } from 'vitest';
import { EnvironmentError, kioskEnvironment } from '../environment.js';

describe('kioskEnvironment', () => {
  it('takes the printer and the gate as JSON, and neither when unset', () => {
    const none = kioskEnvironment([], {});
    expect([none.printer, none.gate]).toEqual([null, null]);
    const env = kioskEnvironment([], { KIOSK_GATE: JSON.stringify({ kind: 'modbus-tcp', host: '10.0.0.7', openCoil: 3 }) });
    expect(env.gate).toMatchObject({ kind: 'modbus-tcp', host: '10.0.0.7', openCoil: 3 });
  });

  it('names the variable of a bad device configuration', () => {
    expect(() => kioskEnvironment([], { KIOSK_GATE: '{"kind":"modbus-tcp"}' })).toThrow(EnvironmentError);
    expect(() => kioskEnvironment([], { KIOSK_GATE: 'not json' })).toThrow(/^KIOSK_GATE: /);
    expect(() => kioskEnvironment([], { KIOSK_PRINTER: 'not json' })).toThrow(/^KIOSK_PRINTER: /);
  });
});
