// The kiosk's trust anchors: CSCA certificates and their CRLs, from files' bytes (PEM or DER,
// any names). Reading the folder is the caller's job; drivers/emrtd does no I/O.
import { X509Certificate, createHash } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

export interface Csca {
  cert: X509Certificate;
  /** pkijs view, for name comparison with CRL issuers. */
  parsed: pkijs.Certificate;
  fingerprint: string;
}

export interface Crl {
  parsed: pkijs.CertificateRevocationList;
  tbs: Uint8Array;
  signatureAlgorithm: string;
  signatureParameters: Uint8Array | null;
  signature: Uint8Array;
  revokedSerials: Set<string>;
  thisUpdate: Date;
  nextUpdate: Date | null;
}

export interface TrustFile {
  name: string;
  bytes: Uint8Array;
}

export interface TrustLoad {
  store: TrustStore;
  /** Files or PEM blocks that were not certificates or CRLs, with why (keys are ignored silently). */
  skipped: { name: string; reason: string }[];
}

/** Serial numbers compared as upper-case hex without leading zeros. */
export function normaliseSerial(hex: string): string {
  return hex.toUpperCase().replace(/^0+(?=.)/, '');
}

function parseCrl(der: Uint8Array): Crl {
  const asn = asn1js.fromBER(der);
  if (asn.offset === -1 || asn.offset !== der.length) throw new Error('not one DER value');
  const crl = new pkijs.CertificateRevocationList({ schema: asn.result });
  const params = crl.signature.algorithmParams as asn1js.BaseBlock | undefined;
  return {
    parsed: crl,
    tbs: new Uint8Array(crl.tbsView),
    signatureAlgorithm: crl.signatureAlgorithm.algorithmId,
    signatureParameters: params && !(params instanceof asn1js.Null) ? new Uint8Array(params.toBER()) : null,
    signature: new Uint8Array(crl.signatureValue.valueBlock.valueHexView),
    revokedSerials: new Set(
      (crl.revokedCertificates ?? []).map((r) => normaliseSerial(Buffer.from(r.userCertificate.valueBlock.valueHexView).toString('hex'))),
    ),
    thisUpdate: crl.thisUpdate.value,
    nextUpdate: crl.nextUpdate?.value ?? null,
  };
}

export function parseCertificate(der: Uint8Array): Csca {
  const cert = new X509Certificate(Buffer.from(der));
  const asn = asn1js.fromBER(der);
  if (asn.offset === -1) throw new Error('not DER');
  return { cert, parsed: new pkijs.Certificate({ schema: asn.result }), fingerprint: createHash('sha256').update(der).digest('hex') };
}

const PEM = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;

export class TrustStore {
  private constructor(
    readonly cscas: Csca[],
    readonly crls: Crl[],
  ) {}

  static empty(): TrustStore {
    return new TrustStore([], []);
  }

  static fromFiles(files: TrustFile[]): TrustLoad {
    const cscas: Csca[] = [];
    const crls: Crl[] = [];
    const skipped: { name: string; reason: string }[] = [];
    const add = (name: string, kind: 'cert' | 'crl' | 'unknown', der: Uint8Array) => {
      if (kind !== 'crl') {
        try {
          const c = parseCertificate(der);
          if (!cscas.some((x) => x.fingerprint === c.fingerprint)) cscas.push(c);
          return;
        } catch (err) {
          if (kind === 'cert') return skipped.push({ name, reason: `not a certificate: ${(err as Error).message}` });
        }
      }
      try {
        crls.push(parseCrl(der));
      } catch {
        skipped.push({ name, reason: 'neither a certificate nor a CRL' });
      }
    };
    for (const f of files) {
      const text = Buffer.from(f.bytes).toString('latin1');
      if (text.includes('-----BEGIN ')) {
        for (const m of text.matchAll(PEM)) {
          const label = m[1]!;
          const der = new Uint8Array(Buffer.from(m[2]!.replace(/\s+/g, ''), 'base64'));
          if (label === 'CERTIFICATE' || label === 'TRUSTED CERTIFICATE') add(f.name, 'cert', der);
          else if (label === 'X509 CRL') add(f.name, 'crl', der);
          // keys and anything else in the folder are ignored
        }
      } else add(f.name, 'unknown', f.bytes);
    }
    return { store: new TrustStore(cscas, crls), skipped };
  }
}
