// The kiosk:// scheme's path resolution (main/shell/kiosk-protocol.ts): malformed and hostile
// paths are answered, never thrown, and nothing outside the renderer folder is ever named.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveAppPath } from '../kiosk-protocol.js';

const dir = '/opt/kiosk/dist/renderer';

describe('resolveAppPath', () => {
  it('maps our pages to files in the renderer folder', () => {
    expect(resolveAppPath('kiosk://app/index.html', dir)).toEqual({ file: join(dir, 'index.html') });
    expect(resolveAppPath('kiosk://app/app.js?x=1#y', dir)).toEqual({ file: join(dir, 'app.js') });
    expect(resolveAppPath('kiosk://app/', dir)).toEqual({ file: join(dir, 'index.html') });
    expect(resolveAppPath('kiosk://app/a%20b.css', dir)).toEqual({ file: join(dir, 'a b.css') });
  });

  it('answers a malformed % escape with 400 instead of throwing', () => {
    for (const p of ['/%', '/%E0%A4%A', '/%zz', '/app.js%']) {
      expect(() => resolveAppPath(`kiosk://app${p}`, dir)).not.toThrow();
      expect(resolveAppPath(`kiosk://app${p}`, dir)).toMatchObject({ status: 400 });
    }
  });

  it('refuses NUL and backslashes', () => {
    expect(resolveAppPath('kiosk://app/index.html%00.js', dir)).toMatchObject({ status: 400 });
    expect(resolveAppPath('kiosk://app/..%5C..%5Cetc%5Cpasswd', dir)).toMatchObject({ status: 400 });
    expect(resolveAppPath('kiosk://app/sub%5Capp.js', dir)).toMatchObject({ status: 400 });
  });

  it('never names a file outside the renderer folder', () => {
    const hostile = [
      'kiosk://app/../../etc/passwd',
      'kiosk://app/%2e%2e/%2e%2e/etc/passwd',
      'kiosk://app/%2E%2E/secret',
      'kiosk://app/..%2f..%2fetc%2fpasswd',
      'kiosk://app/%2e%2e%2f%2e%2e%2fetc%2fpasswd',
      'kiosk://app/x/..%2f..%2f..%2frenderer-evil/app.js',
      'kiosk://app/%2e%2e',
      'kiosk://app/..%2frenderer2%2fapp.js',
    ];
    for (const url of hostile) {
      const r = resolveAppPath(url, dir);
      if ('file' in r) expect(r.file.startsWith(dir + '/')).toBe(true);
      else expect(r.status).toBe(404);
    }
    expect(resolveAppPath('kiosk://app/..%2f..%2fetc%2fpasswd', dir)).toMatchObject({ status: 404 });
    expect(resolveAppPath('kiosk://app/..%2frenderer2%2fapp.js', dir)).toMatchObject({ status: 404 });
  });

  it('serves only the app host', () => {
    expect(resolveAppPath('kiosk://other/index.html', dir)).toMatchObject({ status: 404 });
    expect(resolveAppPath('kiosk://app.evil/index.html', dir)).toMatchObject({ status: 404 });
  });
});
