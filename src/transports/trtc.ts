import type { default as TRTC, RtcError, TRTCEventTypes, TRTCOptions } from 'trtc-sdk-v5';
import { AvatarError } from '../errors/avatar-error.js';
import { type EventOverloads, SdkTransport } from './sdk-helpers.js';
import type { MicrophoneOptions, Transport, TransportOptions, TrtcCredentials } from './transport.js';

/*
 * The part of trtc-sdk-v5 this plugin uses, written with the SDK's own types. The default loader is typed
 * `() => Promise<TrtcSdk>`, so `tsc` proves the real module satisfies it; the test fake is declared
 * `satisfies TrtcSdk`. Event payloads come straight from the SDK's `TRTCEventTypes`.
 */

type Handler<E extends keyof TRTCEventTypes> = (...args: TRTCEventTypes[E]) => void;
type UsedEvent =
  | 'error'
  | 'autoplay-failed'
  | 'kicked-out'
  | 'remote-user-exit'
  | 'remote-audio-available'
  | 'remote-audio-unavailable'
  | 'remote-video-available'
  | 'remote-video-unavailable'
  | 'connection-state-changed'
  | 'track'
  | 'custom-message';

export type TrtcEvents = { [E in UsedEvent]: Handler<E> };

export interface TrtcClient {
  on: EventOverloads<TrtcEvents>;
  off: EventOverloads<TrtcEvents>;
  enterRoom: TRTC['enterRoom'];
  exitRoom: TRTC['exitRoom'];
  destroy: TRTC['destroy'];
  sendCustomMessage: TRTC['sendCustomMessage'];
  startLocalAudio: TRTC['startLocalAudio'];
  updateLocalAudio: TRTC['updateLocalAudio'];
  stopLocalAudio: TRTC['stopLocalAudio'];
  getAudioTrack: TRTC['getAudioTrack'];
  getVideoTrack: TRTC['getVideoTrack'];
  setRemoteAudioVolume: TRTC['setRemoteAudioVolume'];
}

type TrtcStatics = typeof TRTC;

export interface TrtcSdk {
  create(options?: TRTCOptions): TrtcClient;
  setLogLevel: TrtcStatics['setLogLevel'];
  TYPE: Pick<TrtcStatics['TYPE'], 'ROLE_ANCHOR' | 'STREAM_TYPE_MAIN'>;
  ERROR_CODE: Pick<TrtcStatics['ERROR_CODE'], 'DEVICE_ERROR' | 'SERVER_ERROR' | 'OPERATION_ABORT'>;
}

export type TrtcError = Pick<RtcError, 'code' | 'extraCode' | 'message' | 'originError'>;

// The package's `main` is a UMD build; its ESM build is a legal deep import (no exports map) that needs no
// CommonJS conversion in bundlers or the test server.
export const loadTrtcSdk = async (): Promise<TrtcSdk> => (await import('trtc-sdk-v5/trtc.esm.js')).default;

/** Custom messages carry a command id from 1 to 10; vendors (Akool) use 1. */
const CUSTOM_MESSAGE_CMD_ID = 1;
/** 0 trace … 4 error, 5 none. */
const LOG_LEVEL_ERROR = 4;

/**
 * TRTC's DEVICE_ERROR extra codes, as DOMException names `microphoneError()` understands: 5301 not found,
 * 5304 over-constrained (both mic-not-found); 5302 not allowed, 5306 insecure (both mic-denied).
 */
const MIC_ERROR_NAMES: Readonly<Record<number, string>> = {
  5301: 'NotFoundError',
  5302: 'NotAllowedError',
  5304: 'NotFoundError',
  5306: 'NotAllowedError',
};
/** SERVER_ERROR extra codes that mean the userSig is no longer valid (70001: expired). */
const USER_SIG_EXPIRED = [70001, -100018];
/** `error` events that leave the room up: video (5507) and audio (5508) decoding failed. */
const NON_FATAL_EXTRA_CODES = [5507, 5508];

function isTrtcError(error: unknown): error is TrtcError {
  return error instanceof Error && typeof (error as { code?: unknown }).code === 'number';
}

class TrtcTransport extends SdkTransport<TrtcSdk, string, TrtcCredentials> {
  #trtc?: TrtcClient;
  #micOn = false;
  #resumes: (() => Promise<void>)[] = [];

  constructor(options: TransportOptions, load: () => Promise<TrtcSdk>) {
    super(options, {
      kind: 'trtc',
      name: 'TRTC',
      // `sendCustomMessage` refuses more than 1000 bytes per call (extraCode 5018; its docs say 1 KB), and
      // more than 30 calls or 8 KB in a second. At the same limit, the base class's check is the one that fires.
      maxMessageBytes: 1000,
      load,
      packageName: 'trtc-sdk-v5',
      room: 'The TRTC room',
      secret: (credentials) => credentials.userSig,
      avatar: (credentials) => credentials.avatarUserId,
    });
  }

  protected join(sdk: TrtcSdk): Promise<void> {
    const { sdkAppId, roomId, userId, userSig } = this.credentials;
    sdk.setLogLevel(LOG_LEVEL_ERROR, false);
    // Our own "tap to unmute" replaces the SDK's dialog.
    const trtc = (this.#trtc = sdk.create({ enableAutoPlayDialog: false }));
    // The SDK plays remote audio itself; the avatar's plays from the element's <video> (so `muted` and the
    // autoplay handling apply). Turned down for every user ('*') before any joins: the SDK starts its
    // playback before it reports the user. (Accepted before joining: it only checks the id is a string.)
    trtc.setRemoteAudioVolume('*', 0);
    // Required to free the instance, after exitRoom (deferred tasks run last in, first out).
    this.defer(() => trtc.destroy());
    // Registered before enterRoom, as the SDK asks, so no event is missed.
    this.#listen(trtc, sdk);
    return trtc.enterRoom({
      sdkAppId,
      userId,
      userSig,
      // Only an anchor may send custom messages and publish the microphone.
      role: sdk.TYPE.ROLE_ANCHOR,
      autoReceiveAudio: true,
      autoReceiveVideo: true,
      enableAutoPlayDialog: false,
      ...(typeof roomId === 'number' ? { roomId } : { strRoomId: roomId }),
    });
  }

  protected async leave(): Promise<void> {
    this.#resumes = [];
    await this.#trtc?.exitRoom();
  }

  protected async transmit(payload: Uint8Array): Promise<void> {
    // Typed as returning nothing, but the SDK's argument checks (size, not joined) reject a returned promise.
    await (this.#trtc!.sendCustomMessage({ cmdId: CUSTOM_MESSAGE_CMD_ID, data: new Uint8Array(payload).buffer }) as unknown);
  }

  async startMicrophone(options?: MicrophoneOptions): Promise<void> {
    const { microphoneConstraints, microphoneError } = await this.microphone();
    const trtc = this.#trtc!;
    try {
      if (this.#micOn) return await trtc.updateLocalAudio({ mute: false });
      // The voice-chat defaults; TRTC takes the device as `microphoneId`.
      const { deviceId, ...option } = microphoneConstraints(options);
      await trtc.startLocalAudio({ publish: true, option: deviceId ? { ...option, microphoneId: deviceId.exact } : option });
      this.#micOn = true;
    } catch (error) {
      // TRTC's error for a device failure is named by its extra code, else (as any other) by the DOMException
      // it wraps; without a name (undefined), microphoneError() reads the error's own.
      throw microphoneError(
        error,
        (this.#is(error, 'DEVICE_ERROR') && MIC_ERROR_NAMES[error.extraCode ?? 0]) ||
          ((error as TrtcError | null)?.originError as { name?: unknown } | undefined)?.name,
      );
    }
    if (this.closed) return this.stopMicrophone();
  }

  // No argument: our own microphone's capture, which the SDK replaces when it captures again after the
  // track ended (or `updateLocalAudio` changed the device).
  microphoneTrack(): MediaStreamTrack | null | undefined {
    return this.#trtc?.getAudioTrack();
  }

  async stopMicrophone(): Promise<void> {
    if (!this.#micOn) return;
    this.#micOn = false;
    // Leaving the room does not stop local capture: this does.
    await this.#trtc?.stopLocalAudio();
  }

  async setMicrophoneMuted(muted: boolean): Promise<void> {
    if (this.#micOn) await this.#trtc?.updateLocalAudio({ mute: muted });
  }

  async resumeAudio(): Promise<void> {
    await Promise.all(this.#resumes.splice(0).map((resume) => resume().catch(() => undefined)));
  }

  // The host and addTrack ignore calls after disconnect() (and nothing is left to remove by then), so
  // the handlers need few checks of their own.
  #listen(trtc: TrtcClient, sdk: TrtcSdk): void {
    const { host } = this;
    const main = sdk.TYPE.STREAM_TYPE_MAIN;
    const addVideo = (userId: string) => this.addTrack(userId, trtc.getVideoTrack({ userId, streamType: main }));
    this.on<TrtcEvents>(
      trtc,
      {
        track: ({ userId, streamType, track }) => {
          // userId '' is our own microphone; the sub stream is screen sharing.
          const type: string | undefined = streamType;
          if (userId === '' || (type !== undefined && type !== main)) return;
          this.addTrack(userId, track);
          // After a media reconnection the SDK has a new video track too, but announces only the audio one.
          if (track.kind === 'audio') addVideo(userId);
        },
        'remote-video-available': ({ userId, streamType }) => {
          const type: string = streamType;
          if (type === main && this.accepts(userId)) addVideo(userId);
        },
        'remote-audio-available': ({ userId }) => {
          if (this.accepts(userId)) this.addTrack(userId, trtc.getAudioTrack(userId));
        },
        'remote-video-unavailable': ({ userId, streamType }) => {
          const type: string = streamType;
          if (type === main) this.removeTrack(userId, 'video');
        },
        'remote-audio-unavailable': ({ userId }) => this.removeTrack(userId, 'audio'),
        'remote-user-exit': ({ userId }) => this.left(userId),
        'custom-message': ({ data }) => host.data(new Uint8Array(data)),
        'autoplay-failed': ({ resume }) => {
          if (this.closed) return;
          this.#resumes.push(resume);
          host.audioBlocked(true);
        },
        'connection-state-changed': ({ state }) => {
          if (!this.joined) return;
          // A dropped connection reads CONNECTED → DISCONNECTED → CONNECTING → CONNECTED while the SDK
          // reconnects by itself; its giving up is an `error` (below).
          // `ConnectionState` is a const enum: compare its string values.
          if ((state as string) === 'CONNECTED' || (state as string) === 'RECONNECTED') this.reconnected();
          else this.reconnecting();
        },
        'kicked-out': ({ reason }) => {
          if (!this.joined) return;
          // A disbanded room is the vendor closing it, not an error.
          host.disconnected(
            'vendor',
            (reason as string) === 'room_disband'
              ? undefined
              : new AvatarError('transport-disconnected', `The TRTC server removed this client from the room (${reason}).`),
          );
        },
        error: (error) => {
          // Room errors the SDK could not recover from (it has left the room). A decoding failure leaves the
          // session up, and so does a microphone it could not capture again on any device (DEVICE_ERROR).
          if (!this.joined || NON_FATAL_EXTRA_CODES.includes((error as TrtcError).extraCode ?? 0)) return;
          if (this.#is(error, 'DEVICE_ERROR')) host.warning(this.fail(error, 'mic-failed', 'The microphone stopped'));
          else if (this.#tokenExpired(error)) host.disconnected('timeout', this.fail(error, 'transport-token-expired', 'The TRTC userSig expired'));
          else host.disconnected('network', this.fail(error, 'transport-disconnected', 'The connection to the avatar was lost'));
        },
      },
    );
  }

  /** Whether `error` is the SDK's error with this code. */
  #is(error: unknown, code: keyof TrtcSdk['ERROR_CODE']): error is TrtcError {
    // The SDK is loaded by then. Its codes are 5000 and up: a DOMException's small numeric `code` never matches.
    return (error as TrtcError | null)?.code === this.sdk!.ERROR_CODE[code];
  }

  /** The server's code is the error's `extraCode`, or its origin's when the scheduler refused the userSig. */
  #tokenExpired(error: unknown): boolean {
    const { extraCode, originError } = isTrtcError(error) ? error : {};
    return [extraCode, (originError as TrtcError | undefined)?.extraCode].some((code) => USER_SIG_EXPIRED.includes(code ?? 0));
  }

  protected joinError(error: unknown): AvatarError {
    if (this.#tokenExpired(error)) return this.fail(error, 'transport-token-expired', 'The TRTC userSig expired');
    if (this.#is(error, 'OPERATION_ABORT')) return this.fail(error, 'aborted', 'The TRTC join was cancelled');
    return this.fail(error, 'transport-join-failed', 'Could not enter the TRTC room');
  }
}

/** The plugin with an SDK seam: tests pass a fake module as `load`. */
export function createTrtcTransport(options: TransportOptions, load: () => Promise<TrtcSdk> = loadTrtcSdk): Transport {
  return new TrtcTransport(options, load);
}

/**
 * `createTransport` is the plugin seam with the real SDK. `preload`: the SDK is the large download, fetched
 * alongside the token request (module imports are cached).
 */
export { createTrtcTransport as createTransport, loadTrtcSdk as preload };
