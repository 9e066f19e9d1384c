// The one thing drivers/emrtd needs from a reader: send a command APDU, get the response.
// drivers/pcsc implements it over PC/SC (T=0 GET RESPONSE / 6Cxx handled there); the
// simulator implements it in process for fast tests.
import { encodeCommand, parseResponse, swHex, type CommandApdu, type ResponseApdu } from './apdu.js';
import { EmrtdError, fail } from '../errors.js';
import { type SecureMessaging } from './secure-messaging.js';

export interface CardChannel {
  transmit(apdu: Uint8Array): Promise<Uint8Array>;
}

/** One conversation with a chip: counts APDUs and applies secure messaging once it is set up. */
export class ChipSession {
  apduCount = 0;
  private secure: SecureMessaging | null = null;

  constructor(
    readonly channel: CardChannel,
    /** Send extended-length APDUs where they help (the card and reader must both support them). */
    readonly extendedLength = false,
  ) {}

  get secureMessaging(): SecureMessaging | null {
    return this.secure;
  }

  startSecureMessaging(sm: SecureMessaging): void {
    this.secure = sm;
  }

  endSecureMessaging(): void {
    this.secure = null;
  }

  /** Sends without secure messaging (before access control, or for PACE's own commands). */
  async plain(cmd: CommandApdu, forceExtended = false): Promise<ResponseApdu> {
    this.apduCount++;
    const raw = await this.channel.transmit(encodeCommand(cmd, forceExtended));
    return parseResponse(raw);
  }

  /** Sends with secure messaging when active. An SM failure ends the SM session and is rethrown. */
  async send(cmd: CommandApdu): Promise<ResponseApdu> {
    const sm = this.secure;
    if (!sm) return this.plain(cmd);
    try {
      const extended = this.extendedLength && (cmd.ne ?? 0) > 231;
      const protectedCmd = sm.protectCommand(cmd, extended);
      const resp = await this.plain(protectedCmd, extended);
      return sm.unprotectResponse(resp);
    } catch (err) {
      if (err instanceof EmrtdError && err.code === 'secure-messaging') this.secure = null;
      throw err;
    }
  }

  /** Sends and requires 9000; anything else is an EmrtdError('card-status') naming `what`. */
  async expectOk(cmd: CommandApdu, what: string): Promise<Uint8Array> {
    const r = await this.send(cmd);
    if (r.sw !== 0x9000) fail('card-status', `${what}: the card answered ${swHex(r.sw)}`, r.sw);
    return r.data;
  }
}
