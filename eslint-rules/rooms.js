// ESLint rule `rooms/imports`: the room rules of docs/ARCHITECTURE.md, enforced on every
// import, export-from, dynamic import() and require (a CommonJS one, or one createRequire
// made), type-only ones included, and on every use of the global fetch.
import { builtinModules } from 'node:module';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Each room: the rooms it may import from ('*' = any); the only packages and Node built-ins
 * it may use (['*'] = any), each list what the room's code uses today, so that a new package
 * is a decision for docs/ARCHITECTURE.md, not a side effect of one import; whether it may load
 * modules by computed names (`mayCompute`: the tools, which load files found at run time);
 * whether it may use the global fetch (`mayFetch`: the rooms that may reach the network).
 * A room is a folder, or one module named without its extension (drivers/emrtd/reader).
 * Listed most specific first; a file belongs to the first room that contains it. A room
 * nested in another is part of it to everyone outside; inside, each lists what it may import.
 */
export const ROOMS = [
  { room: 'drivers/pcsc', mayImport: [], packages: ['@pokusew/pcsclite', 'node:events', 'node:module'] },
  // drivers/emrtd's layers (docs/ARCHITECTURE.md, "The chip stack"), nested rooms; the
  // outer room holds errors.ts and the helpers all layers share, and may import none of them.
  {
    room: 'drivers/emrtd/reader',
    mayImport: ['drivers/emrtd', 'drivers/emrtd/protocol', 'drivers/emrtd/lds', 'drivers/emrtd/cert'],
    packages: ['node:crypto'],
  },
  { room: 'drivers/emrtd/protocol', mayImport: ['drivers/emrtd', 'drivers/emrtd/lds'], packages: ['@noble/curves', 'node:crypto'] },
  { room: 'drivers/emrtd/cert', mayImport: ['drivers/emrtd', 'drivers/emrtd/lds'], packages: ['asn1js', 'pkijs', 'node:crypto'] },
  { room: 'drivers/emrtd/lds', mayImport: ['drivers/emrtd'], packages: ['asn1js', 'pkijs', 'node:crypto'] },
  { room: 'drivers/emrtd', mayImport: [], packages: ['node:crypto'] },
  { room: 'drivers/hid', mayImport: [], packages: ['node-hid', 'zod', 'node:events', 'node:net'] },
  { room: 'drivers/barcode', mayImport: [], packages: [] },
  {
    room: 'drivers/printer',
    mayImport: [],
    packages: ['@point-of-sale/receipt-printer-encoder', 'sharp', 'zod', 'node:events', 'node:fs', 'node:fs/promises', 'node:net'],
  },
  { room: 'drivers/gate', mayImport: [], packages: ['modbus-serial', 'zod', 'node:events'] },
  {
    room: 'models',
    mayImport: [],
    packages: [
      'onnxruntime-node',
      'sharp',
      '@cornerstonejs/codec-openjpeg',
      'tsx',
      'zod',
      'node:child_process',
      'node:crypto',
      'node:fs',
      'node:module',
      'node:os',
      'node:path',
      'node:url',
      'node:worker_threads',
    ],
  },
  { room: 'main/api', mayImport: [], packages: ['zod'] },
  { room: 'main/protocol', mayImport: [], packages: ['zod'] },
  { room: 'main/store', mayImport: ['main/protocol'], packages: ['better-sqlite3', 'node:crypto', 'node:fs'] },
  { room: 'main/sync', mayImport: ['main/store', 'main/protocol'], packages: ['zod', 'node:crypto', 'node:events'], mayFetch: true },
  {
    room: 'main/core',
    mayImport: [
      'drivers/pcsc',
      'drivers/emrtd',
      'drivers/hid',
      'drivers/barcode',
      'drivers/printer',
      'drivers/gate',
      'models',
      'main/store',
      'main/sync',
      'main/api',
      'main/protocol',
    ],
    packages: [
      'esbuild',
      'pino',
      'ws',
      'zod',
      'node:crypto',
      'node:events',
      'node:fs',
      'node:fs/promises',
      'node:http',
      'node:net',
      'node:os',
      'node:path',
      'node:stream',
      'node:url',
    ],
  },
  { room: 'main/shell', mayImport: ['main/api'], packages: ['electron', 'node:path', 'node:url'] },
  { room: 'renderer', mayImport: ['main/api'], packages: ['preact'] },
  // The technician console's page (Preact, bundled for the browser by bin/console): the
  // simulator's step vocabulary and the console protocol, nothing of Node.
  { room: 'simulator/console-page', mayImport: ['simulator'], packages: ['preact', 'zod'] },
  {
    room: 'simulator',
    mayImport: ['drivers/pcsc', 'drivers/emrtd', 'drivers/hid', 'drivers/barcode', 'drivers/printer', 'drivers/gate', 'main/protocol'],
    packages: [
      '@peculiar/x509',
      'asn1js',
      'koffi',
      'pkijs',
      'reflect-metadata',
      'sharp',
      'zod',
      'node:child_process',
      'node:crypto',
      'node:events',
      'node:fs',
      'node:net',
      'node:os',
      'node:path',
      'node:timers/promises',
      'node:url',
    ],
  },
  {
    room: 'registry',
    mayImport: ['main/protocol'],
    mayFetch: true,
    packages: [
      '@electric-sql/pglite',
      'fastify',
      'pg',
      'pino',
      'tsx',
      'zod',
      'node:child_process',
      'node:crypto',
      'node:fs',
      'node:net',
      'node:os',
      'node:path',
      'node:worker_threads',
    ],
  },
  {
    room: 'bin',
    mayImport: ['*'],
    mayCompute: true,
    mayFetch: true,
    packages: [
      'better-sqlite3',
      'esbuild',
      'fast-check',
      'pino',
      'sharp',
      'ws',
      'yaml',
      'zod',
      'node:child_process',
      'node:crypto',
      'node:fs',
      'node:fs/promises',
      'node:http',
      'node:module',
      'node:net',
      'node:os',
      'node:path',
      'node:perf_hooks',
      'node:stream',
      'node:timers/promises',
      'node:url',
      'node:util',
    ],
  },
  { room: 'scripts', mayImport: ['*'], packages: ['*'], mayCompute: true, mayFetch: true },
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

// The names by which code can reach the global object, and so the global fetch.
const GLOBAL_OBJECTS = new Set(['globalThis', 'window', 'self', 'global']);

/** The module name a literal spells (a string, or a template with no expressions), else null. */
function literalName(node) {
  if (node?.type === 'Literal' && typeof node.value === 'string') return node.value;
  if (node?.type === 'TemplateLiteral' && node.expressions.length === 0) return node.quasis[0].value.cooked;
  return null;
}

export default {
  meta: {
    type: 'problem',
    docs: { description: 'Keep each room to the imports docs/ARCHITECTURE.md allows it' },
    schema: [],
    messages: {
      room: '{{from}} may not import from {{to}} (allowed: {{allowed}}). See docs/ARCHITECTURE.md, "Rooms".',
      pkg: '{{from}} may not use the package "{{pkg}}" (allowed: {{allowed}}). See docs/ARCHITECTURE.md, "Rooms".',
      bareBuiltin: 'Import Node built-ins with the node: prefix ("node:{{pkg}}").',
      computed: '{{from}} may not load a module whose name is computed: the room rules cannot check it. Name it with a string literal.',
      fetch: '{{from}} may not use the network: the global fetch is for {{allowed}} only. See docs/ARCHITECTURE.md, "Rooms".',
      looseRequire:
        'Call what createRequire makes at once, or keep it in a variable that is only called: else what it loads cannot be checked.',
    },
  },
  create(context) {
    const filename = context.filename ?? context.getFilename();
    const from = roomOf(filename);
    if (!from) return {};
    // Tests run in Node with test tools: they keep the room boundaries, but neither the package
    // lists nor the limits on computed names and fetch (they load fixtures, call their servers).
    const isTest = /(^|[\\/])test[\\/]/.test(relative(repoRoot, filename));
    const sourceCode = context.sourceCode ?? context.getSourceCode();

    function variableOf(identifier) {
      for (let scope = sourceCode.getScope(identifier); scope; scope = scope.upper) {
        const variable = scope.set.get(identifier.name);
        if (variable) return variable;
      }
      return null;
    }

    /** A call of node:module's createRequire, under any local name or as a member. */
    function isCreateRequire(node) {
      if (node?.type !== 'CallExpression') return false;
      const callee = node.callee;
      if (callee.type === 'MemberExpression') return !callee.computed && callee.property.name === 'createRequire';
      if (callee.type !== 'Identifier') return false;
      const def = variableOf(callee)?.defs[0];
      if (def?.type === 'ImportBinding')
        return def.node.type === 'ImportSpecifier' && (def.node.imported.name ?? def.node.imported.value) === 'createRequire';
      return callee.name === 'createRequire';
    }

    /** A function that loads modules: one named require, or one that createRequire made. */
    function isRequire(callee) {
      if (isCreateRequire(callee)) return true;
      if (callee.type === 'MemberExpression') return !callee.computed && callee.property.name === 'require';
      if (callee.type !== 'Identifier') return false;
      if (callee.name === 'require') return true;
      const def = variableOf(callee)?.defs[0];
      return def?.type === 'Variable' && isCreateRequire(def.node.init);
    }

    /** A load by import() or require: its name is checked like an import's, if it can be known. */
    function checkLoad(node, sourceNode) {
      const name = literalName(sourceNode);
      if (name !== null) return check(node, name);
      if (!isTest && !from.mayCompute) context.report({ node, messageId: 'computed', data: { from: from.room } });
    }

    /** A name no local binding declares (unresolved, or one of the host's implicit globals). */
    function isGlobal(identifier) {
      const variable = variableOf(identifier);
      return !variable || (variable.scope.type === 'global' && variable.defs.length === 0);
    }

    function checkFetch(node) {
      if (isTest || from.mayFetch) return;
      const allowed = ROOMS.filter((r) => r.mayFetch)
        .map((r) => r.room)
        .join(', ');
      context.report({ node, messageId: 'fetch', data: { from: from.room, allowed } });
    }

    /** What createRequire makes must stay where isRequire sees every call of it. */
    function checkRequireMade(node) {
      const parent = node.parent;
      if (parent.type === 'CallExpression' && parent.callee === node) return;
      const exported = parent.parent?.parent?.type === 'ExportNamedDeclaration';
      if (parent.type !== 'VariableDeclarator' || parent.init !== node || parent.id.type !== 'Identifier' || exported) {
        context.report({ node, messageId: 'looseRequire' });
        return;
      }
      for (const ref of sourceCode.getDeclaredVariables(parent)[0].references) {
        if (ref.init) continue;
        const id = ref.identifier;
        if (ref.isWrite() || id.parent.type !== 'CallExpression' || id.parent.callee !== id)
          context.report({ node: id, messageId: 'looseRequire' });
      }
    }

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
      // One spelling per built-in, so the allowlists need name each only once.
      if (builtinModules.includes(pkg)) {
        context.report({ node, messageId: 'bareBuiltin', data: { pkg: source } });
        return;
      }
      if (from.packages.includes('*') || from.packages.includes(pkg)) return;
      context.report({ node, messageId: 'pkg', data: { from: from.room, pkg, allowed: from.packages.join(', ') || 'none' } });
    }

    return {
      ImportDeclaration: (node) => check(node, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value),
      ExportAllDeclaration: (node) => check(node, node.source.value),
      ImportExpression: (node) => checkLoad(node, node.source),
      // Every reference to the global fetch, called or not; a local binding of that name is not it.
      'Program:exit'() {
        const globalScope = sourceCode.scopeManager.globalScope;
        const implicit = globalScope.set.get('fetch');
        const refs = globalScope.through.filter((ref) => ref.identifier.name === 'fetch');
        if (implicit && implicit.defs.length === 0) refs.push(...implicit.references);
        for (const ref of refs) checkFetch(ref.identifier);
      },
      MemberExpression(node) {
        const property = node.computed ? literalName(node.property) : node.property.name;
        if (property === 'fetch' && node.object.type === 'Identifier' && GLOBAL_OBJECTS.has(node.object.name) && isGlobal(node.object))
          checkFetch(node);
      },
      CallExpression(node) {
        if (isCreateRequire(node)) checkRequireMade(node);
        if (isRequire(node.callee)) checkLoad(node, node.arguments[0]);
      },
    };
  },
};
