// Staff mode (the UI's own screen, not the core's): the PIN, then the kiosk's health, the
// last check-ins without personal data, reprint and out-of-service. Locked again on close.
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { DeviceStatus, StaffView } from '../../main/api/contract.js';
import { Actions } from '../components/actions.js';
import { Countdown } from '../components/countdown.js';
import { Keypad } from '../components/keypad.js';
import { ScreenFrame } from '../components/screen-frame.js';
import { codeText } from '../i18n.js';
import { send, useUi } from '../ui-context.js';

/** How often the open staff screen asks for fresh figures. */
const REFRESH_MS = 5000;

function StaffPin({ onUnlocked, onClose }: { onUnlocked: () => void; onClose: () => void }) {
  const { kiosk, t } = useUi();
  const [refused, setRefused] = useState<{ retryAfterMs: number | null } | null>(null);
  const [waiting, setWaiting] = useState(false);
  // The keypad is disabled with the refusal itself (same render), and enabled again after the wait.
  const refuse = useCallback((retryAfterMs: number | null) => {
    setRefused({ retryAfterMs });
    setWaiting(retryAfterMs !== null && retryAfterMs > 0);
  }, []);
  useEffect(() => {
    if (!refused?.retryAfterMs) return;
    const timer = setTimeout(() => setWaiting(false), refused.retryAfterMs);
    return () => clearTimeout(timer);
  }, [refused]);
  const unlock = useCallback(
    (pin: string) => {
      kiosk.request('staff.unlock', { pin }).then(
        (r) => (r.unlocked ? onUnlocked() : refuse(r.retryAfterMs)),
        (err: unknown) => {
          console.warn('staff.unlock failed', err);
          refuse(null);
        },
      );
    },
    [kiosk, onUnlocked, refuse],
  );
  return (
    <ScreenFrame name="staff" heading={t.staff.heading} data={{ staff: 'locked' }}>
      <p class="detail">{t.staff.pinPrompt}</p>
      {refused && (
        <div class="notice" role="alert" data-testid="staff-wrong-pin">
          <span class="icon" aria-hidden="true">
            !
          </span>{' '}
          {t.staff.wrongPin}
          {waiting && refused.retryAfterMs ? <Countdown ms={refused.retryAfterMs} format={t.staff.retryIn} /> : null}
        </div>
      )}
      <Keypad testid="staff-pin" minLength={4} maxLength={12} masked disabled={waiting} label={t.staff.pinLabel} onSubmit={unlock} />
      <Actions>
        <button type="button" class="btn secondary" data-testid="staff-close" onClick={onClose}>
          {t.staff.close}
        </button>
      </Actions>
    </ScreenFrame>
  );
}

function DeviceList({ devices, printer }: { devices: DeviceStatus; printer: StaffView['printer'] }) {
  const { t } = useUi();
  return (
    <section class="panel" aria-labelledby="staff-devices">
      <h3 id="staff-devices">{t.staff.devicesHeading}</h3>
      <ul class="plain">
        {(Object.keys(t.devices) as (keyof DeviceStatus)[]).map((d) => (
          <li key={d} data-testid={`staff-device-${d}`} class={`state-${devices[d]}`}>
            <span class="icon" aria-hidden="true">
              {devices[d] === 'connected' ? '✓' : '✕'}
            </span>{' '}
            {t.devices[d]}: {t.states[devices[d]]}
          </li>
        ))}
        {printer && <li data-testid="staff-printer-detail">{t.staff.printerDetail(`${printer.state} — ${printer.detail}`)}</li>}
      </ul>
    </section>
  );
}

function SyncStatus({ view }: { view: StaffView }) {
  const { t } = useUi();
  const sync = view.status.sync;
  return (
    <section class="panel" aria-labelledby="staff-sync">
      <h3 id="staff-sync">{t.staff.syncHeading}</h3>
      <ul class="plain">
        <li data-testid="staff-online">{sync.online ? t.staff.online : t.staff.offline}</li>
        <li>{t.staff.enrolled(sync.enrolled)}</li>
        <li data-testid="staff-queued">{t.staff.queued(sync.queued)}</li>
        <li data-testid="staff-last-error">{sync.lastError ? t.staff.lastError(sync.lastError) : t.staff.noError}</li>
        <li data-testid="staff-roster-age">
          {t.staff.rosterAge(view.rosterAgeMs === null ? null : Math.floor(view.rosterAgeMs / 60_000))}
        </li>
      </ul>
    </section>
  );
}

function RecentCheckins({ recent }: { recent: StaffView['recent'] }) {
  const { t } = useUi();
  const c = t.staff.recentColumns;
  return (
    <section class="panel wide" aria-labelledby="staff-recent">
      <h3 id="staff-recent">{t.staff.recentHeading}</h3>
      <table class="recent" data-testid="staff-recent">
        <thead>
          <tr>
            <th scope="col">{c.at}</th>
            <th scope="col">{c.decision}</th>
            <th scope="col">{c.reasons}</th>
            <th scope="col">{c.ticket}</th>
            <th scope="col">{c.clinic}</th>
          </tr>
        </thead>
        <tbody>
          {recent.map((r, i) => (
            <tr key={i}>
              <td>{r.at}</td>
              <td>{t.staff.outcomes[r.decision]}</td>
              <td>{r.reasons.map((x) => codeText(t, x)).join(' ') || t.staff.none}</td>
              <td>{r.ticket ?? t.staff.none}</td>
              <td>{r.clinic ?? t.staff.none}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function StaffPanel({ onClose }: { onClose: () => void }) {
  const { kiosk, t } = useUi();
  const [view, setView] = useState<StaffView | null>(null);
  const [failed, setFailed] = useState(false);
  const [reprint, setReprint] = useState<{ printed: boolean; problem: string | null } | null>(null);
  const refresh = useCallback(() => {
    kiosk.request('staff.view', {}).then(
      (v) => {
        setView(v);
        setFailed(false);
      },
      () => setFailed(true),
    );
  }, [kiosk]);
  useEffect(() => {
    refresh();
    const timer = setInterval(refresh, REFRESH_MS);
    return () => clearInterval(timer);
  }, [refresh]);
  const lock = () => {
    send(kiosk.request('staff.lock', {}));
    onClose();
  };
  return (
    <ScreenFrame name="staff" heading={t.staff.heading} data={{ staff: 'unlocked' }}>
      {!view ? (
        <p class="detail" role="status">
          {failed ? t.staff.failed : t.staff.loading}
        </p>
      ) : (
        <>
          <p class="detail strong" data-testid="staff-service-state">
            {t.staff.outOfServiceNow(view.outOfService)}
          </p>
          <div class="panels">
            <DeviceList devices={view.devices} printer={view.printer} />
            <SyncStatus view={view} />
            <RecentCheckins recent={view.recent} />
          </div>
          {reprint && (
            <p class="notice" role="status" data-testid="staff-reprint-result">
              {reprint.printed ? t.staff.reprinted : t.staff.reprintFailed(reprint.problem ?? '')}
            </p>
          )}
        </>
      )}
      <Actions>
        <button
          type="button"
          class="btn secondary"
          data-testid="staff-reprint"
          disabled={!view?.lastTicket}
          onClick={() =>
            kiosk.request('staff.reprint', {}).then(setReprint, (e: unknown) => setReprint({ printed: false, problem: String(e) }))
          }
        >
          {t.staff.reprint(view?.lastTicket ?? null)}
        </button>
        <button
          type="button"
          class="btn secondary"
          data-testid="staff-out-of-service"
          disabled={!view}
          onClick={() => view && kiosk.request('staff.outOfService', { on: !view.outOfService }).then(refresh, refresh)}
        >
          {t.staff.outOfService(view?.outOfService ?? false)}
        </button>
        <button type="button" class="btn primary" data-testid="staff-close" onClick={lock}>
          {t.staff.lock}
        </button>
      </Actions>
    </ScreenFrame>
  );
}

export function StaffScreen({ onClose }: { onClose: () => void }) {
  const [unlocked, setUnlocked] = useState(false);
  const unlock = useCallback(() => setUnlocked(true), []);
  return unlocked ? <StaffPanel onClose={onClose} /> : <StaffPin onUnlocked={unlock} onClose={onClose} />;
}
