// What a page downloads from the CDN build, in gzipped bytes. Shared by `npm run bench:size` (the table)
// and test/node/size-budget.test.ts (the budgets), so both measure the same way.
//
// The measure: each file of cdn/ exactly as served (already minified by the build's terser; the SDKs Agora
// and TRTC ship pre-minified), compressed on its own with zlib gzip level 9, since a browser fetches and
// decompresses every chunk separately. 1 KB = 1000 bytes.
//
// The chunk graph comes from the build itself: static imports (`import … from`, `export … from`) and
// dynamic imports (`import("…")`) parsed out of each chunk with rollup's parser, and which source modules a
// chunk holds from its source map. A set's total is every chunk it names plus every chunk those import
// statically, recursively, each counted once. Dynamic imports are followed only where a scenario below says
// the page loads them (the provider adapter, the transport plugin, its SDK); an SDK's own dynamic imports
// (optional extensions it loads on demand) are not counted.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { parseAst } from 'rollup/parseAst';

export const root = new URL('..', import.meta.url).pathname;
export const GZIP_LEVEL = 9;
export const KB = 1000;

/** The budgets, in gzipped bytes. */
export const BUDGETS = {
  /** The core: entry (lit, element, session) + the local provider and transport. */
  core: 12 * KB,
  /** Each SDK transport plugin, without its SDK. */
  plugin: 3 * KB,
  /** A "HeyGen over LiveKit" page may weigh livekit-client alone plus this much. */
  livekitPageOverhead: 10 * KB,
};

export const gzipSize = (bytes) => gzipSync(bytes, { level: GZIP_LEVEL }).length;

function walk(node, visit) {
  if (!node || typeof node.type !== 'string') return;
  visit(node);
  for (const value of Object.values(node)) {
    if (Array.isArray(value)) for (const item of value) walk(item, visit);
    else if (value && typeof value === 'object' && typeof value.type === 'string') walk(value, visit);
  }
}

/** Static and dynamic relative imports of one chunk, resolved to cdn-relative file names. */
function importsOf(code, file, cdnDir) {
  const statics = new Set();
  const dynamics = new Set();
  const target = (spec) => relative(cdnDir, resolve(dirname(join(cdnDir, file)), spec));
  const ast = parseAst(code);
  for (const node of ast.body) {
    if ((node.type === 'ImportDeclaration' || node.type === 'ExportNamedDeclaration' || node.type === 'ExportAllDeclaration') && node.source) {
      if (String(node.source.value).startsWith('.')) statics.add(target(node.source.value));
    }
  }
  // Chunks rollup made from our code name their siblings; skip walking the SDKs' big ASTs for nothing.
  if (code.includes('import(')) {
    walk(ast, (node) => {
      if (node.type === 'ImportExpression' && node.source?.type === 'Literal' && String(node.source.value).startsWith('.')) {
        dynamics.add(target(node.source.value));
      }
    });
  }
  return { imports: [...statics], dynamicImports: [...dynamics] };
}

/**
 * Reads the CDN build: for each chunk, its gzipped size, its imports and the source modules it holds
 * (repo-relative, e.g. `src/vendors/heygen/adapter.ts` or `node_modules/livekit-client/...`).
 */
export function readCdnGraph(cdnDir = join(root, 'cdn')) {
  if (!existsSync(join(cdnDir, 'streaming-avatar.js'))) throw new Error(`No CDN build in ${cdnDir}: run \`npm run build\` first.`);
  const chunks = new Map();
  const files = readdirSync(cdnDir, { recursive: true }).map(String).filter((f) => f.endsWith('.js'));
  for (const file of files) {
    const bytes = readFileSync(join(cdnDir, file));
    const mapFile = join(cdnDir, `${file}.map`);
    const sources = existsSync(mapFile)
      ? JSON.parse(readFileSync(mapFile, 'utf8')).sources.map((s) => relative(root, resolve(dirname(join(cdnDir, file)), s)))
      : [];
    chunks.set(file, { file, bytes: bytes.length, gzip: gzipSize(bytes), sources, ...importsOf(bytes.toString('utf8'), file, cdnDir) });
  }
  return { cdnDir, entry: 'streaming-avatar.js', chunks };
}

/** The chunk that holds a source module (by exact repo-relative path, or by prefix for a package). */
export function chunkOf(graph, module) {
  const matches = [...graph.chunks.values()].filter((c) => c.sources.some((s) => s === module || s.startsWith(`${module}/`)));
  if (matches.length !== 1) throw new Error(`${module} is in ${matches.length} chunks of the CDN build, expected 1`);
  return matches[0].file;
}

/** `files` and every chunk they import statically, recursively. */
export function staticClosure(graph, files) {
  const seen = new Set();
  const visit = (file) => {
    if (seen.has(file)) return;
    const chunk = graph.chunks.get(file);
    if (!chunk) throw new Error(`${file} is imported but not in the CDN build`);
    seen.add(file);
    chunk.imports.forEach(visit);
  };
  for (const file of files) visit(file);
  return seen;
}

export const total = (graph, files) => [...files].reduce((sum, f) => sum + graph.chunks.get(f).gzip, 0);
const minus = (a, b) => new Set([...a].filter((x) => !b.has(x)));

/** Source modules of the kinds of session the scenarios load. */
export const MODULES = {
  providers: { local: 'src/providers/local.ts', heygen: 'src/vendors/heygen/adapter.ts', konpro: 'src/vendors/konpro/adapter.ts', deepbrain: 'src/vendors/deepbrain/adapter.ts', akool: 'src/vendors/akool/adapter.ts' },
  transports: { local: 'src/transports/local/local-transport.ts', livekit: 'src/transports/livekit.ts', agora: 'src/transports/agora.ts', trtc: 'src/transports/trtc.ts' },
  sdks: { livekit: 'node_modules/livekit-client', agora: 'node_modules/agora-rtc-sdk-ng', trtc: 'node_modules/trtc-sdk-v5' },
};

/**
 * The measured sets. Every figure is a sum of whole chunks (gzipped one by one):
 * - `idle`: the entry and its static imports: what a page with an idle element downloads.
 * - `core`: the "element + session + local provider": `idle` plus the local provider's chunk and the
 *   local transport's chunk (and their static imports): everything a `provider="local"` session runs.
 * - `providers.<name>`: the vendor adapter's chunk and the chunks it imports that the entry does not have.
 * - `plugins.<kind>`: "transport plugin without its SDK": the plugin's chunk and any chunks it imports
 *   statically, minus what the entry has (the build copies the code the SDK plugins share into each plugin
 *   chunk; size-budget.test.ts checks it is counted, not in the entry); the SDK is a dynamic import of the
 *   plugin and is not counted.
 * - `sdks.<kind>`: the SDK's chunk and its static imports, minus the entry's.
 * - `pages.<scenario>`: one session of that kind: the entry, the provider's chunk, the transport plugin's
 *   chunk and the SDK's chunk, each with its static imports, each chunk once.
 */
export function measureCdn(graph = readCdnGraph()) {
  const idle = staticClosure(graph, [graph.entry]);
  const closureOf = (modules) => staticClosure(graph, [graph.entry, ...modules.map((m) => chunkOf(graph, m))]);
  const added = (module) => minus(staticClosure(graph, [chunkOf(graph, module)]), idle);
  const sizes = (set) => ({ gzip: total(graph, set), chunks: [...set].sort() });
  const page = (provider, transport) =>
    sizes(closureOf([MODULES.providers[provider], MODULES.transports[transport], MODULES.sdks[transport]]));
  return {
    idle: sizes(idle),
    core: sizes(closureOf([MODULES.providers.local, MODULES.transports.local])),
    providers: Object.fromEntries(Object.entries(MODULES.providers).map(([name, m]) => [name, sizes(added(m))])),
    plugins: Object.fromEntries(['livekit', 'agora', 'trtc'].map((k) => [k, sizes(added(MODULES.transports[k]))])),
    sdks: Object.fromEntries(Object.entries(MODULES.sdks).map(([k, m]) => [k, sizes(added(m))])),
    pages: {
      'HeyGen over LiveKit': page('heygen', 'livekit'),
      'Akool over Agora': page('akool', 'agora'),
      'Akool over TRTC': page('akool', 'trtc'),
    },
  };
}

/**
 * A package bundled alone, as a page that imports it from the CDN would: `export * from '<name>'` through
 * rollup with the CDN build's own plugins (node-resolve, commonjs, the same terser settings), in memory.
 * The total is the entry chunk plus its static imports, each gzipped (level 9) on its own.
 */
export async function measurePeer(name) {
  const { rollup } = await import('rollup');
  const { cdnBundlePlugins } = await import('../rollup.config.mjs');
  // A made-up file in the repo root, so node-resolve finds the package in the repo's node_modules.
  const id = join(root, '__size-peer-entry__.js');
  const bundle = await rollup({
    input: id,
    onwarn: () => undefined,
    plugins: [
      {
        name: 'peer-entry',
        resolveId: (source) => (source === id ? id : null),
        load: (loaded) => (loaded === id ? `export * from ${JSON.stringify(name)};` : null),
      },
      ...cdnBundlePlugins(),
    ],
  });
  const { output } = await bundle.generate({ format: 'es', chunkFileNames: '[name]-[hash].js' });
  await bundle.close();
  const byName = new Map(output.filter((o) => o.type === 'chunk').map((c) => [c.fileName, c]));
  const unresolved = output.flatMap((c) => (c.type === 'chunk' ? c.imports.filter((i) => !byName.has(i)) : []));
  if (unresolved.length) throw new Error(`${name} bundled with unresolved imports: ${[...new Set(unresolved)].join(', ')}`);
  const seen = new Set();
  const visit = (file) => {
    if (seen.has(file)) return;
    seen.add(file);
    byName.get(file).imports.forEach(visit);
  };
  visit(output.find((o) => o.type === 'chunk' && o.isEntry).fileName);
  return { gzip: [...seen].reduce((sum, f) => sum + gzipSize(Buffer.from(byName.get(f).code)), 0), chunks: seen.size };
}
