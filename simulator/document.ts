// Builds what a virtual CCCD chip holds for one citizen: EF.CardAccess, EF.COM, DG1, DG2,
// DG13, DG14, DG15 and an EF.SOD signed by the test PKI's Document Signer, plus the chip's
// private keys. Content faults (corrupted DG, SOD hash mismatch, SOD without a signer, unknown CSCA, revoked DS,
// cloned chip, expired card) are made here, the way a forged or broken card would hold them.
import { createHash, generateKeyPairSync, webcrypto, type KeyObject } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { bigintToBytes, concat } from '../drivers/emrtd/bytes.js';
import { curveById } from '../drivers/emrtd/protocol/curves.js';
import { TAG, encodeOid } from '../drivers/emrtd/der.js';
import { ecGroup } from '../drivers/emrtd/protocol/ec.js';
import { encodeCom } from '../drivers/emrtd/lds/com.js';
import { encodeDg1 } from '../drivers/emrtd/lds/dg1.js';
import { encodeDg13 } from '../drivers/emrtd/lds/dg13.js';
import { encodeDg14 } from '../drivers/emrtd/lds/dg14.js';
import { encodeDg15 } from '../drivers/emrtd/lds/dg15.js';
import { encodeDg2 } from '../drivers/emrtd/lds/dg2.js';
import { fileByName, type LdsFile } from '../drivers/emrtd/lds/files.js';
import { formatTd1 } from '../drivers/emrtd/lds/mrz.js';
import { ID_AA, ID_CA, ID_ICAO_MRTD_SECURITY_LDS, ID_PACE, ID_PK_ECDH } from '../drivers/emrtd/oids.js';
import { tlv } from '../drivers/emrtd/tlv.js';
import { stripDiacritics, type Citizen } from './citizens.js';
import type { TestPki } from './pki.js';

type PkiCrypto = ConstructorParameters<typeof pkijs.CryptoEngine>[0]['crypto'];
pkijs.setEngine('node', new pkijs.CryptoEngine({ name: 'node', crypto: webcrypto as unknown as PkiCrypto }));

export type ContentFault = 'corrupted-dg' | 'sod-hash-mismatch' | 'sod-no-signer' | 'unknown-csca' | 'revoked-ds' | 'cloned' | 'expired';

export interface DocumentOptions {
  /** Offer PACE through EF.CardAccess (CCCD cards do). */
  pace?: boolean;
  paceCipher?: 'AES-128' | 'AES-192' | 'AES-256' | '3DES';
  /** Standardized domain parameter id for PACE (13 = brainpoolP256r1, 12 = NIST P-256). */
  paceCurve?: number;
  /** Hold DG14 with an ECDH chip-authentication key. */
  chipAuthentication?: boolean;
  caCipher?: 'AES-128' | '3DES';
  /** Hold DG15 for active authentication, with an RSA or EC key. */
  activeAuthentication?: 'rsa' | 'ecdsa' | false;
  rsaBits?: number;
  face: { format: 'jpeg' | 'jpeg2000'; width: number; height: number; bytes: Uint8Array };
  faults?: ContentFault[];
}

export interface ChipDocument {
  /** File contents by name: 'CardAccess', 'COM', 'SOD', 'DG1'… */
  files: Map<string, Uint8Array>;
  /** The key INTERNAL AUTHENTICATE signs with (differs from DG15's for a cloned chip). */
  aaKey: { type: 'rsa' | 'ec'; privateKey: KeyObject } | null;
  caKey: { curveId: number; scalar: bigint; protocol: string } | null;
  paceProtocol: string | null;
  paceCurve: number;
  /** The expiry the chip's MRZ carries (YYMMDD): the BAC/PACE key uses it. */
  dateOfExpiry: string;
}

const CIPHER_ARC = { '3DES': 1, 'AES-128': 2, 'AES-192': 3, 'AES-256': 4 } as const;
const int = (n: number) => tlv(TAG.INTEGER, Uint8Array.of(n));
function uint(n: bigint): Uint8Array {
  let bytes = bigintToBytes(n, Math.max(1, Math.ceil(n.toString(16).length / 2)));
  if (bytes[0]! & 0x80) bytes = concat(Uint8Array.of(0), bytes);
  return tlv(TAG.INTEGER, bytes);
}
const seq = (...parts: Uint8Array[]) => tlv(TAG.SEQUENCE, concat(...parts));
const oid = (o: string) => tlv(TAG.OID, encodeOid(o));

/** ECParameters in explicit form, as many chips write chip-authentication keys. */
function explicitEcParameters(curveId: number): Uint8Array {
  const c = curveById(curveId)!;
  const size = Math.ceil(c.p.toString(16).length / 2);
  const g = concat(Uint8Array.of(4), bigintToBytes(c.Gx, size), bigintToBytes(c.Gy, size));
  return seq(
    int(1),
    seq(oid('1.2.840.10045.1.1'), uint(c.p)),
    seq(tlv(TAG.OCTET_STRING, bigintToBytes(c.a, size)), tlv(TAG.OCTET_STRING, bigintToBytes(c.b, size))),
    tlv(TAG.OCTET_STRING, g),
    uint(c.n),
    uint(c.h),
  );
}

function ldsSecurityObject(hashes: Map<number, Uint8Array>): Uint8Array {
  const entries = [...hashes].sort((a, b) => a[0] - b[0]).map(([dg, h]) => seq(int(dg), tlv(TAG.OCTET_STRING, h)));
  return seq(int(0), seq(oid('2.16.840.1.101.3.4.2.1')), seq(...entries));
}

async function signSod(
  content: Uint8Array,
  signer: { cert: { rawData: ArrayBuffer }; keys: { privateKey: webcrypto.CryptoKey } },
  withoutSigner = false,
): Promise<Uint8Array> {
  const asn = asn1js.fromBER(new Uint8Array(signer.cert.rawData));
  const cert = new pkijs.Certificate({ schema: asn.result });
  const digest = createHash('sha256').update(content).digest();
  const cms = new pkijs.SignedData({
    version: 3,
    encapContentInfo: new pkijs.EncapsulatedContentInfo({
      eContentType: ID_ICAO_MRTD_SECURITY_LDS,
      eContent: new asn1js.OctetString({ valueHex: content }),
    }),
    signerInfos: [
      new pkijs.SignerInfo({
        version: 1,
        sid: new pkijs.IssuerAndSerialNumber({ issuer: cert.issuer, serialNumber: cert.serialNumber }),
        signedAttrs: new pkijs.SignedAndUnsignedAttributes({
          type: 0,
          attributes: [
            new pkijs.Attribute({
              type: '1.2.840.113549.1.9.3',
              values: [new asn1js.ObjectIdentifier({ value: ID_ICAO_MRTD_SECURITY_LDS })],
            }),
            new pkijs.Attribute({ type: '1.2.840.113549.1.9.4', values: [new asn1js.OctetString({ valueHex: digest })] }),
          ],
        }),
      }),
    ],
    certificates: [cert],
  });
  await cms.sign(signer.keys.privateKey as unknown as Parameters<typeof cms.sign>[0], 0, 'SHA-256');
  if (withoutSigner) cms.signerInfos = []; // the 'sod-no-signer' fault: a SignedData whose signerInfos SET is empty
  const info = new pkijs.ContentInfo({ contentType: pkijs.ContentInfo.SIGNED_DATA, content: cms.toSchema(true) });
  return tlv(0x77, new Uint8Array(info.toSchema().toBER()));
}

function yymmdd(d: Date): string {
  return d.toISOString().slice(2, 10).replace(/-/g, '');
}

export async function buildChipDocument(citizen: Citizen, pki: TestPki, options: DocumentOptions): Promise<ChipDocument> {
  const faults = new Set(options.faults ?? []);
  const files = new Map<string, Uint8Array>();
  const paceCurve = options.paceCurve ?? 13;
  const paceCipher = options.paceCipher ?? 'AES-128';
  let paceProtocol: string | null = null;
  if (options.pace !== false) {
    paceProtocol = `${ID_PACE}.2.${CIPHER_ARC[paceCipher]}`;
    files.set('CardAccess', tlv(TAG.SET, seq(oid(paceProtocol), int(2), int(paceCurve))));
  }

  let mrz = citizen.mrz;
  let dateOfExpiry = citizen.expiry;
  let dg13 = citizen.dg13;
  if (faults.has('expired')) {
    const past = new Date(Date.now() - 400 * 24 * 3600 * 1000);
    const exp = yymmdd(past);
    dateOfExpiry = exp;
    mrz = formatTd1({
      documentCode: 'ID',
      issuingState: 'VNM',
      documentNumber: citizen.documentNumber,
      optionalData1: citizen.idNumber,
      dateOfBirth: citizen.dateOfBirth,
      sex: citizen.sex,
      dateOfExpiry: exp,
      nationality: 'VNM',
      optionalData2: '',
      surname: stripDiacritics(citizen.surname),
      givenNames: stripDiacritics(citizen.givenNames),
    });
    dg13 = { ...dg13, expiryDate: `${exp.slice(4, 6)}/${exp.slice(2, 4)}/20${exp.slice(0, 2)}` };
  }
  const dgs = new Map<LdsFile, Uint8Array>();
  dgs.set('DG1', encodeDg1(mrz));
  dgs.set('DG2', encodeDg2(options.face));
  dgs.set('DG13', encodeDg13(dg13));

  let caKey: ChipDocument['caKey'] = null;
  const infos: Uint8Array[] = [];
  if (options.chipAuthentication !== false) {
    const curveId = 13;
    const group = ecGroup(curveById(curveId)!);
    const scalar = group.randomScalar();
    const pub = group.encode(group.G.multiply(scalar));
    const protocol = `${ID_CA}.2.${CIPHER_ARC[options.caCipher ?? 'AES-128']}`;
    const spki = seq(seq(oid(ID_PK_ECDH), explicitEcParameters(curveId)), tlv(TAG.BIT_STRING, concat(Uint8Array.of(0), pub)));
    infos.push(seq(oid(protocol), int(1)), seq(oid(ID_PK_ECDH), spki));
    caKey = { curveId, scalar, protocol };
  }

  let aaKey: ChipDocument['aaKey'] = null;
  const aa = options.activeAuthentication ?? 'rsa';
  if (aa) {
    const make = () =>
      aa === 'rsa'
        ? generateKeyPairSync('rsa', { modulusLength: options.rsaBits ?? 1792, publicExponent: 65537 })
        : generateKeyPairSync('ec', { namedCurve: 'brainpoolP256r1' });
    const pair = make();
    dgs.set('DG15', encodeDg15(new Uint8Array(pair.publicKey.export({ format: 'der', type: 'spki' }))));
    aaKey = { type: aa === 'rsa' ? 'rsa' : 'ec', privateKey: faults.has('cloned') ? make().privateKey : pair.privateKey };
    if (aa === 'ecdsa') infos.push(seq(oid(ID_AA), int(1), oid('0.4.0.127.0.7.1.1.4.1.3')));
  }
  if (infos.length) dgs.set('DG14', encodeDg14(tlv(TAG.SET, concat(...infos))));

  const hashes = new Map<number, Uint8Array>();
  for (const [name, bytes] of dgs) hashes.set(fileByName(name).dg, new Uint8Array(createHash('sha256').update(bytes).digest()));
  if (faults.has('sod-hash-mismatch')) hashes.get(1)![0]! ^= 0xff;
  const signer = faults.has('unknown-csca') ? pki.rogueDs : faults.has('revoked-ds') ? pki.revokedDs : pki.ds;
  files.set('SOD', await signSod(ldsSecurityObject(hashes), signer, faults.has('sod-no-signer')));
  files.set('COM', encodeCom([...dgs.keys()].map((n) => fileByName(n).tag)));
  if (faults.has('corrupted-dg')) {
    const dg13Bytes = new Uint8Array(dgs.get('DG13')!);
    dg13Bytes[dg13Bytes.length - 3]! ^= 0x01; // one bit flipped inside a text field, after signing
    dgs.set('DG13', dg13Bytes);
  }
  for (const [name, bytes] of dgs) files.set(name, bytes);
  return { files, aaKey, caKey, paceProtocol, paceCurve, dateOfExpiry };
}
