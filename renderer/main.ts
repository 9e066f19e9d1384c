// The kiosk UI. It talks only to `window.kiosk` (the contract in main/api): the Electron
// preload provides it; in a browser we install it from the loopback WebSocket first.
import type { KioskApi } from '../main/api/client.js';
import type { AppInfo, DeviceStatus, Language } from '../main/api/contract.js';
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
  disconnected: boolean;
}

const state: ViewState = { language: 'vi', info: null, devices: null, disconnected: false };

function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> & { testid?: string } = {}, children: (Node | string)[] = []): HTMLElementTagNameMap[K] {
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
        return el('li', { className: s, testid: `device-${d}` }, [t.devices[d], el('span', { className: 'state', textContent: t.states[s] })]);
      })
    : [];
  const app = document.getElementById('app')!;
  app.replaceChildren(
    el('header', {}, [el('h1', { textContent: t.title, testid: 'title' }), el('div', { className: 'languages' }, languageButtons)]),
    ...(state.disconnected ? [el('div', { className: 'banner', role: 'alert', textContent: t.disconnected, testid: 'disconnected' })] : []),
    el('section', { className: 'prompt', testid: 'idle' }, [
      el('div', { className: 'card-icon' }),
      el('h2', { textContent: t.prompt, testid: 'prompt' }),
      el('p', { textContent: t.promptDetail }),
    ]),
    el('ul', { className: 'devices', testid: 'devices' }, deviceItems),
    el('footer', {}, [
      el('span', { textContent: state.info?.simulator ? t.simulator : '' , testid: 'mode' }),
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
  render(kiosk);
  kiosk.on('devices.changed', (devices) => {
    state.devices = devices;
    render(kiosk);
  });
  const [info, devices] = await Promise.all([kiosk.request('app.info', {}), kiosk.request('devices.status', {})]);
  state.info = info;
  state.language = info.language;
  state.devices = devices;
  render(kiosk);
  document.body.dataset['ready'] = 'true';
}

void start().catch((err: unknown) => {
  console.error('kiosk UI failed to start', err);
  state.disconnected = true;
});
