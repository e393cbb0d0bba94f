// examples/vue (Vite): built, then run in Chromium.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser } from 'puppeteer-core';
import { build } from 'vite';
import { launchChromium } from '../helpers/chromium.js';
import { runExampleApp } from '../helpers/example-app.js';

const root = new URL('../..', import.meta.url).pathname;
const app = join(root, 'examples/vue');

let browser: Browser;
before(async () => {
  browser = await launchChromium();
});
after(() => browser?.close());

test('Vue 3: isCustomElement renders the element, it starts, and @avatar-ready reaches Vue state', async () => {
  const outDir = join(root, '.build/examples/vue');
  await build({ root: app, configFile: join(app, 'vite.config.ts'), logLevel: 'warn', build: { outDir, emptyOutDir: true } });

  const run = await runExampleApp(browser, outDir);
  assert.deepEqual(run.errors, [], 'no page errors');
  assert.equal(run.state, 'connected');
  assert.equal(run.readyEventsRendered, '1', "Vue's @avatar-ready handler ran once and Vue rendered it");
  assert.equal(run.sessionsStarted, 1);
  assert.deepEqual(run.sessionParams, { greeting: 'Hello from Vue' }, ':sessionParams reached the property, not an attribute');
});
