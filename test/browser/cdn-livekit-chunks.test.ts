import { expect } from '@open-wc/testing';
import { CDN_ENTRY, cdnChunks } from '../helpers/cdn.js';

/**
 * The promise, checked on the script-tag build: a page whose session is LiveKit downloads the
 * LiveKit plugin and SDK chunks and no Agora or TRTC code. The session uses the real LiveKit SDK against a
 * port browsers refuse to connect to, so it fails at once and nothing leaves the machine.
 */
describe('CDN build: a LiveKit session', () => {
  it('requests the LiveKit chunks and no Agora or TRTC chunk', async () => {
    const cdn = (await import(CDN_ENTRY)) as typeof import('../../src/define.js');
    cdn.registerProvider('cdn-livekit', {
      needsServer: true,
      expectedTransport: () => 'livekit',
      load: async () => ({
        createProvider: () => ({ receive() {}, speak: async () => undefined, interrupt: async () => 'ok', dispose() {} }),
      }),
    });
    const el = document.createElement('streaming-avatar');
    el.setAttribute('provider', 'cdn-livekit');
    el.fetchSession = async () => ({
      provider: 'cdn-livekit',
      sessionId: 'cdn-session',
      // Port 1 is on every browser's blocked-port list: the connection fails before any packet is sent.
      transport: { kind: 'livekit', url: 'ws://127.0.0.1:1', token: 'cdn-test-token-000000' },
    });
    el.stopSession = async () => undefined;
    document.body.append(el);
    try {
      const error = (await el.start().catch((e: unknown) => e)) as { code?: string; message?: string };
      // The real SDK ran: it could not reach the server.
      expect(error.code).to.equal('transport-join-failed');
      expect(error.message).to.match(/LiveKit/);
      expect(error.message).not.to.contain('cdn-test-token-000000');
    } finally {
      await el.stop();
      el.remove();
    }
    // What the page loaded, before this test reads the build to learn the chunk names.
    const loaded = performance.getEntriesByType('resource').map((entry) => new URL(entry.name).pathname);

    const chunks = await cdnChunks();
    expect(loaded).to.include.members([chunks.livekit.plugin, chunks.livekit.sdk]);
    const others = [chunks.agora.plugin, chunks.agora.sdk, chunks.trtc.plugin, chunks.trtc.sdk];
    expect(others.filter((path) => /agora|trtc/i.test(path)), 'Agora/TRTC chunk names').to.have.length(4);
    expect(loaded.filter((path) => others.includes(path))).to.deep.equal([]);
  });
});
