import type {
  AgoraRTCErrorCode,
  ClientConfig,
  ConnectionDisconnectedReason,
  ConnectionState,
  IAgoraRTC,
  IAgoraRTCClient,
  IAgoraRTCRemoteUser,
  IMicrophoneAudioTrack,
  IRemoteTrack,
  MicrophoneAudioTrackInitConfig,
  UID,
} from 'agora-rtc-sdk-ng';
import { AvatarError, reasonOf } from '../errors/avatar-error.js';
import { type EventOverloads, SdkTransport } from './sdk-helpers.js';
import type { AgoraCredentials, MicrophoneOptions, Transport, TransportOptions } from './transport.js';

/*
 * The part of agora-rtc-sdk-ng this plugin uses, written with the SDK's own types. The default loader is
 * typed `() => Promise<AgoraSdk<IMicrophoneAudioTrack>>`, so `tsc` proves the real module satisfies it; the
 * test fake is declared `satisfies AgoraSdk<…>`. `T` is the microphone track type: the plugin only hands the
 * SDK back the track it created, so a fake can use its own track class.
 */

type AgoraUser = Pick<IAgoraRTCRemoteUser, 'uid'>;
/** After a reconnection the SDK puts a new MediaStreamTrack into the same remote track (no new `user-published`). */
export interface AgoraRemoteTrackEvents {
  'track-updated': (track: MediaStreamTrack) => void;
}
type AgoraRemoteTrack = Pick<IRemoteTrack, 'getMediaStreamTrack'> & {
  on: EventOverloads<AgoraRemoteTrackEvents>;
  off: EventOverloads<AgoraRemoteTrackEvents>;
};
type MediaType = 'audio' | 'video' | 'datachannel';

/** The client events the plugin listens to, with the SDK's argument types. */
export interface AgoraClientEvents {
  'user-published': (user: AgoraUser, mediaType: MediaType) => void;
  'user-unpublished': (user: AgoraUser, mediaType: MediaType) => void;
  'user-left': (user: AgoraUser, reason: string) => void;
  'stream-message': (uid: UID, payload: Uint8Array) => void;
  'connection-state-change': (current: ConnectionState, previous: ConnectionState, reason?: ConnectionDisconnectedReason) => void;
  'token-privilege-will-expire': () => void;
  'token-privilege-did-expire': () => void;
}

/**
 * `sendStreamMessage` exists at runtime in every build of the SDK, but only its `./esm` typings declare it
 * (on the class behind `createClient`); the default typings we import omit it. This is its one declaration.
 */
export interface AgoraStreamMessages {
  sendStreamMessage(message: Uint8Array, needRetry?: boolean): Promise<void>;
}

export interface AgoraClient<T> extends AgoraStreamMessages {
  on: EventOverloads<AgoraClientEvents>;
  off: EventOverloads<AgoraClientEvents>;
  join: IAgoraRTCClient['join'];
  leave: IAgoraRTCClient['leave'];
  subscribe(uid: UID, mediaType: 'video'): Promise<AgoraRemoteTrack>;
  subscribe(uid: UID, mediaType: 'audio'): Promise<AgoraRemoteTrack>;
  publish(track: T): Promise<void>;
  unpublish(track: T): Promise<void>;
}

/** The microphone track's events the plugin listens to. */
export interface AgoraMicTrackEvents {
  'track-ended': () => void;
}
export type AgoraMicrophoneTrack = Pick<IMicrophoneAudioTrack, 'setMuted' | 'close' | 'getMediaStreamTrack'> & {
  on: EventOverloads<AgoraMicTrackEvents>;
  off: EventOverloads<AgoraMicTrackEvents>;
};

export interface AgoraSdk<T extends AgoraMicrophoneTrack> {
  createClient(config: ClientConfig): AgoraClient<T>;
  createMicrophoneAudioTrack(config?: MicrophoneAudioTrackInitConfig): Promise<T>;
  /** Page-wide: every element's listener gets it, unlike the single `onAutoplayFailed` property. */
  on(event: 'autoplay-failed', listener: () => void): unknown;
  off(event: 'autoplay-failed', listener: () => void): unknown;
  disableLogUpload: IAgoraRTC['disableLogUpload'];
  setLogLevel: IAgoraRTC['setLogLevel'];
  resumeAudioContext: IAgoraRTC['resumeAudioContext'];
}

type AgoraWithStreamMessages = IAgoraRTC & {
  createClient(config: ClientConfig): IAgoraRTCClient & AgoraStreamMessages;
};

export const loadAgoraSdk = async (): Promise<AgoraSdk<IMicrophoneAudioTrack>> =>
  (await import('agora-rtc-sdk-ng')).default as AgoraWithStreamMessages;

type ErrorCode = `${AgoraRTCErrorCode}`;

/** The SDK's microphone error codes, as the DOMException names `microphoneError()` understands. */
const MIC_ERROR_NAMES: Partial<Record<ErrorCode, string>> = {
  PERMISSION_DENIED: 'NotAllowedError',
  DEVICE_NOT_FOUND: 'NotFoundError',
  // A `microphoneId` that is no longer there (the SDK asks for it `exact`).
  MEDIA_OPTION_INVALID: 'OverconstrainedError',
};
const TOKEN_EXPIRED: ErrorCode = 'TOKEN_EXPIRE';
const GATEWAY_REFUSED: ErrorCode = 'CAN_NOT_GET_GATEWAY_SERVER';
const STREAM_MESSAGE_TOO_LARGE: ErrorCode = 'INVALID_PARAMS';

/** 0 debug … 3 error, 4 none: errors stay visible, the SDK's chatter does not. */
const LOG_LEVEL_ERROR = 3;

/** The SDK's error code (a string) where there is one; compared with strings and looked up in string-keyed maps. */
const errorCode = (error: unknown): ErrorCode | undefined => {
  const code = (error as { code?: unknown } | null)?.code;
  // A DOMException's `code` is a number, not one of the SDK's.
  return typeof code === 'string' ? (code as ErrorCode) : undefined;
};

class AgoraTransport<T extends AgoraMicrophoneTrack> extends SdkTransport<AgoraSdk<T>, UID, AgoraCredentials> {
  #client?: AgoraClient<T>;
  #mic?: T;

  constructor(options: TransportOptions, load: () => Promise<AgoraSdk<T>>) {
    super(options, {
      kind: 'agora',
      name: 'Agora',
      // `sendStreamMessage` refuses payloads above 1 KiB.
      maxMessageBytes: 1024,
      load,
      packageName: 'agora-rtc-sdk-ng',
      room: 'The Agora channel',
      secret: (credentials) => credentials.token,
      avatar: (credentials) => credentials.avatarUid,
    });
  }

  protected join(sdk: AgoraSdk<T>): Promise<UID> {
    const { appId, channel, token, uid } = this.credentials;
    sdk.disableLogUpload();
    sdk.setLogLevel(LOG_LEVEL_ERROR);
    const client = (this.#client = sdk.createClient({ mode: 'rtc', codec: this.options.videoEncoding === 'H264' ? 'h264' : 'vp8' }));
    this.#listen(sdk, client);
    // Offline, join() never settles (the SDK keeps retrying gateways): the join time limit applies, then
    // leave(). The uid goes through unchanged: 42 and "42" are different Agora users.
    return client.join(appId, channel, token, uid);
  }

  protected async leave(): Promise<void> {
    await this.#client?.leave();
  }

  protected transmit(payload: Uint8Array): Promise<void> {
    // No resend by the SDK after a reconnection: a command must not arrive twice. (While it reconnects the
    // SDK would hold the message with no limit; the base class refuses to send then.)
    return this.#client!.sendStreamMessage(payload, false);
  }

  protected override tooLarge(error: unknown): boolean {
    return errorCode(error) === STREAM_MESSAGE_TOO_LARGE;
  }

  async startMicrophone(options: MicrophoneOptions = {}): Promise<void> {
    const { microphoneError } = await this.microphone();
    if (this.#mic) return this.#mic.setMuted(false);
    let track: T;
    try {
      track = await this.sdk!.createMicrophoneAudioTrack({
        AEC: options.echoCancellation ?? true,
        ANS: options.noiseSuppression ?? true,
        AGC: options.autoGainControl ?? true,
        ...(options.deviceId ? { microphoneId: options.deviceId } : {}),
      });
    } catch (error) {
      // An undefined code looks up nothing.
      throw microphoneError(error, MIC_ERROR_NAMES[errorCode(error) as ErrorCode]);
    }
    try {
      await this.#client!.publish(track);
    } catch (error) {
      track.close();
      throw microphoneError(error);
    }
    this.#mic = track;
    // After disconnect() (which removes listeners): nothing to listen for.
    if (this.closed) return this.stopMicrophone();
    // The SDK does not capture again after the device went (unplugged, failed, permission revoked).
    this.on<AgoraMicTrackEvents>(track, {
      'track-ended': () => this.#mic === track && this.host.warning(new AvatarError('mic-failed', 'The microphone stopped.')),
    });
  }

  // `setDevice()` captures anew: a new MediaStreamTrack under the same track.
  microphoneTrack(): MediaStreamTrack | undefined {
    return this.#mic?.getMediaStreamTrack();
  }

  async stopMicrophone(): Promise<void> {
    const track = this.#mic;
    this.#mic = undefined;
    if (!track) return;
    try {
      if (this.joined) await this.#client?.unpublish(track);
    } finally {
      track.close();
    }
  }

  async setMicrophoneMuted(muted: boolean): Promise<void> {
    // setMuted keeps capturing and only stops sending: fast, and never mixed with setEnabled.
    await this.#mic?.setMuted(muted);
  }

  async resumeAudio(): Promise<void> {
    this.sdk?.resumeAudioContext();
  }

  // The host and addTrack ignore calls after disconnect() (and nothing is left to remove by then), so
  // only what would call the SDK checks `closed`.
  #listen(sdk: AgoraSdk<T>, client: AgoraClient<T>): void {
    const { host } = this;
    // The element plays the remote tracks in its own <video> (session/playback.ts catches a blocked autoplay
    // there); the SDK reports only its own WebAudio playback, which this plugin does not use. Kept in case.
    this.on<{ 'autoplay-failed': () => void }>(sdk, { 'autoplay-failed': () => host.audioBlocked(true) });

    this.on<AgoraClientEvents>(
      client,
      {
        'user-published': (user, mediaType) => {
          if (!this.closed && mediaType !== 'datachannel' && this.accepts(user.uid)) void this.#subscribe(client, user.uid, mediaType);
        },
        'user-unpublished': (user, mediaType) => {
          if (mediaType !== 'datachannel') this.removeTrack(user.uid, mediaType);
        },
        'user-left': (user) => this.left(user.uid),
        'stream-message': (_uid, payload) => host.data(payload),
        'connection-state-change': (current, _previous, reason) => {
          if (!this.joined) return;
          if (current === 'RECONNECTING') this.reconnecting();
          else if (current === 'CONNECTED') this.reconnected();
          else if (current === 'DISCONNECTED') this.#unexpectedDisconnect(reason);
        },
        'token-privilege-will-expire': () => host.tokenExpiring(),
        'token-privilege-did-expire': () => this.#unexpectedDisconnect('TOKEN_EXPIRE'),
      },
    );
  }

  async #subscribe(client: AgoraClient<T>, uid: UID, mediaType: 'audio' | 'video'): Promise<void> {
    try {
      const track = mediaType === 'video' ? await client.subscribe(uid, 'video') : await client.subscribe(uid, 'audio');
      // Our own <video> plays the raw track (the element's controller plays it and watches its frames),
      // instead of the SDK's player, which would make a second <video> inside a container.
      this.addTrack(uid, track.getMediaStreamTrack());
      this.on<AgoraRemoteTrackEvents>(track, { 'track-updated': (replaced) => this.addTrack(uid, replaced) });
    } catch (error) {
      if (this.isAvatar(uid)) {
        this.host.disconnected('error', this.fail(error, 'transport-disconnected', `Could not receive the avatar's ${mediaType}`));
      }
    }
  }

  #unexpectedDisconnect(reason: string = 'unknown'): void {
    if (reason === 'LEAVE') return;
    if (reason === 'TOKEN_EXPIRE') {
      this.host.disconnected('timeout', new AvatarError('transport-token-expired', 'The Agora token expired.'));
      return;
    }
    // The session reports a lost connection (transport-disconnected) for 'network' without an error.
    if (reason === 'NETWORK_ERROR' || reason === 'unknown') this.host.disconnected('network');
    else this.host.disconnected('vendor', new AvatarError('transport-disconnected', `The Agora server ended the connection (${reason}).`));
  }

  protected joinError(error: unknown): AvatarError {
    const code = errorCode(error);
    if (code === TOKEN_EXPIRED || (code === GATEWAY_REFUSED && /(dynamic key|token)[^,]*(expired|timeout)/i.test(reasonOf(error)))) {
      return this.fail(error, 'transport-token-expired', 'The Agora token expired');
    }
    return this.fail(error, 'transport-join-failed', 'Could not join the Agora channel');
  }
}

/** The plugin with an SDK seam: tests pass a fake module as `load`. */
export function createAgoraTransport<T extends AgoraMicrophoneTrack>(
  options: TransportOptions,
  load: () => Promise<AgoraSdk<T>>,
): Transport {
  return new AgoraTransport(options, load);
}

export function createTransport(options: TransportOptions): Transport {
  return new AgoraTransport(options, loadAgoraSdk);
}

/** The SDK is the large download: fetch it alongside the token request (module imports are cached). */
export { loadAgoraSdk as preload };
