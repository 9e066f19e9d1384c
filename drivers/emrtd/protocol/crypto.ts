// Symmetric primitives of ICAO Doc 9303 Part 11: 2-key 3DES (BAC, 3DES SM), ISO 9797-1
// MAC algorithm 3 ("retail MAC"), AES-CBC and AES-CMAC (PACE/AES SM), padding method 2,
// and the key derivation function KDF(K, c). Built on Node's OpenSSL; single DES, which
// OpenSSL 3 only has in its legacy provider, is 2-key EDE with both halves equal.
import { createCipheriv, createDecipheriv, createHash } from 'node:crypto';
import { concat, xor } from '../bytes.js';
import { fail } from '../errors.js';

export type CipherAlg = '3DES' | 'AES-128' | 'AES-192' | 'AES-256';

export function blockSize(alg: CipherAlg): 8 | 16 {
  return alg === '3DES' ? 8 : 16;
}

/** ISO/IEC 9797-1 padding method 2: 0x80 then zeros up to a whole block. */
export function pad(data: Uint8Array, block: number): Uint8Array {
  const padded = new Uint8Array((Math.floor(data.length / block) + 1) * block);
  padded.set(data);
  padded[data.length] = 0x80;
  return padded;
}

export function unpad(data: Uint8Array): Uint8Array {
  let i = data.length - 1;
  while (i >= 0 && data[i] === 0) i--;
  if (i < 0 || data[i] !== 0x80) fail('secure-messaging', 'bad padding in decrypted data');
  return data.subarray(0, i);
}

function run(cipher: ReturnType<typeof createCipheriv> | ReturnType<typeof createDecipheriv>, data: Uint8Array): Uint8Array {
  cipher.setAutoPadding(false);
  return new Uint8Array(Buffer.concat([cipher.update(data), cipher.final()]));
}

function checkBlocks(data: Uint8Array, block: number): void {
  if (data.length % block !== 0) fail('secure-messaging', `data of ${data.length} bytes is not whole ${block}-byte blocks`);
}

const ZERO8 = new Uint8Array(8);

export function tdesEncrypt(key16: Uint8Array, data: Uint8Array, iv: Uint8Array = ZERO8): Uint8Array {
  checkBlocks(data, 8);
  return run(createCipheriv('des-ede-cbc', key16, iv), data);
}

export function tdesDecrypt(key16: Uint8Array, data: Uint8Array, iv: Uint8Array = ZERO8): Uint8Array {
  checkBlocks(data, 8);
  return run(createDecipheriv('des-ede-cbc', key16, iv), data);
}

function aesName(key: Uint8Array, mode: 'cbc' | 'ecb'): string {
  if (key.length !== 16 && key.length !== 24 && key.length !== 32) fail('unsupported', `AES key of ${key.length} bytes`);
  return `aes-${key.length * 8}-${mode}`;
}

export function aesEncrypt(key: Uint8Array, data: Uint8Array, iv: Uint8Array = new Uint8Array(16)): Uint8Array {
  checkBlocks(data, 16);
  return run(createCipheriv(aesName(key, 'cbc'), key, iv), data);
}

export function aesDecrypt(key: Uint8Array, data: Uint8Array, iv: Uint8Array = new Uint8Array(16)): Uint8Array {
  checkBlocks(data, 16);
  return run(createDecipheriv(aesName(key, 'cbc'), key, iv), data);
}

export function aesEcbBlock(key: Uint8Array, block: Uint8Array): Uint8Array {
  return run(createCipheriv(aesName(key, 'ecb'), key, null), block);
}

/** ISO/IEC 9797-1 MAC algorithm 3 with DES (retail MAC) over already padded data; 8 bytes. */
export function retailMac(key16: Uint8Array, padded: Uint8Array): Uint8Array {
  checkBlocks(padded, 8);
  const ka = key16.subarray(0, 8);
  const kb = key16.subarray(8, 16);
  const kaka = concat(ka, ka);
  const cbc = run(createCipheriv('des-ede-cbc', kaka, ZERO8), padded);
  const last = cbc.subarray(cbc.length - 8);
  const d = run(createDecipheriv('des-ede-ecb', concat(kb, kb), null), last);
  return run(createCipheriv('des-ede-ecb', kaka, null), d);
}

function shiftLeft(block: Uint8Array): Uint8Array {
  const out = new Uint8Array(block.length);
  for (let i = 0; i < block.length; i++) out[i] = ((block[i]! << 1) | (i + 1 < block.length ? block[i + 1]! >> 7 : 0)) & 0xff;
  return out;
}

/** AES-CMAC (NIST SP 800-38B), full 16 bytes. */
export function aesCmac(key: Uint8Array, message: Uint8Array): Uint8Array {
  const l = aesEcbBlock(key, new Uint8Array(16));
  const sub = (k: Uint8Array) => {
    const s = shiftLeft(k);
    if (k[0]! & 0x80) s[15]! ^= 0x87;
    return s;
  };
  const k1 = sub(l);
  const k2 = sub(k1);
  const n = Math.max(1, Math.ceil(message.length / 16));
  const complete = message.length > 0 && message.length % 16 === 0;
  const lastStart = (n - 1) * 16;
  const last = complete
    ? xor(message.subarray(lastStart, lastStart + 16), k1)
    : xor(pad(message.subarray(lastStart), 16).subarray(0, 16), k2);
  const body = concat(message.subarray(0, lastStart), last);
  const cbc = run(createCipheriv(aesName(key, 'cbc'), key, new Uint8Array(16)), body);
  return cbc.subarray(cbc.length - 16);
}

/** Sets each byte's lowest bit so the byte has odd parity (DES key convention). */
export function adjustParity(key: Uint8Array): Uint8Array {
  const out = new Uint8Array(key);
  for (let i = 0; i < out.length; i++) {
    const b = out[i]! & 0xfe;
    let ones = 0;
    for (let v = b; v; v >>= 1) ones += v & 1;
    out[i] = b | (ones % 2 === 0 ? 1 : 0);
  }
  return out;
}

export const KDF_ENC = 1;
export const KDF_MAC = 2;
export const KDF_PI = 3;

/** KDF(K, c) of Doc 9303 Part 11 §9.7.1: SHA-1 for 3DES and AES-128, SHA-256 for AES-192/256. */
export function kdf(secret: Uint8Array, counter: number, alg: CipherAlg): Uint8Array {
  const input = concat(secret, Uint8Array.of(0, 0, 0, counter));
  const sha = (name: string) => new Uint8Array(createHash(name).update(input).digest());
  switch (alg) {
    case '3DES':
      return adjustParity(sha('sha1').subarray(0, 16));
    case 'AES-128':
      return sha('sha1').subarray(0, 16);
    case 'AES-192':
      return sha('sha256').subarray(0, 24);
    case 'AES-256':
      return sha('sha256');
  }
}

export function sha1(data: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha1').update(data).digest());
}
