import type {
  AgoraRTCErrorCode,
  ClientConfig,
  ConnectionDisconnectedReason,
  ConnectionState,
  IAgoraRTCClient,
  IAgoraRTCError,
  MicrophoneAudioTrackInitConfig,
  UID,
} from 'agora-rtc-sdk-ng';
import type {
  AgoraClient,
  AgoraClientEvents,
  AgoraMicrophoneTrack,
  AgoraMicTrackEvents,
  AgoraRemoteTrackEvents,
  AgoraSdk,
} from '../../src/transports/agora.js';
import { FakeEmitter } from './emitter.js';
import { createFakeMedia, type FakeMedia, openFakeMicrophone } from './media.js';

/**
 * A fake `agora-rtc-sdk-ng` default export (`AgoraRTC`) for the plugin's SDK seam. It is declared
 * `satisfies AgoraSdk<…>`, the surface the plugin declares from the SDK's own types (and that the real
 * module is checked against), so an SDK API change breaks the build of this fake. Remote media are real
 * tracks (canvas, WebAudio); the microphone is Chromium's fake device.
 */

type ErrorCode = `${AgoraRTCErrorCode}`;

/** The SDK's `AgoraRTCException`; its code must be one of the SDK's `AgoraRTCErrorCode` values. */
export class FakeAgoraError extends Error implements Pick<IAgoraRTCError, 'name' | 'message'> {
  override readonly name = 'AgoraRTCException';
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(`AgoraRTCError ${code}: ${message}`);
  }
}

export interface AgoraFakeOptions {
  /** How `join()` goes: refused for an expired token, refused, or never settling (as offline). */
  join?: 'ok' | 'token-expired' | 'rejected' | 'hang';
  /** Publish an avatar (audio, then video) with this uid right after joining; null for none. */
  avatarUid?: UID | null;
  /** The error `createMicrophoneAudioTrack()` rejects with. */
  micError?: 'PERMISSION_DENIED' | 'DEVICE_NOT_FOUND';
}

/** The SDK's microphone track: one object; `setDevice()` puts a new MediaStreamTrack under it. */
export class FakeMicTrack extends FakeEmitter<AgoraMicTrackEvents & AgoraRemoteTrackEvents> implements AgoraMicrophoneTrack {
  muted = false;
  closed = false;
  constructor(
    public track: MediaStreamTrack,
    readonly config: MicrophoneAudioTrackInitConfig | undefined,
  ) {
    super();
  }

  /** As the SDK's `setDevice()`/`renewMediaStreamTrack()`: stops the old capture (no `ended`), captures anew. */
  async setDevice(deviceId: string): Promise<void> {
    this.track.stop();
    const { config } = this;
    this.track = await openFakeMicrophone({ deviceId, echoCancellation: config?.AEC, noiseSuppression: config?.ANS, autoGainControl: config?.AGC });
    this.track.enabled = !this.muted;
    this.emit('track-updated', this.track);
  }

  /** The device went (unplugged, failed, permission revoked): the capture ends and the SDK says `track-ended`. */
  unplug(): void {
    this.track.stop();
    this.emit('track-ended');
  }

  async setMuted(muted: boolean): Promise<void> {
    this.muted = muted;
    this.track.enabled = !muted;
  }

  close(): void {
    this.closed = true;
    this.track.stop();
  }

  getMediaStreamTrack(): MediaStreamTrack {
    return this.track;
  }
}

/** A remote track: the SDK keeps the object and swaps its MediaStreamTrack after a reconnection. */
export class FakeRemoteTrack extends FakeEmitter<AgoraRemoteTrackEvents> {
  constructor(public track: MediaStreamTrack) {
    super();
  }

  getMediaStreamTrack(): MediaStreamTrack {
    return this.track;
  }

  replace(track: MediaStreamTrack): void {
    this.track = track;
    this.emit('track-updated', track);
  }
}

export class FakeAgoraClient extends FakeEmitter<AgoraClientEvents> implements AgoraClient<FakeMicTrack> {
  joined?: { appId: string; channel: string; token: string | null; uid: UID | null | undefined };
  leaveCalls = 0;
  readonly sent: { message: Uint8Array; needRetry?: boolean }[] = [];
  readonly published: FakeMicTrack[] = [];
  readonly subscribed: { uid: UID; mediaType: string }[] = [];
  private readonly users = new Map<UID, FakeMedia>();
  /** The remote tracks handed out, by user and kind. */
  private readonly remoteTracks = new Map<string, FakeRemoteTrack>();
  private cancelJoin?: (error: Error) => void;

  constructor(
    readonly config: ClientConfig,
    private readonly fake: AgoraFakeOptions,
  ) {
    super();
  }

  join: IAgoraRTCClient['join'] = (appId, channel, token, uid) => {
    this.joined = { appId, channel, token, uid };
    switch (this.fake.join ?? 'ok') {
      case 'token-expired':
        return Promise.reject(new FakeAgoraError('CAN_NOT_GET_GATEWAY_SERVER', `flag: 4096, message: dynamic key expired (token ${token})`));
      case 'rejected':
        return Promise.reject(new FakeAgoraError('CAN_NOT_GET_GATEWAY_SERVER', `invalid vendor key, can not find appid (token ${token})`));
      case 'hang':
        // Offline, the SDK keeps retrying gateways; only leave() ends the attempt.
        return new Promise<UID>((_resolve, reject) => (this.cancelJoin = reject));
      default: {
        const avatar = this.fake.avatarUid === undefined ? 1001 : this.fake.avatarUid;
        if (avatar !== null) void Promise.resolve().then(() => this.publishUser(avatar));
        return Promise.resolve(uid ?? 7);
      }
    }
  };

  leave: IAgoraRTCClient['leave'] = async () => {
    this.leaveCalls++;
    this.cancelJoin?.(new FakeAgoraError('OPERATION_ABORTED', 'cancel token canceled'));
    this.cancelJoin = undefined;
    for (const media of this.users.values()) media.stop();
    this.users.clear();
    this.emit('connection-state-change', 'DISCONNECTED', 'CONNECTED', 'LEAVE' as ConnectionDisconnectedReason);
  };

  subscribe(uid: UID, mediaType: 'video'): Promise<FakeRemoteTrack>;
  subscribe(uid: UID, mediaType: 'audio'): Promise<FakeRemoteTrack>;
  async subscribe(uid: UID, mediaType: 'audio' | 'video'): Promise<FakeRemoteTrack> {
    const media = this.users.get(uid);
    if (!media) throw new FakeAgoraError('INVALID_REMOTE_USER', `user ${uid} is not in the channel`);
    this.subscribed.push({ uid, mediaType });
    const track = new FakeRemoteTrack(mediaType === 'video' ? media.video : media.audio);
    this.remoteTracks.set(`${uid}/${mediaType}`, track);
    return track;
  }

  /**
   * A network drop the SDK recovers from, as it does it: the old remote tracks stop, RECONNECTING, then
   * CONNECTED, and each remote track object gets a new MediaStreamTrack (`track-updated`), with no new
   * `user-published`.
   */
  reconnectMedia(uid: UID): FakeMedia {
    const old = this.users.get(uid);
    old?.stop();
    this.state('RECONNECTING', 'CONNECTED');
    const media = createFakeMedia({});
    this.users.set(uid, media);
    this.state('CONNECTED', 'RECONNECTING');
    this.remoteTracks.get(`${uid}/audio`)?.replace(media.audio);
    this.remoteTracks.get(`${uid}/video`)?.replace(media.video);
    return media;
  }

  /** Listeners still registered on the remote tracks handed out. */
  remoteTrackListeners(): number {
    return [...this.remoteTracks.values()].reduce((sum, track) => sum + track.listenerCount(), 0);
  }

  async publish(track: FakeMicTrack): Promise<void> {
    this.published.push(track);
  }

  async unpublish(track: FakeMicTrack): Promise<void> {
    const index = this.published.indexOf(track);
    if (index >= 0) this.published.splice(index, 1);
  }

  async sendStreamMessage(message: Uint8Array, needRetry?: boolean): Promise<void> {
    if (message.byteLength > 1024) throw new FakeAgoraError('INVALID_PARAMS', 'stream message out of range');
    this.sent.push({ message, needRetry });
  }

  /** A remote user publishes audio, then video. */
  publishUser(uid: UID, hue = 210): FakeMedia {
    const media = createFakeMedia({ hue });
    this.users.set(uid, media);
    this.emit('user-published', { uid }, 'audio');
    this.emit('user-published', { uid }, 'video');
    return media;
  }

  userLeaves(uid: UID): void {
    const media = this.users.get(uid);
    if (!media) return;
    this.users.delete(uid);
    this.emit('user-unpublished', { uid }, 'video');
    this.emit('user-unpublished', { uid }, 'audio');
    media.stop();
    this.emit('user-left', { uid }, 'Quit');
  }

  receive(uid: UID, payload: Uint8Array): void {
    this.emit('stream-message', uid, payload);
  }

  state(current: ConnectionState, previous: ConnectionState, reason?: `${ConnectionDisconnectedReason}`): void {
    if (current === 'DISCONNECTED') {
      for (const media of this.users.values()) media.stop();
      this.users.clear();
    }
    this.emit('connection-state-change', current, previous, reason as ConnectionDisconnectedReason | undefined);
  }
}

export interface FakeAgora {
  sdk: AgoraSdk<FakeMicTrack>;
  clients: FakeAgoraClient[];
  readonly client: FakeAgoraClient;
  mics: FakeMicTrack[];
  logLevels: number[];
  logUploadDisabled: boolean;
  resumeCalls: number;
  /** Listeners on the page-wide `AgoraRTC` emitter (autoplay-failed). */
  global: FakeEmitter<{ 'autoplay-failed': () => void }>;
}

export function createFakeAgora(options: AgoraFakeOptions = {}): FakeAgora {
  const global = new FakeEmitter<{ 'autoplay-failed': () => void }>();
  const fake: FakeAgora = {
    clients: [],
    mics: [],
    logLevels: [],
    logUploadDisabled: false,
    resumeCalls: 0,
    global,
    get client() {
      const client = this.clients[0];
      if (!client) throw new Error('No client was created');
      return client;
    },
    sdk: {
      createClient(config: ClientConfig) {
        const client = new FakeAgoraClient(config, options);
        fake.clients.push(client);
        return client;
      },
      async createMicrophoneAudioTrack(config?: MicrophoneAudioTrackInitConfig) {
        if (options.micError) throw new FakeAgoraError(options.micError, 'NotAllowedError: Permission denied');
        const track = new FakeMicTrack(
          await openFakeMicrophone({ echoCancellation: config?.AEC, noiseSuppression: config?.ANS, autoGainControl: config?.AGC }),
          config,
        );
        fake.mics.push(track);
        return track;
      },
      on: (event: 'autoplay-failed', listener: () => void) => global.on(event, listener),
      off: (event: 'autoplay-failed', listener: () => void) => global.off(event, listener),
      disableLogUpload: () => {
        fake.logUploadDisabled = true;
      },
      setLogLevel: (level: number) => {
        fake.logLevels.push(level);
      },
      resumeAudioContext: () => {
        fake.resumeCalls++;
      },
    } satisfies AgoraSdk<FakeMicTrack>,
  };
  return fake;
}
