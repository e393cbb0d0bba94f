// npm run bench:chroma — the `background` chroma key at 720p30 in headless Chromium's software GL
// (SwiftShader): a synthetic 1280x720 green-screen video played through the element (CDN build) for
// BENCH_SECONDS (10) with and without `background`, each in a fresh page. Prints frames presented and
// dropped for both against the frames the source painted, and ms per frame of the keying work (upload,
// shader, finished on the GPU) from a third, instrumented run: the 1-pixel readback that waits for the
// GPU costs frames itself, so that run's frame counts are not the ones reported.
import os from 'node:os';
import { launchChromium, median, printTable, requireBuild, saveResults, startStaticServer } from './harness.mjs';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const BACKGROUND = 'rgb(20 30 60)';

const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
};

requireBuild();
const server = await startStaticServer();
// SwiftShader WebGL with --disable-gpu, as in the browser tests.
const browser = await launchChromium(['--enable-unsafe-swiftshader']);

async function run(options) {
  const page = await browser.newPage();
  await page.setViewport({ width: 1300, height: 760 });
  await page.goto(`${server.origin}/bench/pages/chroma.html`, { waitUntil: 'load' });
  await page.waitForFunction(() => window.benchReady === true);
  const renderer = await page.evaluate(() => {
    const gl = document.createElement('canvas').getContext('webgl2');
    const info = gl?.getExtension('WEBGL_debug_renderer_info');
    return gl ? String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER)) : 'no WebGL';
  });
  const result = await page.evaluate((o) => window.run(o), { seconds: SECONDS, ...options });
  await page.close();
  return { ...result, renderer };
}

const load = os.loadavg()[0];
try {
  const plain = await run({ background: null, sync: false });
  const keyed = await run({ background: BACKGROUND, sync: false });
  const timed = await run({ background: BACKGROUND, sync: true });
  // The usual embed: the same 720p stream in a 480 px wide element, keyed at the size it is shown.
  const small = await run({ background: BACKGROUND, sync: false, width: 480 });
  const smallTimed = await run({ background: BACKGROUND, sync: true, width: 480 });
  if (!keyed.canvas || keyed.fallback) throw new Error(`No WebGL keying in this browser (${keyed.renderer}): nothing to measure.`);

  const submit = { median: median(keyed.keyingMs), p95: percentile(keyed.keyingMs, 95) };
  const work = { median: median(timed.keyingMs), p95: percentile(timed.keyingMs, 95) };
  const smallWork = { median: median(smallTimed.keyingMs), p95: percentile(smallTimed.keyingMs, 95) };
  const budget = 1000 / 30;
  const dropped = (shown, source) => Math.max(0, source - shown);
  const nominal = 30 * SECONDS;
  // `painted`: frames the source drew (it shares the main thread, so a busy page paints fewer); `shown`:
  // frames presented by the <video>, or keyed into the canvas; both also against the nominal 30 fps.
  const row = (label, r, shown) => [label, r.sourceFrames, shown, dropped(shown, r.sourceFrames), (shown / nominal).toFixed(3)];
  printTable(`720p30 for ${SECONDS} s, ${keyed.renderer}; load average at start ${load.toFixed(1)} on ${os.cpus().length} CPUs`, [
    ['path', 'painted', 'shown', 'dropped', `shown / ${nominal} nominal`],
    row('plain <video>, 1280 px element', plain, plain.videoPresented),
    row('background, 1280 px element', keyed, keyed.keyedFrames),
    row('background, 480 px element', small, small.keyedFrames),
  ]);
  printTable('keying work per 720p frame (ms)', [
    ['measure', 'median', 'p95', 'p95 / 33.3 ms frame budget'],
    ['main-thread WebGL calls (upload + draw, not waited for)', submit.median.toFixed(2), submit.p95.toFixed(2), (submit.p95 / budget).toFixed(2)],
    ['finished on the GPU (+1-pixel readback)', work.median.toFixed(2), work.p95.toFixed(2), (work.p95 / budget).toFixed(2)],
    ['same, 480 px element (keys 480x270)', smallWork.median.toFixed(2), smallWork.p95.toFixed(2), (smallWork.p95 / budget).toFixed(2)],
  ]);
  // With background the <video> is hidden, so the compositor skips (and counts as dropped) every frame of it.
  console.log(`\n  <video> dropped (getVideoPlaybackQuality): plain ${plain.videoDropped}; with background ${keyed.videoDropped} (hidden under the canvas, not composited)`);
  saveResults('chroma', {
    seconds: SECONDS,
    resolution: '1280x720',
    fps: 30,
    renderer: keyed.renderer,
    nominalFrames: nominal,
    plain: { sourceFrames: plain.sourceFrames, shown: plain.videoPresented, dropped: dropped(plain.videoPresented, plain.sourceFrames), videoDropped: plain.videoDropped },
    keyed: { sourceFrames: keyed.sourceFrames, shown: keyed.keyedFrames, dropped: dropped(keyed.keyedFrames, keyed.sourceFrames), videoDropped: keyed.videoDropped },
    keyingSubmitMs: { median: Number(submit.median.toFixed(2)), p95: Number(submit.p95.toFixed(2)) },
    keyingGpuMs: { median: Number(work.median.toFixed(2)), p95: Number(work.p95.toFixed(2)) },
    small: {
      width: 480,
      sourceFrames: small.sourceFrames,
      shown: small.keyedFrames,
      dropped: dropped(small.keyedFrames, small.sourceFrames),
      keyingGpuMs: { median: Number(smallWork.median.toFixed(2)), p95: Number(smallWork.p95.toFixed(2)) },
    },
    loadAverage: Number(load.toFixed(1)),
  });
} finally {
  await browser.close();
  server.close();
}
