// The LiveKit transport plugin with the unmodified livekit-client, on the LiveKit test server: one suite,
// run once per supported SDK version (livekit-2-23.test.ts, livekit-2-11.test.ts).
import { expect } from '@open-wc/testing';
import { createLiveKitTransport, type LiveKitSdk } from '../../../src/transports/livekit.js';
import type { LiveKitCredentials } from '../../../src/transports/transport.js';
import type { BotSpec } from '../../livekit-server/bot.js';
import type { TokenOptions } from '../../livekit-server/auth.js';
import type { RoomOptions } from '../../livekit-server/room.js';
import { nextEvent, waitFor } from '../../helpers/events.js';
import { installFakeMicrophone } from '../../helpers/fake-microphone.js';
import { backdropColour, counterPasses, frameCounter, pictureProblems } from '../../helpers/livekit-picture.js';
import { eventually, fromBase64, type LiveKitTestServerHandle, liveKitServer, type TestBotHandle, type TestRoomHandle } from '../../helpers/livekit-server.js';
import { census, installMediaCensus } from '../../helpers/media-census.js';
import { type Harness, startHarness, videoTracks } from '../../helpers/transport-harness.js';

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

export interface SuiteOptions {
  /** The npm version the loader imports, checked against what the server saw. */
  version: string;
  load: () => Promise<LiveKitSdk>;
  /** Whether this version takes the single-connection `/rtc/v1` path (2.18+). */
  v1: boolean;
  /** Only the core cases (join and picture, data, microphone, a resume, a refused join, stop): for versions between the oldest and the newest. */
  core?: boolean;
}

/** The cases a `core` run keeps. */
const CORE = [/^joins:/, /^sends data/, /^publishes the microphone/, /^a dropped signal/, /^an expired token/, /^stop:/];

export function liveKitRealSuite({ version, load, v1, core = false }: SuiteOptions): void {
  describe(`LiveKit transport, real livekit-client ${version}, on the LiveKit test server`, function () {
    this.timeout(60_000);
    installMediaCensus();
    let server: LiveKitTestServerHandle;
    let room: TestRoomHandle;
    let avatar: TestBotHandle | undefined;
    let harness: Harness | undefined;
    const it = (title: string, test: () => Promise<void>) => (!core || CORE.some((re) => re.test(title))) && globalThis.it(title, test);

    before(async () => {
      server = await liveKitServer();
    });

    afterEach(async () => {
      await harness?.dispose();
      harness = undefined;
      await room?.delete().catch(() => undefined);
    });

    interface Start {
      bot?: Partial<BotSpec> | false;
      identity?: string;
      token?: TokenOptions;
      rawToken?: string;
      joinTimeoutMs?: number;
      room?: RoomOptions;
      avatarIdentity?: string;
      before?: (room: TestRoomHandle) => Promise<unknown>;
    }

    /** A room with an avatar bot, and a harness element whose session description points at it. */
    async function open(options: Start = {}): Promise<Harness> {
      room = await server.createRoom(options.room);
      avatar = options.bot === false ? undefined : await room.addBot({ identity: 'avatar', name: `LiveKit ${version}`, ...options.bot });
      await options.before?.(room);
      const token = options.rawToken ?? (await room.token(options.identity ?? 'visitor', options.token));
      const credentials: LiveKitCredentials = { kind: 'livekit', url: server.url, token, avatarIdentity: options.avatarIdentity };
      harness = startHarness({ credentials, joinTimeoutMs: options.joinTimeoutMs ?? 20_000, create: (o) => createLiveKitTransport(o, load) });
      return harness;
    }

    async function started(options: Start = {}): Promise<Harness> {
      const h = await open(options);
      await h.el.start();
      return h;
    }

    it('joins: the first frame in the shadow <video> is the bot picture, and its audio track arrives', async () => {
      const h = await started();
      expect(h.el.state).to.equal('connected');
      expect(pictureProblems(h.video)).to.deep.equal([]);
      const tracks = videoTracks(h.video);
      expect(tracks.map((t) => t.kind).sort()).to.deep.equal(['audio', 'video']);
      expect(tracks.every((t) => t.readyState === 'live')).to.equal(true);
      // The picture is live: its frame counter moves on.
      await counterPasses(h.video, frameCounter(h.video));
      const seen = await room.snapshot();
      const visitor = seen.participants.find((p) => p.identity === 'visitor')!;
      expect(visitor).to.include({ sdkVersion: version, mode: v1 ? 'single' : 'dual' });
    });

    it('plays an avatar that joins after the client (the server renegotiates to add its tracks)', async () => {
      const h = await open({ bot: false });
      const starting = h.el.start();
      await room.until((s) => s.participants.some((p) => p.identity === 'visitor'), 15_000, 'the client in the room');
      avatar = await room.addBot({ identity: 'avatar', name: 'Late avatar' });
      await starting;
      expect(pictureProblems(h.video)).to.deep.equal([]);
      expect(videoTracks(h.video).map((t) => t.kind).sort()).to.deep.equal(['audio', 'video']);
    });

    if (v1) {
      it('falls back to /rtc and two peer connections when /rtc/v1 answers 404 (a server before 1.9)', async () => {
        const h = await started({ room: { v1: false } });
        expect(pictureProblems(h.video)).to.deep.equal([]);
        const visitor = (await room.snapshot()).participants.find((p) => p.identity === 'visitor')!;
        expect(visitor.mode).to.equal('dual');
        await avatar!.sendData('over /rtc', { topic: 'events' });
        await waitFor(() => h.received.length === 1, 10_000, 'data over /rtc');
        expect(h.receivedInfo[0]).to.deep.equal({ topic: 'events', from: 'avatar' });
      });
    }

    it('sends data with a topic and receives the avatar data with its topic and sender; refuses > 15 KiB', async () => {
      const h = await started();
      const transport = h.transport();
      await transport.send(new TextEncoder().encode('{"type":"hello"}'), { topic: 'commands' });
      await transport.send(new TextEncoder().encode('untagged'));
      const data = await room.until((s) => (s.data.length === 2 ? s.data : undefined), 10_000, 'two data packets');
      expect(data.map((d) => [d.from, d.topic ?? '', text(fromBase64(d.payload)), d.reliable])).to.deep.equal([
        ['visitor', 'commands', '{"type":"hello"}', true],
        ['visitor', '', 'untagged', true],
      ]);
      await avatar!.sendData('{"event":"talking"}', { topic: 'events' });
      await waitFor(() => h.received.length === 1, 10_000, 'data from the avatar');
      expect(text(h.received[0]!)).to.equal('{"event":"talking"}');
      expect(h.receivedInfo[0]).to.deep.equal({ topic: 'events', from: 'avatar' });
      const error = await transport.send(new Uint8Array(15 * 1024 + 1)).catch((e: unknown) => e);
      expect(error).to.include({ code: 'transport-data-too-large', fatal: false });
      expect((await room.snapshot()).data).to.have.length(2);
    });

    it('publishes the microphone: its sound reaches the server, push-to-talk mutes it, stop unpublishes it', async () => {
      const mic = installFakeMicrophone();
      try {
        const h = await started();
        await h.el.startVoiceChat();
        const audio = mic.constraints[0]?.audio as MediaTrackConstraints;
        expect(audio, 'voice processing on').to.include({ echoCancellation: true, noiseSuppression: true, autoGainControl: true });
        const talking = mic.talk(6000);
        const loud = await room.until((s) => s.microphones.visitor?.loudMs! > 300 && s.microphones.visitor, 20_000, 'sound from the microphone');
        expect(loud.muted).to.equal(false);
        const published = (await room.snapshot()).participants.find((p) => p.identity === 'visitor')!.tracks;
        expect(published.map((t) => [t.kind, t.source])).to.deep.equal([['audio', 'microphone']]);

        await h.el.setMicMuted(true);
        await room.until((s) => s.events.some((e) => e.type === 'mute' && e.detail?.muted === true), 10_000, 'the mute');
        // Still talking into it, yet nothing loud arrives once muted.
        await new Promise((resolve) => setTimeout(resolve, 1200));
        expect((await room.snapshot()).microphones.visitor!.muted).to.equal(true);
        const quiet = await room.microphone('visitor', 1000);
        expect(quiet!.peak, 'RMS in the last second while muted').to.be.below(0.01);

        await h.el.setMicMuted(false);
        await room.until((s) => s.events.some((e) => e.type === 'mute' && e.detail?.muted === false), 10_000, 'the unmute');
        await eventually(async () => (await room.microphone('visitor', 1000))!.loudMs > 100, 10_000, 'sound again after the unmute');
        await talking;

        await h.el.stopVoiceChat();
        await room.until((s) => s.events.some((e) => e.type === 'unpublish'), 10_000, 'the unpublish');
        expect(mic.tracks.every((t) => t.readyState === 'ended')).to.equal(true);
        expect(h.el.state).to.equal('connected');
      } finally {
        mic.restore();
      }
    });

    for (const [name, code] of [
      ['NotAllowedError', 'mic-denied'],
      ['NotFoundError', 'mic-not-found'],
    ] as const) {
      it(`maps the SDK's ${name} from getUserMedia to ${code} and keeps the session`, async () => {
        const h = await started();
        const real = navigator.mediaDevices.getUserMedia;
        navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('refused', name));
        try {
          const error = await h.el.startVoiceChat().catch((e: unknown) => e);
          expect(error).to.include({ code, fatal: false });
        } finally {
          navigator.mediaDevices.getUserMedia = real;
        }
        expect(h.el.state).to.equal('connected');
      });
    }

    it('plays the participant the credentials name, not another that publishes first', async () => {
      const h = await open({
        bot: { identity: 'observer', name: 'Observer', video: { backdrop: 'chroma' } },
        avatarIdentity: 'avatar-7',
        before: (r) => r.addBot({ identity: 'avatar-7', name: 'Avatar 7' }),
      });
      await h.el.start();
      // The observer's picture is on chroma green, the avatar's on the default dark backdrop.
      const [r, g, b] = backdropColour(h.video);
      expect(g, `backdrop rgb(${r}, ${g}, ${b})`).to.be.below(120);
      expect(pictureProblems(h.video)).to.deep.equal([]);
      expect(videoTracks(h.video)).to.have.length(2);
    });

    it('takes the first participant that sends video as the avatar when none is named; a later one does not replace it', async () => {
      const h = await started();
      const tracks = videoTracks(h.video);
      await room.addBot({ identity: 'late-joiner', name: 'Late', video: { backdrop: 'chroma' } });
      await room.until((s) => s.participants.some((p) => p.identity === 'late-joiner'), 10_000, 'the late joiner');
      // Give its media the time to arrive (frames keep coming from the avatar meanwhile).
      await counterPasses(h.video, frameCounter(h.video) + 10);
      expect(videoTracks(h.video)).to.have.members(tracks);
      expect(backdropColour(h.video)[1], 'not the chroma-green late joiner').to.be.below(120);
    });

    it('reports an insecure context before asking the SDK for the microphone', async () => {
      const h = await started();
      const secure = Object.getOwnPropertyDescriptor(window, 'isSecureContext')!;
      Object.defineProperty(window, 'isSecureContext', { value: false, configurable: true });
      try {
        const error = await h.el.startVoiceChat().catch((e: unknown) => e);
        expect(error).to.include({ code: 'insecure-context' });
      } finally {
        Object.defineProperty(window, 'isSecureContext', secure);
      }
      expect((await room.snapshot()).events.some((e) => e.type === 'publish')).to.equal(false);
    });

    it('ends (vendor) when the avatar leaves the room, never on a frozen frame', async () => {
      const h = await started();
      const ended = nextEvent(h.el, 'avatar-ended', 15_000);
      await avatar!.leave();
      await ended;
      expect(h.outcome()).to.deep.equal({ state: 'ended', code: undefined, reason: 'vendor' });
    });

    it('the server removing this client ends it in error (vendor), with the reason', async () => {
      const h = await started();
      const ended = nextEvent(h.el, 'avatar-ended', 15_000);
      await room.removeParticipant('visitor', 'PARTICIPANT_REMOVED');
      await ended;
      expect(h.outcome()).to.deep.equal({ state: 'error', code: 'transport-disconnected', reason: 'vendor' });
      expect(h.el.error?.message).to.match(/removed/);
    });

    it('the room being deleted ends the session (vendor)', async () => {
      const h = await started();
      const ended = nextEvent(h.el, 'avatar-ended', 15_000);
      await room.delete('ROOM_DELETED');
      await ended;
      expect(h.outcome()).to.deep.equal({ state: 'ended', code: undefined, reason: 'vendor' });
    });

    it('another client joining with the same identity takes the session over (vendor)', async () => {
      const h = await started();
      const ended = nextEvent(h.el, 'avatar-ended', 15_000);
      const { Room } = await load();
      const other = new Room();
      await other.connect(server.url, await room.token('visitor'), { autoSubscribe: false });
      await ended;
      expect(h.outcome()).to.deep.equal({ state: 'error', code: 'transport-disconnected', reason: 'vendor' });
      expect(h.el.error?.message).to.match(/taken over/);
      await other.disconnect();
    });

    it('a dropped signal connection resumes: reconnecting, then connected, the picture live and data flowing', async () => {
      const h = await started();
      const reconnecting = waitFor(() => h.el.state === 'reconnecting', 15_000, 'reconnecting');
      await room.dropSignal('visitor');
      await reconnecting;
      await waitFor(() => h.el.state === 'connected', 20_000, 'connected again');
      expect((await room.snapshot()).events.map((e) => e.type)).to.include.members(['signal-lost', 'resume']);
      await counterPasses(h.video, frameCounter(h.video));
      expect(pictureProblems(h.video)).to.deep.equal([]);
      await h.transport().send(new TextEncoder().encode('after'), { topic: 'commands' });
      await room.until((s) => s.data.some((d) => text(fromBase64(d.payload)) === 'after'), 10_000, 'data after the resume');
      expect(h.events.of('avatar-ended')).to.deep.equal([]);
    });

    it('a resume the server refuses becomes a full reconnect, and the avatar plays again', async () => {
      const h = await started();
      await room.dropSignal('visitor', { resume: 'refuse' });
      await waitFor(() => h.el.state === 'reconnecting', 15_000, 'reconnecting');
      await waitFor(() => h.el.state === 'connected', 30_000, 'connected again');
      await waitFor(() => videoTracks(h.video).length === 2, 10_000, 'the avatar media attached again');
      await counterPasses(h.video, 0);
      expect(pictureProblems(h.video)).to.deep.equal([]);
      const joins = (await room.snapshot()).events.filter((e) => e.type === 'join' && e.identity === 'visitor');
      expect(joins, 'the client joined again from scratch').to.have.length(2);
      expect(h.events.of('avatar-ended')).to.deep.equal([]);
    });

    it('a full reconnect the avatar is not back from ends the session (vendor)', async () => {
      const h = await started();
      const ended = nextEvent(h.el, 'avatar-ended', 30_000);
      await room.dropSignal('visitor', { resume: 'refuse' });
      await avatar!.leave();
      await ended;
      expect(h.outcome()).to.deep.equal({ state: 'ended', code: undefined, reason: 'vendor' });
    });

    it('a server that stays unreachable past the reconnect limit ends the session (network)', async () => {
      const h = await started({ joinTimeoutMs: 4000 });
      const ended = nextEvent(h.el, 'avatar-ended', 30_000);
      await room.dropSignal('visitor', { resume: 'unavailable' });
      await waitFor(() => h.el.state === 'reconnecting', 15_000, 'reconnecting');
      await ended;
      expect(h.outcome()).to.deep.equal({ state: 'error', code: 'transport-disconnected', reason: 'network' });
    });

    it('a resume refused with 401 ends the session at once (the SDK gives up)', async () => {
      const h = await started();
      const ended = nextEvent(h.el, 'avatar-ended', 30_000);
      await room.dropSignal('visitor', { resume: 'unauthorized' });
      await ended;
      expect(h.outcome()).to.deep.equal({ state: 'error', code: 'transport-disconnected', reason: 'network' });
    });

    it('an expired token is transport-token-expired', async () => {
      const h = await open({ token: { ttl: '-5m' } });
      const error = await h.el.start().catch((e: unknown) => e);
      expect(error).to.include({ code: 'transport-token-expired' });
      expect(h.outcome()).to.deep.equal({ state: 'error', code: 'transport-token-expired', reason: 'error' });
    });

    it('a token the server cannot verify is transport-join-failed, and the message carries no token', async () => {
      const h = await open({ token: { secret: 'not-the-server-secret-at-all' } });
      const error = await h.el.start().catch((e: unknown) => e);
      expect(error).to.include({ code: 'transport-join-failed' });
      expect(h.el.error?.message).to.contain('Could not join the LiveKit room');
      expect(h.el.error?.message).to.match(/signature is invalid/);
      const token = (h.context().description.transport as LiveKitCredentials).token;
      expect(h.el.error?.message).not.to.contain(token);
    });

    it('a server that never answers the join fails with transport-join-timeout', async () => {
      const h = await open({ joinTimeoutMs: 1500, before: (r) => r.refuseSignal('visitor', 'stall') });
      const error = await h.el.start().catch((e: unknown) => e);
      expect(error).to.include({ code: 'transport-join-timeout' });
    });

    it('stop: the client leave reaches the server, and no peer connection, track or media element is left', async () => {
      const mic = installFakeMicrophone();
      try {
        const before = census();
        const h = await started();
        await h.el.startVoiceChat();
        expect(census().peerConnections).to.be.greaterThan(before.peerConnections);
        await h.el.stop();
        expect(h.el.state).to.equal('ended');
        const leave = await room.until((s) => s.events.find((e) => e.type === 'leave' && e.identity === 'visitor'), 10_000, "the client's leave");
        expect(leave.reason).to.equal('CLIENT_INITIATED');
        expect((await room.snapshot()).events.some((e) => e.type === 'leave-request' && e.identity === 'visitor')).to.equal(true);
        await h.dispose();
        harness = undefined;
        await waitFor(() => census().peerConnections === before.peerConnections && census().liveTracks === before.liveTracks, 5000, 'media released');
        const after = census();
        expect(after.peerConnections, 'open peer connections').to.equal(before.peerConnections);
        expect(after.liveTracks, 'live remote tracks').to.equal(before.liveTracks);
        expect(after.mediaElements, 'media elements').to.equal(before.mediaElements);
        expect(mic.tracks.every((t) => t.readyState === 'ended'), 'microphone tracks ended').to.equal(true);
      } finally {
        mic.restore();
      }
    });
  });
}
