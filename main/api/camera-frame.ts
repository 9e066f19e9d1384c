// Camera frames on the binary channel, UI → core. A frame is only sent in answer to the
// core's `camera.want` event and must be exactly what was asked for: a 16-byte header, then
// the pixels: the camera's own I420 when its frames are the size asked for (a third of
// RGBA's bytes, and no canvas), else RGBA from a canvas that scaled them. The core checks
// every byte count before looking at a pixel.
//
//   0  'KFR1'       magic
//   4  u32 LE       request id (from camera.want)
//   8  u16 LE       width
//  10  u16 LE       height
//  12  u8          format: 1 = RGBA (width × height × 4 bytes), 2 = I420 video range,
//                  3 = I420 full range (Y plane, then U, then V at half width and height)
//  13  3 × u8      zero
//  16  pixels      row-major, top row first

export const FRAME_MAGIC = 'KFR1';
export const FRAME_HEADER_BYTES = 16;
export const FRAME_FORMATS = { 1: 'rgba', 2: 'i420', 3: 'i420-full' } as const;
export type FrameFormat = (typeof FRAME_FORMATS)[keyof typeof FRAME_FORMATS];
const FORMAT_CODE: Record<FrameFormat, number> = { rgba: 1, i420: 2, 'i420-full': 3 };
/** The largest frame the core asks for (and so the largest binary message it accepts). */
export const MAX_FRAME_WIDTH = 1920;
export const MAX_FRAME_HEIGHT = 1080;
export const MAX_FRAME_BYTES = FRAME_HEADER_BYTES + MAX_FRAME_WIDTH * MAX_FRAME_HEIGHT * 4;

/** Bytes of a whole frame message (header and pixels). */
export function frameBytes(width: number, height: number, format: FrameFormat): number {
  const pixels = format === 'rgba' ? width * height * 4 : width * height + 2 * ((width + 1) >> 1) * ((height + 1) >> 1);
  return FRAME_HEADER_BYTES + pixels;
}

/** A frame message with its header written; the caller fills the pixels from offset 16. */
export function newFrameMessage(id: number, width: number, height: number, format: FrameFormat = 'rgba'): Uint8Array {
  const bytes = new Uint8Array(frameBytes(width, height, format));
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < 4; i++) bytes[i] = FRAME_MAGIC.charCodeAt(i);
  view.setUint32(4, id, true);
  view.setUint16(8, width, true);
  view.setUint16(10, height, true);
  bytes[12] = FORMAT_CODE[format];
  return bytes;
}

export type FrameRefusal =
  'not-a-frame' | 'bad-header' | 'not-requested' | 'too-many-frames' | 'wrong-size' | 'wrong-length' | 'unsupported-format';

export interface FrameHeader {
  id: number;
  width: number;
  height: number;
  format: FrameFormat;
}

export type HeaderResult = { ok: true; header: FrameHeader } | { ok: false; refusal: FrameRefusal; message: string };

/** Reads and checks the header alone (cheap: a refused frame's pixels are never touched). */
export function readFrameHeader(bytes: Uint8Array): HeaderResult {
  if (bytes.length < FRAME_HEADER_BYTES)
    return { ok: false, refusal: 'not-a-frame', message: `${bytes.length} bytes is shorter than a frame header` };
  for (let i = 0; i < 4; i++)
    if (bytes[i] !== FRAME_MAGIC.charCodeAt(i)) return { ok: false, refusal: 'not-a-frame', message: 'no frame magic' };
  const format = FRAME_FORMATS[bytes[12] as keyof typeof FRAME_FORMATS] as FrameFormat | undefined;
  if (!format) return { ok: false, refusal: 'unsupported-format', message: `pixel format ${bytes[12]} (1 = RGBA, 2 and 3 = I420)` };
  if (bytes[13] !== 0 || bytes[14] !== 0 || bytes[15] !== 0)
    return { ok: false, refusal: 'bad-header', message: 'reserved header bytes are not zero' };
  const view = new DataView(bytes.buffer, bytes.byteOffset, FRAME_HEADER_BYTES);
  const header = { id: view.getUint32(4, true), width: view.getUint16(8, true), height: view.getUint16(10, true), format };
  if (header.width === 0 || header.height === 0 || header.width > MAX_FRAME_WIDTH || header.height > MAX_FRAME_HEIGHT)
    return { ok: false, refusal: 'wrong-size', message: `${header.width}×${header.height} is not a frame size the kiosk uses` };
  return { ok: true, header };
}
