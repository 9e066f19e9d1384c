// How a kiosk:// request maps to a file of the built renderer, as a pure function so tests
// can throw malformed and hostile paths at it without an Electron binary. app.ts serves what
// it returns.
import { join, normalize, sep } from 'node:path';

export type AppPathResolution = { file: string } | { status: 400 | 404; reason: string };

/**
 * The file under `rendererDir` that `url` names, or why it is refused: 400 for a path that
 * cannot be a file name (a malformed `%` escape, a NUL, a backslash), 404 for another host
 * or anything that would leave `rendererDir`. Never throws.
 */
export function resolveAppPath(url: string, rendererDir: string): AppPathResolution {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { status: 400, reason: 'not a URL' };
  }
  if (parsed.host !== 'app') return { status: 404, reason: `no host ${parsed.host}` };
  let path: string;
  try {
    path = decodeURIComponent(parsed.pathname);
  } catch {
    return { status: 400, reason: 'malformed percent-encoding' };
  }
  if (path.includes('\0')) return { status: 400, reason: 'NUL in path' };
  if (path.includes('\\')) return { status: 400, reason: 'backslash in path' };
  if (path === '/') path = '/index.html';
  const root = normalize(rendererDir).replace(/[\\/]+$/, '');
  const file = normalize(join(root, path));
  if (!file.startsWith(root + sep) || file.endsWith(sep)) return { status: 404, reason: 'outside the renderer' };
  return { file };
}
