import type {
  AudioCaptureOptions,
  ConnectionError,
  ConnectionErrorReason,
  DataPacket_Kind,
  DataPublishOptions,
  DisconnectReason,
  LocalParticipant,
  RemoteParticipant,
  RemoteTrack,
  Room,
  RoomOptions,
  setLogLevel,
} from 'livekit-client';
import { AvatarError } from '../errors/avatar-error.js';
import { type EventOverloads, SdkTransport } from './sdk-helpers.js';
import type { LiveKitCredentials, MicrophoneOptions, SendOptions, Transport, TransportOptions } from './transport.js';

/*
 * The part of livekit-client this plugin uses, written with the SDK's own types. The default loader below
 * is typed `() => Promise<LiveKitSdk>`, so `tsc` proves the real module satisfies it; the test fake is
 * declared `satisfies LiveKitSdk`, so the fake has to follow the same declarations. Members are narrowed
 * (Picks of the SDK's classes) only where the fake cannot build the whole class.
 */

type LiveKitTrack = Pick<RemoteTrack, 'mediaStreamTrack'>;
type LiveKitParticipant = Pick<RemoteParticipant, 'identity'>;

/** The room events the plugin listens to, with the SDK's argument types (narrowed to what is read). */
export interface LiveKitRoomEvents {
  trackSubscribed: (track: LiveKitTrack, publication: unknown, participant: LiveKitParticipant) => void;
  trackUnsubscribed: (track: LiveKitTrack, publication: unknown, participant: LiveKitParticipant) => void;
  participantDisconnected: (participant: LiveKitParticipant) => void;
  dataReceived: (payload: Uint8Array, participant?: LiveKitParticipant, kind?: DataPacket_Kind, topic?: string) => void;
  audioPlaybackChanged: (playing: boolean) => void;
  reconnecting: () => void;
  signalReconnecting: () => void;
  reconnected: () => void;
  disconnected: (reason?: DisconnectReason) => void;
}

type Listen = EventOverloads<LiveKitRoomEvents>;

/** The SDK's `LocalTrack` for the microphone: its `mediaStreamTrack` is replaced when the SDK restarts it. */
export interface LiveKitMicTrack {
  readonly mediaStreamTrack: MediaStreamTrack;
}

export interface LiveKitMicPublication {
  track?: LiveKitMicTrack;
}

export interface LiveKitLocalParticipant {
  publishData: LocalParticipant['publishData'];
  setMicrophoneEnabled(enabled: boolean, options?: AudioCaptureOptions): Promise<LiveKitMicPublication | undefined>;
  unpublishTrack(track: MediaStreamTrack, stopOnUnpublish?: boolean): Promise<unknown>;
}

export interface LiveKitRoom {
  on: Listen;
  off: Listen;
  connect: Room['connect'];
  disconnect: Room['disconnect'];
  startAudio: Room['startAudio'];
  readonly canPlaybackAudio: boolean;
  readonly localParticipant: LiveKitLocalParticipant;
  readonly remoteParticipants: ReadonlyMap<string, unknown>;
}

type Reasons<E, K extends keyof E> = Pick<E, K>;

export interface LiveKitSdk {
  Room: new (options?: RoomOptions) => LiveKitRoom;
  setLogLevel: typeof setLogLevel;
  DisconnectReason: Reasons<
    typeof DisconnectReason,
    'CLIENT_INITIATED' | 'DUPLICATE_IDENTITY' | 'SERVER_SHUTDOWN' | 'PARTICIPANT_REMOVED' | 'ROOM_DELETED' | 'ROOM_CLOSED'
  >;
  ConnectionErrorReason: Reasons<typeof ConnectionErrorReason, 'NotAllowed' | 'Cancelled' | 'Timeout'>;
}

/** The shape of the SDK's `ConnectionError` the plugin reads (it is recognised by name, not by class). */
export type LiveKitConnectionError = Pick<ConnectionError, 'name' | 'message' | 'reason' | 'status'>;

/**
 * A bare dynamic import, so that an app bundle that leaves livekit-client out (an import map, say) still
 * loads without it. The CDN build points this import at `livekit-sdk.ts`, the members the plugin uses.
 */
export const loadLiveKitSdk = (): Promise<LiveKitSdk> => import('livekit-client');

class LiveKitTransport extends SdkTransport<LiveKitSdk, string, LiveKitCredentials> {
  #room?: LiveKitRoom;
  /** The published microphone as the SDK's own track, whose current MediaStreamTrack is the one to unpublish. */
  #mic?: LiveKitMicTrack;
  /** Between `reconnecting` and `reconnected`. */
  #reconnecting = false;
  /** Participants a full reconnect took out of the room; each must be back once it is over. */
  readonly #unwound = new Set<string>();

  constructor(options: TransportOptions, load: () => Promise<LiveKitSdk>) {
    super(options, {
      kind: 'livekit',
      name: 'LiveKit',
      // LiveKit's documented cap for one reliable data packet.
      maxMessageBytes: 15 * 1024,
      load,
      packageName: 'livekit-client',
      room: 'The LiveKit room',
      secret: (credentials) => credentials.token,
      avatar: (credentials) => credentials.avatarIdentity,
    });
  }

  protected join(sdk: LiveKitSdk): Promise<void> {
    sdk.setLogLevel('warn');
    // One avatar, played through our own <video>: adaptiveStream would pause video the SDK did not attach
    // itself, and dynacast only concerns video we publish (we publish a microphone at most).
    // The element stops the session itself on pagehide (with a beacon to the server); the SDK's own
    // disconnect on page leave would only race it.
    const room = (this.#room = new sdk.Room({
      adaptiveStream: false,
      dynacast: false,
      stopLocalTrackOnUnpublish: true,
      disconnectOnPageLeave: false,
    }));
    this.#listen(room, sdk);
    return room.connect(this.credentials.url, this.credentials.token, { autoSubscribe: true });
  }

  protected override afterJoin(): void {
    if (!this.#room!.canPlaybackAudio) this.host.audioBlocked(true);
  }

  protected async leave(): Promise<void> {
    await this.#room?.disconnect(true);
  }

  protected async transmit(payload: Uint8Array, { topic }: SendOptions = {}): Promise<void> {
    const options: DataPublishOptions = { reliable: true, topic };
    await this.#room!.localParticipant.publishData(new Uint8Array(payload), options);
  }

  async startMicrophone(options?: MicrophoneOptions): Promise<void> {
    const { microphoneConstraints, microphoneError } = await this.microphone();
    let publication: LiveKitMicPublication | undefined;
    try {
      publication = await this.#room!.localParticipant.setMicrophoneEnabled(true, microphoneConstraints(options));
    } catch (error) {
      throw microphoneError(error);
    }
    this.#mic = publication?.track;
    if (this.closed) await this.stopMicrophone();
  }

  // `restartTrack` (a device change, the track ending) swaps the MediaStreamTrack under the same LocalTrack.
  // A restart that fails only mutes the track (no error event): the session notices the track stays ended.
  microphoneTrack(): MediaStreamTrack | undefined {
    return this.#mic?.mediaStreamTrack;
  }

  async stopMicrophone(): Promise<void> {
    const track = this.#mic?.mediaStreamTrack;
    this.#mic = undefined;
    if (!track) return;
    try {
      await this.#room?.localParticipant.unpublishTrack(track, true);
    } finally {
      track.stop();
    }
  }

  async setMicrophoneMuted(muted: boolean): Promise<void> {
    // With a published microphone, LiveKit mutes and unmutes it instead of (un)publishing.
    if (this.#mic) await this.#room?.localParticipant.setMicrophoneEnabled(!muted);
  }

  async resumeAudio(): Promise<void> {
    await this.#room?.startAudio();
  }

  // The host and addTrack ignore calls after disconnect() (and nothing is left to remove by then), so
  // the handlers need no check of their own.
  #listen(room: LiveKitRoom, sdk: LiveKitSdk): void {
    const { host } = this;
    const handlers: LiveKitRoomEvents = {
      trackSubscribed: (track, _publication, participant) => this.addTrack(participant.identity, track.mediaStreamTrack),
      trackUnsubscribed: (track, _publication, participant) =>
        this.removeTrack(participant.identity, track.mediaStreamTrack.kind),
      // A full reconnect first takes every participant out of the room, then emits `reconnecting`, and
      // brings them back before `reconnected`: decide after this task whether the avatar really left.
      participantDisconnected: ({ identity }) =>
        queueMicrotask(() => (this.#reconnecting ? this.#unwound.add(identity) : this.left(identity))),
      dataReceived: (payload, participant, _kind, topic) => host.data(payload, { topic, from: participant?.identity }),
      audioPlaybackChanged: (playing) => host.audioBlocked(!playing),
      reconnecting: () => this.#setReconnecting(),
      signalReconnecting: () => this.#setReconnecting(),
      reconnected: () => {
        this.#reconnecting = false;
        this.reconnected();
        for (const identity of this.#unwound) if (!room.remoteParticipants.has(identity)) this.left(identity);
        this.#unwound.clear();
      },
      disconnected: (reason) => {
        if (this.joined) this.#unexpectedDisconnect(reason, sdk.DisconnectReason);
      },
    };
    this.on(room, handlers);
  }

  #setReconnecting(): void {
    this.#reconnecting = true;
    this.reconnecting();
  }

  /** Our own `disconnect()` reports nothing (the host is closed by then): any disconnect here is not ours. */
  #unexpectedDisconnect(reason: DisconnectReason | undefined, R: LiveKitSdk['DisconnectReason']): void {
    if (reason === R.ROOM_DELETED || reason === R.ROOM_CLOSED) return this.host.disconnected('vendor');
    // These three are the server's doing; any other reason is a lost connection.
    const vendor =
      reason === R.DUPLICATE_IDENTITY
        ? 'The avatar connection was taken over by another client with the same identity.'
        : reason === R.SERVER_SHUTDOWN
          ? 'The LiveKit server shut down.'
          : reason === R.PARTICIPANT_REMOVED
            ? 'The LiveKit server removed this client from the room.'
            : undefined;
    // CLIENT_INITIATED without us: the SDK left by itself (it does when the browser freezes the page).
    this.host.disconnected(
      vendor ? 'vendor' : 'network',
      new AvatarError('transport-disconnected', vendor ?? `The connection to the avatar was lost (LiveKit disconnect reason ${reason ?? 'unknown'}).`),
    );
  }

  protected joinError(error: unknown): AvatarError {
    const reasons = this.sdk?.ConnectionErrorReason;
    if (reasons && isConnectionError(error)) {
      // A LiveKit server refuses any bad token with 401; only its text says an expired one ("token is expired").
      if (error.reason === reasons.NotAllowed && error.status === 401 && /expired/i.test(error.message)) {
        return this.fail(error, 'transport-token-expired', 'The LiveKit token expired');
      }
      if (error.reason === reasons.Timeout) return this.fail(error, 'transport-join-timeout', 'LiveKit timed out while joining');
      if (error.reason === reasons.Cancelled) return this.fail(error, 'aborted', 'The LiveKit join was cancelled');
    }
    return this.fail(error, 'transport-join-failed', 'Could not join the LiveKit room');
  }
}

function isConnectionError(error: unknown): error is LiveKitConnectionError {
  return error instanceof Error && error.name === 'ConnectionError' && 'reason' in error;
}

/** The plugin with an SDK seam: tests pass a fake module as `load`. */
export function createLiveKitTransport(options: TransportOptions, load: () => Promise<LiveKitSdk> = loadLiveKitSdk): Transport {
  return new LiveKitTransport(options, load);
}

/**
 * `createTransport` is the plugin seam with the real SDK. `preload`: the SDK is the large download, fetched
 * alongside the token request (module imports are cached).
 */
export { createLiveKitTransport as createTransport, loadLiveKitSdk as preload };
