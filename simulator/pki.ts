// The simulator's test PKI: a CSCA, Document Signers it issues, and its CRL, written to a
// folder the kiosk reads as a trust store. For test benches only: private keys sit on disk.
// @peculiar/x509 resolves its services through tsyringe, which needs the Reflect metadata polyfill.
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';
import { z } from 'zod';

type CryptoKeyPair = webcrypto.CryptoKeyPair;
type JsonWebKey = webcrypto.JsonWebKey;
type X509Crypto = Parameters<typeof x509.cryptoProvider.set>[0];

x509.cryptoProvider.set(webcrypto as unknown as X509Crypto);

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const SIGN = { name: 'ECDSA', hash: 'SHA-256' } as const;

export interface Issued {
  cert: x509.X509Certificate;
  keys: CryptoKeyPair;
}

export interface TestPki {
  csca: Issued;
  /** The Document Signer the simulator's chips are signed with. */
  ds: Issued;
  /** A Document Signer listed in the CRL (fault "revoked-ds"). */
  revokedDs: Issued;
  /** Another CSCA, not in the trust folder, and a DS it issued (fault "unknown-csca"). */
  rogueCsca: Issued;
  rogueDs: Issued;
  crl: x509.X509Crl;
}

const NAME = (cn: string) => `C=VN, O=CCCD Kiosk Test PKI, CN=${cn}`;
const YEAR = 365 * 24 * 3600 * 1000;

async function newKeys(): Promise<CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as CryptoKeyPair;
}

async function makeCsca(cn: string, now: Date): Promise<Issued> {
  const keys = await newKeys();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    name: NAME(cn),
    keys,
    signingAlgorithm: SIGN,
    notBefore: new Date(now.getTime() - YEAR),
    notAfter: new Date(now.getTime() + 15 * YEAR),
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { cert, keys };
}

async function makeDs(cn: string, issuer: Issued, now: Date, serial: string): Promise<Issued> {
  const keys = await newKeys();
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial,
    subject: NAME(cn),
    issuer: issuer.cert.subject,
    publicKey: keys.publicKey,
    signingKey: issuer.keys.privateKey,
    signingAlgorithm: SIGN,
    notBefore: new Date(now.getTime() - YEAR),
    notAfter: new Date(now.getTime() + 11 * YEAR),
    extensions: [
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      await x509.AuthorityKeyIdentifierExtension.create(issuer.keys.publicKey),
    ],
  });
  return { cert, keys };
}

export async function createTestPki(now = new Date()): Promise<TestPki> {
  const csca = await makeCsca('Test CSCA Vietnam', now);
  const ds = await makeDs('Test Document Signer 1', csca, now, '0101');
  const revokedDs = await makeDs('Test Document Signer 2 (revoked)', csca, now, '0102');
  const rogueCsca = await makeCsca('Unknown CSCA', now);
  const rogueDs = await makeDs('Document Signer of an unknown CSCA', rogueCsca, now, '0901');
  const crl = await x509.X509CrlGenerator.create({
    issuer: csca.cert.subject,
    thisUpdate: new Date(now.getTime() - 24 * 3600 * 1000),
    nextUpdate: new Date(now.getTime() + 90 * 24 * 3600 * 1000),
    entries: [
      {
        serialNumber: revokedDs.cert.serialNumber,
        revocationDate: new Date(now.getTime() - 3600 * 1000),
        reason: x509.X509CrlReason.keyCompromise,
      },
    ],
    signingKey: csca.keys.privateKey,
    signingAlgorithm: SIGN,
  });
  return { csca, ds, revokedDs, rogueCsca, rogueDs, crl };
}

async function exportIssued(i: Issued): Promise<{ cert: string; key: JsonWebKey }> {
  return { cert: i.cert.toString('pem'), key: await webcrypto.subtle.exportKey('jwk', i.keys.privateKey) };
}

async function importIssued(e: { cert: string; key: Record<string, unknown> }): Promise<Issued> {
  const cert = new x509.X509Certificate(e.cert);
  const privateKey = await webcrypto.subtle.importKey('jwk', e.key as JsonWebKey, ALG, true, ['sign']);
  const publicKey = await cert.publicKey.export(ALG, ['verify'], webcrypto as unknown as X509Crypto);
  return { cert, keys: { privateKey, publicKey } as CryptoKeyPair };
}

const Issued = z.object({ cert: z.string().startsWith('-----BEGIN CERTIFICATE-----'), key: z.looseObject({ kty: z.string() }) });
const PkiFile = z.object({ csca: Issued, ds: Issued, revokedDs: Issued, rogueCsca: Issued, rogueDs: Issued, crl: z.string() });

/**
 * The test PKI kept in `dir` (made on first use): `pki.json` with the keys, and `trust/`
 * with the CSCA certificate and CRL only, for `kiosk read --trust DIR/trust`.
 */
export async function loadOrCreateTestPki(dir: string): Promise<TestPki> {
  const file = join(dir, 'pki.json');
  if (existsSync(file)) {
    let j: z.infer<typeof PkiFile>;
    try {
      j = PkiFile.parse(JSON.parse(readFileSync(file, 'utf8')));
    } catch (err) {
      throw new Error(
        `${file} is not a test PKI made by this simulator (${err instanceof SyntaxError ? 'not JSON' : 'unexpected content'}); remove the folder to make a new one`,
      );
    }
    return {
      csca: await importIssued(j.csca),
      ds: await importIssued(j.ds),
      revokedDs: await importIssued(j.revokedDs),
      rogueCsca: await importIssued(j.rogueCsca),
      rogueDs: await importIssued(j.rogueDs),
      crl: new x509.X509Crl(j.crl),
    };
  }
  const pki = await createTestPki();
  mkdirSync(join(dir, 'trust'), { recursive: true, mode: 0o700 });
  const json = {
    csca: await exportIssued(pki.csca),
    ds: await exportIssued(pki.ds),
    revokedDs: await exportIssued(pki.revokedDs),
    rogueCsca: await exportIssued(pki.rogueCsca),
    rogueDs: await exportIssued(pki.rogueDs),
    crl: pki.crl.toString('pem'),
  };
  writeFileSync(file, JSON.stringify(json, null, 1), { mode: 0o600 });
  writeTrustFolder(pki, join(dir, 'trust'));
  return pki;
}

/** Writes the CSCA certificate (PEM) and its CRL (DER) to a trust folder. */
export function writeTrustFolder(pki: TestPki, dir: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'csca-vn-test.pem'), pki.csca.cert.toString('pem') + '\n');
  writeFileSync(join(dir, 'csca-vn-test.crl'), Buffer.from(pki.crl.rawData));
}

/** The trust anchors as in-memory files (for tests that skip the folder). */
export function trustFiles(pki: TestPki): { name: string; bytes: Uint8Array }[] {
  return [
    { name: 'csca.pem', bytes: new TextEncoder().encode(pki.csca.cert.toString('pem')) },
    { name: 'csca.crl', bytes: new Uint8Array(pki.crl.rawData) },
  ];
}
