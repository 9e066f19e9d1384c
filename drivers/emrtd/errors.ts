// The one error type of drivers/emrtd. Every failure a card, a file or a certificate can
// cause ends as an EmrtdError with a code a caller can switch on; nothing else is thrown
// for bad input (the fuzz tests hold the parsers to that).

export type EmrtdErrorCode =
  /** Bytes that are not valid BER-TLV. */
  | 'malformed-tlv'
  /** Valid TLV whose ASN.1 structure is not what the standard says. */
  | 'malformed-asn1'
  /** An APDU that cannot be encoded or a response shorter than a status word. */
  | 'malformed-apdu'
  /** An LDS file (COM, DG1, DG2, DG13, SOD…) whose content is invalid. */
  | 'malformed-lds'
  /** The card answered a command with an error status word. */
  | 'card-status'
  /** Secure messaging broke: missing data objects, wrong MAC, bad padding. The session is over. */
  | 'secure-messaging'
  /** BAC or PACE failed: usually the wrong MRZ data or CAN. */
  | 'access-denied'
  /** The chip's answer during authentication does not check out (a possible forgery). */
  | 'authentication-failed'
  /** The card asks for something this reader does not implement. */
  | 'unsupported'
  /** The card left the reader. */
  | 'card-removed'
  /** The card did not answer in time. */
  | 'timeout'
  /** The reader or PC/SC failed. */
  | 'transport';

export class EmrtdError extends Error {
  constructor(
    readonly code: EmrtdErrorCode,
    message: string,
    readonly sw?: number,
  ) {
    super(message);
    this.name = 'EmrtdError';
  }
}

export function fail(code: EmrtdErrorCode, message: string, sw?: number): never {
  throw new EmrtdError(code, message, sw);
}
