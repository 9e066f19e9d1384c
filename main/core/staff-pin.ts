// The site's staff PIN: published only as scrypt(PIN, salt) with its parameters (datasets.ts,
// StaffPin), checked here in constant time. No PIN configured: staff mode stays shut.
import { scrypt, timingSafeEqual } from 'node:crypto';
import type { StaffPin } from '../protocol/datasets.js';

export function checkStaffPin(config: StaffPin | null, pin: string): Promise<boolean | null> {
  if (!config) return Promise.resolve(null);
  const { salt, hash, N, r, p } = config.scrypt;
  const want = Buffer.from(hash, 'base64');
  return new Promise((resolve) => {
    scrypt(pin, Buffer.from(salt, 'base64'), want.length, { N, r, p, maxmem: 256 * N * r + 1024 * 1024 }, (err, got) => {
      resolve(!err && got.length === want.length && timingSafeEqual(got, want));
    });
  });
}
