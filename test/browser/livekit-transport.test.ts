import { expect } from '@open-wc/testing';
import { createLiveKitTransport } from '../../src/transports/livekit.js';
import type { LiveKitCredentials } from '../../src/transports/transport.js';
import { CONNECTION_TIMEOUT, createFakeLiveKit, DISCONNECT_REASON, type FakeLiveKit, type LiveKitFakeOptions } from '../fakes/fake-livekit.js';
import { nextEvent, waitFor } from '../helpers/events.js';
import { type Harness, leftovers, startHarness, videoTracks } from '../helpers/transport-harness.js';

const credentials: LiveKitCredentials = { kind: 'livekit', url: 'wss://sfu.invalid', token: 'token-abcdefgh-1234' };

describe('LiveKit transport (fake livekit-client)', () => {
  let harness: Harness;
  let fake: FakeLiveKit;

  function start(options: LiveKitFakeOptions = {}, creds: LiveKitCredentials = credentials, joinTimeoutMs?: number): Harness {
    fake = createFakeLiveKit(options);
    harness = startHarness({
      credentials: creds,
      joinTimeoutMs,
      create: (transportOptions) => createLiveKitTransport(transportOptions, async () => fake.sdk),
    });
    return harness;
  }

  /** The session is over: the fake room was left and nothing of it is still running. */
  async function expectTornDown(): Promise<void> {
    await harness.el.stop();
    for (const room of fake.rooms) expect(room.disconnectCalls, 'room.disconnect() calls').to.be.greaterThan(0);
    const listeners = fake.rooms.reduce((sum, room) => sum + room.listenerCount(), 0);
    expect(leftovers(harness, listeners)).to.deep.equal([]);
    await harness.dispose();
  }

  afterEach(async () => {
    await harness?.dispose();
  });

  it('joins with the exact credentials and plays the avatar, ignoring another participant', async () => {
    start({ avatarIdentity: null }, { ...credentials, avatarIdentity: 'avatar-7' });
    const started = harness.el.start();
    await waitFor(() => fake.rooms.length === 1 && fake.room.connected !== undefined, 5000, 'connect()');
    // A participant that is not the avatar publishes first: the credentials name the avatar.
    const other = fake.room.publish('observer', 0);
    const avatar = fake.room.publish('avatar-7', 120);
    await started;

    expect(fake.room.connected).to.deep.equal({ url: credentials.url, token: credentials.token, autoSubscribe: true });
    expect(fake.room.options).to.include({ adaptiveStream: false, dynacast: false, disconnectOnPageLeave: false });
    expect(fake.logLevels).to.deep.equal(['warn']);
    expect(harness.el.state).to.equal('connected');
    const video = harness.video;
    expect(video.playsInline).to.equal(true);
    expect(video.videoWidth).to.be.greaterThan(0);
    const tracks = videoTracks(video);
    expect(tracks).to.have.members([avatar.audio, avatar.video]);
    expect(tracks).not.to.include(other.video);
    await expectTornDown();
  });

  it('takes the first participant that sends video as the avatar when none is named', async () => {
    start();
    await harness.el.start();
    const avatarTracks = videoTracks(harness.video);
    expect(avatarTracks.map((t) => t.kind).sort()).to.deep.equal(['audio', 'video']);
    fake.room.publish('late-joiner', 30);
    expect(videoTracks(harness.video)).to.have.members(avatarTracks);
    await expectTornDown();
  });

  it('sends reliable data, delivers received data, and refuses messages over 15 KiB', async () => {
    start();
    await harness.el.start();
    const transport = harness.transport();
    await transport.send(new TextEncoder().encode('{"type":"hello"}'));
    expect(fake.room.localParticipant.sent).to.have.length(1);
    expect(new TextDecoder().decode(fake.room.localParticipant.sent[0]!.data)).to.equal('{"type":"hello"}');
    expect(fake.room.localParticipant.sent[0]!.options).to.deep.equal({ reliable: true });

    fake.room.receive(new TextEncoder().encode('from the avatar'));
    expect(harness.received.map((b) => new TextDecoder().decode(b))).to.deep.equal(['from the avatar']);

    expect(transport.maxMessageBytes).to.equal(15 * 1024);
    const error = await transport.send(new Uint8Array(15 * 1024 + 1)).catch((e: unknown) => e);
    expect(error).to.include({ code: 'transport-data-too-large', fatal: false });
    expect(fake.room.localParticipant.sent).to.have.length(1);
    expect(harness.el.state).to.equal('connected');
    await expectTornDown();
  });

  it('publishes, mutes, unmutes and unpublishes the microphone for voice chat, with voice processing on', async () => {
    start();
    await harness.el.start();
    const participant = fake.room.localParticipant;
    await harness.el.startVoiceChat();
    expect(participant.captureOptions).to.include({ echoCancellation: true, noiseSuppression: true, autoGainControl: true });
    const mic = participant.mic!;
    expect(mic.readyState).to.equal('live');
    // The published track is what barge-in listens to.
    expect(harness.transport().microphoneTrack?.()).to.equal(mic);
    await harness.el.setMicMuted(true);
    expect(mic.enabled).to.equal(false);
    await harness.el.setMicMuted(false);
    expect(mic.enabled).to.equal(true);
    await harness.el.stopVoiceChat();
    expect(participant.unpublished).to.equal(1);
    expect(mic.readyState).to.equal('ended');
    expect(harness.el.state).to.equal('connected');
    await expectTornDown();
  });

  for (const [micError, code] of [
    ['NotAllowedError', 'mic-denied'],
    ['NotFoundError', 'mic-not-found'],
  ] as const) {
    it(`reports ${micError} from the microphone as ${code} and keeps the session`, async () => {
      start({ micError });
      await harness.el.start();
      const error = await harness.el.startVoiceChat().catch((e: unknown) => e);
      expect(error).to.include({ code, fatal: false });
      expect(harness.events.of('avatar-error').map((e) => e.code)).to.deep.equal([code]);
      expect(harness.el.state).to.equal('connected');
      await expectTornDown();
    });
  }

  it('reports an insecure context before asking the SDK for the microphone', async () => {
    start();
    await harness.el.start();
    const secure = Object.getOwnPropertyDescriptor(window, 'isSecureContext')!;
    Object.defineProperty(window, 'isSecureContext', { value: false, configurable: true });
    try {
      const error = await harness.el.startVoiceChat().catch((e: unknown) => e);
      expect(error).to.include({ code: 'insecure-context' });
      expect(fake.room.localParticipant.mic).to.equal(undefined);
    } finally {
      Object.defineProperty(window, 'isSecureContext', secure);
    }
    expect(window.isSecureContext).to.equal(true);
    await expectTornDown();
  });

  it('maps AudioPlaybackStatusChanged to audio-blocked and resumes with startAudio() on the next gesture', async () => {
    start();
    await harness.el.start();
    const blocked = nextEvent(harness.el, 'avatar-autoplay-blocked');
    fake.room.blockAudio();
    await blocked;
    expect(harness.el.audioBlocked).to.equal(true);
    expect(harness.el.hasAttribute('audio-blocked')).to.equal(true);
    expect(harness.video.muted).to.equal(true);

    document.body.dispatchEvent(new PointerEvent('pointerdown', { bubbles: true }));
    await waitFor(() => !harness.el.hasAttribute('audio-blocked'), 3000, 'audio unblocked');
    expect(fake.room.startAudioCalls).to.equal(1);
    expect(harness.video.muted).to.equal(false);
    await expectTornDown();
  });

  it('moves to reconnecting and back to connected', async () => {
    start();
    await harness.el.start();
    fake.room.emit('reconnecting');
    expect(harness.el.state).to.equal('reconnecting');
    fake.room.emit('reconnected');
    expect(harness.el.state).to.equal('connected');
    fake.room.emit('signalReconnecting');
    expect(harness.el.state).to.equal('reconnecting');
    fake.room.emit('reconnected');
    expect(harness.el.state).to.equal('connected');
    await expectTornDown();
  });

  it('ends in error with transport-disconnected when the connection is lost', async () => {
    start();
    await harness.el.start();
    fake.room.end(CONNECTION_TIMEOUT);
    expect(harness.outcome()).to.deep.equal({ state: 'error', code: 'transport-disconnected', reason: 'network' });
    expect(harness.el.error?.message).to.match(/lost/);
    await expectTornDown();
  });

  it('ends in error when the server removes this client', async () => {
    start();
    await harness.el.start();
    fake.room.end(DISCONNECT_REASON.PARTICIPANT_REMOVED);
    expect(harness.outcome()).to.deep.equal({ state: 'error', code: 'transport-disconnected', reason: 'vendor' });
    expect(harness.el.error?.message).to.match(/removed/);
    await expectTornDown();
  });

  it('ends (vendor) when the room is closed or the avatar leaves, never on a frozen frame', async () => {
    start();
    await harness.el.start();
    fake.room.end(DISCONNECT_REASON.ROOM_DELETED);
    expect(harness.outcome()).to.deep.equal({ state: 'ended', code: undefined, reason: 'vendor' });
    await expectTornDown();

    start();
    await harness.el.start();
    fake.room.leave('avatar');
    // Decided once the SDK's task is over (a full reconnect also takes participants out first).
    await Promise.resolve();
    expect(harness.outcome()).to.deep.equal({ state: 'ended', code: undefined, reason: 'vendor' });
    await expectTornDown();
  });

  it('reports a refused (expired) token as transport-token-expired', async () => {
    start({ join: 'token-expired' });
    const error = await harness.el.start().catch((e: unknown) => e);
    expect(error).to.include({ code: 'transport-token-expired' });
    expect(harness.outcome()).to.deep.equal({ state: 'error', code: 'transport-token-expired', reason: 'error' });
    await expectTornDown();
  });

  it('reports a rejected join as transport-join-failed without leaking the token', async () => {
    start({ join: 'unreachable' });
    const error = await harness.el.start().catch((e: unknown) => e);
    expect(error).to.include({ code: 'transport-join-failed' });
    expect(harness.el.error?.message).to.contain('Could not join the LiveKit room');
    expect(harness.el.error?.message).not.to.contain(credentials.token);
    await expectTornDown();
  });

  it('gives up a join that does not settle with transport-join-timeout', async () => {
    start({ join: 'hang' }, credentials, 200);
    const error = await harness.el.start().catch((e: unknown) => e);
    expect(error).to.include({ code: 'transport-join-timeout' });
    expect(harness.outcome()).to.deep.equal({ state: 'error', code: 'transport-join-timeout', reason: 'error' });
    await expectTornDown();
  });

  it('reports nothing to the session once disconnect() has begun, even SDK events fired while it leaves', async () => {
    start();
    await harness.el.start();
    const room = fake.room;
    const leave = room.disconnect;
    room.disconnect = async (stopTracks) => {
      room.receive(new TextEncoder().encode('late'));
      room.emit('reconnecting');
      room.blockAudio();
      return leave(stopTracks);
    };
    const before = harness.hostCalls.length;
    await harness.el.stop();
    expect(room.disconnectCalls).to.equal(1);
    expect(harness.hostCalls.slice(before), JSON.stringify(harness.hostCalls.slice(before))).to.deep.equal([]);
    expect(harness.received).to.have.length(0);
    expect(harness.el.state).to.equal('ended');
    await expectTornDown();
  });

  it('a full reconnect (participants taken out, then back) is a reconnection, and the avatar plays again', async () => {
    start();
    await harness.el.start();
    const reconnected = fake.room.restart();
    await Promise.resolve();
    expect(harness.el.state).to.equal('reconnecting');
    expect(videoTracks(harness.video)).to.deep.equal([]);
    reconnected(['avatar']);
    expect(harness.el.state).to.equal('connected');
    await waitFor(() => videoTracks(harness.video).length === 2, 3000, 'the avatar media attached again');
    expect(videoTracks(harness.video).every((t) => t.readyState === 'live')).to.equal(true);
    expect(harness.events.of('avatar-ended')).to.deep.equal([]);
    await expectTornDown();
  });

  it('a full reconnect the avatar does not come back from ends the session (vendor)', async () => {
    start();
    await harness.el.start();
    const reconnected = fake.room.restart();
    await Promise.resolve();
    reconnected([]);
    expect(harness.outcome()).to.deep.equal({ state: 'ended', code: undefined, reason: 'vendor' });
    await expectTornDown();
  });

  it('ends in error when the SDK leaves the room by itself (the browser froze the page)', async () => {
    start();
    await harness.el.start();
    fake.room.freeze();
    expect(harness.outcome()).to.deep.equal({ state: 'error', code: 'transport-disconnected', reason: 'network' });
    await expectTornDown();
  });

  it('unpublishes the microphone the SDK restarted on unmute (a new MediaStreamTrack under the same track)', async () => {
    start({ restartMicOnUnmute: true });
    await harness.el.start();
    const participant = fake.room.localParticipant;
    await harness.el.startVoiceChat({ pushToTalk: true });
    const first = participant.mic!;
    await harness.el.setMicMuted(false);
    const second = participant.mic!;
    expect(second).to.not.equal(first);
    expect(first.readyState).to.equal('ended');
    await harness.el.stopVoiceChat();
    expect(participant.unpublished).to.equal(1);
    expect(second.readyState).to.equal('ended');
    await expectTornDown();
  });

  it('stopping the element leaves the room and releases the microphone', async () => {
    start();
    await harness.el.start();
    await harness.el.startVoiceChat();
    const mic = fake.room.localParticipant.mic!;
    await harness.el.stop();
    expect(harness.el.state).to.equal('ended');
    expect(mic.readyState).to.equal('ended');
    await expectTornDown();
  });
});
