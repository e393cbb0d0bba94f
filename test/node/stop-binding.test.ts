// The stopSecret cookie in a real browser: set by the create answer, carried by the element's kind of
// pagehide beacon (sendBeacon, text/plain) to the stop route, so the session really stops.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'puppeteer-core';
import { createSessionHandler, toNodeHandler } from '../../src/server/index.js';
import { launchChromium } from '../helpers/chromium.js';
import { useEnv } from './support/fake-env.js';

describe('stopSecret in Chromium', () => {
  const env = useEnv();
  let browser: Browser;
  let server: Server;
  let url: string;

  before(async () => {
    const handle = toNodeHandler(createSessionHandler({ providers: env.providers, logger: false, stopSecret: 'a-long-server-secret-for-tests' }));
    server = createServer((req, res) => {
      if (req.url?.startsWith('/api/avatar')) return handle(req, res);
      res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>site</title>');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('the creating page stops its session with a beacon; another browser context cannot', async () => {
    const page = await browser.newPage();
    const stranger = await (await browser.createBrowserContext()).newPage();
    try {
      await page.goto(url);
      await stranger.goto(url);
      const sessionId = await page.evaluate(async () => {
        const response = await fetch('/api/avatar', { method: 'POST', credentials: 'same-origin', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ provider: 'akool', avatarId: 'a' }) });
        return ((await response.json()) as { sessionId: string }).sessionId;
      });
      assert.equal(env.fake.vendor.session(sessionId)!.state, 'started');
      const beacon = (id: string) => {
        const body = JSON.stringify({ provider: 'akool', sessionId: id });
        return navigator.sendBeacon('/api/avatar/stop', new Blob([body], { type: 'text/plain;charset=UTF-8' }));
      };
      // Another user who learnt the id (no cookie for it in that browser).
      assert.equal(await stranger.evaluate(beacon, sessionId), true);
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal(env.fake.vendor.session(sessionId)!.state, 'started');

      assert.equal(await page.evaluate(beacon, sessionId), true);
      for (let i = 0; i < 100 && env.fake.vendor.session(sessionId)!.state !== 'closed'; i++) await new Promise((resolve) => setTimeout(resolve, 30));
      assert.equal(env.fake.vendor.session(sessionId)!.state, 'closed');
      // The cookie is HttpOnly: page scripts cannot read it.
      assert.equal(await page.evaluate(() => document.cookie), '');
    } finally {
      await page.close();
      await stranger.browserContext().close();
    }
  });
});
