// `npm test`: installs what is missing (dependencies, a Chromium and a redis-server where apt-get can run),
// then runs the type check, the Node tests (server code against a redis-server started on a free loopback
// port, build, package and docs checks), the example apps (React, Vue, Angular: built, then run in headless
// Chromium) and the browser suite in headless Chromium.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { chromiumVersion, ensureChromium, ensureDependencies, ensureRedis, root, startRedis } from './ensure.mjs';
import { banner, namespaced } from './netns.mjs';

ensureDependencies();
const chrome = ensureChromium();
console.log(`[test] browser: ${chrome} (${chromiumVersion(chrome)})`);

const only = process.argv[2]; // `npm test -- types`, `-- node`, `-- examples` or `-- browser`

/** Runs after the suites, or before exiting on a failure (the redis-server this run started). */
const cleanups = [];

async function step(name, command, args, env = {}) {
  console.log(`\n[test] ${name}`);
  const result = spawnSync(command, args, { stdio: 'inherit', cwd: root, env: { ...process.env, CHROME_PATH: chrome, ...env } });
  if (result.status !== 0) {
    console.error(`[test] ${name} failed`);
    for (const cleanup of cleanups) await cleanup();
    process.exit(result.status ?? 1);
  }
}

function testFiles(dir, suffix = '.test.ts') {
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...testFiles(path, suffix));
    else if (name.endsWith(suffix)) out.push(relative(root, path));
  }
  return out.sort();
}

const bin = (name) => join(root, 'node_modules', '.bin', name);

if (!only || only === 'types') await step('type check', bin('tsc'), ['-p', 'tsconfig.json', '--noEmit']);
// The Node, example and browser suites check the built files (dist/ for npm, cdn/ for script tags).
if (only !== 'types') await step('build', bin('rollup'), ['-c', 'rollup.config.mjs', '--silent']);
const nodeTests = (files) => ['--import', 'tsx', '--test', '--test-concurrency=1', ...files];
// Each vendor's Node tests sit in its folder (src/vendors/<name>/test/*.node.test.ts).
const vendorNodeTests = testFiles(join(root, 'src', 'vendors'), '.node.test.ts');
if (!only || only === 'node') {
  // The ledger's Redis tests need a real redis-server: installed if missing, never skipped.
  const redis = await startRedis(ensureRedis());
  cleanups.push(redis.stop);
  console.log(`[test] redis-server: ${redis.url}`);
  await step('node tests', process.execPath, nodeTests([...testFiles(join(root, 'test', 'node')), ...vendorNodeTests]), { REDIS_URL: redis.url });
  await redis.stop();
}
if (!only || only === 'examples') await step('example apps', process.execPath, nodeTests(testFiles(join(root, 'test', 'examples'))));
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
    await step('browser tests (host network)', bin('web-test-runner'), []);
  } else {
    console.log('\n[test] browser tests run in a loopback-only network namespace');
    await step('browser tests', run.command, run.args);
  }
}
console.log('\n[test] all passed');
