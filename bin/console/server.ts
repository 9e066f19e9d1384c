// The technician console's server: the panel page and its WebSocket on loopback, only in
// simulator mode. As with the kiosk UI (main/core/ui-server.ts), a page may connect only
// from this server's own origin with the per-start token, presented as a WebSocket
// subprotocol (the token travels in the URL's fragment, which browsers never send). Every
// message is parsed (simulator/console-page/protocol.ts); a bad one is answered, never obeyed.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Action, Scenario } from '../../simulator/scenario/steps.js';
import {
  MAX_PAGE_MESSAGE_BYTES,
  parsePageMessage,
  type CitizenCard,
  type ConsoleEvent,
  type ConsoleSnapshot,
  type PageMessage,
  type ScenarioInfo,
  type ServerMessage,
} from '../../simulator/console-page/protocol.js';
import { loopbackSecurityPolicy, refuseLoopbackUpgrade, rejectUpgrade, type Refusal } from '../../main/core/loopback-guard.js';
import type { PageAsset } from './page-assets.js';
import { Recorder } from './recorder.js';

export const CONSOLE_PATH = '/console';
export const CONSOLE_PROTOCOL = 'cccd-console.v1';
export const CONSOLE_TOKEN_PREFIX = 'cccd-console.token.';

/** Progress of a scenario run, for the narration. */
export interface RunProgress {
  step(index: number, of: number, text: string): void;
}

/** What the console drives: the simulated site (bin/console/site-backend.ts adapts SimSite to it). */
export interface ConsoleBackend {
  readonly site: 'hospital' | 'airport';
  citizens(): Promise<CitizenCard[]>;
  scenarios(): ScenarioInfo[];
  /** The hospital's clinics for the choose-clinic button; none at an airport. */
  clinics(): { id: string; name: string }[];
  /** Does one action; rejects with an Error whose message a technician reads. */
  apply(action: Action): Promise<void>;
  /** Runs a shipped scenario (by file) or a loaded one, live on the kiosk. */
  run(scenario: { file: string } | { scenario: Scenario }, progress: RunProgress): Promise<void>;
  /** Parses a loaded scenario file (YAML or JSON), or throws a readable error. */
  parseScenario(text: string): Scenario;
  /** The scenario as YAML, for `kiosk sim run`. */
  toYaml(scenario: Scenario): string;
  snapshot(): ConsoleSnapshot;
  /** Snapshot changes, live events, and a new site (a hospital became an airport); returns the unsubscribe. */
  subscribe(listener: ConsoleListener): () => void;
  /** Turns the site into the other kind, when the backend can (kiosk start's can). */
  switchSite?(kind: 'hospital' | 'airport'): Promise<void>;
}

export interface ConsoleListener {
  changed(): void;
  event(e: ConsoleEvent): void;
  /** Another site now: people, scenarios and clinics are told anew. */
  replaced?(): void;
}

export interface ConsoleServer {
  readonly port: number;
  /** The panel's address: the token in the fragment. */
  readonly url: string;
  readonly token: string;
  close(): Promise<void>;
}

export const consoleSecurityPolicy = (port: number): string => loopbackSecurityPolicy(port, { media: false });

/** Why an upgrade is refused, or null to accept it. Exported for tests. */
export const refuseConsoleUpgrade = (req: IncomingMessage, port: number, token: string): Refusal | null =>
  refuseLoopbackUpgrade(req, { port, path: CONSOLE_PATH, protocol: CONSOLE_PROTOCOL, tokenPrefix: CONSOLE_TOKEN_PREFIX, token });

/** Snapshots are pushed at most this often; events are batched over the same time. */
const PUSH_MS = 100;

export async function startConsoleServer(o: {
  backend: ConsoleBackend;
  assets: Map<string, PageAsset>;
  port?: number;
  token?: string;
  warn?: (line: string) => void;
}): Promise<ConsoleServer> {
  const { backend, assets } = o;
  const warn = o.warn ?? (() => undefined);
  const token = o.token ?? randomBytes(32).toString('base64url');
  let citizens = await backend.citizens();
  let recorder = new Recorder(backend.site);
  let port = 0;
  // One scenario at a time: a second run, or an action during a run, is refused with a reason.
  let running: string | null = null;
  let actions: Promise<void> = Promise.resolve();

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (![`127.0.0.1:${port}`, `localhost:${port}`].includes(req.headers.host ?? '')) {
      res.writeHead(421, { 'content-type': 'text/plain' }).end('wrong host');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    const asset = assets.get(new URL(req.url ?? '/', 'http://placeholder').pathname);
    if (!asset) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, {
      'content-type': asset.contentType,
      'content-length': asset.body.length,
      'content-security-policy': consoleSecurityPolicy(port),
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-store',
    });
    res.end(req.method === 'HEAD' ? undefined : asset.body);
  });
  server.on('error', (err) => warn(`console server: ${err.message}`));

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_PAGE_MESSAGE_BYTES,
    handleProtocols: (protocols) => (protocols.has(CONSOLE_PROTOCOL) ? CONSOLE_PROTOCOL : false),
  });
  wss.on('error', (err) => warn(`console socket: ${err.message}`));

  const pages = new Set<WebSocket>();
  const send = (ws: WebSocket, m: ServerMessage) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(m));
  };
  const broadcast = (m: ServerMessage) => {
    for (const ws of pages) send(ws, m);
  };

  // Batched pushes: a burst of APDUs is one message, a burst of changes one snapshot.
  const pending: ConsoleEvent[] = [];
  let changed = false;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const flush = () => {
    timer = null;
    if (pending.length) broadcast({ t: 'events', events: pending.splice(0, 200) });
    if (changed) {
      changed = false;
      broadcast({ t: 'snapshot', snapshot: backend.snapshot() });
    }
    if (pending.length) schedule();
  };
  const schedule = () => {
    timer ??= setTimeout(flush, PUSH_MS);
  };
  const greet = (ws: WebSocket) => {
    send(ws, { t: 'hello', site: backend.site, citizens, scenarios: backend.scenarios(), clinics: backend.clinics() });
    send(ws, { t: 'snapshot', snapshot: backend.snapshot() });
    send(ws, { t: 'recording', active: recorder.active, steps: recorder.count });
  };
  const unsubscribe = backend.subscribe({
    replaced: () => {
      // A recording of one kind of site cannot replay on the other: it ends with the site.
      recorder = new Recorder(backend.site);
      void backend.citizens().then(
        (c) => {
          citizens = c;
          for (const ws of pages) greet(ws);
        },
        (err: Error) => warn(`console: ${err.message}`),
      );
    },
    changed: () => {
      changed = true;
      schedule();
    },
    event: (e) => {
      // Kept bounded: a page that cannot keep up loses the oldest lines, never the process its memory.
      if (pending.length >= 1000) pending.shift();
      pending.push(e);
      schedule();
    },
  });
  const narrate = (text: string) => {
    pending.push({ kind: 'narration', at: new Date().toISOString(), text: text.slice(0, 500) });
    schedule();
  };

  const runLive = async (label: string, scenario: { file: string } | { scenario: Scenario }) => {
    running = label;
    try {
      await backend.run(scenario, {
        step: (index, of, text) => {
          broadcast({ t: 'running', name: label, step: index, of });
          narrate(`${index}/${of} ${text}`);
        },
      });
    } finally {
      running = null;
      broadcast({ t: 'running', name: null, step: 0, of: 0 });
    }
  };

  const handle = async (m: PageMessage): Promise<ServerMessage> => {
    const busy = running ? `a scenario is running (${running}) / đang chạy một kịch bản` : null;
    switch (m.t) {
      case 'action':
        if (busy) return { t: 'failed', id: m.id, error: busy };
        {
          // One action at a time, in the order sent: a card taken off while it is still being put on would stay on.
          const done = actions.then(async () => {
            const screen = backend.snapshot().screen;
            await backend.apply(m.action);
            recorder.add(m.action, screen);
          });
          actions = done.catch(() => undefined);
          await done;
        }
        if (recorder.active) broadcast({ t: 'recording', active: true, steps: recorder.count });
        return { t: 'done', id: m.id };
      case 'scenario': {
        if (busy) return { t: 'failed', id: m.id, error: busy };
        const info = backend.scenarios().find((s) => s.file === m.file);
        if (!info) return { t: 'failed', id: m.id, error: `no scenario ${m.file}` };
        await runLive(info.name, { file: m.file });
        return { t: 'done', id: m.id };
      }
      case 'replay': {
        if (busy) return { t: 'failed', id: m.id, error: busy };
        const scenario = backend.parseScenario(m.text);
        if (scenario.site !== backend.site)
          return { t: 'failed', id: m.id, error: `the scenario is for ${kindOf(scenario.site)}, this kiosk is ${kindOf(backend.site)}'s` };
        await runLive(scenario.name, { scenario });
        return { t: 'done', id: m.id };
      }
      case 'site': {
        if (busy) return { t: 'failed', id: m.id, error: busy };
        if (!backend.switchSite) return { t: 'failed', id: m.id, error: 'this console cannot change the kind of site' };
        if (m.kind === backend.site) return { t: 'done', id: m.id };
        running = `→ ${m.kind}`;
        try {
          await backend.switchSite(m.kind);
        } finally {
          running = null;
        }
        return { t: 'done', id: m.id };
      }
      case 'record':
        if (m.state === 'start') {
          recorder.start();
          broadcast({ t: 'recording', active: true, steps: 0 });
          return { t: 'done', id: m.id };
        } else {
          const scenario = recorder.stop();
          broadcast({ t: 'recording', active: false, steps: scenario?.steps.length ?? 0 });
          if (!scenario) return { t: 'failed', id: m.id, error: 'nothing recorded / chưa ghi bước nào' };
          return { t: 'done', id: m.id, yaml: backend.toYaml(scenario) };
        }
    }
  };

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => undefined);
    const refusal = refuseConsoleUpgrade(req, port, token);
    if (refusal) {
      warn(`refused a console connection: ${refusal.reason}`);
      rejectUpgrade(socket, refusal);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws: WebSocket) => {
      pages.add(ws);
      ws.on('error', (err) => warn(`console page: ${err.message}`));
      ws.on('close', () => pages.delete(ws));
      greet(ws);
      ws.on('message', (data, isBinary) => {
        const text = isBinary ? null : (Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer)).toString('utf8');
        const parsed = parsePageMessage(text);
        if (!parsed.ok) {
          // Without a readable id there is nobody to answer but the log.
          const id = idOf(text);
          if (id !== null) send(ws, { t: 'failed', id, error: `refused: ${parsed.error}` });
          else warn(`console page sent a bad message: ${parsed.error}`);
          return;
        }
        handle(parsed.value).then(
          (answer) => send(ws, answer),
          (err: unknown) => send(ws, { t: 'failed', id: parsed.value.id, error: String((err as Error)?.message ?? err).slice(0, 500) }),
        );
      });
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `http://127.0.0.1:${port}/#token=${token}`,
    token,
    close: async () => {
      unsubscribe();
      if (timer) clearTimeout(timer);
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const kindOf = (site: 'hospital' | 'airport') => (site === 'airport' ? 'an airport' : 'a hospital');

/** The id of a message that failed its parse, when it has a usable one. */
function idOf(text: string | null): number | null {
  if (!text) return null;
  try {
    const id = (JSON.parse(text) as { id?: unknown } | null)?.id;
    return typeof id === 'number' && Number.isInteger(id) && id >= 1 && id <= 0x7fffffff ? id : null;
  } catch {
    return null;
  }
}
