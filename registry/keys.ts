// The registry's own Ed25519 key: it signs every answer (bound to the request it answers) and
// every dataset item it publishes; kiosks pin its public key at enrolment. Made on first use
// and kept in the registry's database (registry_keys), beside the data it vouches for.
import { createPrivateKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import type { Queryable } from './db.js';

export interface RegistryKey {
  privateKey: KeyObject;
  /** Raw 32 bytes, base64: what kiosks pin. */
  publicKey: string;
  sign(text: string): string;
}

export async function registryKey(db: Queryable): Promise<RegistryKey> {
  let [row] = await db.query<{ private_key: string }>('SELECT private_key FROM registry_keys WHERE id = 1');
  if (!row) {
    const { privateKey } = generateKeyPairSync('ed25519');
    const der = privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64');
    await db.query('INSERT INTO registry_keys (id, private_key) VALUES (1, $1) ON CONFLICT DO NOTHING', [der]);
    [row] = await db.query<{ private_key: string }>('SELECT private_key FROM registry_keys WHERE id = 1');
  }
  const privateKey = createPrivateKey({ key: Buffer.from(row!.private_key, 'base64'), format: 'der', type: 'pkcs8' });
  const x = privateKey.export({ format: 'jwk' }).x!;
  return {
    privateKey,
    publicKey: Buffer.from(x, 'base64url').toString('base64'),
    sign: (text) => sign(null, Buffer.from(text), privateKey).toString('base64'),
  };
}
