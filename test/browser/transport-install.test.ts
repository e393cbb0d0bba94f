import { expect } from '@open-wc/testing';
import { builtInTransportLoader, loadTransport } from '../../src/transports/registry.js';

/**
 * The SDK transports are opt-in for npm users (their SDKs are optional peers): before a page imports
 * `streaming-avatar/transports/<kind>`, a session naming that transport fails with a message that says
 * what to add; after, the plugin loads. This file runs in its own page, so nothing here is installed yet.
 */
describe('SDK transport install entries', () => {
  // Literal paths: the dev server maps `.js` to the `.ts` source only in imports it can read.
  for (const [kind, sdk, install] of [
    ['livekit', 'livekit-client', () => import('../../src/transports/install/livekit.js')],
    ['agora', 'agora-rtc-sdk-ng', () => import('../../src/transports/install/agora.js')],
    ['trtc', 'trtc-sdk-v5', () => import('../../src/transports/install/trtc.js')],
  ] as const) {
    it(`${kind}: missing until installed, then loads its plugin`, async () => {
      expect(builtInTransportLoader(kind)).to.equal(undefined);
      const error = (await loadTransport(kind).catch((e: unknown) => e)) as { code?: string; message?: string };
      expect(error.code).to.equal('transport-load-failed');
      expect(error.message).to.contain(`streaming-avatar/transports/${kind}`);
      expect(error.message).to.contain(sdk);

      await install();
      const module = await loadTransport(kind);
      expect(module.createTransport).to.be.a('function');
    });
  }

  it('the local transport needs no install', async () => {
    const module = await loadTransport('local');
    expect(module.createTransport).to.be.a('function');
  });

  it('an unknown transport kind says so', async () => {
    const error = (await loadTransport('carrier-pigeon').catch((e: unknown) => e)) as { code?: string; message?: string };
    expect(error.code).to.equal('transport-load-failed');
    expect(error.message).to.contain('"carrier-pigeon"');
  });
});
