import { readFileSync } from 'node:fs';
import { BcbpError, CccdQrError, parsePayload } from '../../drivers/barcode/detect.js';
import { CliError, printJson, stringOption, type Command } from '../command.js';

export const barcodeParse: Command = {
  name: 'barcode parse',
  summary: 'say what a scanned payload is (bcbp | cccd-qr | unknown) and print every field',
  help: `
Usage: kiosk barcode parse TEXT [--json]
       kiosk barcode parse --file F [--json]

A parse error names the field and its offset, and exits 1.`,
  options: { file: { type: 'string' } },
  allowPositionals: true,
  async run(ctx) {
    const file = stringOption(ctx, 'file');
    if ((file ? 1 : 0) + ctx.positionals.length !== 1) throw new CliError('give the payload as one argument, or --file F');
    let text: string;
    try {
      text = file ? decodeFile(readFileSync(file)) : ctx.positionals[0]!;
    } catch (err) {
      throw new CliError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    let payload;
    try {
      payload = parsePayload(text);
    } catch (err) {
      if (err instanceof BcbpError || err instanceof CccdQrError) throw new CliError(err.message);
      throw err;
    }
    if (ctx.json) printJson(payload);
    else
      process.stdout.write(
        `${payload.kind}\n${JSON.stringify(payload.kind === 'bcbp' ? payload.pass : payload.kind === 'cccd-qr' ? payload.qr : { length: payload.length }, null, 2)}\n`,
      );
    return 0;
  },
};

/** UTF-8 when the bytes are UTF-8 (CCCD QR), else ISO-8859-1, as the scanner decoder does. */
function decodeFile(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('latin1').decode(bytes);
  }
}
