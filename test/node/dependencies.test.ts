// package.json stays honest about what the npm build (dist/) imports: every bare import is a dependency or
// a peer, React and @lit/react are reached only from the React entry, and only dist/define.js registers.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';

const root = new URL('../..', import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
  sideEffects: string[];
};

const distFiles = readdirSync(join(root, 'dist'), { recursive: true, withFileTypes: true })
  .filter((d) => d.isFile() && d.name.endsWith('.js'))
  .map((d) => relative(root, join(d.parentPath, d.name)));

/** Package names imported by `file` (static and dynamic), without subpaths. */
function bareImports(file: string): string[] {
  const source = readFileSync(join(root, file), 'utf8');
  const specifiers = [...source.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)['"]([^'"]+)['"]/g)].map((m) => m[1]!);
  return specifiers
    .filter((s) => !s.startsWith('.') && !s.startsWith('/'))
    .map((s) => (s.startsWith('@') ? s.split('/').slice(0, 2).join('/') : s.split('/')[0]!));
}

test('every package the npm build imports is a dependency or a peer dependency', () => {
  const declared = new Set([...Object.keys(pkg.dependencies), ...Object.keys(pkg.peerDependencies)]);
  const undeclared = distFiles.flatMap((file) => bareImports(file).filter((name) => !declared.has(name)).map((name) => `${file}: ${name}`));
  assert.deepEqual(undeclared, []);
});

test('react and @lit/react are imported only by the React entry', () => {
  const importers = distFiles.filter((file) => bareImports(file).some((name) => name === 'react' || name === '@lit/react'));
  assert.deepEqual(importers, ['dist/frameworks/react.js']);
});

test('sideEffects lists the registering module, and it is the only one that calls define at module scope', () => {
  assert.ok(pkg.sideEffects.includes('./dist/define.js'));
  const callers = distFiles.filter((file) => /^defineStreamingAvatar\(/m.test(readFileSync(join(root, file), 'utf8')));
  assert.deepEqual(callers, ['dist/define.js']);
});
