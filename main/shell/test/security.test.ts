// The Electron shell cannot run here (no Electron binary can be downloaded), so its
// security policy is asserted on the functions app.ts wires in.
import { describe, expect, it, vi } from 'vitest';
import {
  APP_CSP,
  APP_ENTRY,
  allowPermissionCheck,
  allowPermissionRequest,
  blocksNavigation,
  createHelloGate,
  denyWindowOpen,
  hardenApp,
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

describe('hardenApp', () => {
  function fakeApp() {
    const listeners = new Map<string, (...args: unknown[]) => void>();
    return {
      enableSandbox: vi.fn(),
      on: vi.fn((name: string, l: (...args: unknown[]) => void) => listeners.set(name, l)),
      listeners,
    };
  }

  it('removes the default application menu', () => {
    const menu = { setApplicationMenu: vi.fn() };
    hardenApp(fakeApp() as never, menu as never);
    expect(menu.setApplicationMenu).toHaveBeenCalledWith(null);
  });

  it('sandboxes every renderer and hardens every webContents as it is created, not only the window', () => {
    const app = fakeApp();
    const harden = vi.fn();
    hardenApp(app as never, { setApplicationMenu: vi.fn() } as never, harden);
    expect(app.enableSandbox).toHaveBeenCalled();
    const created = app.listeners.get('web-contents-created');
    expect(created).toBeDefined();
    const popup = { id: 7 };
    const devtools = { id: 8 };
    created!({}, popup);
    created!({}, devtools);
    expect(harden.mock.calls).toEqual([[popup], [devtools]]);
  });

  it('hardens with hardenWebContents by default', () => {
    const app = fakeApp();
    hardenApp(app as never, { setApplicationMenu: vi.fn() } as never);
    const contents = {
      setWindowOpenHandler: vi.fn(),
      on: vi.fn(),
      session: { setPermissionRequestHandler: vi.fn(), setPermissionCheckHandler: vi.fn() },
    };
    app.listeners.get('web-contents-created')!({}, contents);
    expect(contents.setWindowOpenHandler).toHaveBeenCalledWith(denyWindowOpen);
    expect(contents.on.mock.calls.map((c) => c[0])).toEqual(expect.arrayContaining(['will-navigate', 'will-attach-webview']));
  });
});

describe('kiosk:hello', () => {
  const WINDOW = 3;
  const ourPage = { url: APP_ENTRY, parent: null };
  const event = (id = WINDOW, frame: { url: string; parent: null | object } | null = ourPage) => ({
    sender: { id },
    senderFrame: frame as never,
  });

  function gate() {
    const grant = vi.fn();
    const refuse = vi.fn();
    return { grant, refuse, gate: createHelloGate(WINDOW, grant, refuse) };
  }

  it('answers our page once per page load and refuses, with a log line, a second hello', () => {
    const { grant, refuse, gate: g } = gate();
    const first = event();
    expect(g.hello(first)).toBe(true);
    expect(grant).toHaveBeenCalledWith(first);
    expect(g.hello(event())).toBe(false);
    expect(g.hello(event())).toBe(false);
    expect(grant).toHaveBeenCalledTimes(1);
    expect(refuse).toHaveBeenCalledTimes(2);
    expect(refuse.mock.calls[0]![0]).toMatch(/second kiosk:hello/);
  });

  it('gives a reloaded page a new port, once', () => {
    const { grant, gate: g } = gate();
    g.hello(event());
    g.newPage();
    expect(g.hello(event())).toBe(true);
    expect(g.hello(event())).toBe(false);
    expect(grant).toHaveBeenCalledTimes(2);
  });

  it('refuses other webContents and untrusted frames, without using up the page load', () => {
    const { grant, refuse, gate: g } = gate();
    expect(g.hello(event(9))).toBe(false);
    expect(g.hello(event(WINDOW, { url: APP_ENTRY, parent: {} }))).toBe(false);
    expect(g.hello(event(WINDOW, { url: 'https://evil.example/', parent: null }))).toBe(false);
    expect(g.hello(event(WINDOW, null))).toBe(false);
    expect(refuse).toHaveBeenCalledTimes(4);
    expect(grant).not.toHaveBeenCalled();
    expect(g.hello(event())).toBe(true);
  });
});
