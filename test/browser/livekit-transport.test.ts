// The LiveKit plugin against a FAKE of livekit-client, kept only for what the real SDK cannot be made to do
// on the LiveKit test server (test/browser/livekit-real/ runs the real SDK, 2.23 and 2.11, for everything
// else: join, picture, data with topics, microphone, leaves, reconnects, refused joins, teardown):
// - the exact arguments the plugin hands the SDK (connect() credentials, Room options, log level), which the
//   real SDK does not expose;
// - AudioPlaybackStatusChanged (the real SDK reports audio as playable in this autoplay-allowed group);
// - SDK events fired while disconnect() runs (the real SDK cannot be made to emit them at that moment);
// - the SDK leaving the room by itself (CLIENT_INITIATED without us: the browser freezing the page);
// - the SDK swapping the microphone's MediaStreamTrack on unmute (restartTrack after the device ended).
import { expect } from '@open-wc/testing';
import { createLiveKitTransport } from '../../src/transports/livekit.js';
import type { LiveKitCredentials } from '../../src/transports/transport.js';
import { createFakeLiveKit, type FakeLiveKit, type LiveKitFakeOptions } from '../fakes/fake-livekit.js';
import { nextEvent, waitFor } from '../helpers/events.js';
import { type Harness, leftovers, startHarness } from '../helpers/transport-harness.js';

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

  it('hands the SDK the exact credentials and room options, at log level warn', async () => {
    start({ avatarIdentity: null }, { ...credentials, avatarIdentity: 'avatar-7' });
    const started = harness.el.start();
    await waitFor(() => fake.rooms.length === 1 && fake.room.connected !== undefined, 5000, 'connect()');
    fake.room.publish('avatar-7', 120);
    await started;
    expect(fake.room.connected).to.deep.equal({ url: credentials.url, token: credentials.token, autoSubscribe: true });
    expect(fake.room.options).to.include({ adaptiveStream: false, dynacast: false, stopLocalTrackOnUnpublish: true, disconnectOnPageLeave: false });
    expect(fake.logLevels).to.deep.equal(['warn']);
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

});
