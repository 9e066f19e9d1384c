// One kiosk's card reader in a simulated fleet: a virtual chip put on it in process, read over
// an in-process CardChannel (simulator/card.ts). pcsc-lite serves at most 16 readers, so a
// fleet of 50 cannot meet its cards through one pcscd; what this leaves out is only the
// PC/SC and vpcd transport — the chip protocol (PACE, secure messaging, AA, CA) and the
// passive authentication run in the kiosk's engine as over a real reader.
import { EmrtdError } from '../../drivers/emrtd/errors.js';
import type { CardSource, ConnectedCard } from '../../main/core/reader-service.js';
import { InProcessChannel, type VirtualCard } from '../../simulator/card.js';

export class CardSlot implements CardSource {
  readonly readers: string[];
  private card: VirtualCard | null = null;
  private readonly listeners = { 'card-inserted': [] as ((r: string) => void)[], 'card-removed': [] as ((r: string) => void)[] };

  constructor(readonly name: string) {
    this.readers = [name];
  }

  on(event: 'card-inserted' | 'card-removed', listener: (reader: string) => void): this {
    this.listeners[event].push(listener);
    return this;
  }

  insert(card: VirtualCard): void {
    if (this.card) this.remove();
    this.card = card;
    for (const l of this.listeners['card-inserted']) l(this.name);
  }

  remove(): void {
    if (!this.card) return;
    this.card = null;
    for (const l of this.listeners['card-removed']) l(this.name);
  }

  connect(reader: string): Promise<ConnectedCard> {
    const card = this.card;
    if (reader !== this.name || !card) return Promise.reject(new EmrtdError('card-removed', 'no card in the reader'));
    const channel = new InProcessChannel(card);
    return Promise.resolve({
      // A card taken off mid-read ends the read as it would on a real reader.
      channel: { transmit: (apdu) => (this.card === card ? channel.transmit(apdu) : Promise.reject(removed())) },
      extendedLength: card.link.extendedLength,
      disconnect: () => Promise.resolve(),
    });
  }

  close(): void {
    this.card = null;
  }
}

function removed(): Error {
  return new EmrtdError('card-removed', 'the card was removed from the reader');
}
