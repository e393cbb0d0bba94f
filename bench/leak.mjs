// npm run bench:leak — 100 start/stop cycles and 100 remove/re-insert cycles of a live session
// (provider="local", CDN build) in headless Chromium, then, after garbage collection: JS heap growth over
// a warmed-up baseline, and what is still alive in the heap (Runtime.queryObjects, so the count needs no
// wrapper that would itself keep objects alive): peer connections not closed, media tracks still live,
// audio contexts not closed, and media elements (in the DOM or detached). The zero-leak promise itself is
// a test (test/browser/leak.test.ts); this prints the figures, heap included.
import { launchChromium, printTable, requireBuild, saveResults, startStaticServer } from './harness.mjs';

const CYCLES = Number(process.env.BENCH_CYCLES ?? 100);
const HEAP_LIMIT = 1024 * 1024;

requireBuild();
const server = await startStaticServer();
const browser = await launchChromium();

/** Objects alive in the page's heap whose prototype chain holds `proto`, and how many pass `filter`. */
async function alive(cdp, proto, filter) {
  const { result: prototype } = await cdp.send('Runtime.evaluate', { expression: `${proto}.prototype` });
  const { objects } = await cdp.send('Runtime.queryObjects', { prototypeObjectId: prototype.objectId });
  const { result, exceptionDetails } = await cdp.send('Runtime.callFunctionOn', {
    objectId: objects.objectId,
    // The result also holds sub-prototypes (CanvasCaptureMediaStreamTrack.prototype...): instances only.
    functionDeclaration: `function () {
      const instances = this.filter((o) => !Object.prototype.hasOwnProperty.call(o, 'constructor'));
      return { all: instances.length, matching: instances.filter(${filter}).length };
    }`,
    returnByValue: true,
  });
  if (exceptionDetails) throw new Error(`counting ${proto}: ${exceptionDetails.exception?.description ?? exceptionDetails.text}`);
  await cdp.send('Runtime.releaseObject', { objectId: objects.objectId });
  await cdp.send('Runtime.releaseObject', { objectId: prototype.objectId });
  return result.value;
}

async function collect(cdp) {
  // Twice: the first pass can free objects whose finalisation frees more.
  for (let i = 0; i < 2; i++) await cdp.send('HeapProfiler.collectGarbage');
}

async function census(page, cdp) {
  await collect(cdp);
  const { usedSize } = await cdp.send('Runtime.getHeapUsage');
  return {
    heapUsed: usedSize,
    peerConnections: await alive(cdp, 'RTCPeerConnection', '(pc) => pc.signalingState !== "closed"'),
    tracks: await alive(cdp, 'MediaStreamTrack', '(t) => t.readyState === "live"'),
    audioContexts: await alive(cdp, 'AudioContext', '(c) => c.state !== "closed"'),
    mediaElements: await alive(cdp, 'HTMLMediaElement', '(e) => e.isConnected'),
  };
}

/** Releasing is asynchronous (peer connections, audio contexts): poll until nothing is open, or 5 s. */
async function settled(page, cdp) {
  const deadline = Date.now() + 5000;
  let c = await census(page, cdp);
  while (Date.now() < deadline && (c.peerConnections.matching || c.tracks.matching || c.audioContexts.matching)) {
    await new Promise((r) => setTimeout(r, 200));
    c = await census(page, cdp);
  }
  return c;
}

try {
  const page = await browser.newPage();
  const cdp = await page.createCDPSession();
  await cdp.send('HeapProfiler.enable');
  await page.goto(`${server.origin}/bench/pages/leak.html`, { waitUntil: 'load' });
  await page.waitForFunction(() => window.benchReady === true);
  // Warm-up: every chunk loaded, JIT and lit templates prepared, so the baseline is the steady state.
  await page.evaluate(() => window.startStopCycles(2));
  await page.evaluate(() => window.moveCycles(2));
  const before = await settled(page, cdp);
  // Control: the same census sees a live session (two peer connections, their tracks, one more <video>).
  await page.evaluate(() => window.openSession());
  const control = await census(page, cdp);
  await page.evaluate(() => window.closeSession());
  const controlSeen = control.peerConnections.matching === 2 && control.tracks.matching > 0 && control.mediaElements.all > before.mediaElements.all;

  const t0 = Date.now();
  await page.evaluate((n) => window.startStopCycles(n), CYCLES);
  const startStopMs = Date.now() - t0;
  const afterStartStop = await settled(page, cdp);

  const t1 = Date.now();
  const moves = await page.evaluate((n) => window.moveCycles(n), CYCLES);
  const movesMs = Date.now() - t1;
  const after = await settled(page, cdp);
  await page.close();

  const mb = (bytes) => (bytes / 1024 / 1024).toFixed(2);
  const growth = (c) => c.heapUsed - before.heapUsed;
  const row = (name, c) => [
    name,
    mb(c.heapUsed),
    `${growth(c) >= 0 ? '+' : ''}${mb(growth(c))}`,
    c.peerConnections.matching,
    c.tracks.matching,
    c.audioContexts.matching,
    c.mediaElements.all - before.mediaElements.all,
  ];
  printTable(`after GC, ${CYCLES} cycles each (heap in MiB; counts are objects alive in the heap)`, [
    ['point', 'JS heap', 'growth', 'open peer conns', 'live tracks', 'open audio ctx', 'extra media elements'],
    row('baseline (warmed up)', before),
    row('control: one live session', control),
    row(`after ${CYCLES} start/stop`, afterStartStop),
    row(`after ${CYCLES} remove/re-insert, then removal`, after),
  ]);
  console.log(`\n  control row sees the live session: ${controlSeen ? 'yes' : 'NO (the census is broken)'}`);
  console.log(`  start/stop: ${(startStopMs / CYCLES).toFixed(0)} ms per cycle; moves kept the session: ${moves.kept}; removal ended it: ${moves.ended}`);
  const heapGrowth = growth(after);
  const clean = [afterStartStop, after].every(
    (c) => !c.peerConnections.matching && !c.tracks.matching && !c.audioContexts.matching && c.mediaElements.all <= before.mediaElements.all,
  );
  console.log(`  heap growth ${mb(heapGrowth)} MiB (limit ${mb(HEAP_LIMIT)}): ${heapGrowth < HEAP_LIMIT ? 'ok' : 'OVER'}; nothing left open: ${clean ? 'ok' : 'NO'}`);
  const counts = (c) => ({
    heapUsedBytes: c.heapUsed,
    openPeerConnections: c.peerConnections.matching,
    peerConnectionObjects: c.peerConnections.all,
    liveTracks: c.tracks.matching,
    openAudioContexts: c.audioContexts.matching,
    mediaElements: c.mediaElements.all,
  });
  saveResults('leak', {
    cycles: CYCLES,
    heapGrowthBytes: heapGrowth,
    heapGrowthUnderLimit: heapGrowth < HEAP_LIMIT,
    nothingLeftOpen: clean,
    controlSeen,
    movesKeptSession: moves.kept,
    startStopMsPerCycle: Math.round(startStopMs / CYCLES),
    movesMs,
    baseline: counts(before),
    control: counts(control),
    afterStartStop: counts(afterStartStop),
    after: counts(after),
  });
  if (!controlSeen || !clean || heapGrowth >= HEAP_LIMIT) process.exitCode = 1;
} finally {
  await browser.close();
  server.close();
}
