import type {
  AudioCaptureOptions,
  ConnectionErrorReason,
  DataPublishOptions,
  DisconnectReason,
  LocalParticipant,
  Room,
  RoomOptions,
} from 'livekit-client';
import type {
  LiveKitConnectionError,
  LiveKitLocalParticipant,
  LiveKitMicPublication,
  LiveKitRoom,
  LiveKitRoomEvents,
  LiveKitSdk,
} from '../../src/transports/livekit.js';
import { FakeEmitter } from './emitter.js';

type LogLevel = Parameters<LiveKitSdk['setLogLevel']>[0];
import { createFakeMedia, type FakeMedia, openFakeMicrophone } from './media.js';

/**
 * A fake `livekit-client` module for the plugin's SDK seam. It is declared `satisfies LiveKitSdk`, the
 * surface the plugin declares from the SDK's own types (and that the real module is checked against), so
 * a change in the SDK's API breaks the build of this fake. Remote media are real tracks (canvas, WebAudio).
 */

/** The enum values the SDK uses; typed as the SDK's enum members, so a renumbering fails to compile. */
export const DISCONNECT_REASON = {
  CLIENT_INITIATED: 1,
  DUPLICATE_IDENTITY: 2,
  SERVER_SHUTDOWN: 3,
  PARTICIPANT_REMOVED: 4,
  ROOM_DELETED: 5,
  ROOM_CLOSED: 10,
} satisfies LiveKitSdk['DisconnectReason'];
export const CONNECTION_TIMEOUT: DisconnectReason.CONNECTION_TIMEOUT = 14;

const CONNECTION_ERROR_REASON = { NotAllowed: 0, Cancelled: 3, Timeout: 5 } satisfies LiveKitSdk['ConnectionErrorReason'];
const SERVER_UNREACHABLE: ConnectionErrorReason.ServerUnreachable = 1;

/** The SDK's `ConnectionError`, as far as the plugin reads it. */
export class FakeConnectionError extends Error implements LiveKitConnectionError {
  override readonly name = 'ConnectionError';
  constructor(
    message: string,
    readonly reason: ConnectionErrorReason,
    readonly status?: number,
  ) {
    super(message);
  }
}

export interface LiveKitFakeOptions {
  /** How `connect()` fails: refused with 401, unreachable server, or never settling. */
  join?: 'ok' | 'token-expired' | 'unreachable' | 'hang';
  /** Publish an avatar (audio, then video) right after joining. */
  avatarIdentity?: string | null;
  /** The error `setMicrophoneEnabled(true)` rejects with (LiveKit passes getUserMedia's DOMException through). */
  micError?: 'NotAllowedError' | 'NotFoundError';
  /**
   * Unmuting restarts the microphone with a new MediaStreamTrack under the same published track, as the SDK
   * does after a device change (or with `stopMicTrackOnMute`).
   */
  restartMicOnUnmute?: boolean;
}

/** The SDK's LocalTrack: one object for the whole publication, its MediaStreamTrack the current capture. */
class FakeMicTrack {
  constructor(private readonly owner: { readonly mic?: MediaStreamTrack }) {}

  get mediaStreamTrack(): MediaStreamTrack {
    return this.owner.mic!;
  }
}

class FakeLocalParticipant implements LiveKitLocalParticipant {
  readonly sent: { data: Uint8Array; options?: DataPublishOptions }[] = [];
  captureOptions?: AudioCaptureOptions;
  mic?: MediaStreamTrack;
  unpublished = 0;

  constructor(private readonly fake: LiveKitFakeOptions) {}

  publishData: LocalParticipant['publishData'] = async (data, options) => {
    this.sent.push({ data, options });
  };

  async setMicrophoneEnabled(enabled: boolean, options?: AudioCaptureOptions): Promise<LiveKitMicPublication | undefined> {
    if (this.mic) {
      // Like the SDK: an existing microphone is muted or unmuted, not republished.
      // The real LocalAudioTrack captures again on unmute when its track has ended (and when told to).
      if (enabled && (this.fake.restartMicOnUnmute || this.mic.readyState === 'ended')) {
        // The old capture ends and a new one takes its place on the same published track.
        this.mic.stop();
        this.mic = await openFakeMicrophone(this.captureOptions as MediaTrackConstraints);
      }
      this.mic.enabled = enabled;
      return { track: this.#published };
    }
    if (!enabled) return undefined;
    if (this.fake.micError) throw new DOMException('Microphone unavailable', this.fake.micError);
    this.captureOptions = options;
    this.mic = await openFakeMicrophone(options as MediaTrackConstraints);
    return { track: this.#published };
  }

  readonly #published = new FakeMicTrack(this);

  /**
   * `LocalAudioTrack.restartTrack()`, as on a device change or after the capture ended: the old
   * MediaStreamTrack is stopped first (no `ended` event), then a new capture goes under the same LocalTrack.
   */
  async restartMic(): Promise<MediaStreamTrack> {
    this.mic!.stop();
    this.mic = await openFakeMicrophone(this.captureOptions as MediaTrackConstraints);
    return this.mic;
  }

  /** The device went and the SDK's restart on the default device failed: it mutes the (ended) track, no event. */
  loseMic(): void {
    this.mic!.stop();
    this.mic!.enabled = false;
  }

  async unpublishTrack(track: MediaStreamTrack, stopOnUnpublish?: boolean): Promise<unknown> {
    if (track !== this.mic) return undefined;
    this.unpublished++;
    if (stopOnUnpublish) track.stop();
    this.mic = undefined;
    return {};
  }
}

export class FakeLiveKitRoom extends FakeEmitter<LiveKitRoomEvents> implements LiveKitRoom {
  canPlaybackAudio = true;
  readonly localParticipant: FakeLocalParticipant;
  connected?: { url: string; token: string; autoSubscribe?: boolean };
  disconnectCalls = 0;
  startAudioCalls = 0;
  private readonly media = new Map<string, FakeMedia>();

  /** Who is in the room besides us (the SDK's map holds RemoteParticipants). */
  get remoteParticipants(): ReadonlyMap<string, unknown> {
    return this.media;
  }
  private cancelJoin?: (error: Error) => void;

  constructor(
    readonly options: RoomOptions | undefined,
    private readonly fake: LiveKitFakeOptions,
  ) {
    super();
    this.localParticipant = new FakeLocalParticipant(fake);
  }

  connect: Room['connect'] = (url, token, opts) => {
    this.connected = { url, token, autoSubscribe: opts?.autoSubscribe };
    switch (this.fake.join ?? 'ok') {
      case 'token-expired':
        return Promise.reject(new FakeConnectionError('could not establish signal connection: token is expired', CONNECTION_ERROR_REASON.NotAllowed, 401));
      case 'unreachable':
        return Promise.reject(new FakeConnectionError(`could not connect to ${url}?access_token=${token}`, SERVER_UNREACHABLE));
      case 'hang':
        return new Promise<void>((_resolve, reject) => (this.cancelJoin = reject));
      default: {
        const avatar = this.fake.avatarIdentity === undefined ? 'avatar' : this.fake.avatarIdentity;
        // Subscriptions arrive just after the join resolves (the real SDK releases them on Connected, just
        // before connect() resolves; the plugin takes them either way).
        if (avatar) void Promise.resolve().then(() => this.publish(avatar));
        return Promise.resolve();
      }
    }
  };

  disconnect: Room['disconnect'] = async (stopTracks = true) => {
    this.disconnectCalls++;
    this.cancelJoin?.(new FakeConnectionError('Client initiated disconnect', CONNECTION_ERROR_REASON.Cancelled));
    this.cancelJoin = undefined;
    this.end(DISCONNECT_REASON.CLIENT_INITIATED);
    if (stopTracks) this.localParticipant.mic?.stop();
  };

  startAudio: Room['startAudio'] = async () => {
    this.startAudioCalls++;
    this.canPlaybackAudio = true;
    this.emit('audioPlaybackChanged', true);
  };

  /** A remote participant publishes audio and video (audio first: the plugin must wait for the video). */
  publish(identity: string, hue = 210): FakeMedia {
    const media = createFakeMedia({ hue });
    this.media.set(identity, media);
    const participant = { identity };
    this.emit('trackSubscribed', { mediaStreamTrack: media.audio }, {}, participant);
    this.emit('trackSubscribed', { mediaStreamTrack: media.video }, {}, participant);
    return media;
  }

  /** A remote participant leaves: its tracks are unsubscribed and end. */
  leave(identity: string): void {
    const media = this.media.get(identity);
    if (!media) return;
    this.media.delete(identity);
    const participant = { identity };
    this.emit('trackUnsubscribed', { mediaStreamTrack: media.video }, {}, participant);
    this.emit('trackUnsubscribed', { mediaStreamTrack: media.audio }, {}, participant);
    media.stop();
    this.emit('participantDisconnected', participant);
  }

  receive(payload: Uint8Array, identity = 'avatar'): void {
    this.emit('dataReceived', payload, { identity });
  }

  blockAudio(): void {
    this.canPlaybackAudio = false;
    this.emit('audioPlaybackChanged', false);
  }

  /**
   * A full reconnect, as the SDK runs it: every remote participant is taken out (its tracks unsubscribed,
   * then `participantDisconnected`), then `reconnecting`. The returned function ends it: the participants
   * named come back (new tracks), `reconnected`, then their tracks are subscribed again.
   */
  restart(): (back: string[]) => void {
    const gone = [...this.media.keys()];
    for (const identity of gone) {
      const media = this.media.get(identity)!;
      this.media.delete(identity);
      const participant = { identity };
      this.emit('trackUnsubscribed', { mediaStreamTrack: media.audio }, {}, participant);
      this.emit('trackUnsubscribed', { mediaStreamTrack: media.video }, {}, participant);
      media.stop();
      this.emit('participantDisconnected', participant);
    }
    this.emit('reconnecting');
    return (back) => {
      const returning = back.map((identity) => [identity, createFakeMedia({})] as const);
      for (const [identity, media] of returning) this.media.set(identity, media);
      this.emit('reconnected');
      for (const [identity, media] of returning) {
        this.emit('trackSubscribed', { mediaStreamTrack: media.audio }, {}, { identity });
        this.emit('trackSubscribed', { mediaStreamTrack: media.video }, {}, { identity });
      }
    };
  }

  /** The SDK leaves by itself (it does when the browser freezes the page): CLIENT_INITIATED, not from us. */
  freeze(): void {
    this.end(DISCONNECT_REASON.CLIENT_INITIATED);
  }

  /** The server (or the network) ends the session. */
  end(reason: DisconnectReason): void {
    for (const media of this.media.values()) media.stop();
    this.media.clear();
    this.emit('disconnected', reason);
  }
}

export interface FakeLiveKit {
  sdk: LiveKitSdk;
  rooms: FakeLiveKitRoom[];
  logLevels: LogLevel[];
  readonly room: FakeLiveKitRoom;
}

export function createFakeLiveKit(options: LiveKitFakeOptions = {}): FakeLiveKit {
  const rooms: FakeLiveKitRoom[] = [];
  const logLevels: LogLevel[] = [];
  const sdk = {
    Room: class extends FakeLiveKitRoom {
      constructor(roomOptions?: RoomOptions) {
        super(roomOptions, options);
        rooms.push(this);
      }
    },
    setLogLevel: (level: LogLevel) => {
      logLevels.push(level);
    },
    DisconnectReason: DISCONNECT_REASON,
    ConnectionErrorReason: CONNECTION_ERROR_REASON,
  } satisfies LiveKitSdk;
  return {
    sdk,
    rooms,
    logLevels,
    get room() {
      const room = rooms[0];
      if (!room) throw new Error('No room was created');
      return room;
    },
  };
}
