// The Electron shell cannot run here (no Electron binary can be downloaded), so its
// security policy is asserted on the functions app.ts wires in.
import { describe, expect, it, vi } from 'vitest';
import {
  APP_CSP,
  APP_ENTRY,
  allowPermissionCheck,
  allowPermissionRequest,
  blocksNavigation,
  denyWindowOpen,
  hardenWebContents,
  isTrustedSender,
  kioskWindowOptions,
} from '../security.js';

describe('kiosk window options', () => {
  const opts = kioskWindowOptions('/app/preload.cjs', true);
  it('isolates the page from Node and Electron', () => {
    expect(opts.webPreferences).toMatchObject({
      preload: '/app/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
    });
  });
  it('runs full-screen kiosk in service, with dev tools only off service', () => {
    expect(opts.kiosk).toBe(true);
    expect(opts.webPreferences?.devTools).toBe(false);
    expect(kioskWindowOptions('/p', false).webPreferences?.devTools).toBe(true);
  });
});

describe('content security policy', () => {
  it('allows only our own scripts and styles, no inline code, no network', () => {
    expect(APP_CSP).toContain("default-src 'none'");
    expect(APP_CSP).toContain("script-src 'self'");
    expect(APP_CSP).toContain("connect-src 'none'");
    expect(APP_CSP).toContain("object-src 'none'");
    expect(APP_CSP).not.toMatch(/unsafe-(inline|eval)|\*/);
  });
});

describe('permissions', () => {
  it('grants the camera to our page only', () => {
    expect(allowPermissionRequest('media', { requestingUrl: APP_ENTRY, mediaTypes: ['video'] })).toBe(true);
    expect(allowPermissionRequest('media', { requestingUrl: APP_ENTRY, mediaTypes: ['video', 'audio'] })).toBe(false);
    expect(allowPermissionRequest('media', { requestingUrl: APP_ENTRY, mediaTypes: ['audio'] })).toBe(false);
    expect(allowPermissionRequest('media', { requestingUrl: APP_ENTRY, mediaTypes: [] })).toBe(false);
    expect(allowPermissionRequest('media', { requestingUrl: 'https://evil.example/', mediaTypes: ['video'] })).toBe(false);
    for (const p of ['geolocation', 'notifications', 'clipboard-read', 'hid', 'serial', 'usb', 'openExternal', 'fullscreen']) {
      expect(allowPermissionRequest(p, { requestingUrl: APP_ENTRY, mediaTypes: ['video'] })).toBe(false);
    }
    expect(allowPermissionCheck('media', 'kiosk://app', { mediaType: 'video' })).toBe(true);
    expect(allowPermissionCheck('media', 'kiosk://app', { mediaType: 'audio' })).toBe(false);
    expect(allowPermissionCheck('media', 'file://', { mediaType: 'video' })).toBe(false);
    expect(allowPermissionCheck('geolocation', 'kiosk://app', {})).toBe(false);
  });
});

describe('navigation and windows', () => {
  it('blocks navigation away from the app and every new window', () => {
    expect(blocksNavigation('kiosk://app/index.html')).toBe(false);
    expect(blocksNavigation('https://example.com/')).toBe(true);
    expect(blocksNavigation('file:///etc/passwd')).toBe(true);
    expect(blocksNavigation('kiosk://other/index.html')).toBe(true);
    expect(blocksNavigation('not a url')).toBe(true);
    expect(denyWindowOpen({ url: APP_ENTRY } as Parameters<typeof denyWindowOpen>[0])).toEqual({ action: 'deny' });
  });
});

describe('IPC sender checks', () => {
  it('trusts only our page in its main frame', () => {
    expect(isTrustedSender({ url: APP_ENTRY, parent: null })).toBe(true);
    expect(isTrustedSender({ url: 'https://evil.example/', parent: null })).toBe(false);
    expect(isTrustedSender({ url: APP_ENTRY, parent: {} as never })).toBe(false);
    expect(isTrustedSender(null)).toBe(false);
  });
});

describe('hardenWebContents', () => {
  it('wires every handler onto the webContents and its session', () => {
    const on = vi.fn();
    const contents = {
      setWindowOpenHandler: vi.fn(),
      on,
      session: { setPermissionRequestHandler: vi.fn(), setPermissionCheckHandler: vi.fn() },
    };
    hardenWebContents(contents as never);
    expect(contents.setWindowOpenHandler).toHaveBeenCalledWith(denyWindowOpen);
    expect(on.mock.calls.map((c) => c[0])).toEqual(expect.arrayContaining(['will-navigate', 'will-redirect', 'will-attach-webview']));
    const navigate = on.mock.calls.find((c) => c[0] === 'will-navigate')![1] as (e: { preventDefault(): void }, url: string) => void;
    const prevent = vi.fn();
    navigate({ preventDefault: prevent }, 'https://evil.example/');
    expect(prevent).toHaveBeenCalled();
    const request = contents.session.setPermissionRequestHandler.mock.calls[0]![0] as (
      wc: unknown,
      p: string,
      cb: (ok: boolean) => void,
      d: unknown,
    ) => void;
    const cb = vi.fn();
    request(null, 'media', cb, { requestingUrl: APP_ENTRY, mediaTypes: ['audio'] });
    expect(cb).toHaveBeenCalledWith(false);
  });
});
