// The two presentation attacks the simulator's camera can show, as flat pictures to hold up
// in front of it (quad-warp.ts puts them into a frame): a chip photo printed on paper, and the
// same photo on a phone's screen.
import sharp from 'sharp';
import type { RgbaImage } from './quad-warp.js';

async function rgba(img: sharp.Sharp): Promise<RgbaImage> {
  const { data, info } = await img.ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: new Uint8Array(data) };
}

/**
 * An office print of the photo: off-white paper with a margin and two lines of caption, the
 * photo paler and flatter than a face (inkjet on plain paper loses saturation and contrast,
 * and paper has no shading of its own).
 */
export async function printedSheet(photo: Uint8Array): Promise<RgbaImage> {
  const [pw, ph] = [240, 320];
  const printed = await sharp(photo).resize(pw, ph, { fit: 'cover' }).modulate({ saturation: 0.55 }).linear(0.72, 40).png().toBuffer();
  const caption = [0, 1].map((n) => `<rect x="30" y="${365 + n * 18}" width="${n ? 150 : 220}" height="7" fill="#77736c"/>`).join('');
  const paper = `<svg xmlns="http://www.w3.org/2000/svg" width="300" height="420">
  <defs><linearGradient id="sheen" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="#f6f4ee"/><stop offset="1" stop-color="#dedbd2"/></linearGradient></defs>
  <rect width="300" height="420" fill="url(#sheen)"/>${caption}</svg>`;
  return rgba(sharp(Buffer.from(paper)).composite([{ input: printed, left: 30, top: 30 }]));
}

/**
 * A phone showing the photo full-width in a viewer: black bezel with rounded corners, a
 * bright, blue-leaning screen, and its pixel structure (RGB stripes, dark gaps between rows)
 * drawn at twice the size the camera resolves, so that it aliases into moiré in the frame.
 */
export async function phoneShowing(photo: Uint8Array): Promise<RgbaImage> {
  const [w, h, bezel] = [540, 940, 24];
  const [sw, sh] = [w - 2 * bezel, h - 2 * bezel];
  const shown = await sharp(photo)
    .resize(sw, Math.round((sw * 4) / 3), { fit: 'cover' })
    .modulate({ brightness: 1.08 })
    .linear([0.92, 0.98, 1.04], [0, 6, 18])
    .removeAlpha()
    .raw()
    .toBuffer();
  const screen = new Uint8Array(sw * sh * 3).fill(8);
  const top = Math.round((sh - (sw * 4) / 3) / 2);
  screen.set(shown, top * sw * 3);
  for (let y = 0; y < sh; y++)
    for (let x = 0; x < sw; x++) {
      const i = (y * sw + x) * 3;
      // Every third row is the gap between pixel rows; in each column one subpixel is lit.
      const row = y % 3 === 2 ? 0.8 : 1;
      for (let k = 0; k < 3; k++) screen[i + k] = Math.round(screen[i + k]! * row * (x % 3 === k ? 1 : 0.85));
    }
  const body = `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}">
  <rect width="${w}" height="${h}" rx="56" fill="#121316"/>
  <rect x="2" y="2" width="${w - 4}" height="${h - 4}" rx="54" fill="none" stroke="#4a4d55" stroke-width="3"/>
  <rect x="${w / 2 - 40}" y="9" width="80" height="7" rx="3" fill="#2a2c31"/></svg>`;
  return rgba(
    sharp(Buffer.from(body)).composite([
      { input: Buffer.from(screen), raw: { width: sw, height: sh, channels: 3 }, left: bezel, top: bezel },
    ]),
  );
}
