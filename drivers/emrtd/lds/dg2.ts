// DG2: the face (ICAO Doc 9303 Part 10 §4.7.2; CBEFF wrapping of ISO/IEC 19794-5). We hand
// on the image bytes and their format; decoding the image is the face pipeline's job.
import { concat, u16 } from '../bytes.js';
import { EmrtdError, fail } from '../errors.js';
import { expectTlv, findTlv, readTlvs, tlv } from '../tlv.js';

export type ImageFormat = 'jpeg' | 'jpeg2000';

export interface FaceImage {
  format: ImageFormat;
  width: number;
  height: number;
  bytes: Uint8Array;
}

const u32 = (b: Uint8Array, o: number) => ((b[o]! << 24) >>> 0) + (b[o + 1]! << 16) + (b[o + 2]! << 8) + b[o + 3]!;
const r16 = (b: Uint8Array, o: number) => (b[o]! << 8) | b[o + 1]!;

/** Sniffs the format from the image's own magic bytes (more reliable than the header's type byte). */
export function sniffImageFormat(b: Uint8Array): ImageFormat | null {
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  if (b.length >= 12 && u32(b, 0) === 12 && u32(b, 4) === 0x6a502020) return 'jpeg2000';
  if (b.length >= 4 && b[0] === 0xff && b[1] === 0x4f && b[2] === 0xff && b[3] === 0x51) return 'jpeg2000';
  return null;
}

/** Parses an ISO/IEC 19794-5 (2005) facial record data block: the first face image. */
export function parseFacialRecord(b: Uint8Array): FaceImage {
  if (b.length < 14 || b[0] !== 0x46 || b[1] !== 0x41 || b[2] !== 0x43 || b[3] !== 0)
    fail('malformed-lds', 'DG2 biometric data is not an ISO/IEC 19794-5 facial record ("FAC")');
  const recordLength = u32(b, 8);
  const faces = r16(b, 12);
  if (faces < 1) fail('malformed-lds', 'DG2 facial record holds no face');
  if (recordLength > b.length) fail('malformed-lds', `DG2 facial record says ${recordLength} bytes but holds ${b.length}`);
  let o = 14;
  if (o + 20 > b.length) fail('malformed-lds', 'DG2 facial information cut short');
  const blockLength = u32(b, o);
  const featurePoints = r16(b, o + 4);
  const imageInfo = o + 20 + featurePoints * 8;
  if (blockLength < 32 + featurePoints * 8 || o + blockLength > b.length || imageInfo + 12 > b.length)
    fail('malformed-lds', 'DG2 facial record block lengths do not fit');
  const width = r16(b, imageInfo + 2);
  const height = r16(b, imageInfo + 4);
  o = imageInfo + 12;
  const bytes = b.subarray(o, 14 + blockLength);
  const format = sniffImageFormat(bytes) ?? (b[imageInfo + 1] === 1 ? 'jpeg2000' : b[imageInfo + 1] === 0 ? 'jpeg' : null);
  if (!format) fail('malformed-lds', 'DG2 face image is neither JPEG nor JPEG 2000');
  if (bytes.length === 0) fail('malformed-lds', 'DG2 face image is empty');
  return { format, width, height, bytes };
}

/** DG2 → the first face image of the first biometric information template. */
export function parseDg2(dg2: Uint8Array): FaceImage {
  try {
    const group = expectTlv(dg2, 0x75, 'DG2');
    const bitGroup = findTlv(readTlvs(group.value), 0x7f61);
    if (!bitGroup) fail('malformed-lds', 'DG2 has no biometric information group template (7F61)');
    const bit = findTlv(readTlvs(bitGroup.value), 0x7f60);
    if (!bit) fail('malformed-lds', 'DG2 has no biometric information template (7F60)');
    const inner = readTlvs(bit.value);
    const data = findTlv(inner, 0x5f2e) ?? findTlv(inner, 0x7f2e);
    if (!data) fail('malformed-lds', 'DG2 has no biometric data block (5F2E)');
    return parseFacialRecord(data.value);
  } catch (err) {
    if (err instanceof EmrtdError && err.code === 'malformed-tlv') fail('malformed-lds', `DG2: ${err.message}`);
    throw err;
  }
}

/** Builds a DG2 holding one face image (what a chip, or the simulator, stores). */
export function encodeDg2(image: FaceImage): Uint8Array {
  const imageInfo = Uint8Array.of(0x01, image.format === 'jpeg' ? 0 : 1, ...u16(image.width), ...u16(image.height), 0x01, 0x02, 0, 0, 0, 0);
  const facialInfoLen = 20 + imageInfo.length + image.bytes.length;
  const be32 = (n: number) => Uint8Array.of((n >>> 24) & 0xff, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff);
  const facialInfo = concat(
    be32(facialInfoLen),
    u16(0),
    Uint8Array.of(0, 0, 0),
    Uint8Array.of(0, 0, 0),
    u16(0),
    Uint8Array.of(0, 0, 0),
    Uint8Array.of(0, 0, 0),
  );
  const record = concat(
    Uint8Array.of(0x46, 0x41, 0x43, 0, 0x30, 0x31, 0x30, 0),
    be32(14 + facialInfoLen),
    u16(1),
    facialInfo,
    imageInfo,
    image.bytes,
  );
  const header = tlv(
    0xa1,
    tlv(0x80, Uint8Array.of(1, 1)),
    tlv(0x81, Uint8Array.of(2)),
    tlv(0x87, Uint8Array.of(1, 1)),
    tlv(0x88, Uint8Array.of(0, 8)),
  );
  return tlv(0x75, tlv(0x7f61, tlv(0x02, Uint8Array.of(1)), tlv(0x7f60, header, tlv(0x5f2e, record))));
}
