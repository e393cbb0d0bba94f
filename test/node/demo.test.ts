// `npm start`'s promise: the demo works with no vendor account, for the local provider and for every vendor
// through the local fake vendor. Boots the real demo server and drives the page in headless Chromium.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import puppeteer, { type Browser } from 'puppeteer-core';
// @ts-expect-error: a plain .mjs script without type declarations
import { startDemoServer } from '../../scripts/dev-server.mjs';

let server: { url: string; stop(): Promise<void> };
let browser: Browser;

before(async () => {
  server = await startDemoServer({ port: 0 });
  browser = await puppeteer.launch({
    executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--headless=new',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-features=WebRtcHideLocalIpsWithMdns',
      '--autoplay-policy=no-user-gesture-required',
    ],
  });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const cases: [string, string?][] = [['local'], ['heygen'], ['konpro'], ['deepbrain'], ['akool', 'agora'], ['akool', 'livekit'], ['akool', 'trtc']];

for (const [provider, streamType] of cases) {
  test(`demo: ${provider}${streamType ? ` over ${streamType}` : ''} starts, speaks and stops`, async () => {
    const page = await browser.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(String(error)));
    try {
      await page.goto(server.url, { waitUntil: 'networkidle0' });
      await page.select('#provider', provider);
      if (streamType) await page.select('#stream-type', streamType);
      await page.click('#start');
      await page.waitForFunction(() => ['connected', 'error'].includes(document.querySelector('streaming-avatar')!.state), {
        timeout: 20_000,
      });
      const started = await page.$eval('streaming-avatar', (el) => ({ state: el.state, error: el.error?.message }));
      assert.equal(started.state, 'connected', started.error);
      const note = await page.$eval('#fake-vendor-note', (el) => (el as HTMLElement).innerText);
      assert.match(note, /local fake vendor/);
      await page.$eval('#text', (el) => ((el as HTMLInputElement).value = 'Checking the demo.'));
      await page.click('form#say button[type=submit]');
      await page
        .waitForFunction(() => [...document.querySelectorAll('#log li')].some((li) => li.textContent!.startsWith('avatar-speak-end')), {
          timeout: 15_000,
        })
        .catch(async (error: Error) => {
          const log = await page.$$eval('#log li', (items) => items.map((li) => li.textContent!.slice(0, 120)).reverse());
          throw new Error(`${error.message}; events: ${log.join(' | ')}`);
        });
      const events = await page.$$eval('#log li', (items) => items.map((li) => li.textContent!.split(' ')[0]));
      for (const name of ['avatar-ready', 'avatar-speak-start', 'avatar-transcript', 'avatar-speak-end']) {
        assert.ok(events.includes(name), `${name} reached the page (got ${[...new Set(events)].join(', ')})`);
      }
      await page.click('#stop');
      await page.waitForFunction(() => document.querySelector('streaming-avatar')!.state === 'ended', { timeout: 5_000 });
      assert.deepEqual(pageErrors, []);
    } finally {
      await page.close();
    }
  });
}
