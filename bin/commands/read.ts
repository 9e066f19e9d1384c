import { EmrtdError } from '../../drivers/emrtd/errors.js';
import { readDocument, type ReadProgress } from '../../drivers/emrtd/reader.js';
import { TrustStore } from '../../drivers/emrtd/cert/trust-store.js';
import { PcscError, PcscReaders } from '../../drivers/pcsc/pcsc.js';
import { accessFromCan, accessFromMrz, accessFromQr } from '../../main/core/access-keys.js';
import { pcscChannel, summariseRead } from '../../main/core/card-reading.js';
import { loadTrustFolder } from '../../main/core/trust-folder.js';
import { CliError, EXIT_NOT_VERIFIED, intOption, printJson, stringOption, type Command } from '../command.js';

function progressPrinter(json: boolean): (e: ReadProgress) => void {
  let last = '';
  return (e) => {
    if (e.step === 'file' && e.read < e.total) return;
    const line =
      e.step === 'access' ? `opening the chip with ${e.protocol}` : e.step === 'verify' ? 'verifying' : `read ${e.file} (${e.total} bytes)`;
    if (line === last || (json && e.step === 'file')) return;
    last = line;
    process.stderr.write(`${line}\n`);
  };
}

export const read: Command = {
  name: 'read',
  summary: 'wait for a chip ID card, read it, verify it, print the identity',
  help: `
Usage: kiosk read [--reader NAME] (--mrz DOC,YYMMDD,YYMMDD | --can NNNNNN | --qr TEXT)
                  [--trust DIR] [--wait SECONDS] [--json]

  --reader NAME  use this reader (a prefix is enough); default: the first card presented
  --mrz D,B,E    document number, birth date and expiry as in the MRZ (CCCD: the document
                 number is the last 9 digits of the 12-digit ID number)
  --can N        the 6-digit card access number (CCCD: last 6 digits of the ID number)
  --qr TEXT      the text of the card's front QR code (gives the CAN, and MRZ candidates)
  --trust DIR    folder of CSCA certificates and CRLs (PEM or DER)
  --wait S       seconds to wait for a card (default 30)
  --json         print one JSON object

Exit status: 0 read and verified, 2 read but not verified, 1 error (no card, wrong key…).
In simulator mode (--simulator) virtual readers are accepted; otherwise they are refused.`,
  options: {
    reader: { type: 'string' },
    mrz: { type: 'string' },
    can: { type: 'string' },
    qr: { type: 'string' },
    trust: { type: 'string' },
    wait: { type: 'string' },
  },
  async run(ctx) {
    const given = ['mrz', 'can', 'qr'].filter((k) => stringOption(ctx, k) !== undefined);
    if (given.length !== 1) throw new CliError('give exactly one of --mrz, --can or --qr (see: kiosk read --help)');
    let access;
    try {
      access =
        given[0] === 'mrz'
          ? accessFromMrz(stringOption(ctx, 'mrz')!)
          : given[0] === 'can'
            ? accessFromCan(stringOption(ctx, 'can')!)
            : accessFromQr(stringOption(ctx, 'qr')!);
    } catch (err) {
      throw new CliError((err as Error).message);
    }
    const trustDir = stringOption(ctx, 'trust');
    let trust = TrustStore.empty();
    if (trustDir) {
      try {
        const loaded = loadTrustFolder(trustDir);
        trust = loaded.store;
        for (const s of loaded.skipped) process.stderr.write(`trust folder: skipped ${s.name}: ${s.reason}\n`);
        if (trust.cscas.length === 0) process.stderr.write(`trust folder ${trustDir} holds no CSCA certificate\n`);
      } catch (err) {
        throw new CliError((err as Error).message);
      }
    } else process.stderr.write('no --trust folder: the document can at best be "signature valid, CSCA unknown"\n');

    const waitS = intOption(ctx, 'wait', 30, 1, 3600);
    const readers = new PcscReaders({ allowVirtualReaders: ctx.simulator });
    const serviceDown = new Promise<never>((_, reject) =>
      readers.on('error', (e: PcscError) => {
        if (e.code === 'virtual-reader-refused') process.stderr.write(`${e.message}\n`);
        else if (e.code === 'no-service') reject(new CliError(`cannot reach pcscd (${e.message}); start it with: systemctl start pcscd`));
      }),
    );
    try {
      if (!ctx.json) process.stderr.write(`waiting up to ${waitS} s for a card…\n`);
      const reader = stringOption(ctx, 'reader');
      const info = await Promise.race([readers.waitForCard({ ...(reader ? { reader } : {}), timeoutMs: waitS * 1000 }), serviceDown]);
      const card = await readers.connect(info.reader);
      try {
        const result = await readDocument(pcscChannel(card), {
          access,
          trust,
          extendedLength: card.extendedLength,
          onProgress: progressPrinter(ctx.json),
        });
        const summary = summariseRead(result);
        if (ctx.json) printJson({ reader: info.reader, ...summary });
        else printHuman(info.reader, summary);
        return summary.verification.verified ? 0 : EXIT_NOT_VERIFIED;
      } finally {
        await card.disconnect();
      }
    } catch (err) {
      if (err instanceof EmrtdError) throw new CliError(`${err.code}: ${err.message}`);
      if (err instanceof PcscError) throw new CliError(err.message);
      throw err;
    }
    // Readers are not closed: the pcsclite binding's close() can block on its status thread.
    // The command line ends the process instead (bin/cli.ts).
  },
};

function printHuman(reader: string, s: ReturnType<typeof summariseRead>): void {
  const v = s.verification;
  const check = (c: { status: string; reason?: string }) => `${c.status}${c.reason ? ` (${c.reason})` : ''}`;
  const lines = [
    `Reader:           ${reader}`,
    `Name:             ${s.fullName}`,
    `ID number:        ${s.idNumber ?? '—'}`,
    `Document number:  ${s.documentNumber}`,
    `Date of birth:    ${s.dg13?.dateOfBirth ?? s.dateOfBirth}`,
    `Sex:              ${s.dg13?.sex ?? s.sex}`,
    `Expiry:           ${s.dg13?.expiryDate ?? s.expiry}`,
    ...(s.dg13?.placeOfResidence ? [`Residence:        ${s.dg13.placeOfResidence}`] : []),
    `Face:             ${s.face ? `${s.face.format}, ${s.face.bytes} bytes, ${s.face.width}×${s.face.height}` : 'none'}`,
    `Access control:   ${s.accessControl.protocol} (${s.accessControl.password === 'can' ? 'CAN' : 'MRZ'})`,
    `Passive auth:     ${v.passive.verdict}`,
    ...Object.entries(v.passive.checks).map(([k, c]) => `  ${k.padEnd(24)}${check(c)}`),
    `Active auth:      ${check(v.active)}`,
    `Chip auth:        ${check(v.chip)}`,
    `Card validity:    ${check(v.validity)}`,
    `Result:           ${v.verified ? 'VERIFIED' : 'NOT VERIFIED'}`,
    `APDUs ${s.apdus}, ${s.ms} ms`,
  ];
  process.stdout.write(lines.join('\n') + '\n');
}
