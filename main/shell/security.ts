// The kiosk window's security policy, as plain functions so tests can assert it without an
// Electron binary. app.ts wires them to the real session and webContents.
import type {
  App,
  BrowserWindowConstructorOptions,
  Menu,
  HandlerDetails,
  PermissionCheckHandlerHandlerDetails,
  PermissionRequest,
  WebContents,
  WebFrameMain,
  WindowOpenHandlerResponse,
} from 'electron';

/** The renderer is served from this privileged custom scheme, never from http(s) or file. */
export const APP_SCHEME = 'kiosk';
export const APP_ORIGIN = `${APP_SCHEME}://app`;
export const APP_ENTRY = `${APP_ORIGIN}/index.html`;

/** No inline code, no eval, no remote content; the camera stream arrives as mediastream:. */
export const APP_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob: mediastream:",
  "connect-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

export function kioskWindowOptions(preloadPath: string, fullscreen: boolean): BrowserWindowConstructorOptions {
  return {
    width: 1280,
    height: 800,
    show: false,
    kiosk: fullscreen,
    fullscreen,
    autoHideMenuBar: true,
    backgroundColor: '#0d3b66',
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      devTools: !fullscreen,
      safeDialogs: true,
    },
  };
}

export function isAppUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === `${APP_SCHEME}:` && u.host === 'app';
  } catch {
    return false;
  }
}

/** Only the camera, only for our own page: no microphone, no geolocation, nothing else. */
export function allowPermissionRequest(
  permission: string,
  details: Pick<PermissionRequest, 'requestingUrl'> & { mediaTypes?: string[] },
): boolean {
  if (permission !== 'media' || !isAppUrl(details.requestingUrl)) return false;
  const types = details.mediaTypes ?? [];
  return types.length > 0 && types.every((t) => t === 'video');
}

export function allowPermissionCheck(
  permission: string,
  requestingOrigin: string,
  details: Pick<PermissionCheckHandlerHandlerDetails, 'mediaType'>,
): boolean {
  if (permission !== 'media' || !isAppUrl(requestingOrigin)) return false;
  return details.mediaType === undefined || details.mediaType === 'video';
}

export function denyWindowOpen(_details: HandlerDetails): WindowOpenHandlerResponse {
  return { action: 'deny' };
}

/** True when a navigation must be stopped: anything that is not our own app page. */
export function blocksNavigation(url: string): boolean {
  return !isAppUrl(url);
}

/** IPC is accepted only from our page's main frame in our window. */
export function isTrustedSender(frame: Pick<WebFrameMain, 'url' | 'parent'> | null | undefined): boolean {
  return !!frame && frame.parent === null && isAppUrl(frame.url);
}

/** Wires the handlers above to one webContents: app.ts does it for every one (hardenApp). */
export function hardenWebContents(contents: WebContents): void {
  contents.setWindowOpenHandler(denyWindowOpen);
  contents.on('will-navigate', (event, url) => {
    if (blocksNavigation(url)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (blocksNavigation(url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.session.setPermissionRequestHandler((_wc, permission, callback, details) => {
    callback(allowPermissionRequest(permission, details as PermissionRequest & { mediaTypes?: string[] }));
  });
  contents.session.setPermissionCheckHandler((_wc, permission, origin, details) => allowPermissionCheck(permission, origin, details));
}

/**
 * The app-wide policy, applied before anything is created: the renderer sandbox everywhere,
 * no application menu (Electron's default one has reload, dev tools and quit), and every
 * webContents hardened the moment it exists — not only the kiosk window's: a devtools
 * window, a webview or a popup that slipped through gets the same rules.
 */
export function hardenApp(
  app: Pick<App, 'enableSandbox' | 'on'>,
  menu: Pick<typeof Menu, 'setApplicationMenu'>,
  harden: (contents: WebContents) => void = hardenWebContents,
): void {
  app.enableSandbox();
  menu.setApplicationMenu(null);
  app.on('web-contents-created', (_event, contents) => harden(contents));
}

/** What of an IPC event the hello gate reads. */
export interface HelloEvent {
  sender: Pick<WebContents, 'id'>;
  senderFrame: Pick<WebFrameMain, 'url' | 'parent'> | null;
}

export interface HelloGate<E extends HelloEvent = HelloEvent> {
  /** One `kiosk:hello`: `grant` is called for the first from our page's main frame per page load; every other is refused and logged. */
  hello(event: E): boolean;
  /** The window's main frame committed a new document (did-navigate): it may say hello once more. */
  newPage(): void;
}

/**
 * The preload asks for its port to the core once per page load. A second hello from the same
 * page (a compromised renderer asking for more ports) is refused; a reload is a new page and
 * gets a new port. The gate opens again when a new document commits in the main frame, not
 * when a navigation starts: until the commit the old page is still there and could ask again.
 */
export function createHelloGate<E extends HelloEvent>(
  windowContentsId: number,
  grant: (event: E) => void,
  refuse: (reason: string) => void,
): HelloGate<E> {
  let answered = false;
  return {
    hello(event) {
      let reason: string | null = null;
      if (event.sender.id !== windowContentsId) reason = `refused kiosk:hello from webContents ${event.sender.id}, not the kiosk window`;
      else if (!isTrustedSender(event.senderFrame)) reason = 'refused kiosk:hello from an untrusted frame';
      else if (answered) reason = 'refused a second kiosk:hello from the same page load';
      if (reason) {
        refuse(reason);
        return false;
      }
      answered = true;
      grant(event);
      return true;
    },
    newPage() {
      answered = false;
    },
  };
}
