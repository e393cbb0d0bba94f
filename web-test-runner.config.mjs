import rollupCommonjs from '@rollup/plugin-commonjs';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { fromRollup } from '@web/dev-server-rollup';
import { chromeLauncher } from '@web/test-runner-chrome';
import { existsSync } from 'node:fs';

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
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
  '--js-flags=--expose-gc',
];

const chromium = (extraArgs = []) =>
  chromeLauncher({
    launchOptions: { executablePath, headless: true, args: [...baseArgs, ...extraArgs] },
  });

const autoplayBlocked = 'test/browser/autoplay-blocked/**/*.test.ts';
const autoplayAllowed = ['--autoplay-policy=no-user-gesture-required'];

// `wtr --files <file>` runs just those files (groups would run everything), with the policy of their group.
const filesIndex = process.argv.indexOf('--files');
const cliFiles = filesIndex === -1 ? [] : process.argv.slice(filesIndex + 1).filter((arg) => !arg.startsWith('--'));

// The real agora-rtc-sdk-ng (UMD) and `sdp` (used by trtc-sdk-v5's webrtc-adapter) are CommonJS, which the
// dev server does not convert on its own. Only they go through the converter.
const commonjs = fromRollup(rollupCommonjs);

export default {
  nodeResolve: { exportConditions: ['browser', 'development'] },
  rootDir: '.',
  concurrency: 1,
  testFramework: { config: { timeout: 20000 } },
  testsFinishTimeout: 8 * 60 * 1000,
  browserStartTimeout: 60000,
  plugins: [
    esbuildPlugin({ ts: true, target: 'es2022', tsconfig: 'tsconfig.json' }),
    // strictRequires off: the wrapped form (the default since v25) needs proxy modules the dev server lacks.
    commonjs({ strictRequires: false, include: ['**/node_modules/agora-rtc-sdk-ng/**', '**/node_modules/sdp/**'] }),
  ],
  ...(cliFiles.length > 0
    ? { browsers: [chromium(cliFiles.every((file) => file.includes('autoplay-blocked')) ? [] : autoplayAllowed)] }
    : {
        groups: [
          {
            name: 'main',
            files: ['test/browser/**/*.test.ts', `!${autoplayBlocked}`],
            browsers: [chromium(autoplayAllowed)],
          },
          {
            name: 'autoplay-blocked',
            files: [autoplayBlocked],
            browsers: [chromium()],
          },
        ],
      }),
};
