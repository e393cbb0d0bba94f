// `npm test`: installs what is missing (dependencies, a Chromium where apt-get can run), then runs the
// type check, the Node tests (server code, build, package and docs checks), the example apps (React, Vue,
// Angular: built, then run in headless Chromium) and the browser suite in headless Chromium.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { chromiumVersion, ensureChromium, ensureDependencies, root } from './ensure.mjs';
import { banner, namespaced } from './netns.mjs';

ensureDependencies();
const chrome = ensureChromium();
console.log(`[test] browser: ${chrome} (${chromiumVersion(chrome)})`);

const only = process.argv[2]; // `npm test -- types`, `-- node`, `-- examples` or `-- browser`

function step(name, command, args, env = {}) {
  console.log(`\n[test] ${name}`);
  const result = spawnSync(command, args, { stdio: 'inherit', cwd: root, env: { ...process.env, CHROME_PATH: chrome, ...env } });
  if (result.status !== 0) {
    console.error(`[test] ${name} failed`);
    process.exit(result.status ?? 1);
  }
}

function testFiles(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...testFiles(path));
    else if (name.endsWith('.test.ts')) out.push(relative(root, path));
  }
  return out.sort();
}

const bin = (name) => join(root, 'node_modules', '.bin', name);

if (!only || only === 'types') step('type check', bin('tsc'), ['-p', 'tsconfig.json', '--noEmit']);
// The Node, example and browser suites check the built files (dist/ for npm, cdn/ for script tags).
if (only !== 'types') step('build', bin('rollup'), ['-c', 'rollup.config.mjs', '--silent']);
const nodeTests = (dir) => ['--import', 'tsx', '--test', '--test-concurrency=1', ...testFiles(join(root, 'test', dir))];
if (!only || only === 'node') step('node tests', process.execPath, nodeTests('node'));
if (!only || only === 'examples') step('example apps', process.execPath, nodeTests('examples'));
// The browser step runs in a loopback-only network namespace (the WebRTC tests, LiveKit's above all, pair
// 127.0.0.1 only); the steps before it need the network (the example apps install their dependencies).
if (!only || only === 'browser') {
  const run = namespaced(bin('web-test-runner'), []);
  if (run.error) {
    console.error(
      `\n${banner([
        `NO LOOPBACK-ONLY NETWORK NAMESPACE: ${run.error}.`,
        'The browser tests run on the host network: the LiveKit (real SDK) tests will FAIL and say why.',
        'Run as root, or enable unprivileged user namespaces (kernel.unprivileged_userns_clone=1).',
      ])}`,
    );
    step('browser tests (host network)', bin('web-test-runner'), []);
  } else {
    console.log('\n[test] browser tests run in a loopback-only network namespace');
    step('browser tests', run.command, run.args);
  }
}
console.log('\n[test] all passed');
