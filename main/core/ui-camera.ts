// The kiosk camera as the core sees it: a UI page opens the camera (getUserMedia, in the
// Electron window or in Chromium alike) and reports it; the face step asks that page for
// one frame at a time (`camera.want`) and gets it on the binary channel. A frame nobody
// asked for, a second frame for one request, or one of another size is refused with its
// reason and dropped; the connection stays up. Pixels are copied out once (the face worker
// turns them into RGB, off the main loop) and the received bytes wiped.
import { readFrameHeader, frameBytes, FRAME_HEADER_BYTES, type FrameRefusal } from '../api/camera-frame.js';
import type { CameraReport, CameraSettings, CameraWant } from '../api/contract.js';
import type { CameraFrame } from '../../models/image.js';
import type { FrameSource } from './face-step.js';
import type { Logger } from './logger.js';

export interface CameraLink {
  /** The page says its camera opened, went away or was refused. */
  report(report: CameraReport): void;
  /** A binary message from the page: a frame, or the reason it was refused. */
  receive(bytes: Uint8Array): { ok: true } | { ok: false; refusal: FrameRefusal; message: string };
  /** The page's connection closed. */
  close(): void;
}

interface Pending {
  want: CameraWant;
  resolve(frame: CameraFrame | null): void;
}

interface Page {
  readonly serial: number;
  report: CameraReport;
  /** Sends `camera.want` to this page only. */
  want(w: CameraWant): void;
  pending: Pending | null;
  /** The newest request id sent to this page (a frame for an older one is one too many). */
  lastAsked: number;
  /** A request the face step gave up (its window ended): its frame, if it still comes, is dropped quietly. */
  abandoned: number;
  /** When it last reported its camera connected: the newest such page is used. */
  connectedAt: number;
}

export class UiCamera implements FrameSource {
  readonly name = 'the UI camera';
  private readonly pages = new Set<Page>();
  private nextId = 1;
  private serial = 0;
  private order = 0;
  private wasAvailable = false;

  constructor(
    private settings: () => CameraSettings,
    private readonly log: Logger,
    /** Told when a camera becomes available or goes away, with the page's label. */
    private readonly onChange: (available: boolean, label: string | null) => void = () => undefined,
  ) {}

  /** A page connected: its link, through which it reports and sends frames. */
  attach(want: (w: CameraWant) => void): CameraLink {
    const page: Page = {
      serial: ++this.serial,
      report: { state: 'missing', label: null, problem: null },
      want,
      pending: null,
      lastAsked: 0,
      abandoned: 0,
      connectedAt: 0,
    };
    this.pages.add(page);
    return {
      report: (report) => {
        const was = page.report.state;
        page.report = report;
        if (report.state === 'connected' && was !== 'connected') page.connectedAt = ++this.order;
        if (report.state === 'missing') {
          if (report.problem) this.log.warn({ page: page.serial, problem: report.problem }, 'the UI has no camera');
          this.settle(page, null);
        } else if (was !== 'connected') this.log.info({ page: page.serial, label: report.label }, 'camera connected');
        this.changed();
      },
      receive: (bytes) => this.receive(page, bytes),
      close: () => {
        this.pages.delete(page);
        this.settle(page, null);
        this.changed();
      },
    };
  }

  private current(): Page | null {
    let best: Page | null = null;
    for (const p of this.pages) if (p.report.state === 'connected' && (!best || p.connectedAt > best.connectedAt)) best = p;
    return best;
  }

  available(): boolean {
    return this.current() !== null;
  }

  /** The label of the camera in use (for the technician), or null. */
  label(): string | null {
    return this.current()?.report.label ?? null;
  }

  private changed(): void {
    const now = this.available();
    if (now === this.wasAvailable) return;
    this.wasAvailable = now;
    this.onChange(now, this.label());
  }

  private settle(page: Page, frame: CameraFrame | null): void {
    const p = page.pending;
    page.pending = null;
    p?.resolve(frame);
  }

  /** One frame from the page in use, when it sends it; null when aborted or the camera went away. */
  next(signal: AbortSignal): Promise<CameraFrame | null> {
    const page = this.current();
    if (!page || signal.aborted) return Promise.resolve(null);
    // One request at a time per page: a new one replaces (and ends) an unanswered one.
    this.settle(page, null);
    const { width, height } = this.settings();
    const want: CameraWant = { id: this.nextId++, width, height };
    if (this.nextId > 0xffffffff) this.nextId = 1;
    return new Promise<CameraFrame | null>((resolve) => {
      const onAbort = () => {
        if (page.pending?.want.id !== want.id) return;
        page.abandoned = want.id;
        this.settle(page, null);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      page.pending = {
        want,
        resolve: (frame) => {
          signal.removeEventListener('abort', onAbort);
          resolve(frame);
        },
      };
      page.lastAsked = want.id;
      page.want(want);
    });
  }

  private receive(page: Page, bytes: Uint8Array): { ok: true } | { ok: false; refusal: FrameRefusal; message: string } {
    let handedOver = false;
    try {
      const h = readFrameHeader(bytes);
      if (!h.ok) return h;
      const { id, width, height, format } = h.header;
      const p = page.pending;
      if (!p && id === page.abandoned && id !== 0) {
        // Asked for, then given up by the core (the window ended): not the page's fault.
        page.abandoned = 0;
        return { ok: true };
      }
      if (!p || p.want.id !== id) {
        const refusal: FrameRefusal = id !== 0 && id <= page.lastAsked ? 'too-many-frames' : 'not-requested';
        return {
          ok: false,
          refusal,
          message: refusal === 'too-many-frames' ? `frame ${id} was already answered or given up` : `no frame ${id} was asked for`,
        };
      }
      if (width !== p.want.width || height !== p.want.height)
        return { ok: false, refusal: 'wrong-size', message: `${width}×${height} sent, ${p.want.width}×${p.want.height} asked for` };
      const expected = frameBytes(width, height, format);
      if (bytes.length !== expected)
        return {
          ok: false,
          refusal: 'wrong-length',
          message: `${bytes.length} bytes, a ${width}×${height} ${format} frame has ${expected}`,
        };
      // A message with a buffer of its own goes to the face worker as it is (transferred, not
      // copied: the worker wipes it); one that shares a buffer is copied out first.
      handedOver = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer;
      const pixels = handedOver ? bytes.subarray(FRAME_HEADER_BYTES) : bytes.slice(FRAME_HEADER_BYTES);
      this.settle(page, { width, height, format, pixels });
      return { ok: true };
    } finally {
      // The page's bytes are not kept, refused or not (unless handed over whole to the worker, which wipes them).
      if (!handedOver) bytes.fill(0);
    }
  }
}
