// npm run bench:size — gzipped bytes (zlib level 9, each chunk on its own, 1 KB = 1000 bytes) of the CDN
// build: the core, each vendor adapter, each transport plugin without its SDK, and whole pages, beside
// @heygen/streaming-avatar and livekit-client (and lit, for scale) bundled alone with the same rollup plugins. What each row
// holds is defined in bench/size-measure.mjs (measureCdn).
import { printTable, requireBuild, saveResults } from './harness.mjs';
import { BUDGETS, GZIP_LEVEL, KB, measureCdn, measurePeer, readCdnGraph } from './size-measure.mjs';

requireBuild();
const graph = readCdnGraph();
const m = measureCdn(graph);
const peers = {
  'livekit-client': await measurePeer('livekit-client'),
  '@heygen/streaming-avatar': await measurePeer('@heygen/streaming-avatar'),
  // Not a peer: the share of the core budget that lit alone takes, whatever the element does.
  lit: await measurePeer('lit'),
};

const kb = (bytes) => (bytes / KB).toFixed(1);
const verdict = (value, limit) => `${value <= limit ? 'ok' : 'OVER'} (≤ ${kb(limit)})`;
const livekitLimit = peers['livekit-client'].gzip + BUDGETS.livekitPageOverhead;
const rows = [
  ['what', 'KB gz', 'chunks', 'budget'],
  ['idle page: entry + static imports', kb(m.idle.gzip), m.idle.chunks.length, ''],
  ['core: entry + local provider + local transport', kb(m.core.gzip), m.core.chunks.length, verdict(m.core.gzip, BUDGETS.core)],
  ...Object.entries(m.providers).map(([name, s]) => [`vendor adapter: ${name}`, kb(s.gzip), s.chunks.length, '']),
  ...Object.entries(m.plugins).map(([name, s]) => [`transport plugin without SDK: ${name}`, kb(s.gzip), s.chunks.length, verdict(s.gzip, BUDGETS.plugin)]),
  ...Object.entries(m.sdks).map(([name, s]) => [`SDK chunk(s): ${name}`, kb(s.gzip), s.chunks.length, '']),
  ...Object.entries(m.pages).map(([name, s]) => [
    `page: ${name}`,
    kb(s.gzip),
    s.chunks.length,
    name === 'HeyGen over LiveKit' ? verdict(s.gzip, livekitLimit) : '',
  ]),
  ...Object.entries(peers).map(([name, s]) => [`bundled alone: ${name}`, kb(s.gzip), s.chunks, '']),
];
printTable(`CDN build, gzip -${GZIP_LEVEL} per chunk (KB = 1000 bytes)`, rows);
const overhead = m.pages['HeyGen over LiveKit'].gzip - peers['livekit-client'].gzip;
console.log(`\n  HeyGen over LiveKit page − livekit-client alone = ${kb(overhead)} KB (budget ${kb(BUDGETS.livekitPageOverhead)})`);
console.log(`  lit alone = ${kb(peers.lit.gzip)} KB of the core's ${kb(BUDGETS.core)} KB budget`);
console.log(
  `  HeyGen over LiveKit page / @heygen/streaming-avatar = ${(m.pages['HeyGen over LiveKit'].gzip / peers['@heygen/streaming-avatar'].gzip).toFixed(2)}`,
);

const bytes = (s) => s.gzip;
const map = (o) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, bytes(v)]));
saveResults('size', {
  unit: `bytes, gzip level ${GZIP_LEVEL}, per chunk, summed`,
  idle: m.idle.gzip,
  core: m.core.gzip,
  providers: map(m.providers),
  plugins: map(m.plugins),
  sdks: map(m.sdks),
  pages: map(m.pages),
  peers: map(peers),
  livekitPageOverhead: overhead,
  budgets: {
    core: { limit: BUDGETS.core, met: m.core.gzip <= BUDGETS.core },
    plugins: { limit: BUDGETS.plugin, met: Object.values(m.plugins).every((s) => s.gzip <= BUDGETS.plugin) },
    livekitPage: { limit: livekitLimit, met: m.pages['HeyGen over LiveKit'].gzip <= livekitLimit },
  },
});
