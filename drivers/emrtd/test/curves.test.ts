// Our curve constants against Node's OpenSSL: the same private key gives the same public key.
import { createECDH } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { bytesToBigint, hex } from '../bytes.js';
import { STANDARD_CURVES } from '../protocol/curves.js';
import { ecGroup } from '../protocol/ec.js';

describe('standardized curves 8-18', () => {
  it.each(STANDARD_CURVES.map((c) => [c.id, c.name, c] as const))('id %i (%s) agrees with OpenSSL', (_id, _name, curve) => {
    const ecdh = createECDH(curve.opensslName);
    ecdh.generateKeys();
    const group = ecGroup(curve);
    const ours = group.encode(group.G.multiply(bytesToBigint(new Uint8Array(ecdh.getPrivateKey()))));
    expect(hex(ours)).toBe(hex(new Uint8Array(ecdh.getPublicKey())));
  });
});
