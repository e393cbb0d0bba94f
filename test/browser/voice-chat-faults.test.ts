// Voice chat's edge cases that could leave the microphone on or report the wrong code: stop() while the
// browser is still asking for the microphone, and voice chat's lazy chunks failing to load.
import { expect, fixture, html } from '@open-wc/testing';
import '../../src/define.js';
import type { StreamingAvatarElement } from '../../src/element/streaming-avatar-element.js';
import type { AvatarError } from '../../src/errors/avatar-error.js';
import { registerProvider } from '../../src/providers/registry.js';
import { createAgoraTransport } from '../../src/transports/agora.js';
import { createLiveKitTransport } from '../../src/transports/livekit.js';
import { replaceChunkImport } from '../../src/transports/microphone-loader.js';
import type { Transport, TransportCredentials, TransportOptions } from '../../src/transports/transport.js';
import { createTrtcTransport } from '../../src/transports/trtc.js';
import { createFakeAgora } from '../fakes/fake-agora.js';
import { createFakeLiveKit } from '../fakes/fake-livekit.js';
import { createFakeTrtc } from '../fakes/fake-trtc.js';
import { liveTracks as fakeLiveTracks } from '../fakes/media.js';
import { recordEvents, waitFor } from '../helpers/events.js';
import { census, installMediaCensus } from '../helpers/media-census.js';
import { type Harness, startHarness } from '../helpers/transport-harness.js';

installMediaCensus();

/**
 * Wraps getUserMedia (Chromium's fake device underneath) and keeps every track it hands out. With `hold`,
 * each call waits until `release()`, as a permission prompt the user has not answered yet does.
 */
function watchGetUserMedia({ hold = false } = {}) {
  const mediaDevices = navigator.mediaDevices;
  const real = mediaDevices.getUserMedia;
  const tracks: MediaStreamTrack[] = [];
  const held: (() => Promise<void>)[] = [];
  let calls = 0;
  mediaDevices.getUserMedia = (constraints?: MediaStreamConstraints) => {
    calls++;
    const open = async () => {
      const stream = await real.call(mediaDevices, constraints);
      tracks.push(...stream.getTracks());
      return stream;
    };
    if (!hold) return open();
    return new Promise<MediaStream>((resolve, reject) => {
      held.push(() => open().then(resolve, reject));
    });
  };
  return {
    tracks,
    get calls() {
      return calls;
    },
    /** Answers every held call; resolves once each has its stream. */
    release: () => Promise.all(held.splice(0).map((answer) => answer())),
    restore: () => {
      mediaDevices.getUserMedia = real;
    },
  };
}

/**
 * Starts voice chat while the microphone prompt is held, runs `interrupt` before the visitor answers, then
 * answers: the start rejects with a non-fatal `aborted` and the one track the browser handed out is ended.
 */
async function expectPromptInterrupted(
  el: StreamingAvatarElement,
  mic: ReturnType<typeof watchGetUserMedia>,
  interrupt: () => Promise<void>,
): Promise<void> {
  const voice = el.startVoiceChat().catch((e: AvatarError) => e);
  await waitFor(() => mic.calls === 1, 5000, 'getUserMedia called');
  await interrupt();
  await mic.release();
  expect(await voice).to.include({ code: 'aborted', fatal: false });
  expect(mic.tracks.map((t) => `${t.kind} ${t.readyState}`)).to.deep.equal(['audio ended']);
}

/** A module import failing as the browser fails a missing chunk. */
const missingChunk = () => Promise.reject(new TypeError('Failed to fetch dynamically imported module: /chunks/gone.js'));

const sdkTransports: Record<string, () => { credentials: TransportCredentials; create(options: TransportOptions): Transport }> = {
  livekit: () => {
    const fake = createFakeLiveKit();
    return {
      credentials: { kind: 'livekit', url: 'wss://sfu.invalid', token: 'token-abcdefgh-1234' },
      create: (options) => createLiveKitTransport(options, async () => fake.sdk),
    };
  },
  agora: () => {
    const fake = createFakeAgora();
    return {
      credentials: { kind: 'agora', appId: 'app-id-0123', channel: 'room-9', token: 'token-abcdefgh-5678', uid: 42 },
      create: (options) => createAgoraTransport(options, async () => fake.sdk),
    };
  },
  trtc: () => {
    const fake = createFakeTrtc();
    return {
      credentials: { kind: 'trtc', sdkAppId: 1400000001, roomId: 'room-abc', userId: 'viewer-1', userSig: 'usersig-abcdefgh-9999' },
      create: (options) => createTrtcTransport(options, async () => fake.sdk),
    };
  },
};

describe('voice chat faults', () => {
  const cleanups: (() => unknown)[] = [];
  let el: StreamingAvatarElement | undefined;
  let harness: Harness | undefined;

  afterEach(async () => {
    await el?.stop();
    el?.remove();
    el = undefined;
    await harness?.dispose();
    harness = undefined;
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  /** A local session whose provider counts the vendor's voice-chat starts and stops. */
  async function localSession({ vendorStart = async () => undefined }: { vendorStart?: () => Promise<void> } = {}) {
    const calls = { start: 0, stop: 0 };
    const name = `voice-fault-${Math.random().toString(36).slice(2)}`;
    const local = await import('../../src/providers/local.js');
    cleanups.push(
      registerProvider(name, {
        needsServer: false,
        expectedTransport: () => 'local',
        load: async () => ({
          createProvider: (context) => ({
            ...local.createProvider(context),
            startVoiceChat: async () => {
              calls.start++;
              await vendorStart();
            },
            stopVoiceChat: async () => void calls.stop++,
          }),
        }),
      }),
    );
    el = await fixture<StreamingAvatarElement>(html`<streaming-avatar provider=${name}></streaming-avatar>`);
    await el.start();
    return { el, calls };
  }

  describe('stop() while the microphone prompt is open', () => {
    it('local transport: the track that arrives after stop() is ended, and nothing is reported', async () => {
      const mic = watchGetUserMedia({ hold: true });
      cleanups.push(mic.restore);
      const { el, calls } = await localSession();
      const log = recordEvents(el, ['avatar-error']);
      await expectPromptInterrupted(el, mic, () => el.stop());
      expect(calls.start, 'the vendor was not asked to listen').to.equal(0);
      expect(log.of('avatar-error')).to.deep.equal([]);
      expect(el.voiceChatState.active).to.equal(false);
      // Everything else the session made (loopback, avatar media) is released too.
      await waitFor(() => census().liveTracks === 0 && census().peerConnections === 0, 5000, 'media released');
    });

    for (const [kind, setup] of Object.entries(sdkTransports)) {
      it(`${kind} transport (fake SDK): the track that arrives after stop() is ended`, async () => {
        const mic = watchGetUserMedia({ hold: true });
        cleanups.push(mic.restore);
        harness = startHarness(setup());
        const { el } = harness;
        await el.start();
        await expectPromptInterrupted(el, mic, () => el.stop());
        expect(fakeLiveTracks()).to.deep.equal([]);
        expect(harness.events.of('avatar-error')).to.deep.equal([]);
      });
    }
  });

  describe('stopVoiceChat() while the microphone prompt is open', () => {
    it('local transport: the session stays up, the track that arrives is ended, the vendor never listens', async () => {
      const mic = watchGetUserMedia({ hold: true });
      cleanups.push(mic.restore);
      const { el, calls } = await localSession();
      const log = recordEvents(el, ['avatar-error']);
      await expectPromptInterrupted(el, mic, () => el.stopVoiceChat());
      expect(calls.start, 'the vendor was not asked to listen').to.equal(0);
      expect(log.of('avatar-error')).to.deep.equal([]);
      expect(el.state).to.equal('connected');
      expect(el.voiceChatState.active).to.equal(false);
      // Voice chat can start again afterwards.
      const again = el.startVoiceChat();
      await waitFor(() => mic.calls === 2, 5000, 'getUserMedia called again');
      await mic.release();
      await again;
      expect(el.voiceChatState.active).to.equal(true);
      expect(calls.start).to.equal(1);
    });

    it('while the vendor starts listening: the vendor is told to stop, and the microphone is stopped', async () => {
      let answer!: () => void;
      const { el, calls } = await localSession({ vendorStart: () => new Promise<void>((resolve) => (answer = resolve)) });
      const mic = watchGetUserMedia();
      cleanups.push(mic.restore);
      const voice = el.startVoiceChat().catch((e: AvatarError) => e);
      await waitFor(() => calls.start === 1, 5000, 'the vendor asked to listen');
      await el.stopVoiceChat();
      answer();
      expect(await voice).to.include({ code: 'aborted', fatal: false });
      expect(calls.stop, 'the vendor was told to stop listening').to.equal(1);
      expect(mic.tracks.map((t) => t.readyState)).to.deep.equal(['ended']);
      expect(el.voiceChatState.active).to.equal(false);
      expect(el.state).to.equal('connected');
    });

    it('a second startVoiceChat() meanwhile joins the first: the microphone is asked for once', async () => {
      const mic = watchGetUserMedia({ hold: true });
      cleanups.push(mic.restore);
      const { el, calls } = await localSession();
      const first = el.startVoiceChat();
      await waitFor(() => mic.calls === 1, 5000, 'getUserMedia called');
      const second = el.startVoiceChat();
      await mic.release();
      await Promise.all([first, second]);
      expect(mic.calls).to.equal(1);
      expect(calls.start).to.equal(1);
      expect(mic.tracks.filter((t) => t.readyState === 'live')).to.have.length(1);
      expect(el.voiceChatState.active).to.equal(true);
    });

    for (const [kind, setup] of Object.entries(sdkTransports)) {
      it(`${kind} transport (fake SDK): the session stays up and the track that arrives is ended`, async () => {
        const mic = watchGetUserMedia({ hold: true });
        cleanups.push(mic.restore);
        harness = startHarness(setup());
        const { el } = harness;
        await el.start();
        await expectPromptInterrupted(el, mic, () => el.stopVoiceChat());
        expect(harness.el.state).to.equal('connected');
        expect(harness.events.of('avatar-error')).to.deep.equal([]);
      });
    }
  });

  describe("voice chat's lazy chunks fail to load", () => {
    /** What the page must see: a non-fatal mic-failed, the session still up, voice chat off, no microphone on. */
    async function expectMicFailed(el: StreamingAvatarElement, mic: ReturnType<typeof watchGetUserMedia>, errors: () => unknown[]) {
      const error = await el.startVoiceChat().catch((e: AvatarError) => e);
      expect(error).to.include({ code: 'mic-failed', fatal: false });
      expect((error as AvatarError).message).to.match(/did not load/);
      expect(errors()).to.have.length(1);
      expect(errors()[0]).to.include({ code: 'mic-failed', fatal: false });
      expect(el.state).to.equal('connected');
      expect(el.voiceChatState.active).to.equal(false);
      expect(el.hasAttribute('listening')).to.equal(false);
      expect(mic.tracks.filter((t) => t.readyState === 'live')).to.deep.equal([]);
    }

    it('the microphone chunk (local transport): mic-failed, and the microphone is never asked for', async () => {
      const mic = watchGetUserMedia();
      cleanups.push(mic.restore, replaceChunkImport('microphone', missingChunk));
      const { el, calls } = await localSession();
      const log = recordEvents(el, ['avatar-error']);
      await expectMicFailed(el, mic, () => log.of('avatar-error'));
      expect(mic.calls).to.equal(0);
      expect(calls.start).to.equal(0);
    });

    for (const [kind, setup] of Object.entries(sdkTransports)) {
      it(`the microphone chunk (${kind} transport, fake SDK): mic-failed, and the microphone is never asked for`, async () => {
        const mic = watchGetUserMedia();
        cleanups.push(mic.restore, replaceChunkImport('microphone', missingChunk));
        harness = startHarness(setup());
        await harness.el.start();
        const { events } = harness;
        await expectMicFailed(harness.el, mic, () => events.of('avatar-error'));
        expect(mic.calls).to.equal(0);
      });
    }

    it('the voice-activity chunk: mic-failed before the vendor starts listening; the opened microphone is stopped', async () => {
      const mic = watchGetUserMedia();
      const restoreChunk = replaceChunkImport('voiceActivity', missingChunk);
      cleanups.push(mic.restore, restoreChunk);
      const { el, calls } = await localSession();
      const log = recordEvents(el, ['avatar-error']);
      await expectMicFailed(el, mic, () => log.of('avatar-error'));
      // The microphone had opened alongside the chunk's download; it was closed again.
      expect(mic.tracks.map((t) => `${t.kind} ${t.readyState}`)).to.deep.equal(['audio ended']);
      expect(calls, 'the vendor never started voice chat, so has none to stop').to.deep.equal({ start: 0, stop: 0 });
      // Once the chunk loads, the same session starts voice chat.
      restoreChunk();
      await el.startVoiceChat();
      expect(el.voiceChatState.active).to.equal(true);
      expect(calls.start).to.equal(1);
      expect(mic.tracks.filter((t) => t.readyState === 'live')).to.have.length(1);
    });
  });
});
