import commonjs from '@rollup/plugin-commonjs';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import typescript from '@rollup/plugin-typescript';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { minifyCssTemplates } from './scripts/minify-css-templates.mjs';

/** Empties an output folder first, so stale chunks from an earlier build never ship. */
const clean = (dir) => ({ name: 'clean', buildStart: () => rmSync(dir, { recursive: true, force: true }) });

/**
 * Two builds:
 * - `dist/`: the npm build. One ESM file per source module, `.d.ts` beside each, bare imports kept
 *   (lit and the SDKs resolve from the app's node_modules), transports still behind `import()`.
 * - `cdn/`: the script-tag build. `<script type="module" src=".../streaming-avatar.js">` defines the
 *   element; lit is bundled in; every transport, vendor adapter and SDK is its own lazy chunk.
 */

/** Never in the package: each vendor's fake and tests (src/vendors/<name>/), and the shared fake vendor. */
const NOT_SHIPPED = ['src/vendors/*/fake*.ts', 'src/vendors/*/test/**', 'src/fake-vendor/**'];

const npmEntries = {
  index: 'src/index.ts',
  define: 'src/define.ts',
  // The server half (`streaming-avatar/server`): never imported by browser code.
  'server/index': 'src/server/index.ts',
  // The ledger's Redis store (`streaming-avatar/server/redis`): takes the app's own `redis` client.
  'server/redis': 'src/server/redis.ts',
  // Framework integrations: the React wrapper, and the types-only JSX and Vue entries (empty at runtime).
  'frameworks/react': 'src/frameworks/react.ts',
  'frameworks/jsx': 'src/frameworks/jsx.ts',
  'frameworks/vue': 'src/frameworks/vue.ts',
  // Opt-in SDK transports (side effects: each installs one plugin; the SDK stays a lazy import).
  'transports/install/livekit': 'src/transports/install/livekit.ts',
  'transports/install/agora': 'src/transports/install/agora.ts',
  'transports/install/trtc': 'src/transports/install/trtc.ts',
};

/**
 * Terser for everything except chunks that hold only an SDK its vendor already ships minified (Agora, TRTC):
 * re-minifying them saves nothing and takes most of the build time. LiveKit ships unminified, so it is.
 */
const PREMINIFIED = /[\\/]node_modules[\\/](agora-rtc-sdk-ng|trtc-sdk-v5|webrtc-adapter|sdp)[\\/]/;
const minifyOwnCode = () => {
  // ES module chunks: top-level names can be mangled too; a second compress pass finds a little more.
  const plugin = terser({ module: true, ecma: 2022, compress: { passes: 3 }, format: { comments: false } });
  return {
    ...plugin,
    // Still named `terser`: checks that rebuild the bundle unminified look for that name.
    name: 'terser',
    renderChunk(code, chunk, options, meta) {
      const ids = chunk.moduleIds.filter((id) => !id.startsWith('\0'));
      if (ids.length > 0 && ids.every((id) => PREMINIFIED.test(id))) return null;
      return plugin.renderChunk.call(this, code, chunk, options, meta);
    },
  };
};

/**
 * Agora's and TRTC's SDKs are single pre-built bundles that tree-shaking cannot cut; taking them whole skips
 * rollup's costly analysis. livekit-client is tree-shaken (see `livekitSubset`).
 */
const SDK = /[\\/]node_modules[\\/](agora-rtc-sdk-ng|trtc-sdk-v5)[\\/]/;
const wholeSdks = {
  name: 'whole-sdks',
  async resolveId(source, importer, options) {
    if (!importer || source.startsWith('\0')) return null;
    const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
    return resolved && SDK.test(resolved.id) ? { ...resolved, moduleSideEffects: 'no-treeshake' } : null;
  },
};

/** See src/transports/livekit-sdk.ts: the LiveKit plugin's SDK import, narrowed to what it uses. */
const LIVEKIT_PLUGIN = /[\\/]src[\\/]transports[\\/]livekit\.ts$/;
const livekitSubset = {
  name: 'livekit-subset',
  resolveId(source, importer) {
    return source === 'livekit-client' && importer && LIVEKIT_PLUGIN.test(importer)
      ? fileURLToPath(new URL('./src/transports/livekit-sdk.ts', import.meta.url))
      : null;
  },
};

/**
 * The CDN build gives each SDK plugin its own copy of the code the three share (`sdk-helpers.ts`) instead
 * of a shared chunk: a page almost always uses one transport, and one chunk is smaller than two (one request,
 * one gzip stream). A page that uses two SDK transports fetches that code twice (about 1.4 KB gz). The
 * copies hold no state the plugins share (a base class and helpers), so two copies behave as one.
 */
const SHARED_BY_PLUGINS = /[\\/]src[\\/]transports[\\/]sdk-helpers\.ts$/;
const PLUGIN = /[\\/]src[\\/]transports[\\/](livekit|agora|trtc)\.ts$/;
const COPY = '?copy=';
/** `compile`: the build's TypeScript plugin, which compiles each copy as the module itself (map included). */
const copyPerPlugin = (compile) => ({
  name: 'copy-per-plugin',
  async resolveId(source, importer, options) {
    const plugin = importer && PLUGIN.exec(importer);
    if (!plugin || !source.startsWith('.')) return null;
    const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
    return resolved && SHARED_BY_PLUGINS.test(resolved.id) ? `${resolved.id}${COPY}${plugin[1]}` : null;
  },
  load(id) {
    return id.includes(COPY) ? compile.load.call(this, id.slice(0, id.indexOf(COPY))) : null;
  },
});

/** Next.js App Router: the React wrapper uses hooks, so it must be a client component. */
const CLIENT_MODULES = new Set(['frameworks/react.js']);

const isBare = (id) => !id.startsWith('.') && !id.startsWith('/') && !id.startsWith('\0') && !/^[A-Za-z]:[\\/]/.test(id);

const npm = {
  input: npmEntries,
  // TypeScript's decorator helper (tslib, which the plugin always uses) is bundled: users need no tslib.
  external: (id) => isBare(id) && id !== 'tslib',
  output: {
    dir: 'dist',
    format: 'es',
    preserveModules: true,
    preserveModulesRoot: 'src',
    // Bundled helpers (tslib) would land in dist/node_modules/, which npm never packs.
    entryFileNames: (chunk) => `${chunk.name.replace(/^.*node_modules\//, 'vendor/')}.js`,
    sourcemap: true,
    banner: (chunk) => (CLIENT_MODULES.has(chunk.fileName) ? "'use client';" : ''),
  },
  onwarn(warning, warn) {
    // The types-only entries compile to empty modules on purpose.
    if (warning.code === 'EMPTY_BUNDLE') return;
    warn(warning);
  },
  plugins: [
    clean('dist'),
    typescript({
      tsconfig: './tsconfig.json',
      include: ['src/**/*.ts'],
      // livekit-sdk.ts is the CDN build's (see livekitSubset); the npm build keeps the bare import.
      exclude: ['test/**', 'demo/**', 'scripts/**', 'src/transports/livekit-sdk.ts', ...NOT_SHIPPED],
      outDir: 'dist',
      declaration: true,
      declarationDir: 'dist',
      declarationMap: false,
      sourceMap: true,
      noEmitOnError: true,
    }),
  ],
};

/**
 * The CDN build's bundling and minifying plugins (after TypeScript). Exported so bench/size-measure.mjs
 * bundles the peer packages it compares against with exactly the same settings.
 */
export const cdnBundlePlugins = () => [
  minifyCssTemplates(),
  wholeSdks,
  nodeResolve({ browser: true, exportConditions: ['browser', 'production'] }),
  commonjs(),
  minifyOwnCode(),
];

const cdnTypescript = typescript({
  tsconfig: './tsconfig.json',
  include: ['src/**/*.ts'],
  exclude: ['test/**', 'demo/**', 'scripts/**', 'src/server/**', 'src/vendors/*/server.ts', 'src/vendors/*/policy.ts', ...NOT_SHIPPED],
  outDir: 'cdn',
  declaration: false,
  sourceMap: true,
  noEmitOnError: true,
});

const cdn = {
  input: { 'streaming-avatar': 'src/cdn.ts' },
  // Lets lazy chunks import shared code from the entry itself, instead of a separate facade chunk.
  preserveEntrySignatures: 'allow-extension',
  output: {
    dir: 'cdn',
    format: 'es',
    entryFileNames: '[name].js',
    chunkFileNames: 'chunks/[name]-[hash].js',
    sourcemap: true,
  },
  // The SDKs' own dynamic imports and `this` at module scope are theirs to keep.
  onwarn(warning, warn) {
    if (warning.code === 'THIS_IS_UNDEFINED' || warning.code === 'CIRCULAR_DEPENDENCY') return;
    warn(warning);
  },
  plugins: [clean('cdn'), livekitSubset, copyPerPlugin(cdnTypescript), cdnTypescript, ...cdnBundlePlugins()],
};

export default [npm, cdn];
