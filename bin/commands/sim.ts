import { mkdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createLogger } from '../../main/core/logger.js';
import { FAULTS, createVirtualCard, isFault, type Fault } from '../../simulator/card.js';
import { makeCitizens } from '../../simulator/citizens.js';
import { CAMERA_SUBJECTS, isCameraSubject, subjectFrames, toY4m } from '../../simulator/camera-clip.js';
import { citizenFace } from '../../simulator/chip-photos.js';
import { LINK_PROFILES, linkProfile } from '../../simulator/link.js';
import { loadOrCreateTestPki } from '../../simulator/pki.js';
import { VPCD_DEFAULT_PORT, VpcdCard } from '../../simulator/vpcd.js';
import { CliError, intOption, printJson, stringOption, type Command } from '../command.js';

export const DEFAULT_SIM_PKI = join(homedir(), '.cache', 'cccd-kiosk', 'sim-pki');

export const simCitizens: Command = {
  name: 'sim citizens',
  summary: 'print deterministic synthetic citizens (ID numbers, MRZ, QR, DG13)',
  help: `
Usage: kiosk sim citizens [--count N] [--seed S] [--out DIR] [--json]

  --count N   how many (default 10)
  --seed S    the same seed gives the same citizens on any machine (default "cccd")
  --out DIR   also write DIR/citizens.json and each chip photo as DIR/face-<index>.jpg
  --json      print the array; each item has idNumber, documentNumber, dateOfBirth and
              expiry (YYMMDD as in the MRZ), mrz (the three TD1 lines), qr, can, dg13…`,
  options: { count: { type: 'string' }, seed: { type: 'string' }, out: { type: 'string' } },
  async run(ctx) {
    const count = intOption(ctx, 'count', 10, 1, 100_000);
    const seed = stringOption(ctx, 'seed') ?? 'cccd';
    const citizens = makeCitizens(seed, count);
    const out = stringOption(ctx, 'out');
    if (out) {
      mkdirSync(out, { recursive: true });
      writeFileSync(join(out, 'citizens.json'), JSON.stringify(citizens, null, 2));
      let placeholders = 0;
      for (const c of citizens) {
        const face = await citizenFace(seed, c.index);
        if (face.source === 'placeholder') placeholders++;
        writeFileSync(join(out, `face-${c.index}.jpg`), face.bytes);
      }
      process.stderr.write(`wrote ${count} citizens to ${out}\n`);
      if (placeholders)
        process.stderr.write(
          `the chip photos are drawn placeholders: the face photos are not fetched (node models/fetch-test-photos.mjs fetches them)\n`,
        );
    }
    if (ctx.json) printJson(citizens);
    else
      for (const c of citizens)
        process.stdout.write(
          `${String(c.index).padStart(4)}  ${c.idNumber}  ${c.fullName.padEnd(26)} born ${c.birthDate}  expires ${c.expiryDate}  MRZ key ${c.documentNumber},${c.dateOfBirth},${c.expiry}\n`,
        );
    return 0;
  },
};

export const simChip: Command = {
  name: 'sim chip',
  summary: 'serve a synthetic citizen as a virtual card in a vpcd reader slot',
  help: `
Usage: kiosk sim chip [--port ${VPCD_DEFAULT_PORT}] [--seed S] [--index I] [--fault NAME[,NAME]]
                      [--link PROFILE] [--pki DIR] [--no-pace] [--no-bac] [--remove-after N]

Connects citizen I of \`kiosk sim citizens --seed S\` to pcscd's vpcd driver (Debian package
vsmartcard-vpcd) on 127.0.0.1:PORT, where it appears as reader "Virtual PCD 00 00" (PORT+1 is
"Virtual PCD 00 01"), until stopped with Ctrl+C. Each APDU exchange is logged at debug level
(KIOSK_LOG_LEVEL=debug).

  --fault NAME      ${FAULTS.join(', ')}
  --link PROFILE    ${Object.keys(LINK_PROFILES).join(', ')} (default contactless-424)
  --pki DIR         the test PKI (made on first use); its trust folder is DIR/trust
                    (default ${DEFAULT_SIM_PKI})
  --remove-after N  with --fault removed: leave the reader after N APDUs (default 12)

For test benches only: vpcd listens on all network interfaces. Never run the simulator on a
kiosk in service.`,
  options: {
    port: { type: 'string' },
    seed: { type: 'string' },
    index: { type: 'string' },
    fault: { type: 'string' },
    link: { type: 'string' },
    pki: { type: 'string' },
    'no-pace': { type: 'boolean' },
    'no-bac': { type: 'boolean' },
    'remove-after': { type: 'string' },
  },
  async run(ctx) {
    process.env['KIOSK_SIMULATOR'] = '1';
    const log = createLogger('sim-chip');
    const port = intOption(ctx, 'port', VPCD_DEFAULT_PORT, 1, 65534);
    const seed = stringOption(ctx, 'seed') ?? 'cccd';
    const index = intOption(ctx, 'index', 0, 0, 1_000_000);
    const faults = (stringOption(ctx, 'fault') ?? '').split(',').filter(Boolean);
    const bad = faults.filter((f) => !isFault(f));
    if (bad.length) throw new CliError(`unknown fault ${bad.join(', ')} (known: ${FAULTS.join(', ')})`);
    let link;
    try {
      link = linkProfile(stringOption(ctx, 'link') ?? 'contactless-424');
    } catch (err) {
      throw new CliError((err as Error).message);
    }
    const pkiDir = stringOption(ctx, 'pki') ?? DEFAULT_SIM_PKI;
    const pki = await loadOrCreateTestPki(pkiDir);
    const card = await createVirtualCard({
      pki,
      seed,
      index,
      faults: faults as Fault[],
      link,
      removeAfter: intOption(ctx, 'remove-after', 12, 1, 100_000),
      ...(ctx.values['no-pace'] ? { pace: false } : {}),
      ...(ctx.values['no-bac'] ? { bac: false } : {}),
    });
    const c = card.citizen;
    process.stderr.write(
      `virtual card: ${c.fullName} (${c.idNumber}), link ${link.name}${faults.length ? `, faults ${faults.join(',')}` : ''}\n` +
        `  MRZ key ${card.mrzKey.documentNumber},${card.mrzKey.dateOfBirth},${card.mrzKey.dateOfExpiry}   CAN ${c.can}\n` +
        `  trust folder ${join(pkiDir, 'trust')}\n`,
    );
    let stop = false;
    let current: VpcdCard | null = null;
    const onSignal = () => {
      stop = true;
      current?.remove();
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    while (!stop) {
      try {
        current = await VpcdCard.insert({ port, card, delays: true, connectTimeoutMs: 2000, log: (line) => log.debug(line) });
        process.stderr.write(`in the vpcd slot on port ${port}\n`);
        await current.done;
        if (!stop) process.stderr.write('vpcd closed the connection; reconnecting…\n');
      } catch (err) {
        if (!stop) {
          process.stderr.write(`${(err as Error).message}; retrying…\n`);
          await sleep(1000);
        }
      }
    }
    return 0;
  },
};

const CLIP_FPS = 15;

export const simCamera: Command = {
  name: 'sim camera',
  summary: 'write a camera clip (Y4M) of a citizen, someone else, nobody, or a photo attack for a fake camera',
  help: `
Usage: kiosk sim camera --subject SUBJECT --out FILE.y4m [--citizen I] [--seed S] [--frames N] [--json]

Writes a ${CLIP_FPS} fps 640x480 clip of what stands in front of the kiosk camera, for Chromium's
fake camera (which loops it):
  chromium --use-fake-device-for-media-stream --use-file-for-fake-video-capture=FILE.y4m

  --subject SUBJECT  ${CAMERA_SUBJECTS.join(', ')}:
                     holder  the holder of \`kiosk sim chip --index I --seed S\` (matches its chip photo)
                     other   a different person
                     nobody  an empty room
                     two     the holder and another person side by side
                     print   the holder's chip photo printed on paper, held up
                     screen  the holder's chip photo on a phone, held up
  --citizen I        the citizen's index, as --index of \`kiosk sim chip\` (default 0)
  --seed S           as --seed of \`kiosk sim chip\` (default "cccd")
  --frames N         how many frames (default 30: two seconds, looped by Chromium)
  --out FILE         where to write the clip (about 460 KB a frame)
  --json             print {file, subject, citizen, seed, frames, width, height, fps}

Every subject but nobody needs the face photos (node models/fetch-test-photos.mjs fetches them).`,
  options: {
    subject: { type: 'string' },
    citizen: { type: 'string' },
    seed: { type: 'string' },
    frames: { type: 'string' },
    out: { type: 'string' },
  },
  async run(ctx) {
    const subject = stringOption(ctx, 'subject');
    if (!subject) throw new CliError(`--subject is required (one of ${CAMERA_SUBJECTS.join(', ')})`);
    if (!isCameraSubject(subject)) throw new CliError(`unknown subject "${subject}" (known: ${CAMERA_SUBJECTS.join(', ')})`);
    const out = stringOption(ctx, 'out');
    if (!out) throw new CliError('--out FILE is required: where to write the clip');
    const citizen = intOption(ctx, 'citizen', 0, 0, 1_000_000);
    const seed = stringOption(ctx, 'seed') ?? 'cccd';
    const count = intOption(ctx, 'frames', 30, 1, 900);
    const frames = await subjectFrames(subject, { seed, citizen, count });
    if (!frames)
      throw new CliError(
        `the "${subject}" clip is made from the face photos, which are not fetched: node models/fetch-test-photos.mjs fetches them`,
      );
    const file = resolve(out);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, toY4m(frames, CLIP_FPS));
    const { width, height } = frames[0]!;
    // Quoted for the shell only when it needs it, so the usual line stays copyable as is.
    const arg = /^[\w./:@%+=,-]+$/.test(file) ? file : `'${file.replaceAll("'", `'\\''`)}'`;
    if (ctx.json) printJson({ file, subject, citizen, seed, frames: frames.length, width, height, fps: CLIP_FPS });
    else
      process.stdout.write(
        `wrote ${frames.length} frames (${width}x${height}, ${CLIP_FPS} fps) of "${subject}" for citizen ${citizen} of seed "${seed}" to ${file}\n` +
          `use it as the camera of Debian's Chromium (it loops the clip):\n` +
          `  chromium --use-fake-device-for-media-stream --use-file-for-fake-video-capture=${arg}\n`,
      );
    return 0;
  },
};
