import { describe, expect, it } from 'vitest';
import { cardExpiry, expiryCandidates } from '../cccd-expiry.js';

describe('CCCD expiry by renewal age', () => {
  it('runs to the next renewal age', () => {
    expect(cardExpiry('1990-05-10', '2021-03-01', '2014')).toBe('2030-05-10'); // age 30 → 40
    expect(cardExpiry('2000-01-20', '2021-03-01', '2014')).toBe('2025-01-20'); // age 21 → 25
  });
  it('skips a renewal age less than two years away', () => {
    expect(cardExpiry('1982-06-01', '2021-03-01', '2014')).toBe('2042-06-01'); // age 38 → 60, not 40
  });
  it('does not expire from age 58', () => {
    expect(cardExpiry('1960-01-01', '2021-03-01', '2014')).toBeNull();
  });
  it('adds age 14 under the 2023 law', () => {
    expect(cardExpiry('2015-09-09', '2024-08-01', '2023')).toBe('2029-09-09');
  });
  it('lists the candidates as MRZ dates', () => {
    expect(expiryCandidates('1990-05-10', '2021-03-01')).toEqual(['300510']);
    // Exactly two years before age 40: both readings of "within two years" are tried.
    expect(expiryCandidates('1983-03-01', '2021-03-01')).toEqual(['430301', '230301']);
    expect(expiryCandidates('1960-01-01', '2021-03-01')).toEqual([]);
  });
});
