// Reading elementary files over a session: short file identifiers where the chip allows,
// SELECT by file id otherwise; the first chunk tells the file's length; each later chunk is
// as large as the card, the APDU length and the secure-messaging overhead allow.
import { SW, swHex } from './apdu.js';
import { concat, u16 } from '../bytes.js';
import type { ChipSession } from './card-channel.js';
import { blockSize } from './crypto.js';
import { EmrtdError, fail } from '../errors.js';
import { readTlv, tlv } from '../tlv.js';

/** Largest READ BINARY answer whose protected response still fits a short APDU (≤ 256 bytes). */
export function maxShortRead(block: 8 | 16 | null): number {
  if (block === null) return 256;
  for (let n = 256; n > 0; n--) {
    const padded = (Math.floor(n / block) + 1) * block;
    const do87 = 1 + (padded + 1 < 128 ? 1 : padded + 1 < 256 ? 2 : 3) + 1 + padded;
    if (do87 + 4 + 10 <= 256) return n;
  }
  return 1;
}

export interface FileRef {
  fid: number;
  sfi: number;
  name: string;
}

export interface FileReaderOptions {
  /** Largest chunk to ask for with extended-length APDUs (the chip may answer less). */
  maxExtendedChunk?: number;
  onChunk?: (file: string, read: number, total: number) => void;
}

export class FileReader {
  private readonly cache = new Map<string, Uint8Array>();
  private extendedChunk: number;

  constructor(
    private readonly session: ChipSession,
    private readonly options: FileReaderOptions = {},
  ) {
    this.extendedChunk = options.maxExtendedChunk ?? 0x1000;
  }

  private chunkLimit(): number {
    const sm = this.session.secureMessaging;
    if (this.session.extendedLength) return this.extendedChunk;
    return maxShortRead(sm ? blockSize(sm.alg) : null);
  }

  private async readBinary(offset: number, length: number, sfi: number | null): Promise<{ data: Uint8Array; sw: number }> {
    if (offset <= 0x7fff) {
      const p1 = sfi !== null ? 0x80 | sfi : (offset >> 8) & 0x7f;
      const p2 = sfi !== null ? offset & 0xff : offset & 0xff;
      if (sfi !== null && offset > 0xff) fail('malformed-apdu', 'a short file identifier read starts within the first 256 bytes');
      return this.session.send({ cla: 0x00, ins: 0xb0, p1, p2, ne: length });
    }
    // Offsets beyond 32767: READ BINARY with odd INS, offset in DO'54', data in DO'53'.
    const r = await this.session.send({
      cla: 0x00,
      ins: 0xb1,
      p1: 0,
      p2: 0,
      data: tlv(0x54, offset > 0xffff ? Uint8Array.of(offset >> 16, ...u16(offset & 0xffff)) : u16(offset)),
      ne: length + 4,
    });
    if (r.sw !== SW.OK && r.sw !== SW.END_OF_FILE_WARNING) return r;
    try {
      const t = readTlv(r.data, 0);
      if (t.tag !== 0x53) fail('malformed-apdu', 'READ BINARY (B1) answer is not DO 53');
      return { data: t.value, sw: r.sw };
    } catch (err) {
      if (err instanceof EmrtdError && err.code === 'malformed-tlv') fail('malformed-apdu', `READ BINARY (B1) answer: ${err.message}`);
      throw err;
    }
  }

  private async chunk(file: FileRef, offset: number, want: number, sfi: number | null): Promise<Uint8Array> {
    for (;;) {
      const r = await this.readBinary(offset, want, sfi);
      if (r.sw === SW.OK || r.sw === SW.END_OF_FILE_WARNING) {
        if (r.data.length === 0 && want > 0) fail('card-status', `${file.name}: the card returned no data at offset ${offset}`, r.sw);
        return r.data;
      }
      if ((r.sw & 0xff00) === 0x6c00 && (r.sw & 0xff) > 0 && (r.sw & 0xff) < want) {
        want = r.sw & 0xff; // the card names the length it can give
        continue;
      }
      if (r.sw === SW.WRONG_LENGTH && want > 64 && this.session.extendedLength) {
        want = Math.max(64, Math.floor(want / 2)); // the card's buffer is smaller than asked: back off
        this.extendedChunk = want;
        continue;
      }
      throw new EmrtdError('card-status', `reading ${file.name} at offset ${offset}: the card answered ${swHex(r.sw)}`, r.sw);
    }
  }

  /** Reads a whole file once per session; later calls return the bytes already read. */
  async read(file: FileRef): Promise<Uint8Array> {
    const hit = this.cache.get(file.name);
    if (hit) return hit;
    const limit = this.chunkLimit();
    let first: Uint8Array;
    try {
      first = await this.chunk(file, 0, limit, file.sfi);
    } catch (err) {
      if (!(err instanceof EmrtdError) || err.code !== 'card-status' || err.sw === SW.SECURITY_STATUS_NOT_SATISFIED) throw err;
      // The chip does not take a short file identifier here: select the file by id.
      const sel = await this.session.send({ cla: 0x00, ins: 0xa4, p1: 0x02, p2: 0x0c, data: u16(file.fid) });
      if (sel.sw !== SW.OK) throw new EmrtdError('card-status', `${file.name} is not on this chip (${swHex(sel.sw)})`, sel.sw);
      first = await this.chunk(file, 0, limit, null);
    }
    const total = headerLength(first, file.name);
    if (total > 1_000_000) fail('malformed-lds', `${file.name} claims ${total} bytes`);
    const parts = [first.subarray(0, Math.min(first.length, total))];
    let got = parts[0]!.length;
    this.options.onChunk?.(file.name, got, total);
    // Later chunks address the file as the current one (an SFI read selects it).
    while (got < total) {
      const data = await this.chunk(file, got, Math.min(this.chunkLimit(), total - got), null);
      parts.push(data.subarray(0, Math.min(data.length, total - got)));
      got += Math.min(data.length, total - got);
      this.options.onChunk?.(file.name, got, total);
    }
    const bytes = concat(...parts);
    this.cache.set(file.name, bytes);
    return bytes;
  }
}

/** Total encoded length (tag + length + value) from a TLV header alone. */
function headerLength(b: Uint8Array, name: string): number {
  let i = 1;
  if (b.length < 2) fail('malformed-lds', `${name} is shorter than a TLV header`);
  if ((b[0]! & 0x1f) === 0x1f) {
    while (i < b.length && i < 3 && b[i]! & 0x80) i++;
    i++;
  }
  if (i >= b.length) fail('malformed-lds', `${name}: file header cut short`);
  const l0 = b[i++]!;
  if (l0 < 0x80) return i + l0;
  const n = l0 & 0x7f;
  if (n === 0 || n > 3 || i + n > b.length) fail('malformed-lds', `${name}: bad length in the file header`);
  let len = 0;
  for (let k = 0; k < n; k++) len = len * 256 + b[i++]!;
  return i + len;
}
