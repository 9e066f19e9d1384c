// Sandboxed preload: exposes exactly the typed contract as `window.kiosk`, carried over a
// MessagePort to the core. No ipcRenderer, no Node, nothing else reaches the page.
import { contextBridge, ipcRenderer } from 'electron';
import { createKioskClient, type TextTransport } from '../api/client.js';

/** The part of the DOM MessagePort we use (this file is type-checked without the DOM lib). */
interface PortLike {
  onmessage: ((e: { data: unknown }) => void) | null;
  addEventListener(type: 'close', listener: () => void): void;
  postMessage(message: unknown, transfer?: unknown[]): void;
  start(): void;
}

const queue: string[] = [];
let port: PortLike | null = null;
const messageListeners: ((text: unknown) => void)[] = [];
const closeListeners: ((reason: string) => void)[] = [];

ipcRenderer.on('kiosk:port', (event) => {
  const received = event.ports[0] as unknown as PortLike | undefined;
  if (!received || port) return;
  port = received;
  port.onmessage = (e) => {
    for (const l of messageListeners) l(e.data);
  };
  port.addEventListener('close', () => {
    for (const l of closeListeners) l('core stopped');
  });
  port.start();
  for (const text of queue.splice(0)) port.postMessage(text);
});

const transport: TextTransport = {
  send: (text) => (port ? port.postMessage(text) : queue.push(text)),
  onMessage: (l) => messageListeners.push(l),
  onClose: (l) => closeListeners.push(l),
  // A frame is only ever an answer to the core's request: with no port yet there is none to answer.
  sendBinary: (bytes) => {
    if (!port) return;
    const buffer = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes.buffer : bytes.slice().buffer;
    port.postMessage(buffer, [buffer]);
  },
};

const client = createKioskClient(transport);
contextBridge.exposeInMainWorld('kiosk', {
  request: client.request,
  on: client.on,
  sendFrame: client.sendFrame,
});
ipcRenderer.send('kiosk:hello');
