// Decoding photos and frames into RGB in memory: JPEG and PNG with sharp (libvips), JPEG 2000
// (chip photos often are; sharp's prebuilt libvips cannot read it) with OpenJPEG built to
// WebAssembly (@cornerstonejs/codec-openjpeg). Bad input gets a FaceError, never a crash.
import { createRequire } from 'node:module';
import sharp from 'sharp';
import { FaceError } from './errors.js';
import type { RgbImage } from './image.js';

/** Larger images are refused before decoding (a 4K frame is 8.3 Mpx). */
export const MAX_PIXELS = 40_000_000;

interface OpenJpegModule {
  J2KDecoder: new () => {
    getEncodedBuffer(n: number): Uint8Array;
    decode(): void;
    getFrameInfo(): { width: number; height: number; bitsPerSample: number; componentCount: number; isSigned: boolean };
    getDecodedBuffer(): Uint8Array;
    delete(): void;
  };
}

let openjpeg: Promise<OpenJpegModule> | null = null;
function codec(): Promise<OpenJpegModule> {
  // OpenJPEG's own [INFO] lines would go to stdout: silenced (errors surface as exceptions).
  openjpeg ??= (createRequire(import.meta.url)('@cornerstonejs/codec-openjpeg/wasmjs') as (o: object) => Promise<OpenJpegModule>)({
    print: () => {},
    printErr: () => {},
  });
  return openjpeg;
}

export type ImageFormat = 'jpeg' | 'png' | 'jp2' | 'j2k';

export function sniffFormat(b: Uint8Array): ImageFormat | null {
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  if (b.length >= 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) return 'png';
  if (b.length >= 12 && b[4] === 0x6a && b[5] === 0x50 && b[6] === 0x20 && b[7] === 0x20) return 'jp2';
  if (b.length >= 4 && b[0] === 0xff && b[1] === 0x4f && b[2] === 0xff && b[3] === 0x51) return 'j2k';
  return null;
}

/** The codestream inside a JP2 file (its 'jp2c' box). */
export function jp2Codestream(b: Uint8Array): Uint8Array {
  let at = 0;
  while (at + 8 <= b.length) {
    let len = ((b[at]! << 24) >>> 0) + (b[at + 1]! << 16) + (b[at + 2]! << 8) + b[at + 3]!;
    const type = String.fromCharCode(b[at + 4]!, b[at + 5]!, b[at + 6]!, b[at + 7]!);
    let header = 8;
    if (len === 1) {
      if (at + 16 > b.length) break;
      len = Number(new DataView(b.buffer, b.byteOffset + at + 8, 8).getBigUint64(0));
      header = 16;
    } else if (len === 0) len = b.length - at;
    if (len < header || at + len > b.length) throw new FaceError('bad-image', `JPEG 2000 box "${type}" runs past the end of the file`);
    if (type === 'jp2c') return b.subarray(at + header, at + len);
    at += len;
  }
  throw new FaceError('bad-image', 'JPEG 2000 file without a codestream box');
}

async function decodeJpeg2000(b: Uint8Array): Promise<RgbImage> {
  const cs = sniffFormat(b) === 'jp2' ? jp2Codestream(b) : b;
  const m = await codec();
  const dec = new m.J2KDecoder();
  try {
    dec.getEncodedBuffer(cs.length).set(cs);
    try {
      dec.decode();
    } catch (err) {
      throw new FaceError('bad-image', `JPEG 2000 does not decode: ${String(err).slice(0, 100)}`);
    }
    const f = dec.getFrameInfo();
    if (f.width * f.height > MAX_PIXELS) throw new FaceError('bad-image', `image of ${f.width}×${f.height} pixels is too large`);
    if (f.bitsPerSample > 8 || (f.componentCount !== 1 && f.componentCount !== 3))
      throw new FaceError('bad-image', `JPEG 2000 with ${f.componentCount} components of ${f.bitsPerSample} bits is not a photo we read`);
    const src = dec.getDecodedBuffer();
    const data = new Uint8Array(f.width * f.height * 3);
    if (f.componentCount === 3) data.set(src.subarray(0, data.length));
    else for (let i = 0; i < f.width * f.height; i++) data[i * 3] = data[i * 3 + 1] = data[i * 3 + 2] = src[i]!;
    return { width: f.width, height: f.height, data };
  } finally {
    dec.delete();
  }
}

export async function decodeImage(bytes: Uint8Array): Promise<RgbImage> {
  const format = sniffFormat(bytes);
  if (!format) throw new FaceError('bad-image', 'not a JPEG, PNG or JPEG 2000 image');
  if (format === 'jp2' || format === 'j2k') return decodeJpeg2000(bytes);
  try {
    const { data, info } = await sharp(bytes, { failOn: 'error', limitInputPixels: MAX_PIXELS })
      .rotate()
      .removeAlpha()
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new FaceError('bad-image', `decoded to ${info.channels} channels`);
    return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
  } catch (err) {
    if (err instanceof FaceError) throw err;
    throw new FaceError('bad-image', `${format.toUpperCase()} does not decode: ${(err as Error).message.slice(0, 120)}`);
  }
}
