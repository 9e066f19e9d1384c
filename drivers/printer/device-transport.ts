// A printer behind a device file: /dev/usb/lp0 (the kernel's usblp driver, which passes the
// printer's replies back on read) or a serial tty set up beforehand (stty). The file is
// opened non-blocking, so that a printer that does not answer costs a bounded wait here
// instead of a thread stuck in read(2) for ever; it is closed after every exchange, so an
// unplugged printer is found again under the same name when it comes back.
import { constants, type promises as fsp } from 'node:fs';
import { open } from 'node:fs/promises';
import { failureOf, TransportError, type PrinterTransport } from './transport.js';

const POLL_MS = 20;
const CHUNK = 16 * 1024;

const again = (err: unknown) => ['EAGAIN', 'EWOULDBLOCK'].includes((err as NodeJS.ErrnoException).code ?? '');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class DeviceTransport implements PrinterTransport {
  readonly name: string;

  constructor(private readonly path: string) {
    this.name = `device ${path}`;
  }

  async exchange(bytes: Uint8Array, expect: number, timeoutMs: number): Promise<Uint8Array> {
    const deadline = Date.now() + timeoutMs;
    let file: fsp.FileHandle | null = null;
    try {
      // O_NOCTTY: a serial printer must never become this process's controlling terminal.
      file = await open(this.path, constants.O_RDWR | constants.O_NONBLOCK | constants.O_NOCTTY);
      for (let at = 0; at < bytes.length;) {
        if (Date.now() > deadline) throw new TransportError('timeout', `${this.name}: writing took longer than ${timeoutMs} ms`);
        try {
          const { bytesWritten } = await file.write(bytes, at, Math.min(CHUNK, bytes.length - at));
          at += bytesWritten;
        } catch (err) {
          if (!again(err)) throw err;
          await sleep(POLL_MS);
        }
      }
      const reply = new Uint8Array(expect);
      let got = 0;
      while (got < expect) {
        if (Date.now() > deadline) throw new TransportError('timeout', `${this.name}: no reply within ${timeoutMs} ms`);
        try {
          const { bytesRead } = await file.read(reply, got, expect - got);
          got += bytesRead;
          // End of file: a plain file or a device with nothing to say; wait for more until the deadline.
          if (bytesRead === 0) await sleep(POLL_MS);
        } catch (err) {
          if (!again(err)) throw err;
          await sleep(POLL_MS);
        }
      }
      return reply;
    } catch (err) {
      throw failureOf(err);
    } finally {
      await file?.close().catch(() => {});
    }
  }

  async close(): Promise<void> {}
}
