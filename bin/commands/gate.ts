// `kiosk sim gate`: the virtual boarding gate, until stopped.
import { VirtualGate, type GateOpening } from '../../simulator/gate.js';
import { CliError, intOption, type Command } from '../command.js';

/** Not 502: that one needs root on Linux, and a real controller may have it on the bench. */
export const SIM_GATE_DEFAULT_PORT = 1502;

export const simGate: Command = {
  name: 'sim gate',
  summary: 'run the virtual boarding gate (a Modbus TCP controller on loopback) and show each opening',
  help: `
Usage: kiosk sim gate [--port ${SIM_GATE_DEFAULT_PORT}] [--unit 1] [--fault] [--json]

Listens on 127.0.0.1:PORT (0: any free port) as a Modbus TCP gate controller: coil 0 opens
the gate, discrete input 0 reports it open, discrete input 1 reports a fault. The gate closes
by itself 300 ms after the coil goes false. Prints every opening and closing until stopped
with Ctrl+C. See docs/GATE.md for the kiosk's side.

  --unit N    the unit id it answers (default 1); others get exception 0x0B
  --fault     raise the fault input: the kiosk refuses to open
  --json      one JSON line per event: {"event","at","seconds"}`,
  options: { port: { type: 'string' }, unit: { type: 'string' }, fault: { type: 'boolean' } },
  async run(ctx) {
    const port = intOption(ctx, 'port', SIM_GATE_DEFAULT_PORT, 0, 65535);
    const unitId = intOption(ctx, 'unit', 1, 0, 255);
    const fault = ctx.values['fault'] === true;
    const gate = new VirtualGate({ port, unitId, fault, log: (line) => process.stderr.write(`${line}\n`) });
    gate.on('error', (err: Error) => process.stderr.write(`virtual gate: ${err.message}\n`));
    try {
      await gate.start();
    } catch (err) {
      throw new CliError(`cannot listen on 127.0.0.1:${port}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    process.stderr.write(`virtual gate on 127.0.0.1:${gate.port}, unit ${unitId}, ${gate.state}\n`);
    let n = 0;
    const show = (event: 'opened' | 'closed') => (o: GateOpening) => {
      if (event === 'opened') n++;
      if (ctx.json) process.stdout.write(JSON.stringify({ event, at: o.at.toISOString(), seconds: o.seconds }) + '\n');
      else if (event === 'opened') process.stdout.write(`opening ${n} at ${o.at.toISOString()}\n`);
      else process.stdout.write(`  closed after ${o.seconds?.toFixed(1)} s\n`);
    };
    gate.on('opened', show('opened'));
    gate.on('closed', show('closed'));
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await gate.stop();
    return 0;
  },
};
