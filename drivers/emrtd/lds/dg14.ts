// DG14: SecurityInfos for chip authentication (and PACE/AA infos some chips repeat here).
import { EmrtdError, fail } from '../errors.js';
import { parseSecurityInfos, type SecurityInfo } from './security-infos.js';
import { expectTlv, tlv } from '../tlv.js';

export function parseDg14(bytes: Uint8Array): SecurityInfo[] {
  try {
    return parseSecurityInfos(expectTlv(bytes, 0x6e, 'DG14').value);
  } catch (err) {
    if (err instanceof EmrtdError && (err.code === 'malformed-tlv' || err.code === 'malformed-asn1'))
      fail('malformed-lds', `DG14: ${err.message}`);
    throw err;
  }
}

export function encodeDg14(securityInfosSet: Uint8Array): Uint8Array {
  return tlv(0x6e, securityInfosSet);
}
