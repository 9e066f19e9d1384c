// The technician's panel: the people and their cards, the devices and the world around the
// kiosk, what happens live, the "try this" list and the recorder. Every button sends one
// Action (scenario/steps.ts) or a scenario request; a refusal shows as an error line.
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { ComponentChildren } from 'preact';
import type { ConsoleConnection, Answer } from './connection.js';
import { word, wordOr, type Lang, type WordKey } from './i18n.js';
import type { CitizenCard, ConsoleEvent, ConsoleSnapshot, ScenarioInfo, ServerMessage } from './protocol.js';
import { CameraSubject, ChipFault, type Action } from '../scenario/steps.js';

type Hello = Extract<ServerMessage, { t: 'hello' }>;
const PRINTER_STATES = ['ready', 'paper-out', 'paper-low', 'cover-open', 'error'] as const;
const BUTTONS = ['continue', 'continue-fee-paying', 'confirm', 'back', 'cancel'] as const;
/** Lines of the live trace kept on the page. */
const TRACE_LINES = 300;

interface Status {
  kind: 'pending' | 'ok' | 'error';
  text: string;
}

export function Panel({ connection }: { connection: ConsoleConnection }) {
  const [lang, setLang] = useState<Lang>(() => (sessionStorage.getItem('cccd-console.lang') === 'en' ? 'en' : 'vi'));
  const [hello, setHello] = useState<Hello | null>(null);
  const [snap, setSnap] = useState<ConsoleSnapshot | null>(null);
  const [trace, setTrace] = useState<ConsoleEvent[]>([]);
  const [closed, setClosed] = useState(false);
  const [recording, setRecording] = useState({ active: false, steps: 0 });
  const [running, setRunning] = useState<{ name: string; step: number; of: number } | null>(null);
  const [status, setStatus] = useState<Status | null>(null);
  const [busy, setBusy] = useState(false);
  const t = (k: WordKey) => word(lang, k);

  useEffect(() => {
    connection.onClose(() => setClosed(true));
    connection.onMessage((m) => {
      switch (m.t) {
        case 'hello':
          setHello(m);
          break;
        case 'snapshot':
          setSnap(m.snapshot);
          break;
        case 'events':
          setTrace((old) => [...old, ...m.events].slice(-TRACE_LINES));
          break;
        case 'recording':
          setRecording({ active: m.active, steps: m.steps });
          break;
        case 'running':
          setRunning(m.name ? { name: m.name, step: m.step, of: m.of } : null);
          break;
      }
    });
  }, [connection]);

  useEffect(() => {
    document.documentElement.lang = lang;
    sessionStorage.setItem('cccd-console.lang', lang);
    // The status line was worded in the language it was made in: no line in two languages.
    setStatus(null);
  }, [lang]);

  /** Sends a request and shows its outcome in the status line. */
  const send = async (m: Parameters<ConsoleConnection['request']>[0], what: string): Promise<Answer> => {
    setBusy(m.t !== 'action');
    setStatus({ kind: 'pending', text: `${t('working')}: ${what}` });
    const answer = await connection.request(m);
    setBusy(false);
    setStatus(
      answer.ok ? { kind: 'ok', text: `${t('done')}: ${what}` } : { kind: 'error', text: `${t('failed')}: ${what} — ${answer.error}` },
    );
    return answer;
  };
  const act = (action: Action, what: string) => void send({ t: 'action', action }, what);

  if (!hello || !snap)
    return (
      <main class="panel">
        <h1>{t('title')}</h1>
        <p role="status">{closed ? t('disconnected') : t('connecting')}</p>
      </main>
    );

  return (
    <div class="panel">
      <header class="top">
        <h1>
          {t('title')} · {t('site')}: {t(hello.site)}
        </h1>
        <button
          type="button"
          disabled={busy}
          onClick={() => {
            const kind = hello.site === 'hospital' ? 'airport' : 'hospital';
            void send({ t: 'site', kind }, `${t(kind === 'airport' ? 'toAirport' : 'toHospital')} (${t('reloadKiosk')})`);
          }}
          data-testid="switch-site"
        >
          {t(hello.site === 'hospital' ? 'toAirport' : 'toHospital')}
        </button>
        <label class="lang">
          {t('language')}{' '}
          <select value={lang} onChange={(e) => setLang((e.currentTarget.value === 'en' ? 'en' : 'vi') as Lang)} data-testid="lang">
            <option value="vi">Tiếng Việt</option>
            <option value="en">English</option>
          </select>
        </label>
      </header>
      <main>
        {closed && (
          <p class="status error" role="alert">
            {t('disconnected')}
          </p>
        )}
        <p class={`status ${status?.kind ?? ''}`} role={status?.kind === 'error' ? 'alert' : 'status'} data-testid="status-line">
          {status?.text ?? ''}
        </p>
        <div class="columns">
          <div class="column">
            <People hello={hello} lang={lang} act={act} />
            <CameraControls lang={lang} snap={snap} act={act} people={hello.citizens} />
            <World lang={lang} snap={snap} site={hello.site} act={act} />
            <ScreenButtons lang={lang} site={hello.site} clinics={hello.clinics} act={act} />
          </div>
          <div class="column">
            <Live lang={lang} snap={snap} citizens={hello.citizens} />
            <Trace lang={lang} trace={trace} />
          </div>
          <div class="column">
            <TryThis
              lang={lang}
              site={hello.site}
              scenarios={hello.scenarios}
              running={running}
              busy={busy}
              run={(s) => void send({ t: 'scenario', file: s.file }, s.name)}
            />
            <Recorder lang={lang} recording={recording} busy={busy} send={send} />
          </div>
        </div>
      </main>
    </div>
  );
}

function Section({ title, id, children }: { title: string; id: string; children: ComponentChildren }) {
  return (
    <section aria-labelledby={`h-${id}`} class="box" data-testid={id}>
      <h2 id={`h-${id}`}>{title}</h2>
      {children}
    </section>
  );
}

type Act = (action: Action, what: string) => void;

function People({ hello, lang, act }: { hello: Hello; lang: Lang; act: Act }) {
  const t = (k: WordKey) => word(lang, k);
  const [index, setIndex] = useState(hello.citizens[0]?.index ?? 0);
  const [faults, setFaults] = useState<ChipFault[]>([]);
  const person = hello.citizens.find((c) => c.index === index) ?? hello.citizens[0];
  const toggle = (f: ChipFault) => setFaults((old) => (old.includes(f) ? old.filter((x) => x !== f) : [...old, f]));
  const cardOn = (reader: 0 | 1) =>
    act(
      { do: 'card-on', citizen: index, reader, ...(faults.length ? { faults } : {}) },
      `${t(reader === 0 ? 'cardOn0' : 'cardOn1')}${faults.length ? ` (${faults.join(', ')})` : ''}`,
    );
  return (
    <Section title={t('people')} id="people">
      <label>
        {t('person')}{' '}
        <select value={String(index)} onChange={(e) => setIndex(Number(e.currentTarget.value))} data-testid="citizen">
          {hello.citizens.map((c) => (
            <option value={String(c.index)} key={c.index}>
              {c.index}. {c.fullName}
              {c.flight ? ` · ${c.flight}` : ''}
            </option>
          ))}
        </select>
      </label>
      {person && <CardFace person={person} lang={lang} />}
      <fieldset class="faults">
        <legend>{t('faults')}</legend>
        {ChipFault.options.map((f) => (
          <label key={f} class="check">
            <input type="checkbox" checked={faults.includes(f)} onChange={() => toggle(f)} data-testid={`fault-${f}`} /> {f}
          </label>
        ))}
      </fieldset>
      <div class="buttons">
        <button type="button" onClick={() => cardOn(0)} data-testid="card-on-0">
          {t('cardOn0')}
        </button>
        <button type="button" onClick={() => cardOn(1)} data-testid="card-on-1">
          {t('cardOn1')}
        </button>
        <button type="button" onClick={() => act({ do: 'card-off', reader: 0 }, t('cardOff0'))} data-testid="card-off-0">
          {t('cardOff0')}
        </button>
        <button type="button" onClick={() => act({ do: 'card-off', reader: 1 }, t('cardOff1'))} data-testid="card-off-1">
          {t('cardOff1')}
        </button>
        <button type="button" onClick={() => act({ do: 'scan-qr', citizen: index }, t('scanQr'))} data-testid="scan-qr">
          {t('scanQr')}
        </button>
        {hello.site === 'airport' && (
          <button type="button" onClick={() => act({ do: 'scan-pass', citizen: index }, t('scanPass'))} data-testid="scan-pass">
            {t('scanPass')}
          </button>
        )}
      </div>
    </Section>
  );
}

function CardFace({ person, lang }: { person: CitizenCard; lang: Lang }) {
  const t = (k: WordKey) => word(lang, k);
  return (
    <figure class="card-face" data-testid="card-face">
      {person.photo ? (
        <img src={person.photo} alt={`${t('photoOf')} ${person.fullName}`} width={90} height={120} />
      ) : (
        <div class="no-photo">{t('noPhoto')}</div>
      )}
      <figcaption>
        <p class="card-title">{t('card')}</p>
        <dl>
          <dt>{t('name')}</dt>
          <dd data-testid="card-name">{person.fullName}</dd>
          <dt>{t('idNumber')}</dt>
          <dd>{person.idNumber}</dd>
          <dt>{t('birth')}</dt>
          <dd>{dmy(person.birthDate)}</dd>
          <dt>{t('sex')}</dt>
          <dd>{person.sex === 'M' ? (lang === 'vi' ? 'Nam' : 'Male') : lang === 'vi' ? 'Nữ' : 'Female'}</dd>
          <dt>{t('expiry')}</dt>
          <dd>{dmy(person.expiryDate)}</dd>
          <dt>{t('origin')}</dt>
          <dd>{person.placeOfOrigin}</dd>
          {person.flight && (
            <>
              <dt>{t('flight')}</dt>
              <dd>{person.flight}</dd>
            </>
          )}
        </dl>
      </figcaption>
    </figure>
  );
}

const dmy = (iso: string) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;

function CameraControls({ lang, snap, act, people }: { lang: Lang; snap: ConsoleSnapshot; act: Act; people: CitizenCard[] }) {
  const t = (k: WordKey) => word(lang, k);
  const [subject, setSubject] = useState<CameraSubject>(snap.camera?.subject ?? 'holder');
  const [citizen, setCitizen] = useState(snap.camera?.citizen ?? people[0]?.index ?? 0);
  return (
    <Section title={t('camera')} id="camera">
      {snap.camera ? (
        <form
          class="row"
          onSubmit={(e) => {
            e.preventDefault();
            act({ do: 'camera', subject, citizen }, `${t('camera')}: ${wordOr(lang, `subject_${subject}`, subject)}`);
          }}
        >
          <label>
            {t('camera')}{' '}
            <select value={subject} onChange={(e) => setSubject(CameraSubject.parse(e.currentTarget.value))} data-testid="camera-subject">
              {CameraSubject.options.map((s) => (
                <option value={s} key={s}>
                  {wordOr(lang, `subject_${s}`, s)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('person')}{' '}
            <select value={String(citizen)} onChange={(e) => setCitizen(Number(e.currentTarget.value))} data-testid="camera-citizen">
              {people.map((c) => (
                <option value={String(c.index)} key={c.index}>
                  {c.index}. {c.fullName}
                </option>
              ))}
            </select>
          </label>
          <button type="submit" data-testid="camera-show">
            {t('show')}
          </button>
        </form>
      ) : (
        <p>—</p>
      )}
    </Section>
  );
}

function World({ lang, snap, site, act }: { lang: Lang; snap: ConsoleSnapshot; site: 'hospital' | 'airport'; act: Act }) {
  const t = (k: WordKey) => word(lang, k);
  const [skew, setSkew] = useState(String(snap.clockSkewMinutes));
  const [printer, setPrinter] = useState<(typeof PRINTER_STATES)[number]>('paper-out');
  const cut = snap.network === 'cut';
  return (
    <Section title={t('world')} id="world">
      <div class="buttons">
        <button
          type="button"
          aria-pressed={cut}
          onClick={() => act({ do: 'network', state: cut ? 'restored' : 'cut' }, t(cut ? 'networkRestore' : 'networkCut'))}
          data-testid="network"
        >
          {t(cut ? 'networkRestore' : 'networkCut')}
        </button>
        {site === 'airport' && (
          <button
            type="button"
            onClick={() => act({ do: 'gate', state: snap.gate === 'jammed' ? 'ok' : 'jammed' }, t('gate'))}
            data-testid="gate"
          >
            {t(snap.gate === 'jammed' ? 'gateFree' : 'gateJam')}
          </button>
        )}
      </div>
      <form
        class="row"
        onSubmit={(e) => {
          e.preventDefault();
          const minutes = Number(skew);
          if (!Number.isInteger(minutes) || Math.abs(minutes) > 525_600) return;
          act({ do: 'clock', skewMinutes: minutes }, `${t('clock')}: ${minutes}`);
        }}
      >
        <label>
          {t('clock')}{' '}
          <input
            type="number"
            min={-525600}
            max={525600}
            step={1}
            value={skew}
            onInput={(e) => setSkew(e.currentTarget.value)}
            data-testid="skew"
          />
        </label>
        <button type="submit">{t('setClock')}</button>
      </form>
      {site === 'hospital' && (
        <form
          class="row"
          onSubmit={(e) => {
            e.preventDefault();
            act({ do: 'printer', state: printer }, `${t('printer')}: ${printer}`);
          }}
        >
          <label>
            {t('printer')}{' '}
            <select
              value={printer}
              onChange={(e) => setPrinter(PRINTER_STATES.find((p) => p === e.currentTarget.value) ?? 'ready')}
              data-testid="printer-state"
            >
              {PRINTER_STATES.map((p) => (
                <option value={p} key={p}>
                  {p}
                </option>
              ))}
            </select>
          </label>
          <button type="submit" data-testid="printer-apply">
            {t('apply')}
          </button>
        </form>
      )}
    </Section>
  );
}

function ScreenButtons({ lang, site, clinics, act }: { lang: Lang; site: 'hospital' | 'airport'; clinics: Hello['clinics']; act: Act }) {
  const t = (k: WordKey) => word(lang, k);
  const [clinic, setClinic] = useState(clinics[0]?.id ?? '');
  return (
    <Section title={t('screenButtons')} id="screen-buttons">
      <div class="buttons">
        {BUTTONS.filter((b) => site === 'hospital' || !b.startsWith('continue')).map((b) => (
          <button
            type="button"
            key={b}
            onClick={() => act({ do: 'press', button: b }, wordOr(lang, `press_${b}`, b))}
            data-testid={`press-${b}`}
          >
            {wordOr(lang, `press_${b}`, b)}
          </button>
        ))}
      </div>
      {clinics.length > 0 && (
        <form
          class="row"
          onSubmit={(e) => {
            e.preventDefault();
            if (clinic) act({ do: 'choose-clinic', clinic }, `${t('chooseClinic')}: ${clinic}`);
          }}
        >
          <label>
            {t('clinic')}{' '}
            <select value={clinic} onChange={(e) => setClinic(e.currentTarget.value)} data-testid="clinic">
              {clinics.map((c) => (
                <option value={c.id} key={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          </label>
          <button type="submit" data-testid="choose-clinic">
            {t('chooseClinic')}
          </button>
        </form>
      )}
    </Section>
  );
}

function Live({ lang, snap, citizens }: { lang: Lang; snap: ConsoleSnapshot; citizens: CitizenCard[] }) {
  const t = (k: WordKey) => word(lang, k);
  const nameOf = (i: number) => citizens.find((c) => c.index === i)?.fullName ?? `#${i}`;
  return (
    <Section title={t('live')} id="live">
      <p class="screen-now">
        {t('screen')}: <strong data-testid="live-screen">{snap.screen}</strong>
      </p>
      <dl class="facts">
        <dt>{t('readers')}</dt>
        <dd data-testid="live-readers">
          {snap.readers.map((r, i) => (
            <span key={i} class="reader">
              {i}: {r ? `${nameOf(r.citizen)}${r.faults.length ? ` (${r.faults.join(', ')})` : ''}` : t('empty')}
            </span>
          ))}
        </dd>
        <dt>{t('camera')}</dt>
        <dd data-testid="live-camera">
          {snap.camera
            ? `${wordOr(lang, `subject_${snap.camera.subject}`, snap.camera.subject)} (${snap.camera.citizen === null ? t('lastHolder') : nameOf(snap.camera.citizen)})`
            : '—'}
        </dd>
        <dt>{t('network')}</dt>
        <dd data-testid="live-network">{t(snap.network === 'cut' ? 'net_cut' : 'net_restored')}</dd>
        <dt>{t('skew')}</dt>
        <dd>
          {snap.clockSkewMinutes} {t('minutes')}
        </dd>
        <dt>{t('devices')}</dt>
        <dd data-testid="live-devices">
          {Object.entries(snap.devices).map(([k, v]) => (
            <span key={k} class={`device ${v}`}>
              {k}: {v}
            </span>
          ))}
          {snap.printer && (
            <span class="device">
              {t('paper')}: {snap.printer}
            </span>
          )}
          {snap.gate && (
            <span class="device">
              {t('gateState')}: {snap.gate}
            </span>
          )}
        </dd>
        <dt>{t('outbox')}</dt>
        <dd data-testid="live-outbox">
          {snap.outbox.queued} {t('queued')}
          {snap.outbox.oldestAgeMs !== null ? `, ${t('oldest')} ${Math.round(snap.outbox.oldestAgeMs / 1000)} s` : ''} · {snap.checkins}{' '}
          {t('recorded')} · {snap.inRegistry} {t('inRegistry')}
        </dd>
        <dt>{t('registry')}</dt>
        <dd data-testid="live-registry">{snap.registry ? `${snap.registry.at.slice(11, 19)} ${snap.registry.text}` : t('none')}</dd>
        <dt>{t('decision')}</dt>
        <dd data-testid="live-decision">
          {snap.decision
            ? `${snap.decision.decision}${snap.decision.reasons.length ? ` (${snap.decision.reasons.join(', ')})` : ''}${snap.decision.face ? `, face ${snap.decision.face}` : ''}`
            : t('none')}
        </dd>
      </dl>
    </Section>
  );
}

function Trace({ lang, trace }: { lang: Lang; trace: ConsoleEvent[] }) {
  const shown = useMemo(() => trace.slice(-120).reverse(), [trace]);
  return (
    <Section title={word(lang, 'trace')} id="trace">
      <ol class="trace" data-testid="trace" tabIndex={0} aria-label={word(lang, 'trace')}>
        {shown.map((e, i) => (
          <li key={`${e.at}-${i}`} class={`ev ${e.kind}`}>
            <span class="at">{e.at.slice(11, 23)}</span> <span class="kind">{e.kind}</span> {e.text}
          </li>
        ))}
      </ol>
    </Section>
  );
}

function TryThis(o: {
  lang: Lang;
  site: 'hospital' | 'airport';
  scenarios: ScenarioInfo[];
  running: { name: string; step: number; of: number } | null;
  busy: boolean;
  run: (s: ScenarioInfo) => void;
}) {
  const t = (k: WordKey) => word(o.lang, k);
  const featured = o.scenarios.filter((s) => s.featured);
  const more = o.scenarios.filter((s) => !s.featured);
  return (
    <Section title={t('tryThis')} id="try-this">
      {o.running && (
        <p role="status" class="running" data-testid="running">
          {t('running')}: {o.running.name} — {t('step')} {o.running.step}/{o.running.of}
        </p>
      )}
      <ul class="try">
        {featured.map((s) => (
          <ScenarioItem key={s.file} s={s} {...o} />
        ))}
      </ul>
      {more.length > 0 && (
        <details>
          <summary>
            {t('more')} ({more.length})
          </summary>
          <ul class="try">
            {more.map((s) => (
              <ScenarioItem key={s.file} s={s} {...o} />
            ))}
          </ul>
        </details>
      )}
    </Section>
  );
}

function ScenarioItem(o: { s: ScenarioInfo; lang: Lang; site: 'hospital' | 'airport'; busy: boolean; run: (s: ScenarioInfo) => void }) {
  const t = (k: WordKey) => word(o.lang, k);
  const s = o.s;
  if (s.site !== o.site)
    return (
      <li class="other">
        <strong>{s.name}</strong> ({t(s.site === 'airport' ? 'needsAirport' : 'needsHospital')})<p>{s.about}</p>
      </li>
    );
  return (
    <li>
      <button type="button" disabled={o.busy} onClick={() => o.run(s)} data-testid={`try-${s.file.replace(/\.ya?ml$/, '')}`}>
        {t('run')}: {s.name}
      </button>
      <p>{s.about}</p>
    </li>
  );
}

function Recorder(o: {
  lang: Lang;
  recording: { active: boolean; steps: number };
  busy: boolean;
  send: (m: Parameters<ConsoleConnection['request']>[0], what: string) => Promise<Answer>;
}) {
  const t = (k: WordKey) => word(o.lang, k);
  const stop = async () => {
    const a = await o.send({ t: 'record', state: 'stop' }, t('recordStop'));
    if (a.ok && a.yaml) download(`console-${new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-')}.yaml`, a.yaml);
  };
  const replay = async (file: File | undefined) => {
    if (!file) return;
    if (file.size > 200_000) return;
    await o.send({ t: 'replay', text: await file.text() }, `${t('replay')}: ${file.name}`);
  };
  return (
    <Section title={t('record')} id="recorder">
      <div class="buttons">
        {o.recording.active ? (
          <button type="button" onClick={() => void stop()} data-testid="record-stop">
            {t('recordStop')}
          </button>
        ) : (
          <button type="button" onClick={() => void o.send({ t: 'record', state: 'start' }, t('recordStart'))} data-testid="record-start">
            {t('recordStart')}
          </button>
        )}
      </div>
      {o.recording.active && (
        <p role="status" data-testid="recording">
          {t('recording')}: {o.recording.steps} {t('steps')}
        </p>
      )}
      <label class="file">
        {t('replay')}{' '}
        <input
          type="file"
          accept=".yaml,.yml,.json"
          disabled={o.busy}
          onChange={(e) => void replay(e.currentTarget.files?.[0])}
          data-testid="replay-file"
        />
      </label>
    </Section>
  );
}

function download(name: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/yaml' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
