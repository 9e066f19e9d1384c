// The kiosk's card readers over PC/SC: readers and cards coming and going, reported live;
// reading a card with progress, a deadline, and cancellation (the card is reset, so a stuck
// read never blocks the next person). When pcscd is not running the service says so and
// keeps trying: a reader service that comes up later is picked up without a restart.
import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { EmrtdError } from '../../drivers/emrtd/errors.js';
import { readDocument, type AccessKey, type DocumentRead, type ReadProgress } from '../../drivers/emrtd/reader.js';
import type { TrustStore } from '../../drivers/emrtd/cert/trust-store.js';
import type { CardChannel } from '../../drivers/emrtd/protocol/card-channel.js';
import { PcscError, PcscReaders } from '../../drivers/pcsc/pcsc.js';
import { pcscChannel } from './card-reading.js';
import type { Logger } from './logger.js';

export type ReadFailureCode = 'card-removed' | 'access-denied' | 'timeout' | 'unreadable' | 'cancelled';

export class CardReadError extends Error {
  constructor(
    readonly code: ReadFailureCode,
    message: string,
  ) {
    super(message);
    this.name = 'CardReadError';
  }
}

type Events = {
  readers: [string[]];
  'card-inserted': [string];
  'card-removed': [string];
};

/**
 * Cards from somewhere other than PC/SC: a simulated fleet's in-process virtual chips
 * (bin/fleet), since pcsc-lite serves at most 16 readers. The chip protocol and its
 * verification run on the channel exactly as over PC/SC.
 */
export interface CardSource {
  readonly readers: string[];
  on(event: 'card-inserted' | 'card-removed', listener: (reader: string) => void): unknown;
  connect(reader: string): Promise<ConnectedCard>;
  close(): void;
}

export interface ConnectedCard {
  channel: CardChannel;
  extendedLength: boolean;
  disconnect(): Promise<void>;
}

export interface ReaderServiceOptions {
  simulator: boolean;
  log: Logger;
  /** Replaces PC/SC (simulated fleets only). */
  cards?: CardSource;
  /** Retry delay while pcscd is not reachable. */
  retryMs?: number;
}

export class ReaderService extends EventEmitter<Events> {
  private pcsc: PcscReaders | null = null;
  private retry: NodeJS.Timeout | null = null;
  private stopped = false;
  private lastProblem = '';
  private cardsHooked = false;

  constructor(private readonly o: ReaderServiceOptions) {
    super();
  }

  get readers(): string[] {
    return this.o.cards?.readers ?? this.pcsc?.readers ?? [];
  }

  start(): void {
    if (this.stopped || this.pcsc) return;
    const cards = this.o.cards;
    if (cards) {
      if (this.cardsHooked) return;
      this.cardsHooked = true;
      cards.on('card-inserted', (r) => this.emit('card-inserted', r));
      cards.on('card-removed', (r) => this.emit('card-removed', r));
      this.emit('readers', this.readers);
      return;
    }
    // With no pcscd listening, libpcsclite's context setup waits for the socket without end
    // (seen with strace): the service is only opened once pcscd's socket is there.
    const socket = process.env['PCSCLITE_CSOCK_NAME'] ?? '/run/pcscd/pcscd.comm';
    if (!existsSync(socket))
      return this.problem(`pcscd is not running (no ${socket}); start it (Debian: the pcscd package) and the readers appear`, true);
    let pcsc: PcscReaders;
    try {
      pcsc = new PcscReaders({ allowVirtualReaders: this.o.simulator });
    } catch (err) {
      return this.problem(`the PC/SC library could not be loaded: ${(err as Error).message}`, true);
    }
    this.pcsc = pcsc;
    pcsc.on('error', (e: PcscError) => {
      if (e.code === 'no-service') {
        this.problem(`${e.message} (is pcscd running?)`, true);
      } else if (e.code === 'virtual-reader-refused') this.o.log.warn({ reason: e.message }, 'card reader refused');
      else this.o.log.warn({ code: e.code, reason: e.message }, 'card reader problem');
    });
    pcsc.on('reader-added', (name) => {
      this.lastProblem = '';
      this.o.log.info({ reader: name }, 'card reader connected');
      this.emit('readers', this.readers);
    });
    pcsc.on('reader-removed', (name) => {
      this.o.log.warn({ reader: name }, 'card reader disconnected');
      this.emit('readers', this.readers);
    });
    pcsc.on('card-inserted', (c) => this.emit('card-inserted', c.reader));
    pcsc.on('card-removed', (r) => this.emit('card-removed', r));
  }

  /** Logs a problem once, and with `restart` drops the PC/SC context to try again later. */
  private problem(message: string, restart: boolean): void {
    if (message !== this.lastProblem) this.o.log.error({ reason: message }, 'no card reader service; retrying');
    this.lastProblem = message;
    if (!restart || this.stopped) return;
    const old = this.pcsc;
    this.pcsc = null;
    if (old) {
      // close() is unsafe while the binding's thread may be waiting (drivers/pcsc): dropped, not closed.
      old.removeAllListeners();
      old.on('error', () => undefined);
    }
    this.emit('readers', []);
    if (!this.retry) {
      this.retry = setTimeout(() => {
        this.retry = null;
        this.start();
      }, this.o.retryMs ?? 5000);
      this.retry.unref();
    }
  }

  /** Reads and verifies the card in `reader`. Throws CardReadError. */
  async read(
    reader: string,
    access: AccessKey[],
    o: { trust: TrustStore; timeoutMs: number; signal: AbortSignal; onProgress?: (p: ReadProgress) => void },
  ): Promise<DocumentRead> {
    let card: ConnectedCard;
    try {
      card = await this.connect(reader);
    } catch (err) {
      throw toReadError(err);
    }
    let timer: NodeJS.Timeout | null = null;
    const stop = new Promise<never>((_, reject) => {
      const abort = (code: ReadFailureCode, why: string) => {
        // Resetting the card ends any exchange in flight; the read then fails and is ignored.
        void card.disconnect().catch(() => undefined);
        reject(new CardReadError(code, why));
      };
      timer = setTimeout(() => abort('timeout', `the card did not finish within ${Math.round(o.timeoutMs / 1000)} s`), o.timeoutMs);
      if (o.signal.aborted) abort('cancelled', 'cancelled');
      o.signal.addEventListener('abort', () => abort('cancelled', 'cancelled'), { once: true });
    });
    stop.catch(() => undefined);
    try {
      return await Promise.race([
        readDocument(card.channel, {
          access,
          trust: o.trust,
          extendedLength: card.extendedLength,
          ...(o.onProgress ? { onProgress: o.onProgress } : {}),
        }),
        stop,
      ]);
    } catch (err) {
      throw toReadError(err);
    } finally {
      if (timer) clearTimeout(timer);
      await card.disconnect().catch(() => undefined);
    }
  }

  private async connect(reader: string): Promise<ConnectedCard> {
    if (this.o.cards) return this.o.cards.connect(reader);
    const pcsc = this.pcsc;
    if (!pcsc) throw new CardReadError('unreadable', 'no card reader service');
    const card = await pcsc.connect(reader);
    return { channel: pcscChannel(card), extendedLength: card.extendedLength, disconnect: () => card.disconnect() };
  }

  stop(): void {
    this.stopped = true;
    this.o.cards?.close();
    if (this.retry) clearTimeout(this.retry);
    this.pcsc?.close();
    this.pcsc = null;
  }
}

function toReadError(err: unknown): CardReadError {
  if (err instanceof CardReadError) return err;
  if (err instanceof PcscError) {
    if (err.code === 'card-removed' || err.code === 'no-card') return new CardReadError('card-removed', err.message);
    if (err.code === 'timeout') return new CardReadError('timeout', err.message);
    return new CardReadError('unreadable', err.message);
  }
  if (err instanceof EmrtdError) {
    if (err.code === 'card-removed') return new CardReadError('card-removed', err.message);
    if (err.code === 'access-denied') return new CardReadError('access-denied', err.message);
    if (err.code === 'timeout') return new CardReadError('timeout', err.message);
    return new CardReadError('unreadable', `${err.code}: ${err.message}`);
  }
  return new CardReadError('unreadable', (err as Error).message ?? String(err));
}
