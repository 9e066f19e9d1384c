// The simulated site end to end, as the console and the scenario runner use it: a patient's
// visit with its ticket, the printer out of paper, a cut network that queues and drains, a
// skewed clock; a passenger's boarding through the gate, and the gate jammed.
import { afterAll, describe, expect, it } from 'vitest';
import { startSimSite, SimError, type SimEvent, type SimSite } from '../sim/site.js';
import { SHARP_FACES } from './fixtures/site.js';

let site: SimSite | null = null;
afterAll(async () => {
  await site?.stop();
});

const until = async (s: SimSite, ok: (snap: Awaited<ReturnType<SimSite['snapshot']>>) => boolean, what: string, ms = 20_000) => {
  const deadline = Date.now() + ms;
  for (;;) {
    const snap = await s.snapshot();
    if (ok(snap)) return snap;
    if (Date.now() > deadline) throw new Error(`timed out: ${what} (screen ${snap.view.screen})`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

// A citizen whose camera frames are sharp, with the seed the fixtures picked them for.
const who = SHARP_FACES[0]!;

describe('SimSite', () => {
  it('runs a hospital visit, a paper-out, an outage and a skewed clock', async () => {
    site = await startSimSite({ kind: 'hospital', seed: 'site-test' });
    const s = site;
    const events: SimEvent[] = [];
    s.on('event', (e) => events.push(e));

    const visit = async () => {
      await s.apply({ do: 'scan-qr', citizen: who });
      await s.apply({ do: 'card-on', citizen: who });
      const st = await until(s, (x) => x.view.screen === 'insurance', 'the insurance screen');
      await s.apply({ do: 'press', button: st.view.visit?.insurance?.status === 'covered' ? 'continue' : 'continue-fee-paying' });
      const c = await until(s, (x) => x.view.screen === 'clinic' || x.view.screen === 'confirm', 'clinic or confirm');
      if (c.view.screen === 'clinic') await s.apply({ do: 'choose-clinic', clinic: 'noi' });
      await until(s, (x) => x.view.screen === 'confirm', 'the confirm screen');
      await s.apply({ do: 'press', button: 'confirm' });
      const done = await until(s, (x) => x.view.screen === 'result', 'the result');
      await s.apply({ do: 'card-off' });
      return done;
    };

    const first = await visit();
    expect(first.lastDecision).toMatchObject({ decision: 'admitted', face: 'matched' });
    const printed = await until(s, (x) => x.tickets === 1, 'a ticket printed');
    expect(printed.lastDecision?.ticket?.printed).toBe(true);
    await s.apply({ do: 'sync' });
    expect((await s.snapshot()).registry).toBe(1);
    expect(events.some((e) => e.type === 'apdu' && /→ 9000/.test(e.line))).toBe(true);
    // The trace is headers and lengths, never a chip file's bytes.
    expect(events.filter((e) => e.type === 'apdu').every((e) => e.type === 'apdu' && e.line.length < 100)).toBe(true);
    expect(events.some((e) => e.type === 'decision')).toBe(true);

    // Paper out and the network cut: the check-in is recorded and queued, no ticket comes out.
    await s.reset();
    await s.apply({ do: 'printer', state: 'paper-out' });
    await s.apply({ do: 'network', state: 'cut' });
    await s.apply({ do: 'clock', skewMinutes: 90 });
    const second = await visit();
    expect(second.lastDecision?.decision).toBe('admitted');
    await new Promise((r) => setTimeout(r, 1000));
    const cut = await s.snapshot();
    expect(cut).toMatchObject({ tickets: 1, queued: 1, registry: 1, network: 'cut', clockSkewMinutes: 90, printer: 'paper-out' });
    expect(cut.lastDecision?.ticket?.printed).toBe(false);
    await expect(s.apply({ do: 'sync', timeoutMs: 500 })).rejects.toThrow(SimError);
    await s.apply({ do: 'network', state: 'restored' });
    await s.apply({ do: 'sync' });
    expect(await s.snapshot()).toMatchObject({ queued: 0, registry: 2, checkins: 2 });
    await expect(s.apply({ do: 'gate', state: 'jammed' })).rejects.toMatchObject({ code: 'not-this-site' });
    await s.stop();
    site = null;
  }, 90_000);

  it('boards a passenger through the gate, and not through a jammed one', async () => {
    site = await startSimSite({ kind: 'airport', seed: 'site-test' });
    const s = site;
    const board = async (citizen: number) => {
      await s.apply({ do: 'scan-pass', citizen });
      await s.apply({ do: 'scan-qr', citizen });
      await s.apply({ do: 'card-on', citizen });
      const done = await until(s, (x) => x.view.screen === 'result', 'the result');
      await s.apply({ do: 'card-off' });
      return done;
    };
    const ok = await board(who);
    expect(ok.lastDecision).toMatchObject({ decision: 'admitted', gate: { screen: 'open' } });
    await until(s, (x) => x.lastDecision?.gate?.opened === true, 'the gate opened');

    await s.reset();
    await s.apply({ do: 'gate', state: 'jammed' });
    await until(s, (x) => x.devices.gate === 'fault', 'the kiosk sees the gate fault');
    const jammed = await board(SHARP_FACES[1]!);
    await new Promise((r) => setTimeout(r, 500));
    const after = await s.snapshot();
    expect(after.lastDecision?.gate?.opened, JSON.stringify(jammed.lastDecision)).toBe(false);
    expect(after.gateOpenings).toBe(1);
    await s.stop();
    site = null;
  }, 90_000);
});
