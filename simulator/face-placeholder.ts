// The drawn chip photo used when the real face photos are not fetched (chip-photos.ts): a
// deterministic, face-shaped JPEG of about the size a CCCD chip photo has (~15 KB).
import { createHash } from 'node:crypto';
import sharp from 'sharp';

export async function placeholderFace(
  seed: string,
  width = 360,
  height = 480,
): Promise<{ format: 'jpeg'; width: number; height: number; bytes: Uint8Array }> {
  const h = createHash('sha256').update(seed).digest();
  const skin = `rgb(${180 + (h[0]! % 60)},${140 + (h[1]! % 60)},${110 + (h[2]! % 50)})`;
  const hair = `rgb(${h[3]! % 60},${h[4]! % 50},${h[5]! % 40})`;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <defs><radialGradient id="bg"><stop offset="0" stop-color="#f4f6f8"/><stop offset="1" stop-color="#c9d3dc"/></radialGradient>
    <filter id="n"><feTurbulence type="fractalNoise" baseFrequency="${0.6 + (h[6]! % 30) / 100}" numOctaves="2" seed="${h[7]}"/><feColorMatrix type="saturate" values="0"/><feComponentTransfer><feFuncA type="linear" slope="0.38"/></feComponentTransfer></filter></defs>
    <rect width="100%" height="100%" fill="url(#bg)"/>
    <ellipse cx="${width / 2}" cy="${height * 0.95}" rx="${width * 0.42}" ry="${height * 0.22}" fill="#2d4059"/>
    <ellipse cx="${width / 2}" cy="${height * 0.42}" rx="${width * 0.26}" ry="${height * 0.27}" fill="${skin}"/>
    <path d="M ${width * 0.24} ${height * 0.36} Q ${width / 2} ${height * 0.05} ${width * 0.76} ${height * 0.36} Q ${width / 2} ${height * 0.2} ${width * 0.24} ${height * 0.36}" fill="${hair}"/>
    <ellipse cx="${width * 0.41}" cy="${height * 0.4}" rx="${width * 0.035}" ry="${height * 0.015}" fill="#222"/>
    <ellipse cx="${width * 0.59}" cy="${height * 0.4}" rx="${width * 0.035}" ry="${height * 0.015}" fill="#222"/>
    <path d="M ${width * 0.5} ${height * 0.43} L ${width * 0.47} ${height * 0.5} L ${width * 0.53} ${height * 0.5}" stroke="#8a5a44" fill="none" stroke-width="3"/>
    <path d="M ${width * 0.42} ${height * 0.57} Q ${width / 2} ${height * 0.61} ${width * 0.58} ${height * 0.57}" stroke="#9b3d3d" fill="none" stroke-width="4"/>
    <rect width="100%" height="100%" filter="url(#n)"/>
  </svg>`;
  const bytes = await sharp(Buffer.from(svg)).jpeg({ quality: 75, chromaSubsampling: '4:2:0' }).toBuffer();
  return { format: 'jpeg', width, height, bytes: new Uint8Array(bytes) };
}
