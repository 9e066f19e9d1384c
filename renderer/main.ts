// The kiosk UI. It talks only to `window.kiosk` (the contract in main/api): the Electron
// preload provides it; in a browser we install it from the loopback WebSocket first.
import type { KioskApi } from '../main/api/client.js';
import type { AppInfo, CheckinView, DeviceStatus, KioskStatus, Language } from '../main/api/contract.js';
import { KioskCamera } from './camera.js';
import { languageNames, messages } from './i18n.js';
import { connectOverWebSocket } from './ws-transport.js';

declare global {
  interface Window {
    kiosk?: KioskApi;
  }
}

interface ViewState {
  language: Language;
  info: AppInfo | null;
  devices: DeviceStatus | null;
  checkin: CheckinView | null;
  status: KioskStatus | null;
  disconnected: boolean;
}

const state: ViewState = { language: 'vi', info: null, devices: null, checkin: null, status: null, disconnected: false };
let camera: KioskCamera | null = null;

/** The check-in part of the screen: what to do now, progress, the result. The full screens come with the hospital and airport UIs. */
function checkinSection(kiosk: KioskApi): HTMLElement {
  const t = messages[state.language];
  const v = state.checkin;
  const screen = v?.screen ?? 'idle';
  const word = (code: string) => t.codes[code] ?? code;
  const children: (Node | string)[] =
    screen === 'face' ? [] : [el('div', { className: screen === 'idle' || screen === 'waiting-card' ? 'card-icon' : 'step-icon' })];
  if (screen === 'result' && v?.decision) {
    const d = v.decision;
    children.push(el('h2', { textContent: t.decisions[d.decision], testid: 'prompt' }));
    if (v.person) children.push(el('p', { textContent: v.person.fullName, testid: 'person' }));
    for (const r of d.reasons) children.push(el('p', { className: 'reason', textContent: word(r), testid: `reason-${r}` }));
  } else {
    children.push(el('h2', { textContent: t.screens[screen], testid: 'prompt' }));
    if (screen === 'idle') children.push(el('p', { textContent: t.promptDetail }));
    if (screen === 'reading' && v?.progress)
      children.push(el('p', { textContent: t.progress(v.progress.read, v.progress.total), testid: 'progress' }));
    if (screen === 'face') {
      // The live view with the oval to put the face in, and one instruction at a time.
      if (camera) children.push(camera.view);
      children.push(el('p', { className: 'guidance', textContent: v?.guidance ? word(v.guidance) : t.faceHint, testid: 'guidance' }));
    }
  }
  if (v?.notice) children.push(el('p', { className: 'notice', role: 'status', textContent: word(v.notice), testid: 'notice' }));
  if (screen !== 'idle' && screen !== 'deciding' && screen !== 'result') {
    const b = el('button', { type: 'button', className: 'cancel', textContent: t.cancel, testid: 'cancel' });
    b.addEventListener('click', () => void kiosk.request('checkin.cancel', {}));
    children.push(b);
  }
  const section = el('section', { className: `prompt ${screen}`, testid: screen === 'idle' ? 'idle' : 'checkin' }, children);
  section.dataset['screen'] = screen;
  if (v?.decision && screen === 'result') {
    section.dataset['outcome'] = v.decision.decision;
    section.dataset['face'] = v.decision.face.status;
  }
  return section;
}

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Partial<HTMLElementTagNameMap[K]> & { testid?: string } = {},
  children: (Node | string)[] = [],
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  const { testid, ...rest } = props;
  Object.assign(node, rest);
  if (testid) node.dataset['testid'] = testid;
  node.append(...children);
  return node;
}

function render(kiosk: KioskApi): void {
  const t = messages[state.language];
  document.documentElement.lang = state.language;
  const languageButtons = (Object.keys(languageNames) as Language[]).map((lang) => {
    const b = el('button', { type: 'button', testid: `lang-${lang}`, textContent: languageNames[lang] });
    b.setAttribute('aria-pressed', String(lang === state.language));
    b.addEventListener('click', () => void switchLanguage(kiosk, lang));
    return b;
  });
  const deviceItems = state.devices
    ? (Object.keys(t.devices) as (keyof DeviceStatus)[]).map((d) => {
        const s = state.devices![d];
        return el('li', { className: s, testid: `device-${d}` }, [
          t.devices[d],
          el('span', { className: 'state', textContent: t.states[s] }),
        ]);
      })
    : [];
  const app = document.getElementById('app')!;
  // Off the face screen the camera view waits out of sight, still in the document (so it keeps playing).
  if (camera && state.checkin?.screen !== 'face') document.getElementById('camera-holder')?.replaceChildren(camera.view);
  app.replaceChildren(
    el('header', {}, [el('h1', { textContent: t.title, testid: 'title' }), el('div', { className: 'languages' }, languageButtons)]),
    ...(state.disconnected ? [el('div', { className: 'banner', role: 'alert', textContent: t.disconnected, testid: 'disconnected' })] : []),
    checkinSection(kiosk),
    ...(state.status && state.status.sync.enrolled && !state.status.sync.online
      ? [
          el('p', {
            className: 'offline',
            textContent: t.offline(
              state.status.sync.queued,
              state.status.sync.oldestUnsyncedAgeMs === null ? null : Math.floor(state.status.sync.oldestUnsyncedAgeMs / 60_000),
            ),
            testid: 'offline',
          }),
        ]
      : []),
    el('ul', { className: 'devices', testid: 'devices' }, deviceItems),
    el('footer', {}, [
      el('span', { textContent: state.info?.simulator ? t.simulator : '', testid: 'mode' }),
      el('span', { textContent: state.info ? t.version(state.info.version) : '', testid: 'version' }),
    ]),
  );
}

async function switchLanguage(kiosk: KioskApi, language: Language): Promise<void> {
  state.language = language;
  render(kiosk);
  await kiosk.request('settings.setLanguage', { language });
}

async function start(): Promise<void> {
  const onClosed = (): void => {
    state.disconnected = true;
    render(kiosk);
  };
  // The Electron preload defines window.kiosk (read-only); a browser gets the WebSocket one.
  const kiosk: KioskApi = window.kiosk ?? (window.kiosk = connectOverWebSocket(onClosed));
  camera = new KioskCamera(kiosk);
  render(kiosk);
  kiosk.on('devices.changed', (devices) => {
    state.devices = devices;
    render(kiosk);
  });
  kiosk.on('checkin.changed', (view) => {
    state.checkin = view;
    render(kiosk);
  });
  kiosk.on('kiosk.status', (status) => {
    state.status = status;
    render(kiosk);
  });
  const [info, devices, checkin, status] = await Promise.all([
    kiosk.request('app.info', {}),
    kiosk.request('devices.status', {}),
    kiosk.request('checkin.view', {}),
    kiosk.request('kiosk.status', {}).catch(() => null),
  ]);
  state.info = info;
  state.language = info.language;
  state.devices = devices;
  state.checkin = checkin;
  state.status = status;
  render(kiosk);
  document.body.dataset['ready'] = 'true';
  await camera.start();
}

void start().catch((err: unknown) => {
  console.error('kiosk UI failed to start', err);
  state.disconnected = true;
});
