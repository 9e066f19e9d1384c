// What every screen needs besides its view: the core's API, the words of the current
// language, and the camera (for the face screen). One context, so screens stay small.
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { KioskApi } from '../main/api/client.js';
import type { Language } from '../main/api/contract.js';
import type { KioskCamera } from './camera.js';
import type { Messages } from './i18n.js';

export interface Ui {
  kiosk: KioskApi;
  language: Language;
  t: Messages;
  camera: KioskCamera | null;
}

export const UiContext = createContext<Ui | null>(null);

export function useUi(): Ui {
  const ui = useContext(UiContext);
  if (!ui) throw new Error('a screen was rendered outside the kiosk UI');
  return ui;
}

/** Sends a request; a failure is logged, never thrown into the screen (the core's next view says what happened). */
export function send<R>(request: Promise<R>): void {
  request.catch((err: unknown) => console.warn('kiosk request failed', err));
}
