// PcscCard's transmit rules against a scripted reader (the binding's CardReader shape): T=0's
// 61xx and 6Cxx, the per-APDU timeout, and a card that leaves mid-exchange.
import { describe, expect, it } from 'vitest';
import { parseAtr } from '../atr.js';
import { PcscCard, PcscError, isVirtualReader } from '../pcsc.js';

type Reply = { data?: number[]; err?: string; never?: boolean };

function fakeReader(replies: Reply[], sent: number[][]) {
  return {
    name: 'Fake Reader 00 00',
    connected: true,
    SCARD_PROTOCOL_T0: 1,
    SCARD_PROTOCOL_T1: 2,
    SCARD_RESET_CARD: 1,
    SCARD_LEAVE_CARD: 0,
    transmit(data: Buffer, _len: number, _p: number, cb: (err: unknown, res: Buffer) => void) {
      sent.push([...data]);
      const r = replies.shift() ?? { err: 'no more replies' };
      if (r.never) return;
      setImmediate(() => (r.err ? cb(new Error(r.err), Buffer.alloc(0)) : cb(null, Buffer.from(r.data ?? []))));
    },
    disconnect(_d: number, cb: () => void) {
      cb();
    },
  };
}

const card = (replies: Reply[], sent: number[][], protocol = 1) =>
  new PcscCard(fakeReader(replies, sent) as never, Uint8Array.of(0x3b, 0x80, 0x80, 0x01, 0x01), protocol);

describe('PcscCard.transmit', () => {
  it('collects 61xx continuations with GET RESPONSE', async () => {
    const sent: number[][] = [];
    const r = await card([{ data: [1, 2, 0x61, 0x03] }, { data: [3, 4, 5, 0x90, 0x00] }], sent).transmit(Uint8Array.of(0, 0xb0, 0, 0, 5));
    expect([...r]).toEqual([1, 2, 3, 4, 5, 0x90, 0x00]);
    expect(sent[1]).toEqual([0x00, 0xc0, 0x00, 0x00, 0x03]);
  });

  it('re-issues the command with the Le a 6Cxx names', async () => {
    const sent: number[][] = [];
    const r = await card([{ data: [0x6c, 0x04] }, { data: [9, 9, 9, 9, 0x90, 0x00] }], sent).transmit(Uint8Array.of(0, 0xb0, 0, 0, 0x10));
    expect([...r]).toEqual([9, 9, 9, 9, 0x90, 0x00]);
    expect(sent[1]).toEqual([0, 0xb0, 0, 0, 0x04]);
  });

  it('times out a card that never answers, without hanging', async () => {
    const c = card([{ never: true }], []);
    const started = Date.now();
    await expect(c.transmit(Uint8Array.of(0, 0x84, 0, 0, 8), 100)).rejects.toMatchObject({ code: 'timeout' });
    expect(Date.now() - started).toBeLessThan(1000);
    await expect(c.transmit(Uint8Array.of(0, 0x84, 0, 0, 8), 100)).rejects.toMatchObject({ code: 'timeout' });
  });

  it('reports a removed card, and every later transmit says so at once', async () => {
    const c = card([{ err: 'SCardTransmit error: Card was removed.(0x80100069)' }], []);
    await expect(c.transmit(Uint8Array.of(0, 0xa4, 4, 0))).rejects.toMatchObject({ code: 'card-removed' });
    await expect(c.transmit(Uint8Array.of(0, 0xa4, 4, 0))).rejects.toBeInstanceOf(PcscError);
    const empty = card([{ data: [] }], []);
    await expect(empty.transmit(Uint8Array.of(0, 0xa4, 4, 0))).rejects.toMatchObject({ code: 'card-removed' });
  });
});

describe('ATR and reader names', () => {
  it('reads extended-length support from the card capabilities', () => {
    expect(parseAtr(Uint8Array.of(0x3b, 0x85, 0x80, 0x01, 0x80, 0x73, 0x00, 0x00, 0xc0, 0x37)).extendedLength).toBe(true);
    expect(parseAtr(Uint8Array.of(0x3b, 0x85, 0x80, 0x01, 0x80, 0x73, 0x00, 0x00, 0x80, 0x77)).extendedLength).toBe(false);
    expect(parseAtr(Uint8Array.of(0x3b)).extendedLength).toBe(false);
    expect(parseAtr(Uint8Array.of(0x3b, 0x8f, 0x80)).historical.length).toBe(0);
  });
  it('knows vpcd readers', () => {
    expect(isVirtualReader('Virtual PCD 00 00')).toBe(true);
    expect(isVirtualReader('ACS ACR1252 Dual Reader [ACR1252 Dual Reader PICC] 00 00')).toBe(false);
  });
});
