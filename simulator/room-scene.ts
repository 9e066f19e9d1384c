// The room a kiosk camera looks into when nobody stands in front of it: a wall with a light
// gradient, a door, a notice board, a picture, a floor. Drawn once a little larger than the
// frame, so frames can drift across it; each frame also gets its own exposure and sensor
// noise, as a real camera's frames never repeat exactly.
import sharp from 'sharp';
import type { RawFrame } from './live-frames.js';

export const FRAME_W = 640;
export const FRAME_H = 480;
/** How far (in pixels) the view can drift from the centre of the drawn room. */
const DRIFT = 12;

export interface Room {
  /** The frame-sized view of the room for frame `i`, before the sensor (see `expose`). */
  view(i: number): RawFrame;
}

/** A room whose colours and furniture come from `rand` (a deterministic generator). */
export async function drawRoom(rand: () => number): Promise<Room> {
  const w = FRAME_W + 2 * DRIFT;
  const h = FRAME_H + 2 * DRIFT;
  const hue = Math.floor(rand() * 360);
  const wallTop = `hsl(${hue},${18 + rand() * 20}%,${68 + rand() * 10}%)`;
  const wallBottom = `hsl(${hue},${14 + rand() * 15}%,${48 + rand() * 10}%)`;
  const floor = `hsl(${(hue + 180) % 360},${10 + rand() * 15}%,${30 + rand() * 12}%)`;
  const floorY = Math.round(h * (0.72 + rand() * 0.08));
  const doorX = Math.round(w * (rand() < 0.5 ? 0.06 : 0.7));
  const boardX = doorX < w / 2 ? Math.round(w * 0.42) : Math.round(w * 0.12);
  const notes = Array.from({ length: 5 }, (_, n) => {
    const x = boardX + 10 + n * 34 + rand() * 6;
    const y = 95 + (n % 2) * 45 + rand() * 10;
    return `<rect x="${x}" y="${y}" width="28" height="36" fill="hsl(${Math.floor(rand() * 360)},50%,85%)" transform="rotate(${rand() * 10 - 5} ${x} ${y})"/>`;
  }).join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}">
  <defs>
    <linearGradient id="wall" x1="0" y1="0" x2="${rand() * 0.6}" y2="1"><stop offset="0" stop-color="${wallTop}"/><stop offset="1" stop-color="${wallBottom}"/></linearGradient>
    <radialGradient id="lamp" cx="${0.2 + rand() * 0.6}" cy="0" r="0.8"><stop offset="0" stop-color="#fff" stop-opacity="0.35"/><stop offset="1" stop-color="#fff" stop-opacity="0"/></radialGradient>
    <filter id="grain"><feTurbulence type="fractalNoise" baseFrequency="0.9" numOctaves="2" seed="${Math.floor(rand() * 1000)}"/><feColorMatrix type="saturate" values="0"/><feComponentTransfer><feFuncA type="linear" slope="0.12"/></feComponentTransfer></filter>
  </defs>
  <rect width="${w}" height="${h}" fill="url(#wall)"/>
  <rect width="${w}" height="${h}" fill="url(#lamp)"/>
  <rect x="${doorX}" y="${Math.round(h * 0.12)}" width="150" height="${floorY - Math.round(h * 0.12)}" fill="#8b6a4c" stroke="#5a4330" stroke-width="6"/>
  <rect x="${doorX + 18}" y="${Math.round(h * 0.18)}" width="114" height="120" fill="none" stroke="#6f5239" stroke-width="3"/>
  <rect x="${doorX + 122}" y="${Math.round(h * 0.48)}" width="14" height="6" rx="3" fill="#d8d2c4"/>
  <rect x="${boardX}" y="80" width="190" height="120" fill="#b8905f" stroke="#6d5235" stroke-width="5"/>
  ${notes}
  <rect x="${boardX + 30}" y="${floorY - 120}" width="120" height="80" fill="#e9e4d8" stroke="#333" stroke-width="4"/>
  <path d="M ${boardX + 36} ${floorY - 46} L ${boardX + 80} ${floorY - 100} L ${boardX + 110} ${floorY - 70} L ${boardX + 144} ${floorY - 46} Z" fill="#5f7f5a"/>
  <rect x="0" y="${floorY}" width="${w}" height="${h - floorY}" fill="${floor}"/>
  <rect x="0" y="${floorY - 8}" width="${w}" height="8" fill="#efece4"/>
  <rect width="${w}" height="${h}" filter="url(#grain)"/>
</svg>`;
  const data = new Uint8Array(await sharp(Buffer.from(svg)).removeAlpha().raw().toBuffer());
  // A slow sway, as a camera on a stand that is touched now and then (whole pixels), and a
  // patch of window light drifting along the wall, so that no two views are the same.
  const phase = rand() * Math.PI * 2;
  const sun = rand() * FRAME_W;
  return {
    view(i) {
      const ox = DRIFT + Math.round(3 * Math.sin(phase + i * 0.31));
      const oy = DRIFT + Math.round(2 * Math.cos(phase + i * 0.23));
      const patch = ((sun + i * 16) % (FRAME_W + 300)) - 150;
      const light = Array.from({ length: FRAME_W }, (_, x) => 1 + 0.12 * Math.exp(-((x - patch) ** 2) / (2 * 90 ** 2)));
      const out = new Uint8Array(FRAME_W * FRAME_H * 3);
      for (let y = 0; y < FRAME_H; y++) {
        const from = ((y + oy) * w + ox) * 3;
        for (let x = 0; x < FRAME_W; x++)
          for (let k = 0; k < 3; k++) out[(y * FRAME_W + x) * 3 + k] = Math.min(255, Math.round(data[from + x * 3 + k]! * light[x]!));
      }
      return { width: FRAME_W, height: FRAME_H, channels: 3, data: out };
    },
  };
}

/**
 * What the sensor makes of a view (in place): the auto-exposure's gain for frame `i`, which
 * wanders a few percent, and noise of a few levels.
 */
export function expose(frame: RawFrame, i: number, rand: () => number, noise = 3): RawFrame {
  const gain = 1 + 0.04 * Math.sin(i * 0.45) + 0.02 * Math.sin(i * 1.3 + 1);
  const d = frame.data;
  for (let p = 0; p < d.length; p++) {
    const v = d[p]! * gain + (rand() + rand() - 1) * noise;
    d[p] = v < 0 ? 0 : v > 255 ? 255 : Math.round(v);
  }
  return frame;
}
