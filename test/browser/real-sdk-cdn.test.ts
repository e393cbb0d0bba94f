import { expect } from '@open-wc/testing';
import { cdnChunks } from '../helpers/cdn.js';

/**
 * Each real SDK loads through the CDN build's own split: the plugin chunk's loader imports the SDK chunk
 * (for Agora and TRTC, CommonJS/UMD code converted by the build). No join: nothing leaves the page.
 * The real SDKs patch page-wide WebRTC globals, so they stay out of the fake-SDK test files.
 */
describe('real SDKs through the CDN build', () => {
  it('loads livekit-client from its chunk', async () => {
    const chunks = await cdnChunks();
    const plugin = (await import(chunks.livekit.plugin)) as typeof import('../../src/transports/livekit.js');
    const sdk = (await plugin.loadLiveKitSdk()) as unknown as typeof import('../../src/transports/livekit-sdk.js');
    // Only the members the plugin uses are loaded (the rest is tree-shaken): these are the real ones.
    expect(Object.keys(sdk).sort()).to.deep.equal(['ConnectionErrorReason', 'DisconnectReason', 'Room', 'setLogLevel']);
    expect(sdk.DisconnectReason.CLIENT_INITIATED).to.be.a('number');
    const room = new sdk.Room();
    expect(room.state).to.equal('disconnected');
    expect(room.localParticipant.publishData).to.be.a('function');
  });

  it('loads agora-rtc-sdk-ng from its chunk, with sendStreamMessage on the client', async () => {
    const chunks = await cdnChunks();
    const plugin = (await import(chunks.agora.plugin)) as typeof import('../../src/transports/agora.js');
    const sdk = (await plugin.loadAgoraSdk()) as unknown as typeof import('agora-rtc-sdk-ng').default;
    sdk.disableLogUpload();
    sdk.setLogLevel(4);
    expect(sdk.VERSION).to.equal('4.24.8');
    const client = sdk.createClient({ mode: 'rtc', codec: 'vp8' });
    expect((client as unknown as { sendStreamMessage?: unknown }).sendStreamMessage).to.be.a('function');
  });

  it('loads trtc-sdk-v5 from its chunk', async () => {
    const chunks = await cdnChunks();
    const plugin = (await import(chunks.trtc.plugin)) as typeof import('../../src/transports/trtc.js');
    const TRTC = (await plugin.loadTrtcSdk()) as unknown as typeof import('trtc-sdk-v5').default;
    TRTC.setLogLevel(5, false);
    const trtc = TRTC.create({ enableAutoPlayDialog: false });
    expect(trtc.sendCustomMessage).to.be.a('function');
    trtc.destroy();
  });
});
