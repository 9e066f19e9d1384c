import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeReadResponse,
  decodeRequest,
  encodeAdu,
  encodeRequest,
  encodeResponse,
  EXCEPTION,
  splitFrames,
  type ModbusRequest,
} from '../modbus-frame.js';
import { VirtualGate } from '../gate.js';

const hex = (s: string) => Uint8Array.from(Buffer.from(s.replace(/\s/g, ''), 'hex'));

describe('Modbus TCP frames', () => {
  it('encodes the requests of the specification byte for byte', () => {
    // Read coils 20..38 (19 bits); write coil 173 on; write 10 coils from 20.
    expect(encodeRequest({ fc: 1, address: 19, quantity: 19 })).toEqual(hex('01 0013 0013'));
    expect(encodeRequest({ fc: 5, address: 172, value: true })).toEqual(hex('05 00AC FF00'));
    const values = [true, false, true, true, false, false, true, true, true, false];
    expect(encodeRequest({ fc: 15, address: 19, values })).toEqual(hex('0F 0013 000A 02 CD 01'));
    expect(encodeAdu({ transactionId: 0x1234, unitId: 1, pdu: hex('05 00AC FF00') })).toEqual(hex('1234 0000 0006 01 05 00AC FF00'));
  });

  it('round-trips every request and read reply', () => {
    const request: fc.Arbitrary<ModbusRequest> = fc.oneof(
      fc.record({
        fc: fc.constantFrom(1 as const, 2 as const),
        address: fc.integer({ min: 0, max: 65535 }),
        quantity: fc.integer({ min: 1, max: 2000 }),
      }),
      fc.record({ fc: fc.constant(5 as const), address: fc.integer({ min: 0, max: 65535 }), value: fc.boolean() }),
      fc.record({
        fc: fc.constant(15 as const),
        address: fc.integer({ min: 0, max: 65535 }),
        values: fc.array(fc.boolean(), { minLength: 1, maxLength: 1968 }),
      }),
    );
    fc.assert(
      fc.property(request, fc.integer({ min: 0, max: 65535 }), fc.integer({ min: 0, max: 255 }), (req, transactionId, unitId) => {
        const adu = encodeAdu({ transactionId, unitId, pdu: encodeRequest(req) });
        const split = splitFrames(adu);
        expect(split.ok).toBe(true);
        if (!split.ok) return;
        expect(split.rest).toHaveLength(0);
        expect(split.frames).toHaveLength(1);
        expect(split.frames[0]).toMatchObject({ transactionId, unitId });
        expect(decodeRequest(split.frames[0]!.pdu)).toEqual({ ok: true, request: req });
      }),
    );
    fc.assert(
      fc.property(fc.array(fc.boolean(), { minLength: 1, maxLength: 2000 }), fc.constantFrom(1 as const, 2 as const), (bits, code) => {
        const pdu = encodeResponse({ fc: code, address: 0, quantity: bits.length }, bits);
        expect(decodeReadResponse(pdu, code, bits.length)).toEqual(bits);
      }),
    );
  });

  it('splits a stream cut anywhere into the same frames', () => {
    const a = encodeAdu({ transactionId: 1, unitId: 1, pdu: encodeRequest({ fc: 2, address: 0, quantity: 2 }) });
    const b = encodeAdu({ transactionId: 2, unitId: 1, pdu: encodeRequest({ fc: 5, address: 0, value: false }) });
    const stream = new Uint8Array([...a, ...b]);
    for (let cut = 0; cut <= stream.length; cut++) {
      const first = splitFrames(stream.subarray(0, cut));
      if (!first.ok) throw new Error(first.reason);
      const second = splitFrames(new Uint8Array([...first.rest, ...stream.subarray(cut)]));
      if (!second.ok) throw new Error(second.reason);
      expect([...first.frames, ...second.frames].map((f) => f.transactionId)).toEqual([1, 2]);
    }
  });

  it('refuses headers that cannot be Modbus', () => {
    expect(splitFrames(hex('0001 0001 0006 01 05 0000 FF00'))).toMatchObject({ ok: false, reason: 'protocol id 1, not 0' });
    expect(splitFrames(hex('0001 0000 0001 01'))).toMatchObject({ ok: false });
    expect(splitFrames(hex('0001 0000 0100 01'))).toMatchObject({ ok: false });
    expect(splitFrames(hex('0001 0000'))).toMatchObject({ ok: true, frames: [] });
  });

  it.each([
    ['unknown function', '03 0000 0001', EXCEPTION.illegalFunction],
    ['empty PDU', '', EXCEPTION.illegalFunction],
    ['short read', '01 0000 00', EXCEPTION.illegalDataValue],
    ['read of 0 bits', '02 0000 0000', EXCEPTION.illegalDataValue],
    ['read of 2001 bits', '01 0000 07D1', EXCEPTION.illegalDataValue],
    ['read with a trailing byte', '01 0000 0001 00', EXCEPTION.illegalDataValue],
    ['coil value neither FF00 nor 0000', '05 0000 0001', EXCEPTION.illegalDataValue],
    ['multiple write whose byte count is wrong', '0F 0000 0009 01 FF', EXCEPTION.illegalDataValue],
    ['multiple write shorter than its byte count', '0F 0000 0009 02 FF', EXCEPTION.illegalDataValue],
  ])('answers a %s with exception %i', (_name, pdu, exception) => {
    expect(decodeRequest(hex(pdu))).toMatchObject({ ok: false, exception });
  });

  it('the virtual gate answers malformed and out-of-range requests with exceptions, never a throw', () => {
    const gate = new VirtualGate({ unitId: 1 });
    const ask = (unitId: number, pdu: string) => Buffer.from(gate.answer({ transactionId: 1, unitId, pdu: hex(pdu) })).toString('hex');
    expect(ask(1, '03 0000 0001')).toBe('8301');
    expect(ask(1, '01 000F 0002')).toBe('8102');
    expect(ask(1, '05 0010 FF00')).toBe('8502');
    expect(ask(9, '01 0000 0001')).toBe('810b');
    expect(ask(1, '02 0000 0002')).toBe('020100');
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 260 }), fc.integer({ min: 0, max: 255 }), (pdu, unitId) => {
        const reply = gate.answer({ transactionId: 1, unitId, pdu });
        expect(reply.length).toBeGreaterThan(0);
      }),
    );
  });
});
