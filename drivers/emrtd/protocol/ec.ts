// Elliptic-curve arithmetic for PACE mapping and chip authentication, on @noble/curves
// with the standardized domain parameters. Points cross the wire uncompressed (04 || X || Y).
import { randomBytes } from 'node:crypto';
import { weierstrass } from '@noble/curves/abstract/weierstrass.js';
import { bigintToBytes, bytesToBigint } from '../bytes.js';
import type { CurveParams } from './curves.js';
import { EmrtdError, fail } from '../errors.js';

type PointCons = ReturnType<typeof weierstrass<bigint>>;
export type EcPoint = InstanceType<PointCons>;

export interface EcGroup {
  params: CurveParams;
  /** Bytes in a field element (and in X or Y). */
  size: number;
  G: EcPoint;
  decode(bytes: Uint8Array, what: string): EcPoint;
  encode(point: EcPoint): Uint8Array;
  fromAffine(x: bigint, y: bigint): EcPoint;
  randomScalar(): bigint;
  /** The x-coordinate as a field-size byte string (the ECDH shared secret). */
  xBytes(point: EcPoint): Uint8Array;
}

const cache = new Map<string, EcGroup>();

export function ecGroup(params: CurveParams): EcGroup {
  const hit = cache.get(params.opensslName);
  if (hit) return hit;
  const Point = weierstrass<bigint>({ p: params.p, n: params.n, h: params.h, a: params.a, b: params.b, Gx: params.Gx, Gy: params.Gy });
  const size = Math.ceil(params.p.toString(16).length / 2);
  const nSize = Math.ceil(params.n.toString(16).length / 2);
  const group: EcGroup = {
    params,
    size,
    G: Point.BASE,
    decode(bytes, what) {
      if (bytes.length !== 1 + 2 * size || bytes[0] !== 0x04)
        fail('authentication-failed', `${what} is not an uncompressed point on ${params.name}`);
      try {
        const p = Point.fromAffine({ x: bytesToBigint(bytes.subarray(1, 1 + size)), y: bytesToBigint(bytes.subarray(1 + size)) });
        p.assertValidity();
        if (p.is0()) fail('authentication-failed', `${what} is the point at infinity`);
        return p;
      } catch (err) {
        if (err instanceof EmrtdError) throw err;
        fail('authentication-failed', `${what} is not a point on ${params.name}`);
      }
    },
    encode(point) {
      const a = point.toAffine();
      return Uint8Array.of(0x04, ...bigintToBytes(a.x, size), ...bigintToBytes(a.y, size));
    },
    fromAffine(x, y) {
      const p = Point.fromAffine({ x, y });
      p.assertValidity();
      return p;
    },
    randomScalar() {
      // 64 extra bits make the modular bias negligible.
      const r = bytesToBigint(new Uint8Array(randomBytes(nSize + 8)));
      return (r % (params.n - 1n)) + 1n;
    },
    xBytes(point) {
      return bigintToBytes(point.toAffine().x, size);
    },
  };
  cache.set(params.opensslName, group);
  return group;
}
