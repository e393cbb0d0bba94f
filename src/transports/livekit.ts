import type {
  AudioCaptureOptions,
  ConnectionError,
  ConnectionErrorReason,
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
import type { LiveKitCredentials, MicrophoneOptions, Transport, TransportOptions } from './transport.js';

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
  dataReceived: (payload: Uint8Array, participant?: LiveKitParticipant) => void;
  audioPlaybackChanged: (playing: boolean) => void;
  reconnecting: () => void;
  signalReconnecting: () => void;
  reconnected: () => void;
  disconnected: (reason?: DisconnectReason) => void;
}

type Listen = EventOverloads<LiveKitRoomEvents>;

export interface LiveKitMicPublication {
  track?: { readonly mediaStreamTrack: MediaStreamTrack };
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
  #mic?: MediaStreamTrack;

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
    const room = (this.#room = new sdk.Room({ adaptiveStream: false, dynacast: false, stopLocalTrackOnUnpublish: true }));
    this.#listen(room, sdk);
    return room.connect(this.credentials.url, this.credentials.token, { autoSubscribe: true });
  }

  protected override afterJoin(): void {
    if (!this.#room!.canPlaybackAudio) this.host.audioBlocked(true);
  }

  protected async leave(): Promise<void> {
    await this.#room?.disconnect(true);
  }

  protected async transmit(payload: Uint8Array): Promise<void> {
    const options: DataPublishOptions = { reliable: true };
    await this.#room!.localParticipant.publishData(new Uint8Array(payload), options);
  }

  async startMicrophone(options?: MicrophoneOptions): Promise<MediaStreamTrack | void> {
    const { microphoneConstraints, microphoneError } = await this.microphone();
    let publication: LiveKitMicPublication | undefined;
    try {
      publication = await this.#room!.localParticipant.setMicrophoneEnabled(true, microphoneConstraints(options));
    } catch (error) {
      throw microphoneError(error);
    }
    this.#mic = publication?.track?.mediaStreamTrack;
    if (this.closed) await this.stopMicrophone();
    return this.#mic;
  }

  async stopMicrophone(): Promise<void> {
    const track = this.#mic;
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
      participantDisconnected: (participant) => this.left(participant.identity),
      dataReceived: (payload) => host.data(payload),
      audioPlaybackChanged: (playing) => host.audioBlocked(!playing),
      reconnecting: () => host.reconnecting(),
      signalReconnecting: () => host.reconnecting(),
      reconnected: () => host.reconnected(),
      disconnected: (reason) => {
        if (this.joined) this.#unexpectedDisconnect(reason, sdk.DisconnectReason);
      },
    };
    this.on(room, handlers);
  }

  #unexpectedDisconnect(reason: DisconnectReason | undefined, R: LiveKitSdk['DisconnectReason']): void {
    if (reason === R.CLIENT_INITIATED) return;
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
    this.host.disconnected(
      vendor ? 'vendor' : 'network',
      new AvatarError('transport-disconnected', vendor ?? `The connection to the avatar was lost (LiveKit disconnect reason ${reason ?? 'unknown'}).`),
    );
  }

  protected joinError(error: unknown): AvatarError {
    const reasons = this.sdk?.ConnectionErrorReason;
    if (reasons && isConnectionError(error)) {
      if (error.reason === reasons.NotAllowed && error.status === 401) {
        return this.fail(error, 'transport-token-expired', 'The LiveKit token was refused (expired or not valid)');
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
