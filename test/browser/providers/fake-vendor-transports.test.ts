import { expect } from '@open-wc/testing';
import '../../../src/define.js';
import { fakeSession, installFakeVendorTransports } from '../../../demo/emulation/fake-transports.js';
import { parseRelayMessage, stopReason } from '../../../demo/emulation/relay.js';
import { AvatarError } from '../../../src/errors/avatar-error.js';
import { LocalTransport } from '../../../src/transports/local/local-transport.js';
import '../../../src/transports/install/agora.js';
import { builtInTransportLoader, loadTransport } from '../../../src/transports/registry.js';
import type { Transport, TransportOptions } from '../../../src/transports/transport.js';
import { nextEvent } from '../../helpers/events.js';
import { avatarWith } from '../../helpers/fake-vendor.js';
import { createMemoryRelay } from '../../helpers/memory-relay.js';

const origin = 'http://page.test';

describe('Fake-vendor credentials', () => {
  it('recognises the fake LiveKit url per vendor, with the relay on the same host', () => {
    expect(fakeSession({ kind: 'livekit', url: 'wss://dev.test:8443/fake-vendor/heygen/livekit', token: 'fake-livekit.s-1' }, origin)).to.deep.equal({
      vendor: 'heygen',
      sessionId: 's-1',
      relayUrl: 'https://dev.test:8443/fake-vendor/heygen/_relay/s-1',
    });
    expect(fakeSession({ kind: 'livekit', url: 'ws://localhost:8080/fake-vendor/deepbrain/livekit', token: 'fake-livekit.a b' }, origin)).to.deep.equal({
      vendor: 'deepbrain',
      sessionId: 'a b',
      relayUrl: 'http://localhost:8080/fake-vendor/deepbrain/_relay/a%20b',
    });
  });

  it('treats the fake Agora app and TRTC app as Akool, with the relay on the page origin', () => {
    expect(fakeSession({ kind: 'agora', appId: 'fake-agora-app', channel: 'ch-1', token: 'fake-agora.ch-1', uid: 100000 }, origin)).to.deep.equal({
      vendor: 'akool',
      sessionId: 'ch-1',
      relayUrl: 'http://page.test/fake-vendor/akool/_relay/ch-1',
    });
    expect(
      fakeSession({ kind: 'trtc', sdkAppId: 1400000001, roomId: 'r-1', userId: 'user-r-1', userSig: 'fake-trtc.r-1' }, origin)?.vendor,
    ).to.equal('akool');
  });

  it('leaves real credentials alone', () => {
    expect(fakeSession({ kind: 'livekit', url: 'wss://heygen-x.livekit.cloud', token: 'eyJ…' }, origin)).to.equal(undefined);
    expect(fakeSession({ kind: 'livekit', url: 'wss://host/fake-vendor/heygen/livekit', token: 'real-token' }, origin)).to.equal(undefined);
    expect(fakeSession({ kind: 'agora', appId: 'a1b2', channel: 'c', token: null, uid: 5 }, origin)).to.equal(undefined);
    expect(fakeSession({ kind: 'trtc', sdkAppId: 1400123456, roomId: 1, userId: 'u', userSig: 's' }, origin)).to.equal(undefined);
  });

  it('parses relay lines and maps stop reasons', () => {
    expect(parseRelayMessage('{"type":"speak","text":"hi","taskType":"repeat","taskId":"t"}')).to.deep.equal({
      type: 'speak',
      text: 'hi',
      taskType: 'repeat',
      taskId: 't',
    });
    expect(parseRelayMessage('{"type":"speak"}')).to.equal(undefined);
    expect(parseRelayMessage('nonsense')).to.equal(undefined);
    expect([stopReason('idle'), stopReason('timeout'), stopReason('user'), stopReason('closed by admin'), stopReason(undefined)]).to.deep.equal([
      'idle',
      'timeout',
      'vendor',
      'vendor',
      'vendor',
    ]);
  });
});

describe('installFakeVendorTransports()', () => {
  const options = (credentials: TransportOptions['credentials']): TransportOptions => ({
    credentials,
    video: document.createElement('video'),
    container: document.createElement('div'),
    videoEncoding: 'VP8',
    joinTimeoutMs: 5000,
    host: {
      mediaChanged() {},
      data() {},
      audioBlocked() {},
      reconnecting() {},
      reconnected() {},
      tokenExpiring() {},
      disconnected() {},
      warning() {},
    },
  });

  it('routes fake credentials to the local transport and real ones to the real transport', async () => {
    const real = { kind: 'livekit', real: true } as unknown as Transport;
    const uninstall = installFakeVendorTransports({
      openRelay: createMemoryRelay().open,
      realLoaders: { livekit: async () => ({ createTransport: () => real }) },
    });
    try {
      const module = await loadTransport('livekit');
      const fake = module.createTransport(options({ kind: 'livekit', url: 'ws://h/fake-vendor/konpro/livekit', token: 'fake-livekit.k1' }));
      expect(fake).to.be.instanceOf(LocalTransport);
      expect(module.createTransport(options({ kind: 'livekit', url: 'wss://real.test', token: 'jwt' }))).to.equal(real);
    } finally {
      uninstall();
    }
  });

  it('without a real transport, a real session fails with transport-load-failed through the element', async () => {
    // As when the SDK plugin cannot be loaded (the real Agora plugin is never reached).
    const missing = async (): Promise<never> => {
      throw new Error('not installed');
    };
    const uninstall = installFakeVendorTransports({ openRelay: createMemoryRelay().open, realLoaders: { agora: missing } });
    try {
      const { el } = await avatarWith(
        { provider: 'akool', sessionId: 'real', transport: { kind: 'agora', appId: 'real-app', channel: 'c', token: 't', uid: 1 } },
        { streamType: 'agora' },
      );
      const errorEvent = nextEvent(el, 'avatar-error');
      const error = await el.start().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).to.be.instanceOf(AvatarError);
      expect((error as AvatarError).code).to.equal('transport-load-failed');
      expect((await errorEvent).detail.message).to.contain('real agora transport');
      expect(el.state).to.equal('error');
    } finally {
      uninstall();
    }
  });

  it('uninstalling restores the previous transports and protocols', async () => {
    const uninstall = installFakeVendorTransports({ openRelay: createMemoryRelay().open });
    uninstall();
    // The built-in Agora plugin again: fake credentials are no longer routed to the local transport.
    const module = await loadTransport('agora');
    expect(module).to.equal(await builtInTransportLoader('agora')!());
    const transport = module.createTransport(options({ kind: 'agora', appId: 'fake-agora-app', channel: 'c', token: null, uid: 1 }));
    expect(transport).not.to.be.instanceOf(LocalTransport);
    expect(transport.kind).to.equal('agora');
  });
});
