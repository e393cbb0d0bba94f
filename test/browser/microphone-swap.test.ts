// The SDKs replace the MediaStreamTrack under a published microphone (LiveKit's restartTrack, Agora's
// setDevice, TRTC's capture again after the device failed): barge-in must follow the new track. A microphone
// that goes for good ends voice chat with a non-fatal mic-failed, and the session stays up.
import { expect } from '@open-wc/testing';
import { createAgoraTransport } from '../../src/transports/agora.js';
import { createLiveKitTransport } from '../../src/transports/livekit.js';
import { createTransport as createLocalTransport } from '../../src/transports/local/local-transport.js';
import { createTrtcTransport } from '../../src/transports/trtc.js';
import { createFakeAgora } from '../fakes/fake-agora.js';
import { createFakeLiveKit } from '../fakes/fake-livekit.js';
import { createFakeTrtc } from '../fakes/fake-trtc.js';
import { recordEvents, waitFor } from '../helpers/events.js';
import { installFakeMicrophone } from '../helpers/fake-microphone.js';
import { type Harness, startHarness } from '../helpers/transport-harness.js';

interface Row {
  start(): Harness;
  /** The SDK puts a new capture under the published microphone (stopping the old one). */
  swap?(): Promise<unknown>;
  /** The device goes, and the SDK cannot capture it again. */
  kill(): unknown;
  /** The message the mic-failed error carries. */
  message: RegExp;
}

function rows(): Record<string, Row> {
  const livekit = createFakeLiveKit();
  const agora = createFakeAgora();
  const trtc = createFakeTrtc();
  let localMic: () => MediaStreamTrack | undefined = () => undefined;
  return {
    livekit: {
      start: () =>
        startHarness({
          credentials: { kind: 'livekit', url: 'wss://sfu.invalid', token: 'token-abcdefgh-1234' },
          create: (options) => createLiveKitTransport(options, async () => livekit.sdk),
        }),
      swap: () => livekit.room.localParticipant.restartMic(),
      // LiveKit reports nothing: its restart failed and it muted the ended track. The session notices.
      kill: () => livekit.room.localParticipant.loseMic(),
      message: /microphone stopped; voice chat ended/,
    },
    agora: {
      start: () =>
        startHarness({
          credentials: { kind: 'agora', appId: 'app-id-0123', channel: 'room-9', token: 'token-abcdefgh-5678', uid: 42 },
          create: (options) => createAgoraTransport(options, async () => agora.sdk),
        }),
      swap: () => agora.mics[0]!.setDevice('second-microphone'),
      kill: () => agora.mics[0]!.unplug(),
      message: /^The microphone stopped\.$/,
    },
    trtc: {
      start: () =>
        startHarness({
          credentials: { kind: 'trtc', sdkAppId: 1400000001, roomId: 'room-abc', userId: 'viewer-1', userSig: 'usersig-abcdefgh-9999' },
          create: (options) => createTrtcTransport(options, async () => trtc.sdk),
        }),
      swap: () => trtc.client.recaptureMic(),
      kill: () => trtc.client.recaptureMic({ fail: true }),
      message: /^The microphone stopped: recapture failed/,
    },
    local: {
      start: () => {
        const harness = startHarness({ credentials: { kind: 'local' }, create: createLocalTransport });
        localMic = () => harness.transport().microphoneTrack?.() ?? undefined;
        return harness;
      },
      // Nothing replaces the local transport's own capture; one that ends stays ended.
      kill: () => localMic()?.stop(),
      message: /microphone stopped; voice chat ended/,
    },
  };
}

describe('barge-in follows the microphone the SDK swapped; a microphone that goes ends voice chat', () => {
  let harness: Harness | undefined;
  let mic: ReturnType<typeof installFakeMicrophone> | undefined;

  afterEach(async () => {
    await harness?.dispose();
    mic?.restore();
    harness = mic = undefined;
  });

  async function startVoiceChat(row: Row): Promise<Harness> {
    mic = installFakeMicrophone();
    harness = row.start();
    await harness.el.start();
    await harness.el.startVoiceChat();
    expect(mic.tracks).to.have.length(1);
    return harness;
  }

  // Fresh fakes for every test.
  for (const [kind, { swap }] of Object.entries(rows())) {
    const row = () => rows()[kind]!;
    if (swap) {
      it(`${kind}: the user talking through the new capture interrupts the avatar`, async () => {
        const fresh = row();
        const h = await startVoiceChat(fresh);
        await fresh.swap!();
        // The old capture is stopped, the new one published under the same microphone.
        expect(mic!.tracks.map((t) => t.readyState)).to.deep.equal(['ended', 'live']);
        h.context().events.speakStart();
        await mic!.talk(600);
        await waitFor(() => h.interrupts > 0, 3000, 'barge-in interrupt');
        expect(h.el.voiceChatState.active).to.equal(true);
        expect(h.events.of('avatar-error')).to.deep.equal([]);
      });
    }

    it(`${kind}: a microphone that goes for good ends voice chat with a non-fatal mic-failed`, async () => {
      const fresh = row();
      const h = await startVoiceChat(fresh);
      const voice = recordEvents(h.el, ['avatar-voice-chat-change']);
      await fresh.kill();
      await waitFor(() => h.events.of('avatar-error').length > 0, 4000, 'avatar-error');
      const [error, ...more] = h.events.of('avatar-error');
      expect(error).to.include({ code: 'mic-failed', fatal: false });
      expect(error!.message).to.match(fresh.message);
      expect(more).to.deep.equal([]);
      // Visible: voice chat is off, the microphone released, and the session carries on.
      expect(voice.of('avatar-voice-chat-change')).to.deep.equal([{ active: false, pushToTalk: false, micMuted: false }]);
      expect(h.el.voiceChatState.active).to.equal(false);
      expect(h.el.state).to.equal('connected');
      expect(mic!.tracks.map((t) => t.readyState)).to.deep.equal(['ended']);
      // Nothing further is reported once voice chat is off.
      await new Promise((r) => setTimeout(r, 300));
      expect(h.events.of('avatar-error')).to.have.length(1);
      voice.stop();
    });
  }

  it('livekit push-to-talk: a microphone that ends while muted is not lost; the SDK captures it again at the next press', async () => {
    mic = installFakeMicrophone();
    const livekit = createFakeLiveKit();
    harness = startHarness({
      credentials: { kind: 'livekit', url: 'wss://sfu.invalid', token: 'token-abcdefgh-1234' },
      create: (options) => createLiveKitTransport(options, async () => livekit.sdk),
    });
    await harness.el.start();
    await harness.el.startVoiceChat({ pushToTalk: true });
    livekit.room.localParticipant.loseMic();
    // Longer than the 2 s a live microphone's replacement may take.
    await new Promise((r) => setTimeout(r, 2600));
    expect(harness.events.of('avatar-error')).to.deep.equal([]);
    expect(harness.el.voiceChatState).to.include({ active: true, micMuted: true });
    await harness.el.setMicMuted(false);
    expect(mic.tracks.map((t) => t.readyState)).to.deep.equal(['ended', 'live']);
    harness.context().events.speakStart();
    await mic.talk(600);
    await waitFor(() => harness!.interrupts > 0, 3000, 'barge-in interrupt');
    expect(harness.events.of('avatar-error')).to.deep.equal([]);
  });

  it('a transport without microphoneTrack() that returns its track from startMicrophone() still gets barge-in', async () => {
    mic = installFakeMicrophone();
    harness = startHarness({
      credentials: { kind: 'local' },
      create: (options) => {
        const transport = createLocalTransport(options);
        const start = transport.startMicrophone.bind(transport);
        const current = transport.microphoneTrack!.bind(transport);
        // The shape of a plugin written before microphoneTrack(): the track comes back from the start.
        return Object.assign(transport, {
          microphoneTrack: undefined,
          startMicrophone: async (options?: Parameters<typeof start>[0]) => {
            await start(options);
            return current() ?? undefined;
          },
        });
      },
    });
    await harness.el.start();
    await harness.el.startVoiceChat();
    harness.context().events.speakStart();
    await mic.talk(600);
    await waitFor(() => harness!.interrupts > 0, 3000, 'barge-in interrupt');
  });
});
