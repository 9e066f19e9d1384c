// The kiosk UI's root: the core's state (info, devices, check-in view, sync status) as it
// arrives, the header with the languages, the current screen, the devices and the footer.
import { useCallback, useEffect, useLayoutEffect, useState } from 'preact/hooks';
import type { KioskApi } from '../main/api/client.js';
import type { AppInfo, CheckinView, DeviceStatus, KioskStatus, Language } from '../main/api/contract.js';
import type { KioskCamera } from './camera.js';
import { codeText, languageNames, messages, type Messages } from './i18n.js';
import { CheckinScreen, StaffScreen, promptText } from './screens/index.js';
import { UiContext, send, type Ui } from './ui-context.js';

export interface CoreState {
  info: AppInfo | null;
  devices: DeviceStatus | null;
  checkin: CheckinView | null;
  status: KioskStatus | null;
  disconnected: boolean;
}

export const EMPTY_STATE: CoreState = { info: null, devices: null, checkin: null, status: null, disconnected: false };

function Header({ t, language, onLanguage }: { t: Messages; language: Language; onLanguage: (l: Language) => void }) {
  return (
    <header>
      <h1 data-testid="title">{t.title}</h1>
      <div class="languages" role="group" aria-label={t.languages}>
        {(Object.keys(languageNames) as Language[]).map((l) => (
          <button type="button" key={l} lang={l} data-testid={`lang-${l}`} aria-pressed={l === language} onClick={() => onLanguage(l)}>
            {languageNames[l]}
          </button>
        ))}
      </div>
    </header>
  );
}

/** The devices this kind of kiosk has: a hospital kiosk prints tickets, an airport one opens a gate. */
function devicesOf(workflow: 'hospital' | 'airport' | undefined): (keyof DeviceStatus)[] {
  const all: (keyof DeviceStatus)[] = ['reader', 'scanner', 'camera', 'printer', 'gate', 'registry'];
  return all.filter((d) => (workflow === 'airport' ? d !== 'printer' : d !== 'gate'));
}

function Devices({ t, devices, workflow }: { t: Messages; devices: DeviceStatus | null; workflow: 'hospital' | 'airport' | undefined }) {
  return (
    <ul class="devices" data-testid="devices" aria-label={t.devicesLabel}>
      {devices &&
        devicesOf(workflow).map((d) => (
          <li key={d} class={devices[d]} data-testid={`device-${d}`}>
            {t.devices[d]}
            <span class="state">{t.states[devices[d]]}</span>
          </li>
        ))}
    </ul>
  );
}

function Offline({ t, status }: { t: Messages; status: KioskStatus | null }) {
  if (!status || !status.sync.enrolled || status.sync.online) return null;
  const age = status.sync.oldestUnsyncedAgeMs;
  return (
    <p class="offline" data-testid="offline">
      {t.offline(status.sync.queued, age === null ? null : Math.floor(age / 60_000))}
    </p>
  );
}

function Footer({ t, info, onStaff }: { t: Messages; info: AppInfo | null; onStaff: (() => void) | null }) {
  return (
    <footer>
      <span data-testid="mode">{info?.simulator ? t.simulator : ''}</span>
      {onStaff && (
        <button type="button" class="staff-link" data-testid="staff-open" onClick={onStaff}>
          {t.staff.open}
        </button>
      )}
      <span data-testid="version">{info ? t.version(info.version) : ''}</span>
    </footer>
  );
}

interface Props {
  kiosk: KioskApi;
  camera: KioskCamera | null;
  state: CoreState;
}

export function App({ kiosk, camera, state }: Props) {
  const [language, setLanguage] = useState<Language>(state.info?.language ?? 'vi');
  const [staffOpen, setStaffOpen] = useState(false);
  // The core's language (at start, or set by another page) wins over the last button pressed here.
  useEffect(() => {
    if (state.info) setLanguage(state.info.language);
  }, [state.info]);
  // With the words themselves (before the browser paints, or a screen reader reads them in the old language).
  useLayoutEffect(() => {
    document.documentElement.lang = language;
  }, [language]);
  const chooseLanguage = useCallback(
    (l: Language) => {
      document.documentElement.lang = l;
      setLanguage(l);
      send(kiosk.request('settings.setLanguage', { language: l }));
    },
    [kiosk],
  );
  const t = messages[language];
  const ui: Ui = { kiosk, language, t, camera };
  const view = state.checkin;
  const announced = staffOpen
    ? t.staff.heading
    : view
      ? [promptText(view, t), view.notice ? codeText(t, view.notice) : ''].filter(Boolean).join(' ')
      : '';
  return (
    <UiContext.Provider value={ui}>
      <Header t={t} language={language} onLanguage={chooseLanguage} />
      {state.disconnected && (
        <div class="banner" role="alert" data-testid="disconnected">
          {t.disconnected}
        </div>
      )}
      {/* The prompt, read out when it changes (the screens themselves are replaced whole). */}
      <p class="sr-only" aria-live="polite" data-testid="announce">
        {announced}
      </p>
      {staffOpen ? <StaffScreen onClose={() => setStaffOpen(false)} /> : view ? <CheckinScreen view={view} /> : null}
      <Offline t={t} status={state.status} />
      <Devices t={t} devices={state.devices} workflow={view?.workflow} />
      <Footer t={t} info={state.info} onStaff={staffOpen ? null : () => setStaffOpen(true)} />
    </UiContext.Provider>
  );
}
