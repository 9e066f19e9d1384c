// Passive authentication (ICAO Doc 9303 Part 11 §5.1): the SOD's signature, the Document
// Signer certificate's chain to a trusted CSCA, its revocation status, and every read data
// group's hash against the SOD. The result says which checks ran and how each ended.
import { type X509Certificate, createHash } from 'node:crypto';
import { equalBytes } from '../bytes.js';
import { EmrtdError } from '../errors.js';
import type { Sod } from '../lds/sod.js';
import { signatureScheme, verifyWith } from '../signatures.js';
import { normaliseSerial, parseCertificate, type Csca, type TrustStore } from './trust-store.js';

export type CheckStatus = 'passed' | 'failed' | 'not-checked';
export interface Check {
  status: CheckStatus;
  reason?: string;
}

export interface CertificateSummary {
  subject: string;
  issuer: string;
  serialNumber: string;
  validFrom: string;
  validTo: string;
}

export interface PassiveAuthResult {
  /** verified: every check passed. csca-unknown: signature and hashes good, but no trusted CSCA issued the signer. */
  verdict: 'verified' | 'csca-unknown' | 'failed';
  checks: {
    sodSignature: Check;
    documentSignerValidity: Check;
    cscaChain: Check;
    revocation: Check;
    dataGroupHashes: Check;
  };
  dataGroups: Record<string, 'match' | 'mismatch' | 'not-in-sod'>;
  documentSigner: CertificateSummary | null;
  csca: { subject: string } | null;
}

export interface PassiveAuthOptions {
  now?: Date;
  /** 'require': no CRL for the CSCA fails revocation. 'if-present' (default): checked when one is loaded. */
  crlPolicy?: 'require' | 'if-present';
}

const summary = (c: X509Certificate): CertificateSummary => ({
  subject: c.subject,
  issuer: c.issuer,
  serialNumber: c.serialNumber,
  validFrom: c.validFrom,
  validTo: c.validTo,
});

function within(c: X509Certificate, now: Date): boolean {
  return new Date(c.validFrom) <= now && now <= new Date(c.validTo);
}

/** Verifies the SOD and the given data groups' bytes (number → whole file as read). */
export function passiveAuthentication(
  sod: Sod,
  dataGroups: Map<number, Uint8Array>,
  trust: TrustStore,
  options: PassiveAuthOptions = {},
): PassiveAuthResult {
  const now = options.now ?? new Date();
  const result: PassiveAuthResult = {
    verdict: 'failed',
    checks: {
      sodSignature: { status: 'not-checked' },
      documentSignerValidity: { status: 'not-checked' },
      cscaChain: { status: 'not-checked' },
      revocation: { status: 'not-checked' },
      dataGroupHashes: { status: 'not-checked' },
    },
    dataGroups: {},
    documentSigner: null,
    csca: null,
  };

  // 1. Every data group read must be in the SOD with the same hash.
  const mismatches: string[] = [];
  for (const [dg, bytes] of dataGroups) {
    const expected = sod.dataGroupHashes.get(dg);
    if (!expected) {
      result.dataGroups[`DG${dg}`] = 'not-in-sod';
      mismatches.push(`DG${dg} is not in the SOD`);
      continue;
    }
    const actual = new Uint8Array(createHash(sod.hashAlgorithm).update(bytes).digest());
    const ok = equalBytes(actual, expected);
    result.dataGroups[`DG${dg}`] = ok ? 'match' : 'mismatch';
    if (!ok) mismatches.push(`DG${dg} hash does not match the SOD`);
  }
  result.checks.dataGroupHashes = mismatches.length ? { status: 'failed', reason: mismatches.join('; ') } : { status: 'passed' };

  // 2. The SOD signature, by the Document Signer certificate it carries.
  let ds: Csca | null = null;
  const signer = sod.signer;
  for (const der of sod.certificates) {
    try {
      ds = parseCertificate(der);
      break;
    } catch {
      // try the next one
    }
  }
  if (!ds) {
    result.checks.sodSignature = { status: 'failed', reason: 'the SOD carries no readable Document Signer certificate' };
    return finish(result);
  }
  result.documentSigner = summary(ds.cert);
  try {
    if (signer.signedAttributes) {
      if (signer.contentType !== '2.23.136.1.1.1')
        throw new EmrtdError('malformed-lds', 'signed content-type attribute is not LDSSecurityObject');
      const digest = new Uint8Array(createHash(signer.digestAlgorithm).update(sod.eContent).digest());
      if (!signer.messageDigest || !equalBytes(digest, signer.messageDigest))
        throw new EmrtdError('malformed-lds', 'signed message digest does not match the LDSSecurityObject');
    }
    const signed = signer.signedAttributes ?? sod.eContent;
    const scheme = signatureScheme(signer.signatureAlgorithm, signer.signatureParameters, signer.digestAlgorithm);
    result.checks.sodSignature = verifyWith(scheme, ds.cert.publicKey, signed, signer.signature)
      ? { status: 'passed' }
      : { status: 'failed', reason: 'the SOD signature does not verify with the Document Signer key' };
  } catch (err) {
    if (!(err instanceof EmrtdError)) throw err;
    result.checks.sodSignature = { status: 'failed', reason: err.message };
  }

  result.checks.documentSignerValidity = within(ds.cert, now)
    ? { status: 'passed' }
    : { status: 'failed', reason: `the Document Signer certificate is valid from ${ds.cert.validFrom} to ${ds.cert.validTo}` };

  // 3. Chain: a trusted CSCA that issued and signed the DS certificate.
  const issuers = trust.cscas.filter((c) => ds!.cert.checkIssued(c.cert));
  const csca = issuers.find((c) => ds!.cert.verify(c.cert.publicKey));
  if (!csca) {
    result.checks.cscaChain = issuers.length
      ? { status: 'failed', reason: 'a trusted CSCA with the issuer name exists but its key did not sign the Document Signer certificate' }
      : { status: 'not-checked', reason: `no trusted CSCA for issuer "${ds.cert.issuer.replace(/\n/g, ', ')}"` };
    return finish(result, issuers.length === 0);
  }
  result.csca = { subject: csca.cert.subject };
  result.checks.cscaChain = within(csca.cert, now)
    ? { status: 'passed' }
    : { status: 'failed', reason: `the CSCA certificate is valid from ${csca.cert.validFrom} to ${csca.cert.validTo}` };

  // 4. Revocation, from the CSCA's CRL.
  const crls = trust.crls.filter((crl) => crl.parsed.issuer.isEqual(csca.parsed.subject));
  const goodCrls = crls.filter((crl) => {
    try {
      return verifyWith(signatureScheme(crl.signatureAlgorithm, crl.signatureParameters), csca.cert.publicKey, crl.tbs, crl.signature);
    } catch {
      return false;
    }
  });
  if (goodCrls.length === 0) {
    const why = crls.length ? "the CSCA's CRL is not signed by the CSCA" : 'no CRL loaded for this CSCA';
    result.checks.revocation =
      options.crlPolicy === 'require' || crls.length ? { status: 'failed', reason: why } : { status: 'not-checked', reason: why };
  } else {
    const serial = normaliseSerial(ds.cert.serialNumber);
    const revoked = goodCrls.some((crl) => crl.revokedSerials.has(serial));
    const newest = goodCrls.reduce((a, b) => (a.thisUpdate > b.thisUpdate ? a : b));
    if (revoked) result.checks.revocation = { status: 'failed', reason: 'the Document Signer certificate is revoked' };
    else if (newest.nextUpdate && newest.nextUpdate < now && options.crlPolicy === 'require')
      result.checks.revocation = { status: 'failed', reason: `the CRL expired on ${newest.nextUpdate.toISOString()}` };
    else
      result.checks.revocation = {
        status: 'passed',
        ...(newest.nextUpdate && newest.nextUpdate < now ? { reason: `CRL out of date since ${newest.nextUpdate.toISOString()}` } : {}),
      };
  }
  return finish(result);
}

/**
 * Passive authentication of a chip whose EF.SOD was read but does not parse (no signer, not a
 * SignedData, an unknown algorithm…): failed, with the reason; nothing could be checked
 * against it, so every data group read is 'not-in-sod'.
 */
export function passiveAuthenticationUnreadableSod(reason: string, dataGroups: Iterable<number>): PassiveAuthResult {
  const why = `the SOD cannot be used: ${reason}`;
  const dgs: PassiveAuthResult['dataGroups'] = {};
  for (const dg of dataGroups) dgs[`DG${dg}`] = 'not-in-sod';
  return {
    verdict: 'failed',
    checks: {
      sodSignature: { status: 'failed', reason: why },
      documentSignerValidity: { status: 'not-checked', reason: 'no Document Signer certificate read' },
      cscaChain: { status: 'not-checked', reason: 'no Document Signer certificate read' },
      revocation: { status: 'not-checked', reason: 'no Document Signer certificate read' },
      dataGroupHashes: { status: 'failed', reason: 'no data group hashes to check the data groups against' },
    },
    dataGroups: dgs,
    documentSigner: null,
    csca: null,
  };
}

function finish(r: PassiveAuthResult, cscaUnknown = false): PassiveAuthResult {
  const c = r.checks;
  const failed = Object.values(c).some((x) => x.status === 'failed');
  if (failed) r.verdict = 'failed';
  else if (cscaUnknown) r.verdict = c.sodSignature.status === 'passed' && c.dataGroupHashes.status === 'passed' ? 'csca-unknown' : 'failed';
  else
    r.verdict =
      c.sodSignature.status === 'passed' &&
      c.dataGroupHashes.status === 'passed' &&
      c.cscaChain.status === 'passed' &&
      c.documentSignerValidity.status === 'passed'
        ? 'verified'
        : 'failed';
  return r;
}
