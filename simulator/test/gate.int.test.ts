// A GateService opening the virtual gate over real loopback Modbus TCP: an opening recorded
// and reported open then closed, a fault refused, the controller switched off and on again.
import { createConnection } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createGateService, parseGateConfig } from '../../drivers/gate/config.js';
import type { GateState } from '../../drivers/gate/gate.js';
import type { GateService } from '../../drivers/gate/service.js';
import { VirtualGate } from '../gate.js';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!();
});

async function gateOn(port = 0, fault = false): Promise<VirtualGate> {
  const g = new VirtualGate({ port, fault, closeDelayMs: 100 });
  await g.start();
  cleanup.push(() => g.stop());
  return g;
}

function serviceFor(port: number, extra: Record<string, unknown> = {}): GateService {
  const config = parseGateConfig({
    kind: 'modbus-tcp',
    host: '127.0.0.1',
    port,
    openCoil: 0,
    stateInput: { address: 0 },
    faultInput: { address: 1 },
    pollMs: 100,
    connectTimeoutMs: 500,
    requestTimeoutMs: 500,
    ...extra,
  });
  const s = createGateService(config);
  s.on('error', () => {});
  cleanup.push(() => s.stop());
  return s;
}

/** Resolves when the service reports `state` (bounded, not timed). */
function stateBecomes(s: GateService, state: GateState['state'], timeoutMs = 8000): Promise<GateState> {
  if (s.state().state === state) return Promise.resolve(s.state());
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`not ${state} within ${timeoutMs} ms (is ${s.state().state}: ${s.state().detail})`)),
      timeoutMs,
    );
    const on = (st: GateState) => {
      if (st.state !== state) return;
      clearTimeout(timer);
      s.off('state', on);
      resolve(st);
    };
    s.on('state', on);
  });
}

describe('GateService and the virtual gate over loopback Modbus TCP', () => {
  it('opens for 2 s: one opening recorded, reported open then closed, the coil back to false', async () => {
    const gate = await gateOn();
    const service = serviceFor(gate.port);
    service.start();
    await stateBecomes(service, 'closed');
    const seen: string[] = [];
    service.on('state', (s: GateState) => seen.push(s.state));
    const opened = gate.next('opened');
    expect(await service.open(2)).toEqual({ ok: true });
    await opened;
    expect(service.state().state).toBe('open');
    const closed = await gate.next('closed', 10_000);
    await stateBecomes(service, 'closed');
    expect(gate.openings).toHaveLength(1);
    expect(closed.seconds).toBeGreaterThanOrEqual(1.9);
    expect(gate.coil).toBe(false);
    expect(seen).toEqual(['open', 'closed']);
  });

  it('works without a state input, as commanded, and in pulse mode', async () => {
    const gate = await gateOn();
    const service = serviceFor(gate.port, { stateInput: undefined, openMode: 'pulse', pulseMs: 200 });
    const closed = gate.next('closed');
    expect(await service.open(1)).toEqual({ ok: true });
    expect(service.state().state).toBe('open');
    expect((await closed).seconds).toBeLessThan(1);
    await stateBecomes(service, 'closed');
    expect(gate.openings).toHaveLength(1);
  });

  it('refuses to open a gate in fault, and opens it once the fault clears', async () => {
    const gate = await gateOn(0, true);
    const service = serviceFor(gate.port);
    service.start();
    await stateBecomes(service, 'fault');
    expect(await service.open(2)).toMatchObject({ ok: false, reason: 'fault' });
    expect(gate.openings).toHaveLength(0);
    expect(gate.coil).toBe(false);
    gate.setState('closed');
    await stateBecomes(service, 'closed');
    expect(await service.open(1)).toEqual({ ok: true });
    expect(gate.openings).toHaveLength(1);
  });

  it('a controller that goes away is unreachable; the service finds it again on the same port', async () => {
    const first = await gateOn();
    const port = first.port;
    const service = serviceFor(port);
    service.start();
    await stateBecomes(service, 'closed');
    await first.stop();
    const gone = await stateBecomes(service, 'unreachable');
    expect(gone.detail).toMatch(/127\.0\.0\.1/);
    expect(await service.open(1)).toMatchObject({ ok: false, reason: 'unreachable' });
    const second = await gateOn(port);
    await stateBecomes(service, 'closed');
    const opened = second.next('opened');
    expect(await service.open(1)).toEqual({ ok: true });
    await opened;
  });

  it('an opening cut short by the controller going away is released when it comes back', async () => {
    const first = await gateOn();
    const port = first.port;
    const service = serviceFor(port);
    service.start();
    expect(await service.open(1)).toEqual({ ok: true });
    await first.stop();
    await stateBecomes(service, 'unreachable');
    // A controller that kept its outputs through the outage: the coil is still on.
    const second = new VirtualGate({ port, closeDelayMs: 100 });
    await second.start();
    cleanup.push(() => second.stop());
    second.answer({ transactionId: 0, unitId: 1, pdu: Uint8Array.of(5, 0, 0, 0xff, 0) });
    expect(second.coil).toBe(true);
    await second.next('closed');
    expect(second.coil).toBe(false);
  });

  it('drops a client that does not speak Modbus, and keeps serving others', async () => {
    const gate = await gateOn();
    const dropped = new Promise<string>((resolve) => gate.once('malformed', resolve));
    const junk = createConnection({ host: '127.0.0.1', port: gate.port });
    junk.on('error', () => {});
    junk.write('GET / HTTP/1.1\r\n\r\n');
    expect(await dropped).toMatch(/protocol id/);
    junk.destroy();
    const service = serviceFor(gate.port);
    expect((await service.refresh()).state).toBe('closed');
  });
});
