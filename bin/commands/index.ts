import type { Command } from '../command.js';
import { bench } from './bench.js';
import { start } from './start.js';

/** Every `kiosk` subcommand, in the order --help lists them. */
export const commands: Command[] = [start, bench];
