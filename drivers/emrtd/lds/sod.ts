// EF.SOD: a CMS SignedData (RFC 5652) whose content is the LDSSecurityObject (ICAO Doc 9303
// Part 10 §4.6.2): the hash of every data group, signed by the Document Signer. Parsed with
// asn1js/pkijs; raw bytes that signatures cover are taken as read, never re-encoded.
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { children, decodeOid, decodeSmallInt, TAG } from '../der.js';
import { EmrtdError, fail } from '../errors.js';
import { ID_ICAO_MRTD_SECURITY_LDS, hashByOid, type HashName } from '../oids.js';
import { expectTlv, readTlv } from '../tlv.js';

export interface SignerInfo {
  /** issuerAndSerialNumber (issuer DER, serial bytes) or subjectKeyIdentifier. */
  sid: { issuer: Uint8Array; serial: Uint8Array } | { subjectKeyIdentifier: Uint8Array };
  digestAlgorithm: HashName;
  /** The signed attributes re-tagged as SET (what the signature covers), when present. */
  signedAttributes: Uint8Array | null;
  messageDigest: Uint8Array | null;
  contentType: string | null;
  signatureAlgorithm: string;
  /** DER of the signature algorithm's parameters (RSASSA-PSS), when present. */
  signatureParameters: Uint8Array | null;
  signature: Uint8Array;
}

export interface Sod {
  hashAlgorithm: HashName;
  dataGroupHashes: Map<number, Uint8Array>;
  ldsVersion: string | null;
  unicodeVersion: string | null;
  /** The LDSSecurityObject bytes (what the message digest covers). */
  eContent: Uint8Array;
  /** DER certificates carried in the SignedData (the Document Signer's, usually one). */
  certificates: Uint8Array[];
  signer: SignerInfo;
}

const raw = (b: { valueBeforeDecodeView: Uint8Array }) => new Uint8Array(b.valueBeforeDecodeView);

function parseLdsSecurityObject(bytes: Uint8Array): Pick<Sod, 'hashAlgorithm' | 'dataGroupHashes' | 'ldsVersion' | 'unicodeVersion'> {
  const top = readTlv(bytes, 0);
  if (top.length !== bytes.length) fail('malformed-asn1', 'bytes after the LDSSecurityObject');
  const [version, algId, hashes, versionInfo] = children(top, TAG.SEQUENCE, 'LDSSecurityObject');
  if (!version || !algId || !hashes) fail('malformed-asn1', 'LDSSecurityObject is missing fields');
  const v = decodeSmallInt(version, 'LDSSecurityObject version');
  if (v > 1) fail('unsupported', `LDSSecurityObject version ${v}`);
  const algOid = children(algId, TAG.SEQUENCE, 'hashAlgorithm')[0];
  if (!algOid || algOid.tag !== TAG.OID) fail('malformed-asn1', 'hashAlgorithm without an OID');
  const hashAlgorithm = hashByOid(decodeOid(algOid.value));
  if (!hashAlgorithm) fail('unsupported', `SOD hash algorithm ${decodeOid(algOid.value)}`);
  const dataGroupHashes = new Map<number, Uint8Array>();
  for (const entry of children(hashes, TAG.SEQUENCE, 'dataGroupHashValues')) {
    const [num, hash] = children(entry, TAG.SEQUENCE, 'DataGroupHash');
    if (!num || !hash || hash.tag !== TAG.OCTET_STRING) fail('malformed-asn1', 'DataGroupHash is malformed');
    const dg = decodeSmallInt(num, 'dataGroupNumber');
    if (dg < 1 || dg > 16) fail('malformed-asn1', `data group number ${dg}`);
    if (dataGroupHashes.has(dg)) fail('malformed-asn1', `data group ${dg} is hashed twice`);
    dataGroupHashes.set(dg, new Uint8Array(hash.value));
  }
  let ldsVersion: string | null = null;
  let unicodeVersion: string | null = null;
  if (versionInfo) {
    const [l, u] = children(versionInfo, TAG.SEQUENCE, 'LDSVersionInfo');
    ldsVersion = l ? new TextDecoder('latin1').decode(l.value) : null;
    unicodeVersion = u ? new TextDecoder('latin1').decode(u.value) : null;
  }
  return { hashAlgorithm, dataGroupHashes, ldsVersion, unicodeVersion };
}

function parseSignedData(der: Uint8Array): Sod {
  const asn = asn1js.fromBER(der);
  if (asn.offset === -1 || asn.offset !== der.length)
    fail('malformed-asn1', `SOD is not one BER value${asn.offset === -1 ? `: ${asn.result.error}` : ''}`);
  const contentInfo = new pkijs.ContentInfo({ schema: asn.result });
  if (contentInfo.contentType !== pkijs.ContentInfo.SIGNED_DATA)
    fail('malformed-lds', `SOD content type ${contentInfo.contentType} is not SignedData`);
  const sdBlock = contentInfo.content as asn1js.Sequence;
  const sd = new pkijs.SignedData({ schema: sdBlock });
  if (sd.encapContentInfo.eContentType !== ID_ICAO_MRTD_SECURITY_LDS)
    fail('malformed-lds', `SOD content is ${sd.encapContentInfo.eContentType}, not an LDSSecurityObject`);
  const eContentBlock = sd.encapContentInfo.eContent;
  if (!eContentBlock) fail('malformed-lds', 'SOD carries no LDSSecurityObject');
  const eContent = new Uint8Array(eContentBlock.getValue());

  const certificates: Uint8Array[] = [];
  const certSet = sdBlock.valueBlock.value.find((b) => b.idBlock.tagClass === 3 && b.idBlock.tagNumber === 0);
  if (certSet && certSet instanceof asn1js.Constructed) {
    for (const c of certSet.valueBlock.value) certificates.push(raw(c));
  }

  if (sd.signerInfos.length !== 1) fail('malformed-lds', `SOD has ${sd.signerInfos.length} signers, not one`);
  const si = sd.signerInfos[0]!;
  const digestAlgorithm = hashByOid(si.digestAlgorithm.algorithmId);
  if (!digestAlgorithm) fail('unsupported', `SOD digest algorithm ${si.digestAlgorithm.algorithmId}`);
  let signedAttributes: Uint8Array | null = null;
  let messageDigest: Uint8Array | null = null;
  let contentType: string | null = null;
  if (si.signedAttrs) {
    signedAttributes = new Uint8Array(si.signedAttrs.encodedValue);
    signedAttributes[0] = 0x31; // [0] IMPLICIT → SET OF, as RFC 5652 §5.4 signs it
    for (const attr of si.signedAttrs.attributes) {
      const value = attr.values[0];
      if (attr.type === '1.2.840.113549.1.9.4' && value instanceof asn1js.OctetString)
        messageDigest = new Uint8Array(value.valueBlock.valueHexView);
      if (attr.type === '1.2.840.113549.1.9.3' && value instanceof asn1js.ObjectIdentifier) contentType = value.valueBlock.toString();
    }
  }
  const sid =
    si.sid instanceof pkijs.IssuerAndSerialNumber
      ? { issuer: new Uint8Array(si.sid.issuer.toSchema().toBER()), serial: new Uint8Array(si.sid.serialNumber.valueBlock.valueHexView) }
      : { subjectKeyIdentifier: new Uint8Array((si.sid as asn1js.OctetString).valueBlock.valueHexView) };
  const params = si.signatureAlgorithm.algorithmParams as asn1js.BaseBlock | undefined;
  return {
    ...parseLdsSecurityObject(eContent),
    eContent,
    certificates,
    signer: {
      sid,
      digestAlgorithm,
      signedAttributes,
      messageDigest,
      contentType,
      signatureAlgorithm: si.signatureAlgorithm.algorithmId,
      signatureParameters: params && !(params instanceof asn1js.Null) ? new Uint8Array(params.toBER()) : null,
      signature: new Uint8Array(si.signature.valueBlock.valueHexView),
    },
  };
}

/** Parses EF.SOD. Total: any input yields a Sod or an EmrtdError. */
export function parseSod(bytes: Uint8Array): Sod {
  let content: Uint8Array;
  try {
    content = expectTlv(bytes, 0x77, 'EF.SOD').value;
  } catch (err) {
    fail('malformed-lds', `EF.SOD: ${(err as Error).message}`);
  }
  try {
    return parseSignedData(content);
  } catch (err) {
    if (err instanceof EmrtdError) {
      if (err.code === 'malformed-tlv' || err.code === 'malformed-asn1') fail('malformed-lds', `EF.SOD: ${err.message}`);
      throw err;
    }
    // pkijs/asn1js reject structures by throwing plain errors: make them ours.
    fail('malformed-lds', `EF.SOD is not a valid SignedData: ${err instanceof Error ? err.message : String(err)}`);
  }
}
