// UUIDv7 (RFC 9562): 48-bit Unix milliseconds, a 12-bit counter, then random bits. Kiosk-made
// check-in ids sort by time and carry it, so the registry can place them without trusting
// another field. Within one millisecond the counter keeps ids of this process increasing
// (RFC 9562 §6.2, method 1); the chain order itself is the store's sequence, not the id.
import { randomBytes } from 'node:crypto';

let lastMs = -1;
let counter = 0;

export function uuidv7(ms: number = Date.now()): { id: string; ms: number } {
  let t = ms;
  if (t === lastMs) {
    counter++;
    if (counter > 0xfff) {
      t = lastMs + 1; // counter exhausted: borrow the next millisecond
      counter = 0;
    }
  } else {
    counter = randomBytes(2).readUInt16BE() & 0x7ff; // top bit clear, room to count up
  }
  lastMs = t;
  const b = randomBytes(16);
  b[0] = Math.floor(t / 2 ** 40) & 0xff;
  b[1] = Math.floor(t / 2 ** 32) & 0xff;
  b[2] = (t >>> 24) & 0xff;
  b[3] = (t >>> 16) & 0xff;
  b[4] = (t >>> 8) & 0xff;
  b[5] = t & 0xff;
  b[6] = 0x70 | (counter >> 8);
  b[7] = counter & 0xff;
  b[8] = 0x80 | (b[8]! & 0x3f);
  const h = b.toString('hex');
  return { id: `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`, ms: t };
}
