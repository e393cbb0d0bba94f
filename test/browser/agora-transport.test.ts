import { expect } from '@open-wc/testing';
import { createAgoraTransport } from '../../src/transports/agora.js';
import type { AgoraCredentials } from '../../src/transports/transport.js';
import { type AgoraFakeOptions, createFakeAgora, type FakeAgora } from '../fakes/fake-agora.js';
import { nextEvent, waitFor } from '../helpers/events.js';
import { type Harness, leftovers, startHarness, videoTracks } from '../helpers/transport-harness.js';

const credentials: AgoraCredentials = { kind: 'agora', appId: 'app-id-0123', channel: 'room-9', token: 'token-abcdefgh-5678', uid: 42 };

describe('Agora transport (fake agora-rtc-sdk-ng)', () => {
  let harness: Harness;
  let fake: FakeAgora;

  function start(
    options: AgoraFakeOptions = {},
    { creds = credentials, joinTimeoutMs, attributes }: { creds?: AgoraCredentials; joinTimeoutMs?: number; attributes?: Record<string, string> } = {},
  ): Harness {
    fake = createFakeAgora(options);
    harness = startHarness({
      credentials: creds,
      joinTimeoutMs,
      attributes,
      create: (transportOptions) => createAgoraTransport(transportOptions, async () => fake.sdk),
    });
    return harness;
  }

  async function expectTornDown(): Promise<void> {
    await harness.el.stop();
    for (const client of fake.clients) expect(client.leaveCalls, 'client.leave() calls').to.be.greaterThan(0);
    const listeners = fake.clients.reduce(
      (sum, client) => sum + client.listenerCount() + client.remoteTrackListeners(),
      fake.global.listenerCount() + fake.mics.reduce((sum, mic) => sum + mic.listenerCount(), 0),
    );
    expect(leftovers(harness, listeners)).to.deep.equal([]);
    await harness.dispose();
  }

  afterEach(async () => {
    await harness?.dispose();
  });

  it('joins with the exact credentials and codec, silences telemetry, and plays only the avatar', async () => {
    start({ avatarUid: null }, { creds: { ...credentials, avatarUid: 1001 }, attributes: { 'video-encoding': 'H264' } });
    const started = harness.el.start();
    await waitFor(() => fake.clients.length === 1 && fake.client.joined !== undefined, 5000, 'join()');
    await Promise.resolve();
    const other = fake.client.publishUser(555, 0);
    const avatar = fake.client.publishUser(1001, 120);
    await started;

    expect(fake.client.joined).to.deep.equal({ appId: 'app-id-0123', channel: 'room-9', token: 'token-abcdefgh-5678', uid: 42 });
    expect(fake.client.config).to.deep.equal({ mode: 'rtc', codec: 'h264' });
    expect(fake.logUploadDisabled).to.equal(true);
    expect(fake.logLevels).to.deep.equal([3]);
    expect(harness.el.state).to.equal('connected');
    expect(harness.video.videoWidth).to.be.greaterThan(0);
    expect(videoTracks(harness.video)).to.have.members([avatar.audio, avatar.video]);
    expect(videoTracks(harness.video)).not.to.include(other.video);
    // Another user's media is not even subscribed when the avatar's uid is known.
    expect(fake.client.subscribed.map((s) => s.uid)).to.deep.equal([1001, 1001]);
    await expectTornDown();
  });

  it('keeps a string uid a string and defaults the codec to VP8', async () => {
    start({}, { creds: { ...credentials, uid: '42' } });
    await harness.el.start();
    expect(fake.client.joined?.uid).to.equal('42');
    expect(fake.client.config.codec).to.equal('vp8');
    expect(videoTracks(harness.video).map((t) => t.kind).sort()).to.deep.equal(['audio', 'video']);
    await expectTornDown();
  });

  it('sends stream messages, delivers received ones, and refuses messages over 1 KiB', async () => {
    start();
    await harness.el.start();
    const transport = harness.transport();
    await transport.send(new TextEncoder().encode('{"v":2,"type":"chat"}'));
    expect(fake.client.sent.map((s) => new TextDecoder().decode(s.message))).to.deep.equal(['{"v":2,"type":"chat"}']);
    // No SDK resend after a reconnection: a command must not arrive twice.
    expect(fake.client.sent[0]!.needRetry).to.equal(false);

    fake.client.receive(1001, new TextEncoder().encode('{"v":2,"type":"event"}'));
    expect(harness.received.map((b) => new TextDecoder().decode(b))).to.deep.equal(['{"v":2,"type":"event"}']);

    expect(transport.maxMessageBytes).to.equal(1024);
    const error = await transport.send(new Uint8Array(1025)).catch((e: unknown) => e);
    expect(error).to.include({ code: 'transport-data-too-large', fatal: false });
    expect(fake.client.sent).to.have.length(1);
    expect(harness.el.state).to.equal('connected');
    await expectTornDown();
  });

  it('publishes, mutes and unpublishes the microphone for voice chat, with AEC, ANS and AGC', async () => {
    start();
    await harness.el.start();
    await harness.el.startVoiceChat();
    const mic = fake.mics[0]!;
    expect(mic.config).to.include({ AEC: true, ANS: true, AGC: true });
    expect(fake.client.published).to.deep.equal([mic]);
    expect(harness.transport().microphoneTrack?.()).to.equal(mic.track);
    await harness.el.setMicMuted(true);
    expect(mic.muted).to.equal(true);
    await harness.el.setMicMuted(false);
    expect(mic.muted).to.equal(false);
    await harness.el.stopVoiceChat();
    expect(fake.client.published).to.deep.equal([]);
    expect(mic.closed).to.equal(true);
    expect(mic.track.readyState).to.equal('ended');
    await expectTornDown();
  });

  for (const [micError, code] of [
    ['PERMISSION_DENIED', 'mic-denied'],
    ['DEVICE_NOT_FOUND', 'mic-not-found'],
  ] as const) {
    it(`reports ${micError} as ${code} and keeps the session`, async () => {
      start({ micError });
      await harness.el.start();
      const error = await harness.el.startVoiceChat().catch((e: unknown) => e);
      expect(error).to.include({ code, fatal: false });
      expect(harness.events.of('avatar-error').map((e) => e.code)).to.deep.equal([code]);
      expect(fake.client.published).to.deep.equal([]);
      expect(harness.el.state).to.equal('connected');
      await expectTornDown();
    });
  }

  it('maps the page-wide autoplay-failed event to audio-blocked and resumes on the next gesture', async () => {
    start();
    await harness.el.start();
    expect(fake.global.listenerCount()).to.equal(1);
    const blocked = nextEvent(harness.el, 'avatar-autoplay-blocked');
    fake.global.emit('autoplay-failed');
    await blocked;
    expect(harness.el.hasAttribute('audio-blocked')).to.equal(true);
    document.body.dispatchEvent(new KeyboardEvent('keydown', { bubbles: true }));
    await waitFor(() => !harness.el.hasAttribute('audio-blocked'), 3000, 'audio unblocked');
    expect(fake.resumeCalls).to.equal(1);
    await expectTornDown();
  });

  it('moves to reconnecting and back to connected', async () => {
    start();
    await harness.el.start();
    fake.client.state('RECONNECTING', 'CONNECTED', 'NETWORK_ERROR');
    expect(harness.el.state).to.equal('reconnecting');
    fake.client.state('CONNECTED', 'RECONNECTING');
    expect(harness.el.state).to.equal('connected');
    await expectTornDown();
  });

  it('ends in error with transport-disconnected when the connection is lost', async () => {
    start();
    await harness.el.start();
    fake.client.state('DISCONNECTED', 'RECONNECTING', 'NETWORK_ERROR');
    expect(harness.outcome()).to.deep.equal({ state: 'error', code: 'transport-disconnected', reason: 'network' });
    await expectTornDown();
  });

  it('plays the new tracks the SDK puts into the remote tracks after a reconnection', async () => {
    start();
    await harness.el.start();
    const media = fake.client.reconnectMedia(1001);
    expect(harness.el.state).to.equal('connected');
    expect(videoTracks(harness.video)).to.have.members([media.audio, media.video]);
    expect(videoTracks(harness.video).every((t) => t.readyState === 'live')).to.equal(true);
    await expectTornDown();
  });

  it('ends in error with transport-disconnected when a reconnection takes longer than the join time limit', async () => {
    // The SDK retries forever: without a limit the avatar would stay frozen on screen.
    start({}, { joinTimeoutMs: 300 });
    await harness.el.start();
    fake.client.state('RECONNECTING', 'CONNECTED');
    expect(harness.el.state).to.equal('reconnecting');
    await waitFor(() => harness.el.state === 'error', 3000, 'the reconnect time limit');
    expect(harness.outcome()).to.deep.equal({ state: 'error', code: 'transport-disconnected', reason: 'network' });
    await expectTornDown();
  });

  it('refuses to send while the channel reconnects (the SDK would hold the message, then maybe send it twice)', async () => {
    start();
    await harness.el.start();
    fake.client.state('RECONNECTING', 'CONNECTED');
    const error = await harness.transport().send(new TextEncoder().encode('{}')).catch((e: unknown) => e);
    expect(error).to.include({ code: 'transport-send-failed', fatal: false });
    expect(fake.client.sent).to.have.length(0);
    fake.client.state('CONNECTED', 'RECONNECTING');
    await harness.transport().send(new TextEncoder().encode('{}'));
    expect(fake.client.sent.map((m) => m.needRetry)).to.deep.equal([false]);
    await expectTornDown();
  });

  it('ends in error, naming the reason, when the server bans this uid', async () => {
    start();
    await harness.el.start();
    fake.client.state('DISCONNECTED', 'CONNECTED', 'UID_BANNED');
    expect(harness.outcome()).to.deep.equal({ state: 'error', code: 'transport-disconnected', reason: 'vendor' });
    expect(harness.el.error?.message).to.contain('UID_BANNED');
    await expectTornDown();
  });

  it('ends (vendor) when the avatar leaves the channel', async () => {
    start();
    await harness.el.start();
    fake.client.userLeaves(1001);
    expect(harness.outcome()).to.deep.equal({ state: 'ended', code: undefined, reason: 'vendor' });
    await expectTornDown();
  });

  it('reports a token about to expire, then ends with transport-token-expired when it does', async () => {
    start();
    await harness.el.start();
    const expiring = nextEvent(harness.el, 'avatar-session-expiring');
    fake.client.emit('token-privilege-will-expire');
    await expiring;
    expect(harness.hostCalls).to.include('tokenExpiring');
    expect(harness.el.state).to.equal('connected');
    fake.client.emit('token-privilege-did-expire');
    expect(harness.outcome()).to.deep.equal({ state: 'error', code: 'transport-token-expired', reason: 'timeout' });
    await expectTornDown();
  });

  it('reports an expired token at join as transport-token-expired', async () => {
    start({ join: 'token-expired' });
    const error = await harness.el.start().catch((e: unknown) => e);
    expect(error).to.include({ code: 'transport-token-expired' });
    expect(harness.el.error?.message).not.to.contain(credentials.token!);
    await expectTornDown();
  });

  it('reports a rejected join as transport-join-failed without leaking the token', async () => {
    start({ join: 'rejected' });
    const error = await harness.el.start().catch((e: unknown) => e);
    expect(error).to.include({ code: 'transport-join-failed' });
    expect(harness.el.error?.message).to.contain('invalid vendor key');
    expect(harness.el.error?.message).not.to.contain(credentials.token!);
    await expectTornDown();
  });

  it('gives up a join that never settles with transport-join-timeout, then leaves', async () => {
    start({ join: 'hang' }, { joinTimeoutMs: 200 });
    const error = await harness.el.start().catch((e: unknown) => e);
    expect(error).to.include({ code: 'transport-join-timeout' });
    expect(harness.outcome()).to.deep.equal({ state: 'error', code: 'transport-join-timeout', reason: 'error' });
    expect(fake.client.leaveCalls).to.equal(1);
    await expectTornDown();
  });

  it('stopping the element leaves the channel and closes the microphone', async () => {
    start();
    await harness.el.start();
    await harness.el.startVoiceChat();
    await harness.el.stop();
    expect(harness.el.state).to.equal('ended');
    expect(fake.mics[0]!.closed).to.equal(true);
    await expectTornDown();
  });
});
