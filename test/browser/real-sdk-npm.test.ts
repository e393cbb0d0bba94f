import { expect } from '@open-wc/testing';

/**
 * The npm build (`dist/`) keeps each SDK behind a bare `import()`; here the test runner resolves those
 * specifiers the way an app's bundler would, and each real SDK loads (no join: nothing leaves the page).
 * The real SDKs patch page-wide WebRTC globals, so they stay out of the fake-SDK test files.
 * Needs `npm run build` first (`npm test` runs it).
 */
type Plugins = {
  livekit: typeof import('../../src/transports/livekit.js');
  agora: typeof import('../../src/transports/agora.js');
  trtc: typeof import('../../src/transports/trtc.js');
};

async function plugin<K extends keyof Plugins>(name: K): Promise<Plugins[K]> {
  const url = `/dist/transports/${name}.js`;
  try {
    return (await import(url)) as Plugins[K];
  } catch (error) {
    throw new Error(`${url} did not load (run \`npm run build\` first): ${String(error)}`);
  }
}

describe('real SDKs through the npm build', () => {
  it('loads livekit-client', async () => {
    const sdk = (await (await plugin('livekit')).loadLiveKitSdk()) as typeof import('livekit-client');
    expect(sdk.version).to.equal('2.23.0');
    expect(sdk.isBrowserSupported()).to.equal(true);
    expect(sdk.Room).to.be.a('function');
  });

  it('loads agora-rtc-sdk-ng, whose client has the untyped sendStreamMessage', async () => {
    const sdk = (await (await plugin('agora')).loadAgoraSdk()) as unknown as typeof import('agora-rtc-sdk-ng').default;
    sdk.disableLogUpload();
    sdk.setLogLevel(4);
    expect(sdk.VERSION).to.equal('4.24.8');
    expect(sdk.checkSystemRequirements()).to.equal(true);
    const client = sdk.createClient({ mode: 'rtc', codec: 'vp8' });
    expect((client as unknown as { sendStreamMessage?: unknown }).sendStreamMessage).to.be.a('function');
    expect(client.connectionState).to.equal('DISCONNECTED');
  });

  it('loads trtc-sdk-v5 (its ESM build)', async () => {
    const TRTC = (await (await plugin('trtc')).loadTrtcSdk()) as unknown as typeof import('trtc-sdk-v5').default;
    TRTC.setLogLevel(5, false);
    const support = (await TRTC.isSupported()) as { result?: boolean };
    expect(support.result).to.equal(true);
    const trtc = TRTC.create({ enableAutoPlayDialog: false });
    expect(trtc.sendCustomMessage).to.be.a('function');
    expect(trtc.getAudioTrack).to.be.a('function');
    trtc.destroy();
  });

  for (const kind of ['livekit', 'agora', 'trtc'] as const) {
    it(`${kind}: the install entry makes the plugin loadable, and its preload() fetches the SDK connect() uses`, async () => {
      const registry = (await import('/dist/transports/registry.js' as string)) as typeof import('../../src/transports/registry.js');
      await import(`/dist/transports/install/${kind}.js`);
      const module = await registry.loadTransport(kind);
      expect(module.createTransport).to.be.a('function');
      const preloaded = await module.preload!();
      const loaders = { livekit: 'loadLiveKitSdk', agora: 'loadAgoraSdk', trtc: 'loadTrtcSdk' } as const;
      const plugins = (await plugin(kind)) as unknown as Record<string, () => Promise<unknown>>;
      expect(preloaded).to.not.equal(undefined);
      expect(preloaded).to.equal(await plugins[loaders[kind]]!());
    });
  }
});
