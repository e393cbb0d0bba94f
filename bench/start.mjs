// npm run bench:start — time from start() to the first decoded video frame (requestVideoFrameCallback),
// median of 20 runs, for the element (local provider, CDN build) against a bare page doing the same
// loopback with no element, in the same browser run; then whether the transport import overlaps the
// token request (a token endpoint answering after 300 ms must add ~300 ms, not 300 ms + import time); then
// start() to first frame over the real livekit-client on the LiveKit test server (test/livekit-server/)
// against a bare page that joins the same room with livekit-client alone. WebRTC to the test server needs
// a loopback-only network namespace: the script runs itself in one (scripts/netns.mjs).
import { spawnSync } from 'node:child_process';
import { tsImport } from 'tsx/esm/api';
import { banner, inLoopbackNamespace, namespaced } from '../scripts/netns.mjs';
import { launchChromium, median, printTable, requireBuild, saveResults, startStaticServer } from './harness.mjs';

if (!inLoopbackNamespace() && !process.env.BENCH_IN_NETNS) {
  const run = namespaced(process.execPath, process.argv.slice(1));
  if (!run.error) {
    const result = spawnSync(run.command, run.args, { stdio: 'inherit', env: { ...process.env, BENCH_IN_NETNS: '1' } });
    process.exit(result.status ?? 1);
  }
  console.error(banner([`NO LOOPBACK-ONLY NETWORK NAMESPACE: ${run.error}.`, 'The LiveKit rows run on the host network (candidates are still 127.0.0.1 only).']));
}

const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const TOKEN_DELAY = 300;
/** Network latency for code requests in the overlap check, so the import has a real cost to hide. */
const CHUNK_LATENCY = 150;

requireBuild();
const server = await startStaticServer();
const browser = await launchChromium();
const { startLiveKitTestServer } = await tsImport('../test/livekit-server/server.ts', import.meta.url);
const livekit = await startLiveKitTestServer();

async function openPage({ latency = 0 } = {}) {
  const page = await browser.newPage();
  await page.setCacheEnabled(false);
  const cdp = await page.createCDPSession();
  await cdp.send('Network.enable');
  await page.goto(`${server.origin}/bench/pages/start.html`, { waitUntil: 'load' });
  await page.waitForFunction(() => window.benchReady === true);
  if (latency) {
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency, downloadThroughput: -1, uploadThroughput: -1 });
  }
  return page;
}

try {
  // Warm page: the transport chunk is cached after the first run, so this is the steady state.
  const page = await openPage();
  await page.evaluate(() => window.elementRun(0));
  await page.evaluate(() => window.bareRun());
  const element = [];
  const bare = [];
  for (let i = 0; i < RUNS; i++) {
    element.push(await page.evaluate(() => window.elementRun(0)));
    bare.push(await page.evaluate(() => window.bareRun()));
  }
  await page.close();

  // Cold pages with slow code requests: token endpoint at 300 ms, and the same with no delay.
  const cold = { delayed: [], immediate: [], bare: [] };
  for (let i = 0; i < Math.max(5, Math.round(RUNS / 2)); i++) {
    for (const [key, run] of [
      ['delayed', () => window.elementRun(300)],
      ['immediate', () => window.elementRun(0)],
      ['bare', () => window.bareRun()],
    ]) {
      const p = await openPage({ latency: CHUNK_LATENCY });
      cold[key].push(await p.evaluate(run));
      await p.close();
    }
  }

  // The real SDK on the LiveKit test server: a bot publishes the picture; each run joins as a new visitor.
  const lkPage = await openPage();
  const lkRoom = livekit.room('bench');
  lkRoom.addBot({ identity: 'avatar', name: 'bench' });
  let visitor = 0;
  const join = async (run) => lkPage.evaluate(run, livekit.url, await livekit.token('bench', `visitor-${++visitor}`));
  await join((url, token) => window.elementLiveKitRun(url, token));
  await join((url, token) => window.bareLiveKitRun(url, token));
  const lk = { element: [], bare: [] };
  for (let i = 0; i < RUNS; i++) {
    lk.element.push(await join((url, token) => window.elementLiveKitRun(url, token)));
    lk.bare.push(await join((url, token) => window.bareLiveKitRun(url, token)));
  }
  await lkPage.close();
  const l = { element: median(lk.element), bare: median(lk.bare) };

  const m = { element: median(element), bare: median(bare) };
  const c = { delayed: median(cold.delayed), immediate: median(cold.immediate), bare: median(cold.bare) };
  const sequential = TOKEN_DELAY + CHUNK_LATENCY + c.bare;
  const overlapped = TOKEN_DELAY + c.bare;
  printTable(`start() → first frame, median of ${RUNS} (ms)`, [
    ['path', 'median', 'ratio to bare'],
    ['element, local provider', m.element.toFixed(0), (m.element / m.bare).toFixed(2)],
    ['bare loopback page', m.bare.toFixed(0), '1.00'],
  ]);
  printTable(`cold page, code requests +${CHUNK_LATENCY} ms latency (ms)`, [
    ['path', 'median'],
    [`element, token endpoint answers after ${TOKEN_DELAY} ms`, c.delayed.toFixed(0)],
    ['element, token at once', c.immediate.toFixed(0)],
    ['bare loopback page', c.bare.toFixed(0)],
    [`if the import waited for the token: ≥ ${TOKEN_DELAY} + ${CHUNK_LATENCY} + bare`, sequential.toFixed(0)],
    [`overlapped: ≈ ${TOKEN_DELAY} + bare`, overlapped.toFixed(0)],
  ]);
  printTable(`start() → first frame over the real livekit-client on the LiveKit test server, median of ${RUNS} (ms)`, [
    ['path', 'median', 'ratio to bare'],
    ['element, LiveKit plugin (CDN build)', l.element.toFixed(0), (l.element / l.bare).toFixed(2)],
    ['bare page, livekit-client alone', l.bare.toFixed(0), '1.00'],
  ]);
  console.log(`\n  LiveKit element / bare = ${(l.element / l.bare).toFixed(2)} (goal ≤ 1.10)`);
  const overlapRatio = c.delayed / overlapped;
  console.log(`\n  delayed start / (${TOKEN_DELAY} ms + bare) = ${overlapRatio.toFixed(2)} (1.00 = the import is fully hidden behind the token request)`);
  saveResults('start', {
    runs: RUNS,
    elementMedianMs: Math.round(m.element),
    bareMedianMs: Math.round(m.bare),
    elementToBareRatio: Number((m.element / m.bare).toFixed(2)),
    cold: { chunkLatencyMs: CHUNK_LATENCY, tokenDelayMs: TOKEN_DELAY, delayedMs: Math.round(c.delayed), immediateMs: Math.round(c.immediate), bareMs: Math.round(c.bare) },
    overlapRatio: Number(overlapRatio.toFixed(2)),
    livekit: {
      elementMedianMs: Math.round(l.element),
      bareMedianMs: Math.round(l.bare),
      elementToBareRatio: Number((l.element / l.bare).toFixed(2)),
      sdk: 'livekit-client 2.23.0',
    },
  });
} finally {
  await browser.close();
  server.close();
  await livekit.stop();
}
