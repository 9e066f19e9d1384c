// One virtual card: a synthetic citizen's document on a virtual chip, with its faults and link.
import type { CardChannel } from '../drivers/emrtd/protocol/card-channel.js';
import { EmrtdError } from '../drivers/emrtd/errors.js';
import type { MrzKey } from '../drivers/emrtd/lds/mrz.js';
import { VirtualChip } from './chip/virtual-chip.js';
import { makeCitizen, type Citizen } from './citizens.js';
import { buildChipDocument, type ContentFault, type DocumentOptions } from './document.js';
import { citizenFace } from './chip-photos.js';
import { LINK_PROFILES, linkDelayMs, preciseWait, type LinkProfile } from './link.js';
import type { TestPki } from './pki.js';

/** Every fault the simulator can put on a card (docs/SIMULATOR.md). */
export const FAULTS = [
  'removed',
  'wrong-mac',
  'corrupted-dg',
  'sod-hash-mismatch',
  'sod-no-signer',
  'unknown-csca',
  'revoked-ds',
  'cloned',
  'expired',
  'slow',
] as const;
export type Fault = (typeof FAULTS)[number];

export function isFault(name: string): name is Fault {
  return (FAULTS as readonly string[]).includes(name);
}

export interface VirtualCardOptions {
  pki: TestPki;
  seed: string;
  index?: number;
  faults?: Fault[];
  /** With the "removed" fault: the card leaves the field after this many APDUs (default 12). */
  removeAfter?: number;
  link?: LinkProfile;
  bac?: boolean;
  pace?: boolean;
  activeAuthentication?: 'rsa' | 'ecdsa' | false;
  chipAuthentication?: boolean;
  paceCipher?: DocumentOptions['paceCipher'];
  paceCurve?: number;
  caCipher?: DocumentOptions['caCipher'];
  /** The chip photo (default: a real face from the fetched test photos, else a drawn placeholder; about 15 KB). */
  face?: DocumentOptions['face'];
  selectMf?: 'ok' | 'ins-not-supported';
  onExchange?: (command: Uint8Array, response: Uint8Array) => void;
}

export interface VirtualCard {
  citizen: Citizen;
  /** The MRZ access key as printed on this card (an expired card prints its past expiry). */
  mrzKey: MrzKey;
  chip: VirtualChip;
  link: LinkProfile;
  faults: Fault[];
  /** APDUs after which the card is gone, when the "removed" fault is on. */
  removeAfter: number | null;
}

const CONTENT_FAULTS: ContentFault[] = [
  'corrupted-dg',
  'sod-hash-mismatch',
  'sod-no-signer',
  'unknown-csca',
  'revoked-ds',
  'cloned',
  'expired',
];

export async function createVirtualCard(o: VirtualCardOptions): Promise<VirtualCard> {
  const index = o.index ?? 0;
  const faults = o.faults ?? [];
  const citizen = makeCitizen(o.seed, index);
  const link = faults.includes('slow') ? LINK_PROFILES['slow']! : (o.link ?? LINK_PROFILES['instant']!);
  const document = await buildChipDocument(citizen, o.pki, {
    face: o.face ?? (await citizenFace(o.seed, index)),
    ...(o.paceCipher ? { paceCipher: o.paceCipher } : {}),
    ...(o.paceCurve ? { paceCurve: o.paceCurve } : {}),
    ...(o.caCipher ? { caCipher: o.caCipher } : {}),
    faults: faults.filter((f): f is ContentFault => (CONTENT_FAULTS as string[]).includes(f)),
    ...(o.pace === false ? { pace: false } : {}),
    ...(o.activeAuthentication !== undefined ? { activeAuthentication: o.activeAuthentication } : {}),
    ...(o.chipAuthentication !== undefined ? { chipAuthentication: o.chipAuthentication } : {}),
  });
  const mrzKey = { documentNumber: citizen.documentNumber, dateOfBirth: citizen.dateOfBirth, dateOfExpiry: document.dateOfExpiry };
  const chip = new VirtualChip({
    document,
    mrzKey,
    can: citizen.can,
    extendedLength: link.extendedLength,
    maxExtendedResponse: link.maxExtendedResponse || 0x1000,
    ...(o.bac !== undefined ? { bac: o.bac } : {}),
    ...(o.pace !== undefined ? { pace: o.pace } : {}),
    ...(o.selectMf ? { selectMf: o.selectMf } : {}),
    ...(faults.includes('wrong-mac') ? { wrongMacAt: 3 } : {}),
    ...(o.onExchange ? { onExchange: o.onExchange } : {}),
  });
  return { citizen, mrzKey, chip, link, faults, removeAfter: faults.includes('removed') ? (o.removeAfter ?? 12) : null };
}

/** In-process CardChannel for fast tests: the link's delays are simulated unless `delays` is false. */
export class InProcessChannel implements CardChannel {
  count = 0;
  bytes = 0;
  constructor(
    private readonly card: VirtualCard,
    private readonly delays = false,
  ) {
    card.chip.reset();
  }

  async transmit(apdu: Uint8Array): Promise<Uint8Array> {
    if (this.card.removeAfter !== null && this.count >= this.card.removeAfter)
      throw new EmrtdError('card-removed', 'the card was removed from the reader');
    this.count++;
    const started = performance.now();
    const response = this.card.chip.process(apdu);
    this.bytes += apdu.length + response.length;
    if (this.delays) await preciseWait(linkDelayMs(this.card.link, apdu.length, response.length) - (performance.now() - started));
    return response;
  }
}
