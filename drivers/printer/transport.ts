// The transport seam: how bytes reach a printer (raw TCP, a device file) and how its reply
// comes back. Every failure is a TransportError with a kind the service maps to a result.

export type TransportFailure = 'unreachable' | 'timeout' | 'error';

export class TransportError extends Error {
  constructor(
    readonly kind: TransportFailure,
    message: string,
  ) {
    super(message);
    this.name = 'TransportError';
  }
}

export interface PrinterTransport {
  /** For logs and the status detail, e.g. "tcp 10.1.2.3:9100" or "device /dev/usb/lp0". */
  readonly name: string;
  /**
   * Writes `bytes`, then waits for exactly `expect` reply bytes (0: none), all within
   * `timeoutMs`. Rejects with a TransportError only. Calls are serialized by the caller.
   */
  exchange(bytes: Uint8Array, expect: number, timeoutMs: number): Promise<Uint8Array>;
  /** Lets go of the connection or device; the next exchange opens it again. */
  close(): Promise<void>;
}

/** A Node system error → the kind of failure it means for a printer. */
export function failureOf(err: unknown): TransportError {
  if (err instanceof TransportError) return err;
  const code = (err as NodeJS.ErrnoException | undefined)?.code ?? '';
  const message = (err as Error | undefined)?.message ?? String(err);
  const gone = [
    'ECONNREFUSED',
    'ECONNRESET',
    'EHOSTUNREACH',
    'ENETUNREACH',
    'EPIPE',
    'ENOENT',
    'ENODEV',
    'ENXIO',
    'EIO',
    'ETIMEDOUT',
    'ENOTFOUND',
    'EAI_AGAIN',
  ];
  return new TransportError(gone.includes(code) ? 'unreachable' : 'error', message);
}
