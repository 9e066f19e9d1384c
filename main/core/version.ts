import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

const PackageJson = z.object({ name: z.literal('cccd-kiosk'), version: z.string() });

/** Our package.json, found upward from this file (sources and bundled builds sit at different depths). */
function readOwnPackage(): z.infer<typeof PackageJson> {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate)) {
      const parsed = PackageJson.safeParse(JSON.parse(readFileSync(candidate, 'utf8')));
      if (parsed.success) return parsed.data;
    }
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the cccd-kiosk package.json');
    dir = up;
  }
}

export const appPackage = readOwnPackage();
