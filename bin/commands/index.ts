import type { Command } from '../command.js';
import { barcodeParse } from './barcode.js';
import { bench } from './bench.js';
import { fuzz } from './fuzz.js';
import { read } from './read.js';
import { demo } from './demo.js';
import { faceVerify } from './face.js';
import {
  registryEnrolCode,
  registryOperatorToken,
  registryPublish,
  registryPurge,
  registryRetention,
  registryRevoke,
  registryServe,
  registryStatsCommand,
} from './registry.js';
import { simGate } from './gate.js';
import { simPrinter } from './printer.js';
import { syncEnrol, syncStatus } from './sync.js';
import { barcodeListen, simScanner } from './scanner.js';
import { simCamera, simChip, simCitizens } from './sim.js';
import { simRun } from './sim-run.js';
import { start } from './start.js';

/** Every `kiosk` subcommand, in the order --help lists them. */
export const commands: Command[] = [
  start,
  read,
  simCitizens,
  simChip,
  simCamera,
  simScanner,
  simPrinter,
  simGate,
  simRun,
  barcodeParse,
  barcodeListen,
  registryServe,
  registryEnrolCode,
  registryPublish,
  registryStatsCommand,
  registryRevoke,
  registryRetention,
  registryPurge,
  registryOperatorToken,
  syncStatus,
  syncEnrol,
  demo,
  faceVerify,
  bench,
  fuzz,
];
