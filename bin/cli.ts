// `kiosk`: the command line. Finds the subcommand, parses its options, runs it, and turns
// errors into a one-line reason and an exit status.
import { CliError, EXIT_ERROR, parseCommandArgs, type Command } from './command.js';
import { commands } from './commands/index.js';

function overview(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'Usage: kiosk <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Every command takes --help. --simulator (or KIOSK_SIMULATOR=1) turns on simulator mode;',
    '--json prints one JSON value on stdout. Exit status: 0 done, 2 done but not verified or',
    'refused, 1 error.',
  ].join('\n');
}

function findCommand(argv: string[]): { cmd: Command; rest: string[] } | null {
  let best: { cmd: Command; rest: string[] } | null = null;
  for (const cmd of commands) {
    const words = cmd.name.split(' ');
    if (words.every((w, i) => argv[i] === w) && (!best || words.length > best.cmd.name.split(' ').length)) {
      best = { cmd, rest: argv.slice(words.length) };
    }
  }
  return best;
}

async function main(argv: string[]): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    process.stdout.write(overview() + '\n');
    return argv.length === 0 ? EXIT_ERROR : 0;
  }
  const found = findCommand(argv);
  if (!found) {
    const group = commands.filter((c) => c.name.startsWith(argv[0] + ' '));
    if (group.length && (argv.length === 1 || argv[1] === '--help' || argv[1] === '-h')) {
      process.stdout.write(group.map((c) => `  kiosk ${c.name.padEnd(24)} ${c.summary}`).join('\n') + '\n');
      return argv.length === 1 ? EXIT_ERROR : 0;
    }
    throw new CliError(`unknown command "${argv.join(' ')}" (see: kiosk --help)`);
  }
  const { cmd, rest } = found;
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`kiosk ${cmd.name}: ${cmd.summary}\n\n${cmd.help.trim()}\n`);
    return 0;
  }
  const ctx = parseCommandArgs(cmd, rest);
  if (ctx.simulator) process.env['KIOSK_SIMULATOR'] = '1';
  return cmd.run(ctx);
}

let code: number;
try {
  code = await main(process.argv.slice(2));
} catch (err) {
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`kiosk: ${message.split('\n')[0]}\n`);
  if (process.env['KIOSK_DEBUG'] && err instanceof Error) process.stderr.write(`${err.stack}\n`);
  code = err instanceof CliError ? err.exitCode : EXIT_ERROR;
}
// Exit explicitly once output is flushed: native threads (PC/SC status watchers) would keep
// the process alive, and closing them can block (drivers/pcsc/pcsc.ts, "close").
await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
await new Promise<void>((resolve) => process.stderr.write('', () => resolve()));
process.exit(code);
