import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import terser from '@rollup/plugin-terser';
import { rollup, type OutputChunk, type Plugin, type RollupOptions } from 'rollup';
import ts from 'typescript';
import { DEFAULT_FAKE_KEYS } from '../../src/fake-vendor/index.js';

/**
 * The browser bundle must never carry server code or a key. This builds the CDN bundle (the same config as
 * `npm run build`, in memory; SDK packages left external so it stays fast, comments dropped so only code
 * counts) and looks for server modules and server-only strings.
 */
const root = fileURLToPath(new URL('../..', import.meta.url));
process.chdir(root);

const SERVER_MARKERS = [
  'createSessionHandler',
  'STUDIO-API-KEY',
  'streaming.create_token',
  'streaming/create_token',
  '/api/v2/sessions/token',
  'liveAvatar/session/create',
  'liveAvatar/session/close',
  'x-api-key',
];
const KEY_STRINGS = [DEFAULT_FAKE_KEYS.heygen, DEFAULT_FAKE_KEYS.konpro, DEFAULT_FAKE_KEYS.deepbrain.userKey, DEFAULT_FAKE_KEYS.akool];

const isBare = (id: string) => !/^[./\0]/.test(id) && !/^[A-Za-z]:[\\/]/.test(id) && !id.startsWith('src/');
const stripComments = () => terser({ compress: false, mangle: false, format: { comments: false } });

async function build(options: RollupOptions): Promise<{ code: string; modules: string[] }> {
  const bundle = await rollup({ ...options, external: (id, importer) => importer !== undefined && isBare(id), onwarn: () => undefined });
  try {
    const { output } = await bundle.generate({ format: 'es', sourcemap: true });
    const chunks = output.filter((item): item is OutputChunk => item.type === 'chunk');
    return { code: chunks.map((chunk) => chunk.code).join('\n'), modules: chunks.flatMap((chunk) => Object.keys(chunk.modules)) };
  } finally {
    await bundle.close();
  }
}

/** Type-stripping only (no type check), for the control build: fast. */
const stripTypes = (): Plugin => ({
  name: 'strip-types',
  resolveId(source, importer) {
    if (!importer || !source.startsWith('.')) return null;
    const candidate = resolve(dirname(importer), source.replace(/\.js$/, '.ts'));
    return existsSync(candidate) ? candidate : null;
  },
  transform(code, id) {
    if (!id.endsWith('.ts')) return null;
    const { outputText } = ts.transpileModule(code, { compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, verbatimModuleSyntax: true } });
    return { code: outputText, map: null };
  },
});

const found = (code: string, needles: string[]) => needles.filter((needle) => code.includes(needle));

/** Server code (src/server, each vendor's server.ts) and fakes (src/fake-vendor, each vendor's fake*.ts). */
const SERVER_OR_FAKE = /(^|\/)src\/(server\/|fake-vendor\/|vendors\/[^/]+\/(server|fake[^/]*)\.ts)/;
const isServerOrFake = (id: string) => SERVER_OR_FAKE.test(id);

/** The npm build's browser entries (everything in package.json `exports` but `./server`). */
const DIST_BROWSER_ENTRIES = [
  'dist/index.js',
  'dist/define.js',
  'dist/frameworks/react.js',
  'dist/frameworks/jsx.js',
  'dist/frameworks/vue.js',
  'dist/transports/install/livekit.js',
  'dist/transports/install/agora.js',
  'dist/transports/install/trtc.js',
];

/** Every dist/ file the browser entries reach through relative static and dynamic imports. */
function reachableFromBrowserEntries(): string[] {
  const seen = new Set<string>();
  const queue = DIST_BROWSER_ENTRIES.map((entry) => resolve(root, entry));
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const code = readFileSync(file, 'utf8');
    for (const [, spec] of code.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)["'](\.{1,2}\/[^"']+)["']/g)) {
      queue.push(resolve(dirname(file), spec!));
    }
  }
  return [...seen].map((file) => relative(root, file)).sort();
}

const filesUnder = (dir: string) =>
  readdirSync(resolve(root, dir), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(root, join(entry.parentPath, entry.name)));

/** The `sources` a source map names (what the file was built from). */
const mapSources = (file: string): string[] => {
  const map = `${file}.map`;
  return existsSync(resolve(root, map)) ? (JSON.parse(readFileSync(resolve(root, map), 'utf8')) as { sources: string[] }).sources : [];
};

describe('browser bundle', { timeout: 120_000 }, () => {
  it('contains no server module, server-only string or configured key', async () => {
    const configPath: string = '../../rollup.config.mjs';
    const configs = (await import(configPath)).default as RollupOptions[];
    const cdn = configs.find((config) => !Array.isArray(config.output) && config.output?.dir === 'cdn');
    assert.ok(cdn, 'the CDN build is in rollup.config.mjs');
    const plugins = (cdn.plugins as Plugin[]).filter((plugin) => plugin && !['clean', 'terser'].includes(plugin.name));
    const { code, modules } = await build({ input: cdn.input, plugins: [...plugins, stripComments()] });
    assert.ok(modules.some((id) => id.endsWith('src/cdn.ts')), 'the bundle was built from the element');
    assert.deepEqual(modules.filter(isServerOrFake), []);
    assert.deepEqual(found(code, SERVER_MARKERS), []);
    assert.deepEqual(found(code, KEY_STRINGS), []);
  });

  // The files on disk, as `npm test` built them (`npm run build`): what npm and the CDN actually ship.
  it('the built browser files (dist/ browser entries and cdn/) hold no server module and no key header logic', () => {
    assert.ok(existsSync(resolve(root, 'dist/index.js')) && existsSync(resolve(root, 'cdn/streaming-avatar.js')), 'run `npm run build` first (`npm test` does)');
    const dist = reachableFromBrowserEntries();
    assert.ok(dist.includes('dist/transports/registry.js') && dist.includes('dist/vendors/heygen/adapter.js'), 'the import walk reached the lazy modules');
    const cdn = filesUnder('cdn').filter((file) => file.endsWith('.js'));
    assert.ok(cdn.length > 10, 'the CDN build has its chunks');
    const browserFiles = [...dist, ...cdn];
    assert.deepEqual(dist.filter((file) => file.startsWith('dist/server/') || /^dist\/vendors\/[^/]+\/server\.js$/.test(file)), [], 'no server module is reachable from a browser entry');
    const builtFromServer = (file: string) => mapSources(file).some(isServerOrFake);
    const fromServer = browserFiles.filter(builtFromServer);
    assert.deepEqual(fromServer, [], 'no browser file was built from src/server');
    for (const file of browserFiles) {
      const code = readFileSync(resolve(root, file), 'utf8');
      assert.deepEqual(found(code, SERVER_MARKERS), [], `${file} holds server-only strings`);
      assert.deepEqual(found(code, KEY_STRINGS), [], `${file} holds a configured key`);
    }
    // Control: the walk and the markers do find the server files when pointed at them.
    const server = [...filesUnder('dist/server'), ...filesUnder('dist/vendors')].filter((file) => /(^dist\/server\/.*|\/server)\.js$/.test(file));
    const serverCode = server.map((file) => readFileSync(resolve(root, file), 'utf8')).join('\n');
    assert.deepEqual(found(serverCode, ['createSessionHandler', 'STUDIO-API-KEY', 'x-api-key']), ['createSessionHandler', 'STUDIO-API-KEY', 'x-api-key']);
    assert.ok(builtFromServer('dist/server/session-handler.js'), 'source maps name their server sources');
  });

  it('would notice server code (control: the same check on the server entry)', async () => {
    const { code, modules } = await build({
      input: resolve(root, 'src/server/index.ts'),
      plugins: [stripTypes(), stripComments()],
    });
    assert.ok(modules.some((id) => id.includes('/src/server/')));
    assert.deepEqual(found(code, SERVER_MARKERS.slice(0, 4)), SERVER_MARKERS.slice(0, 4));
  });
});
