// Checks the two builds `npm test` made before this suite ran (`npm run build`).
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

const root = new URL('../..', import.meta.url).pathname;
const read = (path: string) => readFileSync(join(root, path), 'utf8');

function files(dir: string): string[] {
  return readdirSync(join(root, dir), { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath ?? (d as unknown as { path: string }).path, d.name).slice(root.length));
}

test('the npm build is unbundled ESM with declarations and bare imports', () => {
  for (const entry of ['dist/index.js', 'dist/index.d.ts', 'dist/define.js', 'dist/define.d.ts']) {
    assert.ok(existsSync(join(root, entry)), `${entry} exists`);
  }
  // One file per source module, not a bundle.
  assert.ok(existsSync(join(root, 'dist/session/session-controller.js')));
  assert.ok(existsSync(join(root, 'dist/session/session-controller.d.ts')));
  const element = read('dist/element/streaming-avatar-element.js');
  assert.match(element, /from 'lit'/, 'lit stays a bare import');
  assert.doesNotMatch(element, /class ReactiveElement/, 'lit is not inlined');
  // The transports stay behind import().
  assert.match(read('dist/transports/registry.js'), /import\('\.\/local\/local-transport\.js'\)/);
  // index has no side effects: it does not call customElements.define.
  assert.doesNotMatch(read('dist/index.js'), /customElements/);
  assert.match(read('dist/define.js'), /defineStreamingAvatar\(\)/);
});

test('the CDN build: one entry defines the element, lit inside, each transport its own chunk', () => {
  const entry = read('cdn/streaming-avatar.js');
  assert.doesNotMatch(entry, /from\s*["']lit/, 'no bare imports left for the browser to resolve');
  assert.match(entry, /customElements/);
  const chunks = files('cdn/chunks').filter((f) => f.endsWith('.js'));
  const localTransport = chunks.filter((f) => /local-transport/.test(f));
  assert.equal(localTransport.length, 1, 'the local transport is one chunk');
  assert.doesNotMatch(entry, /RTCPeerConnection/, 'transport code is not in the entry');
  for (const chunk of chunks) {
    assert.doesNotMatch(read(chunk), /^import\s.*from\s*["'](?!\.)/m, `${chunk} has only relative imports`);
  }
});

test('the background chroma key (shaders, WebGL) is a lazy chunk, not in the entry', () => {
  const entry = read('cdn/streaming-avatar.js');
  assert.doesNotMatch(entry, /gl_FragColor|texImage2D|u_threshold/, 'no shader or WebGL code in the CDN entry');
  const keyed = files('cdn/chunks').filter((f) => f.endsWith('.js') && /u_threshold/.test(read(f)));
  assert.equal(keyed.length, 1, 'the chroma-key shader is in one chunk');
  assert.match(entry, new RegExp(`import\\(["']\\./chunks/${keyed[0]!.split('/').pop()!.replace(/[.$]/g, '\\$&')}["']\\)`), 'which the entry imports lazily');
  assert.match(read('dist/element/background.js'), /import\('\.\/background-view\.js'\)/, 'npm build: behind import()');
  assert.doesNotMatch(read('dist/element/streaming-avatar-element.js'), /gl_FragColor|chroma-key\.js/);
});
