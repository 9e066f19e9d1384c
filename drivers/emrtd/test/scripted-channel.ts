// A CardChannel that plays a recorded exchange: each command must match, byte for byte.
import { hex } from '../bytes.js';
import type { CardChannel } from '../protocol/card-channel.js';

export class ScriptedChannel implements CardChannel {
  private step = 0;
  constructor(private readonly script: { command: Uint8Array | ((c: Uint8Array) => boolean); response: Uint8Array }[]) {}

  async transmit(apdu: Uint8Array): Promise<Uint8Array> {
    const s = this.script[this.step++];
    if (!s) throw new Error(`unexpected extra command ${hex(apdu)}`);
    if (typeof s.command === 'function' ? !s.command(apdu) : hex(s.command) !== hex(apdu)) {
      throw new Error(
        `command ${this.step} differs:\n  got      ${hex(apdu)}\n  expected ${typeof s.command === 'function' ? '(predicate)' : hex(s.command)}`,
      );
    }
    return s.response;
  }

  get done(): boolean {
    return this.step === this.script.length;
  }
}
