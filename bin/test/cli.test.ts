import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { commands } from '../commands/index.js';

const kiosk = fileURLToPath(new URL('../kiosk', import.meta.url));
const run = (...args: string[]) => spawnSync(kiosk, args, { encoding: 'utf8', env: { ...process.env, KIOSK_SIMULATOR: '' } });

describe('kiosk command line', () => {
  it('lists the commands with --help', () => {
    const r = run('--help');
    expect(r.status).toBe(0);
    for (const c of commands) expect(r.stdout).toContain(c.name);
  });

  it.each(commands.map((c) => c.name))('kiosk %s --help prints usage and exits 0', (name) => {
    const r = run(...name.split(' '), '--help');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/Usage: kiosk /);
  });

  it('reports an unknown command in one line with exit 1', () => {
    const r = run('frobnicate');
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/unknown command "frobnicate"/);
  });

  it('reports an unknown option in one line with exit 1', () => {
    const r = run('bench', '--nope');
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toMatch(/^kiosk: .*--nope.*kiosk bench --help/);
  });
});
