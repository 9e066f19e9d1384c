// `kiosk registry` in a child process, as a site's registry runs apart from its kiosks: the
// fleet's own registry (bin/fleet) and the registry benchmarks' (bin/bench). Started bounded
// in time, its address read from its `--json` line, and stopped (SIGTERM, then SIGKILL); it
// never outlives this process.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const KIOSK = fileURLToPath(new URL('./kiosk', import.meta.url));

export interface RegistryChild {
  url: string;
  /** Stops the registry (SIGTERM, then SIGKILL after `killAfterMs`). */
  stop(): Promise<void>;
}

export async function startRegistryChild(o: {
  /** Where its data is: `['--data', DIR]` (PGlite) or `['--db', URL]` (PostgreSQL). */
  storage: string[];
  /** Node flags before the command (default: bin/kiosk's own, through its shebang). */
  nodeFlags?: string[];
  env?: Record<string, string>;
  /** Pass its standard error on (diagnosis); otherwise its last lines explain a failed start. */
  inheritStderr?: boolean;
  timeoutMs?: number;
  killAfterMs?: number;
}): Promise<RegistryChild> {
  const timeoutMs = o.timeoutMs ?? 60_000;
  const args = [KIOSK, 'registry', ...o.storage, '--port', '0', '--json'];
  const child = o.nodeFlags
    ? spawn(process.execPath, [...o.nodeFlags, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...o.env } })
    : spawn(args[0]!, args.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...o.env } });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    if (o.inheritStderr) process.stderr.write(d);
    else stderr = (stderr + d.toString()).slice(-2000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const orphan = () => child.kill('SIGKILL');
  process.once('exit', orphan);
  void exited.then(() => process.off('exit', orphan));
  child.on('error', () => undefined);
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`the registry did not start within ${timeoutMs / 1000} s`)), timeoutMs);
    const fail = (why: string) => {
      clearTimeout(timer);
      reject(new Error(`the registry process ${why}: ${stderr.trim().split('\n').pop() ?? ''}`));
    };
    child.once('error', (err) => fail(`could not start (${err.message})`));
    child.once('exit', (code) => fail(`ended (exit ${code})`));
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      // `--json` prints one object once serving.
      const m = /"url"\s*:\s*"([^"]+)"/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
  }).catch(async (err: Error) => {
    child.kill('SIGKILL');
    await exited;
    throw err;
  });
  return {
    url,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), o.killAfterMs ?? 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
