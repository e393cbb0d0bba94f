import rollupCommonjs from '@rollup/plugin-commonjs';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { fromRollup } from '@web/dev-server-rollup';
import { chromeLauncher } from '@web/test-runner-chrome';
import { existsSync } from 'node:fs';
import { testBackends } from './test/backends/wtr-plugin.mjs';

/**
 * Tests run in Debian's Chromium (or CHROME_PATH). Two groups: one where audio may autoplay, and one
 * with the browser's default policy, where audio without a user gesture is refused.
 */
const executablePath =
  process.env.CHROME_PATH ?? ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find(existsSync);

const baseArgs = [
  '--no-sandbox',
  '--headless=new',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  // WebRTC on loopback: without this, host candidates are mDNS names and ICE never connects.
  '--disable-features=WebRtcHideLocalIpsWithMdns',
  // The browser step runs in a loopback-only network namespace (scripts/netns.mjs), where 127.0.0.1 is the
  // only address: Chromium gathers no loopback candidates without this.
  '--allow-loopback-in-peer-connection',
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
  '--js-flags=--expose-gc',
  // WebGL on the CPU (SwiftShader) with --disable-gpu: the `background` chroma-key tests need a real context.
  // This Chromium still falls back to it on its own; the flag keeps it so where that fallback is gone.
  '--enable-unsafe-swiftshader',
];

const chromium = (extraArgs = []) =>
  chromeLauncher({
    launchOptions: { executablePath, headless: true, args: [...baseArgs, ...extraArgs] },
  });

const autoplayBlocked = 'test/browser/autoplay-blocked/**/*.test.ts';

// The real agora-rtc-sdk-ng (UMD) and `sdp` (used by trtc-sdk-v5's webrtc-adapter) are CommonJS, which the
// dev server does not convert on its own; only they go through the converter. strictRequires off: the
// wrapped form (the default since v25) needs proxy modules the dev server cannot serve.
const commonjs = fromRollup(rollupCommonjs);

// `wtr --files <file>` runs just that file, in the browser its folder needs, instead of every group.
const filesIndex = process.argv.indexOf('--files');
const singleFile = filesIndex > 0 ? process.argv[filesIndex + 1] : undefined;
const groupsOrSingle = singleFile
  ? { browsers: [singleFile.includes('autoplay-blocked') ? chromium() : chromium(['--autoplay-policy=no-user-gesture-required'])] }
  : {
      groups: [
        {
          name: 'main',
          // Each vendor's browser tests sit in its folder (src/vendors/<name>/test/*.browser.test.ts).
          files: ['test/browser/**/*.test.ts', 'src/vendors/*/test/*.browser.test.ts', `!${autoplayBlocked}`],
          browsers: [chromium(['--autoplay-policy=no-user-gesture-required'])],
        },
        {
          name: 'autoplay-blocked',
          files: [autoplayBlocked],
          browsers: [chromium()],
        },
      ],
    };

const backends = testBackends({ livekit: 'test/livekit-server/wtr-backend.ts', money: 'test/backend/money-backend.ts' });

export default {
  nodeResolve: { exportConditions: ['browser', 'development'] },
  rootDir: '.',
  concurrency: 1,
  testFramework: { config: { timeout: 20000 } },
  testsFinishTimeout: 8 * 60 * 1000,
  browserStartTimeout: 60000,
  middleware: [backends.middleware],
  plugins: [
    esbuildPlugin({ ts: true, target: 'es2022', tsconfig: 'tsconfig.json' }),
    commonjs({ strictRequires: false, include: ['**/node_modules/agora-rtc-sdk-ng/**', '**/node_modules/sdp/**'] }),
    // Node-side backends the browser tests drive (test/helpers/backends.ts): one LiveKit test server per run.
    backends.plugin,
  ],
  ...groupsOrSingle,
};
