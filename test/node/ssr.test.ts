// SSR safety: Next.js and Nuxt import the package on the server. Every JS entry in package.json `exports`
// must import in plain Node (default conditions, no DOM) without throwing, and — apart from `./define`,
// whose job is to register the tag — without touching browser globals at module scope.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

const root = new URL('../..', import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name: string; exports: Record<string, unknown> };

interface Report {
  imported: { specifier: string; exports: string[] }[];
  failed: { specifier: string; error: string }[];
  touches: { phase: string; name: string; stack: string }[];
  rendered: string | null;
}

/** The JS entries, from `exports` (so `./server`, once added, is checked too); `./define` goes last. */
const specifiers = Object.keys(pkg.exports)
  .filter((key) => !key.endsWith('.json'))
  .sort((a, b) => Number(a === './define') - Number(b === './define'))
  .map((key) => (key === '.' ? pkg.name : `${pkg.name}/${key.slice(2)}`));

function importInNode(): Report {
  const out = execFileSync(process.execPath, [join(root, 'test/fixtures/ssr/import-entries.mjs'), ...specifiers], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  return JSON.parse(out) as Report;
}

const report = importInNode();
/** A touch counts when the code doing it is ours (dist/), not lit's server shim in node_modules. */
const ours = (stack: string) => stack.split('\n').some((line) => line.includes(`${root}dist/`));

test('every JS entry imports in plain Node without throwing', () => {
  assert.deepEqual(report.failed, []);
  assert.deepEqual(
    report.imported.map((i) => i.specifier),
    specifiers,
  );
  const main = report.imported.find((i) => i.specifier === pkg.name)!;
  assert.ok(main.exports.includes('StreamingAvatarElement'));
});

test('no entry touches window, document or customElements at module scope (./define excepted)', () => {
  const offending = report.touches
    .filter((t) => t.phase.startsWith('import ') && t.phase !== `import ${pkg.name}/define` && ours(t.stack))
    .map((t) => `${t.phase}: ${t.name}\n${t.stack}`);
  assert.deepEqual(offending, []);
});

test('the watch works: ./define, which registers the tag, is seen touching customElements', () => {
  assert.ok(report.touches.some((t) => t.phase === `import ${pkg.name}/define` && t.name === 'customElements' && ours(t.stack)));
});

test('the React wrapper renders on the server (react-dom/server) to the bare tag', () => {
  assert.match(report.rendered ?? '', /^<streaming-avatar\b[^>]*><\/streaming-avatar>$/);
});
