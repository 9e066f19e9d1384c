// Full read of a virtual CCCD (CardAccess, PACE, COM, DG14 + CA, SOD, DG1, DG2 ≈ 15 KB, DG13,
// DG15, PA and AA) through the real stack — pcscd + vpcd + drivers/pcsc + drivers/emrtd — with
// the link's delays, against the link's lower bound: bytes ÷ bit rate + minimum APDUs × turnaround.
// Plus the reader's own software time per APDU, measured in process with no link delay.
import { ChipSession } from '../../drivers/emrtd/protocol/card-channel.js';
import { FileReader, maxShortRead } from '../../drivers/emrtd/protocol/file-reader.js';
import { fileByName } from '../../drivers/emrtd/lds/files.js';
import { performPace } from '../../drivers/emrtd/protocol/pace.js';
import { readDocument } from '../../drivers/emrtd/reader.js';
import type { PaceInfo } from '../../drivers/emrtd/lds/security-infos.js';
import { parseSecurityInfos } from '../../drivers/emrtd/lds/security-infos.js';
import { TrustStore } from '../../drivers/emrtd/cert/trust-store.js';
import { PcscReaders } from '../../drivers/pcsc/pcsc.js';
import { pcscChannel, summariseRead } from '../../main/core/card-reading.js';
import { createVirtualCard, InProcessChannel, type VirtualCard } from '../../simulator/card.js';
import { LINK_PROFILES, type LinkProfile } from '../../simulator/link.js';
import { createTestPki, trustFiles, type TestPki } from '../../simulator/pki.js';
import { VpcdCard } from '../../simulator/vpcd.js';
import { benchPcscd } from './pcsc-stack.js';
import type { BenchRow, Benchmark } from './types.js';

const READS = 3;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** The fewest APDUs a read of these files can take on this link (same protocol steps as ours). */
function minimumApdus(card: VirtualCard, r: ReturnType<typeof summariseRead>, link: LinkProfile): number {
  // 3DES secure messaging after BAC or 3DES PACE (protocol …4.2.1), AES otherwise.
  const sm = r.accessControl.protocol === 'BAC' || r.accessControl.paceProtocol?.endsWith('.1') ? 8 : 16;
  const chunk = link.extendedLength ? link.maxExtendedResponse : maxShortRead(sm as 8 | 16);
  const files = ['COM', 'DG14', 'SOD', 'DG1', 'DG2', 'DG13', 'DG15'].filter((f) => card.chip.files.has(f));
  const fileApdus = files.reduce((n, f) => n + Math.ceil(card.chip.files.get(f)!.length / chunk), 0);
  const cardAccess = 1;
  const access = r.accessControl.protocol === 'PACE' ? 5 + 1 : 1 + 2; // MSE + 4 GA + SELECT app | SELECT app + GET CHALLENGE + MUTUAL AUTH
  const ca = r.verification.chip.supported ? 2 : 0; // the virtual chip's CA is AES: MSE:Set AT + GENERAL AUTHENTICATE
  const aa = r.verification.active.supported ? 1 : 0;
  return cardAccess + access + ca + fileApdus + aa;
}

/**
 * The process's private pcscd (bench/pcsc-stack.ts) for every profile, and the reader in this
 * process, warm (a kiosk runs for days): one warm-up read, then READS measured ones. The readers
 * are not closed (the binding's close can block, drivers/pcsc/pcsc.ts); `kiosk bench` ends the process.
 */
async function pcscStack(): Promise<{ port: number; readers: PcscReaders }> {
  const { port } = await benchPcscd();
  const readers = new PcscReaders({ allowVirtualReaders: true });
  return { port, readers };
}

async function readOverPcscd(
  pki: TestPki,
  trust: TrustStore,
  stack: { port: number; readers: PcscReaders },
  link: LinkProfile,
): Promise<BenchRow[]> {
  const { port, readers } = stack;
  const walls: number[] = [];
  const apdus: number[] = [];
  const bounds: number[] = [];
  let verified = true;
  for (let i = 0; i <= READS; i++) {
    process.stderr.write(`bench: ${link.name} read ${i === 0 ? 'warm-up' : `${i}/${READS}`}\n`);
    const card = await createVirtualCard({ pki, seed: 'bench', index: 0, link });
    const vpcd = await VpcdCard.insert({ port, card, delays: true });
    const info = await readers.waitForCard({ reader: 'Virtual PCD 00 00', timeoutMs: 10_000 });
    const pc = await readers.connect(info.reader);
    const r = await readDocument(pcscChannel(pc), {
      access: [{ kind: 'mrz', key: card.mrzKey }],
      trust,
      extendedLength: pc.extendedLength,
    });
    await pc.disconnect();
    const removed = new Promise((res) => readers.once('card-removed', res));
    vpcd.remove();
    await removed;
    if (i === 0) continue;
    verified &&= r.verification.verified;
    walls.push(r.ms);
    apdus.push(r.apdus);
    bounds.push((vpcd.bytes * 8 * 1000) / link.bitRate + minimumApdus(card, summariseRead(r), link) * link.turnaroundMs);
  }
  const wall = median(walls);
  const bound = median(bounds);
  const name = `chip read, ${link.name}`;
  return [
    {
      bench: name,
      metric: `wall time (median of ${READS}, verified: ${verified})`,
      value: wall,
      unit: 'ms',
      baseline: bound,
      ratio: wall / bound,
      target: '≤ 1.25',
      pass: verified && wall / bound <= 1.25,
    },
    { bench: name, metric: 'APDUs', value: median(apdus), unit: '' },
  ];
}

/** Reader software time: an in-process read with no link delay, minus the chip's own time. */
async function softwareTime(pki: TestPki, trust: TrustStore): Promise<BenchRow[]> {
  const card = await createVirtualCard({ pki, seed: 'bench', index: 0, link: LINK_PROFILES['instant']! });
  const chip = card.chip;
  // Time spent inside the chip is the card's, not the reader's: take it out.
  let chipMs = 0;
  const original = chip.process.bind(chip);
  chip.process = (a) => {
    const t = performance.now();
    const r = original(a);
    chipMs += performance.now() - t;
    return r;
  };
  const totals: number[] = [];
  const perApdu: number[] = [];
  for (let i = 0; i < 5; i++) {
    chipMs = 0;
    const r = await readDocument(new InProcessChannel(card), { access: [{ kind: 'mrz', key: card.mrzKey }], trust, extendedLength: false });
    totals.push(r.ms - chipMs);
    perApdu.push((r.ms - chipMs) / r.apdus);
  }
  // The per-APDU path alone: DG2 read again over an open PACE session (SM + chunking + checks).
  const session = new ChipSession(new InProcessChannel(card));
  const files = new FileReader(session);
  const cardAccess = parseSecurityInfos(await files.read({ fid: 0x011c, sfi: 0x1c, name: 'CardAccess' }));
  await performPace(
    session,
    cardAccess.find((x): x is PaceInfo => x.kind === 'pace')!,
    { kind: 'mrz', key: card.mrzKey },
  );
  await session.expectOk({ cla: 0, ins: 0xa4, p1: 4, p2: 0x0c, data: Uint8Array.of(0xa0, 0, 0, 2, 0x47, 0x10, 1) }, 'select');
  const paths: number[] = [];
  for (let i = 0; i < 20; i++) {
    const fr = new FileReader(session);
    chipMs = 0;
    const before = session.apduCount;
    const t = performance.now();
    const f = fileByName('DG2');
    await fr.read({ fid: f.fid, sfi: f.sfi, name: `DG2-${i}` });
    paths.push((performance.now() - t - chipMs) / (session.apduCount - before));
  }
  return [
    {
      bench: 'chip read, reader software',
      metric: 'whole read incl. PACE/CA/PA/AA crypto (median of 5)',
      value: median(totals),
      unit: 'ms',
    },
    { bench: 'chip read, reader software', metric: 'per APDU, whole read', value: median(perApdu), unit: 'ms' },
    {
      bench: 'chip read, reader software',
      metric: 'per APDU, SM + read path (DG2, median of 20)',
      value: median(paths),
      unit: 'ms',
      target: '< 0.2',
      pass: median(paths) < 0.2,
    },
  ];
}

export const benchmarks: Benchmark[] = [
  {
    name: 'chip-read',
    async run() {
      const pki = await createTestPki();
      const trust = TrustStore.fromFiles(trustFiles(pki)).store;
      const stack = await pcscStack();
      return [
        ...(await readOverPcscd(pki, trust, stack, LINK_PROFILES['contactless-424']!)),
        ...(await readOverPcscd(pki, trust, stack, LINK_PROFILES['contact-extended']!)),
        ...(await softwareTime(pki, trust)),
      ];
    },
  },
];
