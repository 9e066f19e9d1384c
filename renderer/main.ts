// The kiosk UI's entry. It talks only to `window.kiosk` (the contract in main/api): the
// Electron preload provides it; in a browser we install it from the loopback WebSocket first.
import { h, render } from 'preact';
import type { KioskApi } from '../main/api/client.js';
import { App, EMPTY_STATE, type CoreState } from './app.js';
import { KioskCamera } from './camera.js';
import { prepareSound } from './sound.js';
import { connectOverWebSocket } from './ws-transport.js';

declare global {
  interface Window {
    kiosk?: KioskApi;
  }
}

let state: CoreState = { ...EMPTY_STATE };
let kiosk: KioskApi | null = null;
let camera: KioskCamera | null = null;

function update(change: Partial<CoreState>): void {
  state = { ...state, ...change };
  const root = document.getElementById('app');
  if (root && kiosk) render(h(App, { kiosk, camera, state }), root);
}

async function start(): Promise<void> {
  // The Electron preload defines window.kiosk (read-only); a browser gets the WebSocket one.
  const api = window.kiosk ?? (window.kiosk = connectOverWebSocket(() => update({ disconnected: true })));
  kiosk = api;
  camera = new KioskCamera(api);
  // Its view lives in the holder, out of sight, until the face screen takes it (screens/face.tsx).
  document.getElementById('camera-holder')?.append(camera.view);
  document.getElementById('app')?.replaceChildren();
  update({});
  api.on('devices.changed', (devices) => update({ devices }));
  api.on('checkin.changed', (checkin) => update({ checkin }));
  api.on('kiosk.status', (status) => update({ status }));
  const [info, devices, checkin, status] = await Promise.all([
    api.request('app.info', {}),
    api.request('devices.status', {}),
    api.request('checkin.view', {}),
    api.request('kiosk.status', {}).catch(() => null),
  ]);
  update({ info, devices, checkin, status });
  document.body.dataset['ready'] = 'true';
  prepareSound();
  await camera.start();
}

void start().catch((err: unknown) => {
  console.error('kiosk UI failed to start', err);
  update({ disconnected: true });
});
