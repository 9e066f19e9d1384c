// The kiosk camera in the page: opened with getUserMedia as any UVC camera (or Chromium's
// fake capture device, which the simulator feeds with a clip), kept open while the kiosk
// runs so the face step starts at once, reported to the core, and reopened when it is
// unplugged and plugged back. Frames leave the page only when the core asks for one
// (`camera.want`), at exactly the size asked for, and the page's copies are wiped at once.
import type { KioskApi } from '../main/api/client.js';
import { FRAME_HEADER_BYTES, newFrameMessage, type FrameFormat } from '../main/api/camera-frame.js';
import type { CameraProblem, CameraSettings, CameraWant } from '../main/api/contract.js';

/** Retry an unavailable camera this often (and at once when the system's devices change). */
const RETRY_MS = 2000;
/** A frame is taken when the video presents a new one, or after this long regardless. */
const FRESH_FRAME_WAIT_MS = 150;

function problemOf(err: unknown): CameraProblem {
  const name = (err as { name?: unknown } | null)?.name;
  switch (name) {
    case 'NotFoundError':
    case 'OverconstrainedError':
      return 'not-found';
    case 'NotAllowedError':
    case 'SecurityError':
      return 'not-allowed';
    case 'NotReadableError':
    case 'AbortError':
      return 'in-use';
    default:
      return 'failed';
  }
}

type VideoWithFrameCallback = HTMLVideoElement & { requestVideoFrameCallback?(cb: () => void): number };

/** Chromium's MediaStreamTrackProcessor (WebCodecs), where the page has it: the camera's frames as they come. */
type TrackProcessorCtor = new (init: { track: MediaStreamTrack }) => { readable: ReadableStream<VideoFrame> };

/**
 * The camera's newest frame, kept as the browser gives it (no canvas): when its size is the
 * one asked for and it is I420, its planes are sent as they are. Older frames are closed.
 */
class LatestFrame {
  private frame: VideoFrame | null = null;
  private serial = 0;
  private waiting: (() => void)[] = [];
  private stopped = false;

  constructor(track: MediaStreamTrack, Processor: TrackProcessorCtor) {
    const reader = new Processor({ track }).readable.getReader();
    void (async () => {
      while (!this.stopped) {
        const r = await reader.read().catch(() => ({ done: true as const, value: undefined }));
        if (r.done) break;
        this.frame?.close();
        this.frame = r.value;
        this.serial++;
        for (const w of this.waiting.splice(0)) w();
      }
      this.close();
      reader.releaseLock();
    })();
  }

  get count(): number {
    return this.serial;
  }

  /** Resolves when a frame newer than `after` is there, or after `ms` at most. */
  newer(after: number, ms: number): Promise<void> {
    if (this.serial > after || this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const t = setTimeout(resolve, ms);
      this.waiting.push(() => {
        clearTimeout(t);
        resolve();
      });
    });
  }

  get current(): VideoFrame | null {
    return this.frame;
  }

  close(): void {
    this.stopped = true;
    this.frame?.close();
    this.frame = null;
    for (const w of this.waiting.splice(0)) w();
  }
}

export class KioskCamera {
  /** The live view the check-in screen shows on its face step (one element, moved, never recreated). */
  readonly view: HTMLElement;
  private readonly video: VideoWithFrameCallback;
  private readonly canvas = document.createElement('canvas');
  private stream: MediaStream | null = null;
  private settings: CameraSettings | null = null;
  private opening = false;
  private retry: ReturnType<typeof setTimeout> | null = null;
  private state: { connected: boolean; problem: CameraProblem | null } = { connected: false, problem: null };
  private latest: LatestFrame | null = null;
  /** The serial of the newest frame already sent: each answer is a frame the core has not seen. */
  private sentSerial = 0;

  constructor(private readonly kiosk: KioskApi) {
    this.video = document.createElement('video');
    this.video.muted = true;
    this.video.autoplay = true;
    this.video.playsInline = true;
    this.video.dataset['testid'] = 'camera-video';
    const oval = document.createElement('div');
    oval.className = 'oval';
    oval.setAttribute('aria-hidden', 'true');
    this.view = document.createElement('figure');
    this.view.className = 'camera';
    this.view.dataset['testid'] = 'camera';
    this.view.append(this.video, oval);
  }

  get connected(): boolean {
    return this.state.connected;
  }

  async start(): Promise<void> {
    this.kiosk.on('camera.want', (want) => void this.answer(want));
    this.kiosk.on('camera.settings', (settings) => {
      this.settings = settings;
      this.close();
      void this.open();
    });
    navigator.mediaDevices?.addEventListener('devicechange', () => {
      if (!this.stream) void this.open();
    });
    this.settings = await this.kiosk.request('camera.settings', {});
    await this.open();
  }

  private report(connected: boolean, problem: CameraProblem | null, label: string | null): void {
    if (this.state.connected === connected && this.state.problem === problem) return;
    this.state = { connected, problem };
    void this.kiosk.request('camera.report', { state: connected ? 'connected' : 'missing', label, problem }).catch(() => undefined);
  }

  private scheduleRetry(): void {
    if (this.retry) return;
    this.retry = setTimeout(() => {
      this.retry = null;
      if (!this.stream) void this.open();
    }, RETRY_MS);
  }

  private async open(): Promise<void> {
    if (this.opening || this.stream || !this.settings) return;
    if (!navigator.mediaDevices?.getUserMedia) {
      this.report(false, 'no-media-devices', null);
      return;
    }
    this.opening = true;
    const s = this.settings;
    try {
      const size = { width: { ideal: s.width }, height: { ideal: s.height }, frameRate: { ideal: s.frameRate } };
      let stream = await navigator.mediaDevices.getUserMedia({ video: size, audio: false });
      // Labels are only given once a camera is allowed: then the configured one is picked.
      if (s.deviceLabel) {
        const wanted = (await navigator.mediaDevices.enumerateDevices()).find(
          (d) => d.kind === 'videoinput' && d.label.toLowerCase().includes(s.deviceLabel!.toLowerCase()),
        );
        const current = stream.getVideoTracks()[0]?.getSettings().deviceId;
        if (!wanted) {
          for (const t of stream.getTracks()) t.stop();
          throw Object.assign(new Error(`no camera labelled "${s.deviceLabel}"`), { name: 'NotFoundError' });
        }
        if (wanted.deviceId !== current) {
          for (const t of stream.getTracks()) t.stop();
          stream = await navigator.mediaDevices.getUserMedia({ video: { ...size, deviceId: { exact: wanted.deviceId } }, audio: false });
        }
      }
      const track = stream.getVideoTracks()[0];
      if (!track) throw Object.assign(new Error('no video track'), { name: 'NotFoundError' });
      // Unplugged: the track ends; the camera is reported missing and looked for again.
      track.addEventListener('ended', () => this.lost());
      this.stream = stream;
      this.video.srcObject = stream;
      const Processor = (window as unknown as { MediaStreamTrackProcessor?: TrackProcessorCtor }).MediaStreamTrackProcessor;
      if (Processor) {
        this.latest = new LatestFrame(track, Processor);
        this.sentSerial = 0;
      }
      await this.video.play().catch(() => undefined);
      this.report(true, null, track.label.slice(0, 200) || null);
    } catch (err) {
      this.report(false, problemOf(err), null);
      this.scheduleRetry();
    } finally {
      this.opening = false;
    }
  }

  private lost(): void {
    this.close();
    this.report(false, 'ended', null);
    this.scheduleRetry();
  }

  private close(): void {
    this.latest?.close();
    this.latest = null;
    for (const t of this.stream?.getTracks() ?? []) t.stop();
    this.stream = null;
    this.video.srcObject = null;
  }

  /** A new frame from the video: after its next presented frame, or a short wait at most. */
  private freshFrame(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, FRESH_FRAME_WAIT_MS);
      this.video.requestVideoFrameCallback?.(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** One frame for the core: the camera's own I420 when it is the size asked for, else scaled and cropped (centred) on a canvas. */
  private async answer(want: CameraWant): Promise<void> {
    if (this.latest) {
      const latest = this.latest;
      await latest.newer(this.sentSerial, 500);
      const f = latest.current;
      if (f && this.stream && latest === this.latest) {
        this.sentSerial = latest.count;
        if (await this.sendPlanes(want, f)) return;
      }
    }
    // A camera just opened may take a moment to give its first frame.
    for (let i = 0; i < 20 && this.stream && this.video.readyState < HTMLMediaElement.HAVE_CURRENT_DATA; i++) await this.freshFrame();
    await this.freshFrame();
    const vw = this.video.videoWidth;
    const vh = this.video.videoHeight;
    if (!this.stream || vw === 0 || vh === 0) return;
    const { width, height } = want;
    if (this.canvas.width !== width) this.canvas.width = width;
    if (this.canvas.height !== height) this.canvas.height = height;
    const ctx = this.canvas.getContext('2d', { willReadFrequently: true });
    if (!ctx) return;
    const scale = Math.max(width / vw, height / vh);
    const sw = width / scale;
    const sh = height / scale;
    ctx.drawImage(this.video, (vw - sw) / 2, (vh - sh) / 2, sw, sh, 0, 0, width, height);
    const pixels = ctx.getImageData(0, 0, width, height).data;
    const message = newFrameMessage(want.id, width, height);
    message.set(pixels, FRAME_HEADER_BYTES);
    pixels.fill(0);
    ctx.clearRect(0, 0, width, height);
    this.send(message);
  }

  /** The frame's I420 planes as they are, when it is I420 and exactly the size asked for; false otherwise. */
  private async sendPlanes(want: CameraWant, f: VideoFrame): Promise<boolean> {
    const { width, height } = want;
    const rect = f.visibleRect;
    if (f.format !== 'I420' || !rect || rect.width !== width || rect.height !== height) return false;
    const format: FrameFormat = f.colorSpace.fullRange ? 'i420-full' : 'i420';
    const message = newFrameMessage(want.id, width, height, format);
    const cw = (width + 1) >> 1;
    const ch = (height + 1) >> 1;
    // Its own reference: the newest frame may be replaced (and closed) while this one is copied.
    const own = f.clone();
    try {
      await own.copyTo(message.subarray(FRAME_HEADER_BYTES), {
        rect: { x: rect.x, y: rect.y, width, height },
        layout: [
          { offset: 0, stride: width },
          { offset: width * height, stride: cw },
          { offset: width * height + cw * ch, stride: cw },
        ],
      });
    } catch {
      message.fill(0);
      return false;
    } finally {
      own.close();
    }
    this.send(message);
    return true;
  }

  private send(message: Uint8Array): void {
    this.kiosk.sendFrame(message);
    // Sent (copied by the WebSocket, or transferred over the MessagePort): nothing of it stays here.
    if (message.byteLength) message.fill(0);
  }
}
