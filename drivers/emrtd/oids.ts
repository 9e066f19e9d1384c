// Object identifiers of ICAO Doc 9303 Parts 10-11 and BSI TR-03110 that the reader acts on.
export const BSI = '0.4.0.127.0.7';
export const ID_PACE = `${BSI}.2.2.4`;
export const ID_CA = `${BSI}.2.2.3`;
export const ID_PK_DH = `${BSI}.2.2.1.1`;
export const ID_PK_ECDH = `${BSI}.2.2.1.2`;
export const ID_AA = '2.23.136.1.1.5';
export const ID_ICAO_MRTD_SECURITY_LDS = '2.23.136.1.1.1';
/** ECDSA with plain (r||s) signatures, BSI TR-03111: .1 SHA-1 … .5 SHA-512. */
export const ECDSA_PLAIN = `${BSI}.1.1.4.1`;

/** Hash algorithms by OID (NIST, and OIW for SHA-1): SOD digests and signature parameters name them. */
export type HashName = 'sha1' | 'sha224' | 'sha256' | 'sha384' | 'sha512';

const HASH_BY_OID: Record<string, HashName> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.4': 'sha224',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};

export function hashByOid(oid: string): HashName | undefined {
  return HASH_BY_OID[oid];
}

export type KeyAgreement = 'DH' | 'ECDH';
export type Mapping = 'GM' | 'IM' | 'CAM';

export interface ProtocolSuite {
  agreement: KeyAgreement;
  cipher: '3DES' | 'AES-128' | 'AES-192' | 'AES-256';
}

const CIPHER_BY_ARC = { 1: '3DES', 2: 'AES-128', 3: 'AES-192', 4: 'AES-256' } as const;

/** PACE: id-PACE.{1 DH-GM, 2 ECDH-GM, 3 DH-IM, 4 ECDH-IM, 6 ECDH-CAM}.{cipher}. */
export function paceSuite(oid: string): (ProtocolSuite & { mapping: Mapping }) | null {
  if (!oid.startsWith(ID_PACE + '.')) return null;
  const [kind, c] = oid
    .slice(ID_PACE.length + 1)
    .split('.')
    .map(Number);
  const cipher = CIPHER_BY_ARC[c as 1 | 2 | 3 | 4];
  const table = { 1: ['DH', 'GM'], 2: ['ECDH', 'GM'], 3: ['DH', 'IM'], 4: ['ECDH', 'IM'], 6: ['ECDH', 'CAM'] } as const;
  const k = table[kind as 1 | 2 | 3 | 4 | 6];
  if (!k || !cipher) return null;
  return { agreement: k[0], mapping: k[1], cipher };
}

/** Chip Authentication: id-CA.{1 DH, 2 ECDH}.{cipher}. */
export function caSuite(oid: string): ProtocolSuite | null {
  if (!oid.startsWith(ID_CA + '.')) return null;
  const [kind, c] = oid
    .slice(ID_CA.length + 1)
    .split('.')
    .map(Number);
  const cipher = CIPHER_BY_ARC[c as 1 | 2 | 3 | 4];
  if ((kind !== 1 && kind !== 2) || !cipher) return null;
  return { agreement: kind === 1 ? 'DH' : 'ECDH', cipher };
}
