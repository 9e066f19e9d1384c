// ESLint rule `rooms/imports`: the room rules of docs/ARCHITECTURE.md, enforced on every
// import, export-from and dynamic import(), type-only ones included.
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

// Packages that tie code to a UI, a database, the network or a device.
const ELECTRON = ['electron'];
const STORAGE_AND_NETWORK = ['better-sqlite3', 'pg', '@electric-sql/pglite', 'fastify', 'ws', 'node:http', 'node:https', 'node:http2', 'node:net', 'node:dgram'];
const DEVICES = ['@pokusew/pcsclite', 'node-hid', 'onnxruntime-node', 'sharp'];
const PURE = [...ELECTRON, ...STORAGE_AND_NETWORK, ...DEVICES, 'node:fs', 'node:fs/promises', 'node:child_process'];

/**
 * Each room: the rooms it may import from ('*' = any), and the packages it may not use
 * (`onlyPackages` instead lists the only ones it may use; [] = none at all).
 * A room is a folder, or one module named without its extension (drivers/emrtd/reader).
 * Listed most specific first; a file belongs to the first room that contains it. A room
 * nested in another is part of it to everyone outside; inside, each lists what it may import.
 */
export const ROOMS = [
  { room: 'drivers/pcsc', mayImport: [], denyPackages: [...ELECTRON, ...STORAGE_AND_NETWORK, 'node-hid', 'onnxruntime-node', 'sharp'] },
  // drivers/emrtd's layers (docs/ARCHITECTURE.md, "The chip stack"), nested rooms; the
  // outer room holds errors.ts and the helpers all layers share, and may import none of them.
  { room: 'drivers/emrtd/reader', mayImport: ['drivers/emrtd', 'drivers/emrtd/protocol', 'drivers/emrtd/lds', 'drivers/emrtd/cert'], denyPackages: PURE },
  { room: 'drivers/emrtd/protocol', mayImport: ['drivers/emrtd', 'drivers/emrtd/lds'], denyPackages: PURE },
  { room: 'drivers/emrtd/cert', mayImport: ['drivers/emrtd', 'drivers/emrtd/lds'], denyPackages: PURE },
  { room: 'drivers/emrtd/lds', mayImport: ['drivers/emrtd'], denyPackages: PURE },
  { room: 'drivers/emrtd', mayImport: [], denyPackages: PURE },
  { room: 'drivers/hid', mayImport: [], denyPackages: [...ELECTRON, 'better-sqlite3', 'pg', '@electric-sql/pglite', 'fastify', 'ws', 'node:http', 'node:https', '@pokusew/pcsclite', 'onnxruntime-node', 'sharp'] },
  { room: 'drivers/barcode', mayImport: [], denyPackages: PURE },
  { room: 'models', mayImport: [], denyPackages: [...ELECTRON, ...STORAGE_AND_NETWORK, '@pokusew/pcsclite', 'node-hid'] },
  { room: 'main/api', mayImport: [], onlyPackages: ['zod'] },
  { room: 'main/protocol', mayImport: [], onlyPackages: ['zod'] },
  { room: 'main/store', mayImport: ['main/protocol'], denyPackages: [...ELECTRON, ...DEVICES] },
  { room: 'main/sync', mayImport: ['main/store', 'main/protocol'], denyPackages: [...ELECTRON, ...DEVICES] },
  { room: 'main/core', mayImport: ['drivers/pcsc', 'drivers/emrtd', 'drivers/hid', 'drivers/barcode', 'models', 'main/store', 'main/sync', 'main/api', 'main/protocol'], denyPackages: ELECTRON },
  { room: 'main/shell', mayImport: ['main/api'], denyPackages: [...STORAGE_AND_NETWORK, ...DEVICES] },
  { room: 'renderer', mayImport: ['main/api'], onlyPackages: [] },
  { room: 'simulator', mayImport: ['drivers/pcsc', 'drivers/emrtd', 'drivers/hid', 'drivers/barcode'], denyPackages: ELECTRON },
  { room: 'registry', mayImport: ['main/protocol'], denyPackages: [...ELECTRON, ...DEVICES] },
  { room: 'bin', mayImport: ['*'], denyPackages: ELECTRON },
  { room: 'scripts', mayImport: ['*'] },
];

export function roomOf(absPath) {
  const rel = relative(repoRoot, absPath).split('\\').join('/');
  if (rel.startsWith('..')) return null;
  // Imports name modules by their .js output: a module room matches either spelling.
  const module = rel.replace(/\.[cm]?[jt]sx?$/, '');
  return ROOMS.find((r) => module === r.room || rel.startsWith(r.room + '/')) ?? null;
}

/** The outermost room holding `room` (itself when it is nested in none). */
function houseOf(room) {
  return ROOMS.findLast((r) => room.room === r.room || room.room.startsWith(r.room + '/'));
}

function packageName(source) {
  if (source.startsWith('node:')) return source;
  const parts = source.split('/');
  return source.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

const BUILTINS_WITHOUT_PREFIX = new Set(['fs', 'path', 'net', 'http', 'https', 'child_process', 'crypto', 'os', 'url', 'util', 'stream', 'events', 'worker_threads', 'dgram', 'http2', 'fs/promises']);

export default {
  meta: {
    type: 'problem',
    docs: { description: 'Keep each room to the imports docs/ARCHITECTURE.md allows it' },
    schema: [],
    messages: {
      room: '{{from}} may not import from {{to}} (allowed: {{allowed}}). See docs/ARCHITECTURE.md, "Rooms".',
      pkg: '{{from}} may not use the package "{{pkg}}". See docs/ARCHITECTURE.md, "Rooms".',
      bareBuiltin: 'Import Node built-ins with the node: prefix ("node:{{pkg}}").',
    },
  },
  create(context) {
    const filename = context.filename ?? context.getFilename();
    const from = roomOf(filename);
    if (!from) return {};
    // Tests run in Node with test tools: they keep the room boundaries, not the package limits.
    const isTest = /(^|[\\/])test[\\/]/.test(relative(repoRoot, filename));

    function check(node, source) {
      if (typeof source !== 'string') return;
      if (source.startsWith('.')) {
        const target = roomOf(resolve(dirname(filename), source));
        if (!target || target.room === from.room) return;
        const inside = houseOf(from) === houseOf(target);
        // A test may reach every room of its own house (it tests them all).
        if (inside && isTest) return;
        const to = inside ? target.room : houseOf(target).room;
        if (from.mayImport.includes('*') || from.mayImport.includes(to)) return;
        context.report({ node, messageId: 'room', data: { from: from.room, to, allowed: from.mayImport.join(', ') || 'nothing of ours' } });
        return;
      }
      const pkg = packageName(source);
      if (isTest) return;
      if (BUILTINS_WITHOUT_PREFIX.has(pkg)) {
        context.report({ node, messageId: 'bareBuiltin', data: { pkg } });
        return;
      }
      const denied = from.onlyPackages ? !from.onlyPackages.includes(pkg) : (from.denyPackages ?? []).includes(pkg);
      if (denied) context.report({ node, messageId: 'pkg', data: { from: from.room, pkg } });
    }

    return {
      ImportDeclaration: (node) => check(node, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value),
      ExportAllDeclaration: (node) => check(node, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node, node.source.value),
    };
  },
};
