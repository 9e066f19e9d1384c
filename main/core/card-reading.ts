// Reading a card in a PC/SC reader: the PC/SC card as the chip stack's CardChannel (its
// errors mapped to the chip stack's), and the read's summary as the CLI and UI show it.
import type { CardChannel } from '../../drivers/emrtd/protocol/card-channel.js';
import { EmrtdError, type EmrtdErrorCode } from '../../drivers/emrtd/errors.js';
import type { Dg13 } from '../../drivers/emrtd/lds/dg13.js';
import type { DocumentRead } from '../../drivers/emrtd/reader.js';
import { PcscError, type PcscCard } from '../../drivers/pcsc/pcsc.js';

const CODES: Record<PcscError['code'], EmrtdErrorCode> = {
  'card-removed': 'card-removed',
  timeout: 'timeout',
  'no-card': 'card-removed',
  'no-reader': 'transport',
  'no-service': 'transport',
  transport: 'transport',
  'virtual-reader-refused': 'transport',
};

export function pcscChannel(card: PcscCard, timeoutMs = 5000): CardChannel {
  return {
    async transmit(apdu) {
      try {
        return await card.transmit(apdu, timeoutMs);
      } catch (err) {
        if (err instanceof PcscError) throw new EmrtdError(CODES[err.code], err.message);
        throw err;
      }
    },
  };
}

/** The read as one JSON-able value (`kiosk read --json`). The face image itself is left out. */
export function summariseRead(r: DocumentRead) {
  let dg13: Omit<Dg13, 'fields'> | null = null;
  if (r.dg13) {
    const { fields: _raw, ...named } = r.dg13;
    dg13 = named;
  }
  return {
    documentNumber: r.mrz.documentNumber,
    idNumber: r.dg13?.idNumber ?? (/^\d{12}/.test(r.mrz.optionalData1) ? r.mrz.optionalData1.slice(0, 12) : null),
    fullName: r.dg13?.fullName ?? `${r.mrz.surname} ${r.mrz.givenNames}`.trim(),
    dateOfBirth: r.mrz.dateOfBirth,
    sex: r.mrz.sex,
    expiry: r.mrz.dateOfExpiry,
    mrzChecks: r.mrz.checks,
    accessControl: r.accessControl,
    dg13,
    face: r.face ? { format: r.face.format, bytes: r.face.bytes.length, width: r.face.width, height: r.face.height } : null,
    verification: {
      verified: r.verification.verified,
      validity: r.verification.validity,
      passive: r.verification.passive,
      active: r.verification.active,
      chip: r.verification.chip,
    },
    apdus: r.apdus,
    ms: Math.round(r.ms),
  };
}
