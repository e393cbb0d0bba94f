import commonjs from '@rollup/plugin-commonjs';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import typescript from '@rollup/plugin-typescript';
import { rmSync } from 'node:fs';

/** Empties an output folder first, so stale chunks from an earlier build never ship. */
const clean = (dir) => ({ name: 'clean', buildStart: () => rmSync(dir, { recursive: true, force: true }) });

/**
 * Two builds:
 * - `dist/`: the npm build. One ESM file per source module, `.d.ts` beside each, bare imports kept
 *   (lit and the SDKs resolve from the app's node_modules), transports still behind `import()`.
 * - `cdn/`: the script-tag build. `<script type="module" src=".../streaming-avatar.js">` defines the
 *   element; lit is bundled in; every transport, vendor adapter and SDK is its own lazy chunk.
 */

const npmEntries = {
  index: 'src/index.ts',
  define: 'src/define.ts',
  // Framework integrations: the React wrapper, and the types-only JSX and Vue entries (empty at runtime).
  'frameworks/react': 'src/frameworks/react.ts',
  'frameworks/jsx': 'src/frameworks/jsx.ts',
  'frameworks/vue': 'src/frameworks/vue.ts',
};

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
      exclude: ['test/**', 'demo/**', 'scripts/**'],
      outDir: 'dist',
      declaration: true,
      declarationDir: 'dist',
      declarationMap: false,
      sourceMap: true,
      noEmitOnError: true,
    }),
  ],
};

const cdn = {
  input: { 'streaming-avatar': 'src/define.ts' },
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
  plugins: [
    clean('cdn'),
    typescript({
      tsconfig: './tsconfig.json',
      include: ['src/**/*.ts'],
      exclude: ['test/**', 'demo/**', 'scripts/**', 'src/server/**'],
      outDir: 'cdn',
      declaration: false,
      sourceMap: true,
      noEmitOnError: true,
    }),
    nodeResolve({ browser: true, exportConditions: ['browser', 'production'] }),
    commonjs(),
    terser({ format: { comments: false } }),
  ],
};

export default [npm, cdn];
