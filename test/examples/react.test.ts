// examples/react (Vite) built twice, against React 19 and React 18, in development mode so StrictMode's
// mount → unmount → mount really happens; each build is run in Chromium.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser } from 'puppeteer-core';
import { build, type Alias } from 'vite';
import { launchChromium } from '../helpers/chromium.js';
import { runExampleApp } from '../helpers/example-app.js';

const root = new URL('../..', import.meta.url).pathname;
const app = join(root, 'examples/react');
const react18 = join(root, 'test/fixtures/react-18/node_modules');

async function buildApp(outDir: string, alias: Alias[] = []): Promise<string> {
  // React picks its development build (and StrictMode's double mount) from NODE_ENV.
  process.env.NODE_ENV = 'development';
  await build({
    root: app,
    configFile: join(app, 'vite.config.ts'),
    mode: 'development',
    logLevel: 'warn',
    resolve: { alias },
    build: { outDir, emptyOutDir: true, minify: false },
  });
  return outDir;
}

const bundleText = (dir: string) =>
  readdirSync(join(dir, 'assets'))
    .filter((f) => f.endsWith('.js'))
    .map((f) => readFileSync(join(dir, 'assets', f), 'utf8'))
    .join('\n');

let browser: Browser;
before(async () => {
  browser = await launchChromium();
});
after(() => browser?.close());

for (const version of ['19', '18'] as const) {
  test(`React ${version}: the wrapper starts one session under StrictMode and onAvatarReady reaches React state`, async () => {
    const alias: Alias[] =
      version === '18' ? [{ find: /^(react|react-dom)(\/.*)?$/, replacement: `${react18}/$1$2` }] : [];
    const out = await buildApp(join(root, `.build/examples/react-${version}`), alias);
    const bundled = bundleText(out);
    const other = version === '18' ? '19' : '18';
    assert.match(bundled, new RegExp(`"${version}\\.\\d+\\.\\d+"`), `the bundle carries React ${version}`);
    assert.doesNotMatch(bundled, new RegExp(`"${other}\\.\\d+\\.\\d+"`), `and no React ${other}`);
    assert.match(bundled, /StrictMode/, 'a development build, where StrictMode double-mounts');

    const run = await runExampleApp(browser, out);
    assert.deepEqual(run.errors, [], 'no page errors');
    assert.equal(run.state, 'connected');
    assert.equal(run.readyEventsRendered, '1', "React's onAvatarReady handler ran once and React rendered it");
    assert.equal(run.sessionsStarted, 1, 'exactly one session, despite the double mount');
  });
}

test('the example type-checks against the built package types (typed event props)', () => {
  try {
    execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(app, 'tsconfig.json')], { encoding: 'utf8', stdio: 'pipe' });
  } catch (error) {
    assert.fail(`tsc: ${(error as { stdout?: string }).stdout ?? error}`);
  }
});
