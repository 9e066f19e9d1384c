// ESLint rule `rooms/imports`: the room rules of docs/ARCHITECTURE.md, enforced on every
// import, export-from and dynamic import(), type-only ones included.
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

// Packages that tie code to a UI, a database, the network or a device.
const ELECTRON = ['electron'];
const STORAGE_AND_NETWORK = ['better-sqlite3', 'pg', '@electric-sql/pglite', 'fastify', 'ws', 'node:http', 'node:https', 'node:http2', 'node:net', 'node:dgram'];
const DEVICES = ['@pokusew/pcsclite', 'node-hid', 'onnxruntime-node', 'sharp'];

/**
 * Each room: the rooms it may import from ('*' = any), and the packages it may not use
 * (`onlyPackages` instead lists the only ones it may use; [] = none at all).
 * Listed most specific first; a file belongs to the first room whose folder contains it.
 */
export const ROOMS = [
  { room: 'drivers/pcsc', mayImport: [], denyPackages: [...ELECTRON, ...STORAGE_AND_NETWORK, 'node-hid', 'onnxruntime-node', 'sharp'] },
  { room: 'drivers/emrtd', mayImport: [], denyPackages: [...ELECTRON, ...STORAGE_AND_NETWORK, ...DEVICES, 'node:fs', 'node:fs/promises', 'node:child_process'] },
  { room: 'drivers/hid', mayImport: [], denyPackages: [...ELECTRON, 'better-sqlite3', 'pg', '@electric-sql/pglite', 'fastify', 'ws', 'node:http', 'node:https', '@pokusew/pcsclite', 'onnxruntime-node', 'sharp'] },
  { room: 'drivers/barcode', mayImport: [], denyPackages: [...ELECTRON, ...STORAGE_AND_NETWORK, ...DEVICES, 'node:fs', 'node:fs/promises', 'node:child_process'] },
  { room: 'models', mayImport: [], denyPackages: [...ELECTRON, ...STORAGE_AND_NETWORK, '@pokusew/pcsclite', 'node-hid'] },
  { room: 'main/api', mayImport: [], onlyPackages: ['zod'] },
  { room: 'main/protocol', mayImport: [], onlyPackages: ['zod'] },
  { room: 'main/store', mayImport: ['main/protocol'], denyPackages: [...ELECTRON, ...DEVICES] },
  { room: 'main/sync', mayImport: ['main/store', 'main/protocol'], denyPackages: [...ELECTRON, ...DEVICES] },
  { room: 'main/core', mayImport: ['drivers/pcsc', 'drivers/emrtd', 'drivers/hid', 'drivers/barcode', 'models', 'main/store', 'main/sync', 'main/api', 'main/protocol'], denyPackages: ELECTRON },
  { room: 'main/shell', mayImport: ['main/api'], denyPackages: [...STORAGE_AND_NETWORK, ...DEVICES] },
  { room: 'renderer', mayImport: ['main/api'], onlyPackages: [] },
  { room: 'simulator', mayImport: ['drivers/pcsc', 'drivers/emrtd', 'drivers/hid', 'drivers/barcode', 'main/protocol'], denyPackages: ELECTRON },
  { room: 'registry', mayImport: ['main/protocol'], denyPackages: [...ELECTRON, ...DEVICES] },
  { room: 'bin', mayImport: ['*'], denyPackages: ELECTRON },
  { room: 'scripts', mayImport: ['*'] },
];

export function roomOf(absPath) {
  const rel = relative(repoRoot, absPath).split('\\').join('/');
  if (rel.startsWith('..')) return null;
  return ROOMS.find((r) => rel === r.room || rel.startsWith(r.room + '/')) ?? null;
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
        if (from.mayImport.includes('*') || from.mayImport.includes(target.room)) return;
        context.report({ node, messageId: 'room', data: { from: from.room, to: target.room, allowed: from.mayImport.join(', ') || 'nothing of ours' } });
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
