/** Generates custom-elements.json from the JSDoc in src/ (`npm run analyze`); a test keeps it current. */
export default {
  globs: ['src/element/streaming-avatar-element.ts', 'src/element/define-element.ts', 'src/index.ts', 'src/define.ts'],
  exclude: ['src/server/**', 'test/**'],
  outdir: '.',
  litelement: true,
  packagejson: false,
};
