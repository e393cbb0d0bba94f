import type {
  BannedReason,
  ConnectionState,
  CustomMessageData,
  EnterRoomConfig,
  LocalAudioConfig,
  LOG_LEVEL,
  TRTCOptions,
  TRTCStreamType,
  UpdateLocalAudioConfig,
  UserRole,
} from 'trtc-sdk-v5';
import type { TrtcClient, TrtcError, TrtcEvents, TrtcSdk } from '../../src/transports/trtc.js';
import { FakeEmitter } from './emitter.js';
import { createFakeMedia, type FakeMedia, openFakeMicrophone } from './media.js';

/**
 * A fake `trtc-sdk-v5` default export (`TRTC`) for the plugin's SDK seam. It is declared
 * `satisfies TrtcSdk`, the surface the plugin declares from the SDK's own types (and that the real module
 * is checked against); event payloads are the SDK's `TRTCEventTypes`. Remote media are real tracks (canvas,
 * WebAudio); the microphone is Chromium's fake device.
 */

// The SDK's const enums cannot be read as values here; these are their declared values.
const ROLE_ANCHOR = 'anchor' as UserRole.ANCHOR;
const MAIN = 'main' as TRTCStreamType.Main;
const SUB = 'sub' as TRTCStreamType.Sub;
export const ERROR_CODE = { INVALID_PARAMETER: 5000, INVALID_OPERATION: 5100, DEVICE_ERROR: 5300, SERVER_ERROR: 5400, OPERATION_FAILED: 5500, OPERATION_ABORT: 5998 };

/** The SDK's `RtcError`, as far as the plugin reads it. */
export class FakeRtcError extends Error implements TrtcError {
  override readonly name = 'RtcError';
  readonly functionName = 'enterRoom';
  constructor(
    readonly code: number,
    readonly extraCode: number | undefined,
    message: string,
    readonly originError?: Error,
  ) {
    super(message);
  }
}

export interface TrtcFakeOptions {
  /** How `enterRoom()` goes: refused for an expired userSig, refused, or never settling. */
  join?: 'ok' | 'token-expired' | 'rejected' | 'hang';
  /** Publish an avatar (audio, then video) with this userId right after entering; null for none. */
  avatarUserId?: string | null;
  /** The DOMException behind the DEVICE_ERROR `startLocalAudio()` rejects with. */
  micError?: 'NotAllowedError' | 'NotFoundError';
  /** The SDK's own (silenced) audio player is refused autoplay: AUTOPLAY_FAILED with a resume(). */
  autoplayBlocked?: boolean;
}

export class FakeTrtcClient extends FakeEmitter<TrtcEvents> implements TrtcClient {
  entered?: EnterRoomConfig;
  exitCalls = 0;
  destroyed = false;
  readonly sent: CustomMessageData[] = [];
  readonly volumes = new Map<string, number>();
  localAudio?: { config?: LocalAudioConfig; track: MediaStreamTrack };
  resumeCalls = 0;
  private inRoom = false;
  private readonly users = new Map<string, { media: FakeMedia; subscribed: boolean }>();
  private cancelJoin?: (error: Error) => void;

  constructor(
    readonly options: TRTCOptions | undefined,
    private readonly fake: TrtcFakeOptions,
  ) {
    super();
  }

  enterRoom = (config: EnterRoomConfig): Promise<void> => {
    this.entered = config;
    switch (this.fake.join ?? 'ok') {
      case 'token-expired':
        return Promise.reject(new FakeRtcError(ERROR_CODE.SERVER_ERROR, 70001, `enterRoom failed: userSig ${config.userSig} expired`));
      case 'rejected':
        return Promise.reject(new FakeRtcError(ERROR_CODE.OPERATION_FAILED, 5501, `schedule failed for ${config.userSig}`));
      case 'hang':
        return new Promise<void>((_resolve, reject) => (this.cancelJoin = reject));
      default: {
        this.inRoom = true;
        const avatar = this.fake.avatarUserId === undefined ? 'avatar' : this.fake.avatarUserId;
        if (avatar !== null) void Promise.resolve().then(() => this.publishUser(avatar));
        return Promise.resolve();
      }
    }
  };

  exitRoom = async (): Promise<void> => {
    this.exitCalls++;
    this.cancelJoin?.(new FakeRtcError(ERROR_CODE.OPERATION_ABORT, undefined, 'enterRoom aborted by exitRoom'));
    this.cancelJoin = undefined;
    this.inRoom = false;
    for (const { media } of this.users.values()) media.stop();
    this.users.clear();
    // Like the SDK: leaving the room does not stop local capture.
  };

  destroy = (): void => {
    if (this.inRoom) throw new FakeRtcError(ERROR_CODE.INVALID_OPERATION, 5104, 'destroy() before exitRoom()');
    this.destroyed = true;
  };

  /** Like the SDK: typed as returning nothing, but its argument checks reject a returned promise. */
  sendCustomMessage = (message: CustomMessageData): void => {
    const refuse = (error: Error) => Promise.reject(error) as unknown as void;
    if (message.data.byteLength > 1000) return refuse(new FakeRtcError(ERROR_CODE.INVALID_PARAMETER, 5018, 'arraybuffer oversize'));
    if (message.data.byteLength === 0) return refuse(new FakeRtcError(ERROR_CODE.INVALID_PARAMETER, 5017, 'empty arraybuffer'));
    if (!this.inRoom || this.entered?.role !== ROLE_ANCHOR) return refuse(new FakeRtcError(ERROR_CODE.INVALID_OPERATION, 5101, 'not in the room'));
    this.sent.push(message);
  };

  startLocalAudio = async (config?: LocalAudioConfig): Promise<void> => {
    if (this.fake.micError) {
      const origin = new DOMException('Microphone unavailable', this.fake.micError);
      throw new FakeRtcError(ERROR_CODE.DEVICE_ERROR, this.fake.micError === 'NotAllowedError' ? 5302 : 5301, origin.message, origin);
    }
    const option = config?.option;
    const track = await openFakeMicrophone({
      echoCancellation: option?.echoCancellation !== false,
      noiseSuppression: option?.noiseSuppression,
      autoGainControl: option?.autoGainControl,
    });
    this.localAudio = { config, track };
    // The SDK reports our own track too, with userId ''.
    this.emit('track', { userId: '', track, sourceTrack: track });
  };

  /**
   * The SDK's capture again after our microphone's track ended (device unplugged or failed): a new
   * MediaStreamTrack replaces the local one, reported with `track` (userId ''). With `fail`, no device could
   * be captured: the track stays ended and the SDK emits DEVICE_ERROR 5309.
   */
  async recaptureMic({ fail = false } = {}): Promise<MediaStreamTrack | undefined> {
    const local = this.localAudio!;
    local.track.stop();
    if (fail) {
      this.emit('error', new FakeRtcError(ERROR_CODE.DEVICE_ERROR, 5309, 'recapture failed: NotReadableError: Could not start audio source'));
      return undefined;
    }
    local.track = await openFakeMicrophone(local.track.getConstraints());
    this.emit('track', { userId: '', track: local.track, sourceTrack: local.track });
    return local.track;
  }

  updateLocalAudio = async (config: UpdateLocalAudioConfig): Promise<void> => {
    if (this.localAudio && typeof config.mute === 'boolean') this.localAudio.track.enabled = !config.mute;
  };

  stopLocalAudio = async (): Promise<void> => {
    this.localAudio?.track.stop();
    this.localAudio = undefined;
  };

  getAudioTrack = (configOrUserId?: { userId?: string } | string): MediaStreamTrack | null => {
    const userId = typeof configOrUserId === 'string' ? configOrUserId : configOrUserId?.userId;
    if (!userId) return this.localAudio?.track ?? null;
    const user = this.users.get(userId);
    return user?.subscribed ? user.media.audio : null;
  };

  getVideoTrack = (config?: { userId?: string; streamType?: TRTCStreamType }): MediaStreamTrack | null => {
    const user = config?.userId ? this.users.get(config.userId) : undefined;
    return user && config?.streamType === MAIN ? user.media.video : null;
  };

  setRemoteAudioVolume = (userId: string, volume: number): void => {
    this.volumes.set(userId, volume);
  };

  /**
   * A remote user publishes: audio becomes available before it is subscribed (its track arrives with the
   * TRACK event), video is readable with getVideoTrack() at once; a screen share comes along on `sub`.
   */
  publishUser(userId: string, hue = 210): FakeMedia {
    const media = createFakeMedia({ hue });
    const user = { media, subscribed: false };
    this.users.set(userId, user);
    this.emit('remote-audio-available', { userId });
    user.subscribed = true;
    this.emit('track', { userId, track: media.audio, sourceTrack: media.audio });
    if (this.fake.autoplayBlocked) {
      this.emit('autoplay-failed', { userId, mediaType: 'audio', resume: async () => void this.resumeCalls++ });
    }
    this.emit('track', { userId, streamType: SUB, track: media.video, sourceTrack: media.video });
    this.emit('remote-video-available', { userId, streamType: MAIN });
    return media;
  }

  /**
   * A media reconnection, as the SDK runs it: a new peer connection gives every remote user new tracks, but
   * only the audio one is announced (`track`); the new video is readable with getVideoTrack().
   */
  rebuild(userId: string): FakeMedia {
    const user = this.users.get(userId)!;
    user.media.stop();
    user.media = createFakeMedia({});
    this.emit('track', { userId, streamType: MAIN, track: user.media.audio, sourceTrack: user.media.audio });
    return user.media;
  }

  userExits(userId: string): void {
    const user = this.users.get(userId);
    if (!user) return;
    this.users.delete(userId);
    this.emit('remote-video-unavailable', { userId, streamType: MAIN });
    this.emit('remote-audio-unavailable', { userId });
    user.media.stop();
    this.emit('remote-user-exit', { userId });
  }

  receive(userId: string, payload: Uint8Array, seq = 1): void {
    this.emit('custom-message', { userId, cmdId: 1, seq, data: new Uint8Array(payload).buffer });
  }

  /**
   * A signalling state change, as the SDK reports it: a dropped connection reads CONNECTED → DISCONNECTED →
   * CONNECTING (`isReconnecting`) → CONNECTED, and remote media keeps flowing meanwhile.
   */
  connection(state: `${ConnectionState}`, prevState: `${ConnectionState}`, isReconnecting?: boolean): void {
    this.emit('connection-state-changed', {
      state: state as ConnectionState,
      prevState: prevState as ConnectionState,
      ...(state === 'CONNECTING' ? { isReconnecting: Boolean(isReconnecting) } : {}),
    });
  }

  kick(reason: 'kick' | 'banned' | 'room_disband'): void {
    this.emit('kicked-out', { reason: reason as Exclude<BannedReason, BannedReason.USER_TIME_OUT> });
  }
}

export interface FakeTrtc {
  sdk: TrtcSdk;
  clients: FakeTrtcClient[];
  readonly client: FakeTrtcClient;
  logLevels: { level: number; upload?: boolean }[];
}

export function createFakeTrtc(options: TrtcFakeOptions = {}): FakeTrtc {
  const fake: FakeTrtc = {
    clients: [],
    logLevels: [],
    get client() {
      const client = this.clients[0];
      if (!client) throw new Error('No TRTC instance was created');
      return client;
    },
    sdk: {
      create(createOptions?: TRTCOptions) {
        const client = new FakeTrtcClient(createOptions, options);
        fake.clients.push(client);
        return client;
      },
      setLogLevel(level: LOG_LEVEL, enableUploadLog?: boolean) {
        fake.logLevels.push({ level, upload: enableUploadLog });
      },
      TYPE: { ROLE_ANCHOR, STREAM_TYPE_MAIN: MAIN },
      ERROR_CODE,
    } satisfies TrtcSdk,
  };
  return fake;
}
