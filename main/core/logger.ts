// Structured logs to stderr (stdout is kept for command output and `--json`).
// Redaction is a second line of defence: face data and tokens are never logged on purpose.
import { destination, pino, type Logger } from 'pino';

export type { Logger };

const REDACT = [
  'token',
  '*.token',
  'face',
  '*.face',
  'photo',
  '*.photo',
  'embedding',
  '*.embedding',
  'image',
  '*.image',
  'headers.authorization',
];

export function createLogger(name: string, level: string = process.env['KIOSK_LOG_LEVEL'] ?? 'info'): Logger {
  return pino({ name, level, redact: { paths: REDACT, censor: '[redacted]' } }, destination({ fd: 2, sync: true }));
}

/** A logger that drops everything, for tests and quiet commands. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
