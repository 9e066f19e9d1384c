// SecurityInfos (ICAO Doc 9303 Part 11 §9.2): the contents of EF.CardAccess and DG14.
// Unknown entries are kept, not rejected: chips carry infos we do not act on.
import { fail } from '../errors.js';
import { children, decodeOid, decodeSmallInt, TAG } from '../der.js';
import { ID_AA, ID_PK_DH, ID_PK_ECDH, caSuite, paceSuite } from '../oids.js';
import { readTlv, type Tlv } from '../tlv.js';

export interface PaceInfo {
  kind: 'pace';
  protocol: string;
  version: number;
  /** Standardized domain parameter id (e.g. 13 = brainpoolP256r1), when given. */
  parameterId?: number;
}
export interface ChipAuthenticationInfo {
  kind: 'ca';
  protocol: string;
  version: number;
  keyId?: number;
}
export interface ChipAuthenticationPublicKeyInfo {
  kind: 'ca-public-key';
  protocol: string;
  /** The DER SubjectPublicKeyInfo. */
  subjectPublicKeyInfo: Uint8Array;
  keyId?: number;
}
export interface ActiveAuthenticationInfo {
  kind: 'aa';
  version: number;
  signatureAlgorithm: string;
}
export interface OtherSecurityInfo {
  kind: 'other';
  protocol: string;
  raw: Uint8Array;
}
export type SecurityInfo =
  PaceInfo | ChipAuthenticationInfo | ChipAuthenticationPublicKeyInfo | ActiveAuthenticationInfo | OtherSecurityInfo;

function raw(buf: Uint8Array, t: Tlv): Uint8Array {
  return buf.subarray(t.offset, t.offset + t.length);
}

function parseOne(buf: Uint8Array, seq: Tlv): SecurityInfo {
  const items = children(seq, TAG.SEQUENCE, 'SecurityInfo');
  const [oidTlv, required, optional] = items;
  if (!oidTlv || oidTlv.tag !== TAG.OID) fail('malformed-asn1', 'SecurityInfo without a protocol OID');
  const protocol = decodeOid(oidTlv.value);
  if (paceSuite(protocol)) {
    if (!required) fail('malformed-asn1', 'PACEInfo without a version');
    return {
      kind: 'pace',
      protocol,
      version: decodeSmallInt(required, 'PACEInfo version'),
      ...(optional ? { parameterId: decodeSmallInt(optional, 'PACEInfo parameterId') } : {}),
    };
  }
  if (caSuite(protocol)) {
    if (!required) fail('malformed-asn1', 'ChipAuthenticationInfo without a version');
    return {
      kind: 'ca',
      protocol,
      version: decodeSmallInt(required, 'ChipAuthenticationInfo version'),
      ...(optional ? { keyId: decodeSmallInt(optional, 'ChipAuthenticationInfo keyId') } : {}),
    };
  }
  if (protocol === ID_PK_DH || protocol === ID_PK_ECDH) {
    if (!required || required.tag !== TAG.SEQUENCE)
      fail('malformed-asn1', 'ChipAuthenticationPublicKeyInfo without a SubjectPublicKeyInfo');
    return {
      kind: 'ca-public-key',
      protocol,
      subjectPublicKeyInfo: raw(seq.value, required),
      ...(optional ? { keyId: decodeSmallInt(optional, 'ChipAuthenticationPublicKeyInfo keyId') } : {}),
    };
  }
  if (protocol === ID_AA) {
    if (!required || !optional || optional.tag !== TAG.OID)
      fail('malformed-asn1', 'ActiveAuthenticationInfo without version and signature algorithm');
    return {
      kind: 'aa',
      version: decodeSmallInt(required, 'ActiveAuthenticationInfo version'),
      signatureAlgorithm: decodeOid(optional.value),
    };
  }
  return { kind: 'other', protocol, raw: raw(buf, seq) };
}

/** Parses a DER SET OF SecurityInfo (EF.CardAccess content, or DG14's inner SET). */
export function parseSecurityInfos(der: Uint8Array): SecurityInfo[] {
  const set = readTlv(der, 0);
  if (set.length !== der.length) {
    // EF.CardAccess may be padded with zeros or FF after the SET on some chips.
    const rest = der.subarray(set.length);
    if (!rest.every((b) => b === 0 || b === 0xff)) fail('malformed-asn1', `${rest.length} bytes after SecurityInfos`);
  }
  return children(set, TAG.SET, 'SecurityInfos').map((t) => parseOne(set.value, t));
}
