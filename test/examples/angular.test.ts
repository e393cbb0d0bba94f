// examples/angular: built with Angular's esbuild-based application builder (the `build` script), then
// run in Chromium.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser } from 'puppeteer-core';
import { launchChromium } from '../helpers/chromium.js';
import { runExampleApp } from '../helpers/example-app.js';

const root = new URL('../..', import.meta.url).pathname;
const app = join(root, 'examples/angular');

let browser: Browser;
before(async () => {
  browser = await launchChromium();
});
after(() => browser?.close());

test('Angular: CUSTOM_ELEMENTS_SCHEMA template starts the element and (avatar-ready) reaches the component', async () => {
  const outDir = join(root, '.build/examples/angular');
  // `architect` runs the angular.json target, as `ng build` would (the example skips @angular/cli).
  execFileSync(join(root, 'node_modules/.bin/architect'), ['example:build', `--output-path=${outDir}`], {
    cwd: app,
    stdio: 'pipe',
    env: { ...process.env, NG_CLI_ANALYTICS: 'false', NO_COLOR: '1' },
  });

  const run = await runExampleApp(browser, join(outDir, 'browser'));
  assert.deepEqual(run.errors, [], 'no page errors');
  assert.equal(run.state, 'connected');
  assert.equal(run.readyEventsRendered, '1', "Angular's (avatar-ready) handler ran once and Angular rendered it");
  assert.equal(run.sessionsStarted, 1);
});
