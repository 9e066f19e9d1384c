// PC/SC through the pcsclite binding: readers and cards come and go as events; a connected
// card transmits APDUs with T=0 details handled (61xx → GET RESPONSE, 6Cxx → re-issue with
// the right Le), a per-APDU timeout, and removal mid-transmit as a typed error, never a hang.
import { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import type pcscliteFactory from '@pokusew/pcsclite';
import { parseAtr } from './atr.js';

type PCSCLite = ReturnType<typeof pcscliteFactory>;
type CardReader = Parameters<Parameters<PCSCLite['on']>[1]>[0] & { name: string };

export type PcscErrorCode = 'no-service' | 'no-reader' | 'no-card' | 'card-removed' | 'timeout' | 'transport' | 'virtual-reader-refused';

export class PcscError extends Error {
  constructor(
    readonly code: PcscErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'PcscError';
  }
}

/** The name vsmartcard's vpcd gives its readers: the simulator's virtual card slots. */
export function isVirtualReader(name: string): boolean {
  return /^Virtual PCD\b/.test(name);
}

export interface CardInfo {
  reader: string;
  atr: Uint8Array;
}

export interface PcscOptions {
  /** Accept vpcd's virtual readers (simulator mode only). */
  allowVirtualReaders: boolean;
}

interface ReaderState {
  reader: CardReader;
  present: boolean;
  atr: Uint8Array | null;
}

const REMOVED = /removed|0x80100069|no smart ?card|0x8010000C|reset|0x80100068|unavailable|0x80100017|unpowered|0x80100067/i;

function classify(err: unknown, what: string): PcscError {
  const message = err instanceof Error ? err.message : String(err);
  if (REMOVED.test(message)) return new PcscError('card-removed', `the card was removed from the reader (${what})`);
  return new PcscError('transport', `${what}: ${message}`);
}

type Events = {
  'reader-added': [string];
  'reader-removed': [string];
  'card-inserted': [CardInfo];
  'card-removed': [string];
  error: [PcscError];
};

/**
 * Watches PC/SC readers. Events: reader-added, reader-removed, card-inserted, card-removed,
 * error. Virtual readers are ignored unless allowed (and a refusal is reported once).
 */
export class PcscReaders extends EventEmitter<Events> {
  private readonly pcsc: PCSCLite;
  private readonly states = new Map<string, ReaderState>();
  private readonly refused = new Set<CardReader>();
  private closed = false;

  constructor(private readonly options: PcscOptions) {
    super();
    const load = createRequire(import.meta.url)('@pokusew/pcsclite') as typeof pcscliteFactory;
    this.pcsc = load();
    this.pcsc.on('error', (err: unknown) => {
      if (this.closed) return; // closing cancels the pending status wait: not an error
      const message = err instanceof Error ? err.message : String(err);
      this.emit(
        'error',
        new PcscError(/establish|service|0x8010001D|socket/i.test(message) ? 'no-service' : 'transport', `PC/SC: ${message}`),
      );
    });
    this.pcsc.on('reader', (reader: CardReader) => this.addReader(reader));
  }

  /** Emits 'error' only to listeners: an unheard PC/SC hiccup must not crash the kiosk. */
  override emit<K extends keyof Events>(event: K, ...args: Events[K]): boolean {
    if (event === 'error' && this.listenerCount('error') === 0) return false;
    return super.emit(event, ...(args as never));
  }

  private addReader(reader: CardReader): void {
    const name = reader.name;
    if (isVirtualReader(name) && !this.options.allowVirtualReaders) {
      this.emit(
        'error',
        new PcscError('virtual-reader-refused', `Virtual reader "${name}" refused: virtual readers are accepted only in simulator mode`),
      );
      // Kept (unused) until close(): closing it now leaves pcsclite's monitor thread hanging at exit.
      reader.on('error', () => undefined);
      this.refused.add(reader);
      return;
    }
    const state: ReaderState = { reader, present: false, atr: null };
    this.states.set(name, state);
    this.emit('reader-added', name);
    reader.on('error', (err: unknown) => {
      if (!this.closed) this.emit('error', classify(err, `reader "${name}"`));
    });
    reader.on('end', () => {
      this.states.delete(name);
      if (state.present) this.emit('card-removed', name);
      this.emit('reader-removed', name);
    });
    reader.on('status', (status: { state: number; atr?: Buffer }) => {
      const present = (status.state & reader.SCARD_STATE_PRESENT) !== 0 && (status.state & reader.SCARD_STATE_MUTE) === 0;
      if (present && !state.present) {
        state.present = true;
        state.atr = status.atr ? new Uint8Array(status.atr) : new Uint8Array(0);
        this.emit('card-inserted', { reader: name, atr: state.atr });
      } else if (!present && state.present) {
        state.present = false;
        state.atr = null;
        this.emit('card-removed', name);
      }
    });
  }

  get readers(): string[] {
    return [...this.states.keys()];
  }

  /** Cards present now. */
  cards(): CardInfo[] {
    return [...this.states.values()].filter((s) => s.present && s.atr).map((s) => ({ reader: s.reader.name, atr: s.atr! }));
  }

  /** Resolves with the first card present in `reader` (or any reader), waiting up to `timeoutMs`. */
  waitForCard(options: { reader?: string; timeoutMs: number }): Promise<CardInfo> {
    const matches = (name: string) => !options.reader || name === options.reader || name.startsWith(options.reader);
    const now = this.cards().find((c) => matches(c.reader));
    if (now) return Promise.resolve(now);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.off('card-inserted', onCard);
        const known = this.readers;
        reject(
          new PcscError(
            known.length ? 'no-card' : 'no-reader',
            known.length
              ? `no card was presented within ${Math.round(options.timeoutMs / 1000)} s (readers: ${known.join(', ')})`
              : `no card reader found within ${Math.round(options.timeoutMs / 1000)} s`,
          ),
        );
      }, options.timeoutMs);
      const onCard = (c: CardInfo) => {
        if (!matches(c.reader)) return;
        clearTimeout(timer);
        this.off('card-inserted', onCard);
        resolve(c);
      };
      this.on('card-inserted', onCard);
    });
  }

  /** Connects to the card in `reader` (shared mode, T=0 or T=1). */
  connect(reader: string, timeoutMs = 5000): Promise<PcscCard> {
    const state = this.states.get(reader);
    if (!state) return Promise.reject(new PcscError('no-reader', `no reader named "${reader}"`));
    if (!state.present) return Promise.reject(new PcscError('no-card', `no card in "${reader}"`));
    const r = state.reader;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new PcscError('timeout', `connecting to the card in "${reader}" took over ${timeoutMs} ms`)),
        timeoutMs,
      );
      r.connect(
        { share_mode: r.SCARD_SHARE_SHARED, protocol: r.SCARD_PROTOCOL_T0 | r.SCARD_PROTOCOL_T1 },
        (err: unknown, protocol: number) => {
          clearTimeout(timer);
          if (err) return reject(classify(err, `connecting to "${reader}"`));
          resolve(new PcscCard(r, state.atr ?? new Uint8Array(0), protocol));
        },
      );
    });
  }

  /**
   * Stops watching and releases the readers. Known binding issue: @pokusew/pcsclite joins each
   * reader's status thread on the calling thread and can wait forever if its cancel races the
   * thread; long-lived callers close at shutdown only, and short-lived ones just exit.
   */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const s of this.states.values()) s.reader.close();
    for (const r of this.refused) r.close();
    this.states.clear();
    this.refused.clear();
    this.pcsc.close();
    this.removeAllListeners();
  }
}

export class PcscCard {
  readonly reader: string;
  readonly protocol: 'T=0' | 'T=1';
  /** Whether the ATR announces extended-length APDUs. */
  readonly extendedLength: boolean;
  private gone: PcscError | null = null;
  apduCount = 0;

  constructor(
    private readonly r: CardReader,
    readonly atr: Uint8Array,
    protocol: number,
  ) {
    this.reader = r.name;
    this.protocol = protocol === r.SCARD_PROTOCOL_T0 ? 'T=0' : 'T=1';
    this.extendedLength = parseAtr(atr).extendedLength;
  }

  private raw(apdu: Uint8Array, timeoutMs: number): Promise<Uint8Array> {
    if (this.gone) return Promise.reject(this.gone);
    this.apduCount++;
    return new Promise((resolve, reject) => {
      let done = false;
      const timer = setTimeout(() => {
        done = true;
        // Reset the card so the stuck exchange cannot block the reader for the next card.
        this.gone = new PcscError('timeout', `the card did not answer within ${timeoutMs} ms`);
        this.r.disconnect(this.r.SCARD_RESET_CARD, () => undefined);
        reject(this.gone);
      }, timeoutMs);
      this.r.transmit(
        Buffer.from(apdu),
        65538,
        this.protocol === 'T=0' ? this.r.SCARD_PROTOCOL_T0 : this.r.SCARD_PROTOCOL_T1,
        (err: unknown, data: Buffer) => {
          if (done) return;
          clearTimeout(timer);
          if (err) {
            const e = classify(err, 'transmit');
            if (e.code === 'card-removed') this.gone = e;
            return reject(e);
          }
          if (!data || data.length < 2) {
            // No status word at all: the card stopped answering mid-exchange (vpcd and contactless
            // readers report a card that left the field this way, before the reader state changes).
            this.gone = new PcscError('card-removed', 'the card stopped answering (removed from the reader)');
            return reject(this.gone);
          }
          resolve(new Uint8Array(data));
        },
      );
    });
  }

  /**
   * Sends one command APDU and returns the whole response, following T=0's procedure:
   * 61xx means more data waits (GET RESPONSE), 6Cxx names the Le to use.
   */
  async transmit(apdu: Uint8Array, timeoutMs = 5000): Promise<Uint8Array> {
    let response = await this.raw(apdu, timeoutMs);
    let sw1 = response[response.length - 2]!;
    if (sw1 === 0x6c && apdu.length >= 5) {
      const again = new Uint8Array(apdu);
      again[again.length - 1] = response[response.length - 1]!;
      response = await this.raw(again, timeoutMs);
      sw1 = response[response.length - 2]!;
    }
    const chunks: Uint8Array[] = [];
    for (let guard = 0; sw1 === 0x61 && guard < 256; guard++) {
      chunks.push(response.subarray(0, response.length - 2));
      const le = response[response.length - 1]!;
      response = await this.raw(Uint8Array.of(apdu[0]! & 0x03, 0xc0, 0x00, 0x00, le), timeoutMs);
      sw1 = response[response.length - 2]!;
    }
    if (chunks.length === 0) return response;
    chunks.push(response);
    const total = chunks.reduce((n, c) => n + c.length, 0);
    const out = new Uint8Array(total);
    let o = 0;
    for (const c of chunks) {
      out.set(c, o);
      o += c.length;
    }
    return out;
  }

  disconnect(): Promise<void> {
    return new Promise((resolve) => {
      if (!this.r.connected) return resolve();
      this.r.disconnect(this.r.SCARD_LEAVE_CARD, () => resolve());
    });
  }
}
