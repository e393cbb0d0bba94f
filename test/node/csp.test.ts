// A page with a strict Content-Security-Policy (no inline script or style, no eval, Trusted Types
// required) runs the element from the CDN build with the local provider, without a single violation.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { after, before, test } from 'node:test';
import puppeteer, { type Browser } from 'puppeteer-core';

const root = new URL('../..', import.meta.url).pathname;
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "media-src 'self' blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "require-trusted-types-for 'script'",
  // Lit creates one policy for its templates; nothing else may.
  'trusted-types lit-html',
  'report-uri /csp-report',
].join('; ');

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>CSP</title>
<script type="module" src="/cdn/streaming-avatar.js"></script></head>
<body><streaming-avatar autostart="muted" controls captions poster="data:image/gif;base64,R0lGODlhAQABAAAAACw="></streaming-avatar></body></html>`;

const TYPES: Record<string, string> = { '.js': 'text/javascript', '.map': 'application/json' };
const reports: string[] = [];
let server: Server;
let origin: string;
let browser: Browser;

before(async () => {
  server = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname === '/csp-report') {
      let body = '';
      for await (const chunk of request) body += chunk;
      reports.push(body);
      response.writeHead(204).end();
      return;
    }
    if (url.pathname === '/') {
      response.writeHead(200, { 'content-type': 'text/html', 'content-security-policy': CSP }).end(PAGE);
      return;
    }
    const file = normalize(join(root, url.pathname));
    if (!file.startsWith(join(root, 'cdn'))) {
      response.writeHead(404).end();
      return;
    }
    try {
      const body = await readFile(file);
      response.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, 'localhost', resolve));
  const address = server.address();
  origin = `http://localhost:${typeof address === 'object' && address ? address.port : 0}`;
  browser = await puppeteer.launch({
    executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--headless=new', '--disable-gpu', '--disable-background-networking', '--disable-features=WebRtcHideLocalIpsWithMdns'],
  });
});

after(async () => {
  await browser?.close();
  server?.close();
});

test('the element runs under a strict CSP with Trusted Types, and nothing is reported', async () => {
  const page = await browser.newPage();
  const consoleErrors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  // Registered through the DevTools protocol, which the page's CSP does not govern.
  await page.evaluateOnNewDocument(() => {
    const seen: string[] = [];
    (window as unknown as { __violations: string[] }).__violations = seen;
    document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  const response = await page.goto(origin, { waitUntil: 'networkidle0' });
  assert.equal(response?.headers()['content-security-policy'], CSP);
  await page.waitForFunction(() => document.querySelector('streaming-avatar')?.getAttribute('state') === 'connected', { timeout: 15_000 });
  const frame = await page.$eval('streaming-avatar', (el) => el.shadowRoot!.querySelector('video')!.videoWidth);
  assert.ok(frame > 0, 'a decoded frame is on screen');
  // Exercise the controls and captions paths too.
  await page.$eval('streaming-avatar', (el) => (el as HTMLElement & { speak(t: string): Promise<void> }).speak('Strict policy.'));
  await new Promise((r) => setTimeout(r, 1500));
  const violations = await page.evaluate(() => (window as unknown as { __violations: string[] }).__violations);
  assert.deepEqual(violations, []);
  assert.deepEqual(reports, []);
  assert.deepEqual(consoleErrors.filter((e) => /Content.Security|Trusted/i.test(e)), []);
  await page.close();
});

test('the check can fail: an inline style is reported under the same policy', async () => {
  const page = await browser.newPage();
  await page.evaluateOnNewDocument(() => {
    const seen: string[] = [];
    (window as unknown as { __violations: string[] }).__violations = seen;
    document.addEventListener('securitypolicyviolation', (e) => seen.push(e.violatedDirective));
  });
  await page.goto(origin, { waitUntil: 'networkidle0' });
  await page.evaluate(() => {
    const style = document.createElement('style');
    style.textContent = 'body { color: red }';
    document.head.append(style);
  });
  await new Promise((r) => setTimeout(r, 300));
  const violations = await page.evaluate(() => (window as unknown as { __violations: string[] }).__violations);
  assert.ok(violations.some((v) => v.startsWith('style-src')), `expected a style-src violation, got ${violations.join(', ')}`);
  await page.close();
});
