// What a `kiosk` subcommand is, and the shared conventions: --help on every command,
// --json prints exactly one JSON value on stdout, exit 0 done / 2 not verified / 1 error.
import { parseArgs, type ParseArgsConfig } from 'node:util';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

export interface CommandContext {
  values: Record<string, string | boolean | string[] | boolean[] | undefined>;
  positionals: string[];
  simulator: boolean;
  json: boolean;
}

export interface Command {
  /** Words after `kiosk`, e.g. "start" or "sim citizens". */
  name: string;
  summary: string;
  /** Usage lines and option descriptions shown by --help. */
  help: string;
  options: OptionSpec;
  allowPositionals?: boolean;
  run(ctx: CommandContext): Promise<number>;
}

export const EXIT_OK = 0;
export const EXIT_ERROR = 1;
export const EXIT_NOT_VERIFIED = 2;

/** An error the user can act on: printed as one line, no stack. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT_ERROR,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export const COMMON_OPTIONS: OptionSpec = {
  help: { type: 'boolean', short: 'h' },
  json: { type: 'boolean' },
  simulator: { type: 'boolean' },
};

export function parseCommandArgs(cmd: Command, argv: string[]): CommandContext {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: { ...COMMON_OPTIONS, ...cmd.options },
      allowPositionals: cmd.allowPositionals ?? false,
      strict: true,
    });
  } catch (err) {
    throw new CliError(`${(err as Error).message.split('\n')[0]} (see: kiosk ${cmd.name} --help)`);
  }
  const values = parsed.values as CommandContext['values'];
  return {
    values,
    positionals: parsed.positionals,
    simulator: values['simulator'] === true || process.env['KIOSK_SIMULATOR'] === '1',
    json: values['json'] === true,
  };
}

export function stringOption(ctx: CommandContext, name: string): string | undefined {
  const v = ctx.values[name];
  return typeof v === 'string' ? v : undefined;
}

export function intOption(ctx: CommandContext, name: string, fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  const v = stringOption(ctx, name);
  if (v === undefined) return fallback;
  if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max)
    throw new CliError(`--${name} must be a whole number from ${min} to ${max}, not "${v}"`);
  return Number(v);
}

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}
