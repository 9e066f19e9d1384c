// BCBP examples written from the IATA Resolution 792 layout, field by field (not made by our
// simulator's generator).
import { describe, expect, it } from 'vitest';
import { BcbpError, parseBcbp } from '../bcbp.js';

/** The implementation guide's one-leg example with mandatory items only. */
const DESMARAIS = 'M1DESMARAIS/LUC       EABC123 YULFRAAC 0834 326J001A0025 100';

const uniqueItems = ['0', 'W', 'W', '6327', 'B', 'VN '].join(''); // description, check-in, issuance, issue date, doc type, issuer = 11
const repeatedItems = ['738', '2123456789', '0', '0', 'VN ', 'VN ', '9876543210      ', ' ', '20K', 'N'].join(''); // = 42
const leg1Conditional = '>' + '6' + '0B' + uniqueItems + '2A' + repeatedItems + 'ABC'; // 62 = 0x3E
const leg2Conditional = '2A' + repeatedItems; // 44 = 0x2C
const TWO_LEGS = [
  'M',
  '2',
  'NGUYEN/VAN AN       ',
  'E',
  'ABC123 ',
  'SGN',
  'HAN',
  'VN ',
  '0213 ',
  '327',
  'Y',
  '012A',
  '0045 ',
  '1',
  '3E',
  leg1Conditional,
  'ABC123 ',
  'HAN',
  'DAD',
  'VN ',
  '0167 ',
  '328',
  'Y',
  '020C',
  '0012 ',
  '1',
  '2C',
  leg2Conditional,
  '^',
  '1',
  '08',
  'SIGNATUR',
].join('');

describe('BCBP, format M', () => {
  it('parses the mandatory items of the guide example', () => {
    const p = parseBcbp(DESMARAIS);
    expect(p).toMatchObject({ surname: 'DESMARAIS', givenNames: 'LUC', electronicTicket: true, version: null, security: null });
    expect(p.legs).toEqual([
      {
        pnr: 'ABC123',
        from: 'YUL',
        to: 'FRA',
        operatingCarrier: 'AC',
        flightNumber: '0834',
        flightDay: 326,
        compartment: 'J',
        seat: '001A',
        checkInSequence: '0025',
        passengerStatus: '1',
        conditional: {},
        airlineUse: '',
      },
    ]);
  });

  it('parses two legs, the conditional section, airline use and the security data', () => {
    const p = parseBcbp(TWO_LEGS);
    expect(p).toMatchObject({ surname: 'NGUYEN', givenNames: 'VAN AN', version: 6, security: { type: '1', data: 'SIGNATUR' } });
    expect(p.unique).toEqual({
      passengerDescription: '0',
      sourceOfCheckIn: 'W',
      sourceOfIssuance: 'W',
      issueDate: '6327',
      documentType: 'B',
      issuer: 'VN',
    });
    expect(p.legs.map((l) => `${l.from}-${l.to} ${l.operatingCarrier}${l.flightNumber} day ${l.flightDay} seat ${l.seat}`)).toEqual([
      'SGN-HAN VN0213 day 327 seat 012A',
      'HAN-DAD VN0167 day 328 seat 020C',
    ]);
    expect(p.legs[0]!.conditional).toEqual({
      airlineNumericCode: '738',
      documentSerialNumber: '2123456789',
      selecteeIndicator: '0',
      internationalDocumentationVerification: '0',
      marketingCarrier: 'VN',
      frequentFlyerAirline: 'VN',
      frequentFlyerNumber: '9876543210',
      freeBaggageAllowance: '20K',
      fastTrack: 'N',
    });
    expect(p.legs[0]!.airlineUse).toBe('ABC');
    expect(p.legs[1]!.conditional.frequentFlyerNumber).toBe('9876543210');
  });

  it('takes structured blocks cut short (items are present up to the declared size)', () => {
    const shortRepeated = '>' + '6' + '00' + '04' + '738' + '2'; // version, empty unique block, repeated block of 4
    const p = parseBcbp(DESMARAIS.slice(0, -2) + shortRepeated.length.toString(16).toUpperCase().padStart(2, '0') + shortRepeated);
    expect(p.legs[0]!.conditional).toEqual({ airlineNumericCode: '738' });
  });

  it.each([
    ['formatCode', 0, 'X' + DESMARAIS.slice(1)],
    ['numberOfLegs', 1, 'M0' + DESMARAIS.slice(2)],
    ['fromAirport', 30, DESMARAIS.slice(0, 30) + 'Y1L' + DESMARAIS.slice(33)],
    ['dateOfFlight', 44, DESMARAIS.slice(0, 44) + '400' + DESMARAIS.slice(47)],
    ['variableSizeField', 58, DESMARAIS.slice(0, 58) + '0G'],
    ['variableSizeField', 58, DESMARAIS.slice(0, 58) + '10'],
    ['pnr', 60, 'M2' + DESMARAIS.slice(2)],
    ['securityDataBeginning', 60, DESMARAIS + 'x'],
    ['securityData', 64, DESMARAIS + '^105AB'],
  ])('names the field: %s at offset %i', (field, offset, text) => {
    try {
      parseBcbp(text);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(BcbpError);
      expect([(err as BcbpError).field, (err as BcbpError).offset]).toEqual([field, offset]);
    }
  });
});
