import type { AvatarError } from '../errors/avatar-error.js';
import type { EndedReason, VideoEncoding } from '../session/session-types.js';

/**
 * The seam every real-time transport implements. A transport joins a room with the credentials the
 * server handed out, puts the avatar's remote audio and video on the element's one `<video>`, and
 * carries data messages for the provider adapter. It knows nothing about vendors.
 */

export const TRANSPORT_KINDS = ['livekit', 'agora', 'trtc', 'local'] as const;
export type TransportKind = (typeof TRANSPORT_KINDS)[number];

export interface LiveKitCredentials {
  kind: 'livekit';
  url: string;
  token: string;
  /** Identity of the avatar participant, where the vendor says it. Otherwise: the remote that publishes video. */
  avatarIdentity?: string;
}

export interface AgoraCredentials {
  kind: 'agora';
  appId: string;
  channel: string;
  token: string | null;
  /** Our uid, unchanged from the vendor: string and numeric uids are different identities. */
  uid: number | string;
  avatarUid?: number | string;
}

export interface TrtcCredentials {
  kind: 'trtc';
  sdkAppId: number;
  /** A string room id joins with `strRoomId`, a number with `roomId`. */
  roomId: string | number;
  userId: string;
  userSig: string;
  avatarUserId?: string;
}

export interface LocalCredentials {
  kind: 'local';
  /** Which message protocol the in-page avatar speaks on the data channel (default `local`). */
  protocol?: string;
  [option: string]: unknown;
}

export type TransportCredentials = LiveKitCredentials | AgoraCredentials | TrtcCredentials | LocalCredentials;

export interface MicrophoneOptions {
  deviceId?: string;
  echoCancellation?: boolean;
  noiseSuppression?: boolean;
  autoGainControl?: boolean;
}

/** Where a data message came from, as far as the transport knows. */
export interface DataInfo {
  /** The message's topic (LiveKit). */
  topic?: string;
  /** The sender's identity (LiveKit), user id (TRTC) or uid (Agora). */
  from?: string;
}

export interface SendOptions {
  /** The message's topic, where the transport has topics (LiveKit); others ignore it. */
  topic?: string;
}

/** What a transport reports back. Calls after `disconnect()` are ignored by the session. */
export interface TransportHost {
  /** Remote avatar tracks were attached to (or removed from) the `<video>`; the session (re)starts playback. */
  mediaChanged(): void;
  /** A data message from the avatar's side. */
  data(payload: Uint8Array, info?: DataInfo): void;
  /** The SDK could not start audio without a user gesture (`true`), or audio now plays (`false`). */
  audioBlocked(blocked: boolean): void;
  /** The connection dropped and the SDK is trying to get it back. */
  reconnecting(): void;
  /** The connection is back. */
  reconnected(): void;
  /** The room credential expires soon (the session may end shortly). */
  tokenExpiring(): void;
  /** The transport ended without being asked to (network loss, kicked, room closed, token expired). */
  disconnected(reason: EndedReason, error?: AvatarError): void;
  /**
   * A problem the session survives, reported to the page as a non-fatal `avatar-error` (whatever the
   * error's own `fatal`). A microphone code (`mic-*`) says the published microphone is gone for good (the
   * SDK could not capture it again): voice chat ends.
   */
  warning(error: AvatarError): void;
}

export interface TransportOptions<C extends TransportCredentials = TransportCredentials> {
  credentials: C;
  /** The element's one `<video>`. Pass this reference to SDKs; ids do not resolve inside shadow DOM. */
  video: HTMLVideoElement;
  /** A container in the shadow DOM, for SDKs that insist on rendering into a `<div>`. */
  container: HTMLElement;
  videoEncoding: VideoEncoding;
  host: TransportHost;
  /** How long `connect()` may take before it fails with `transport-join-timeout`. */
  joinTimeoutMs: number;
}

export interface Transport {
  readonly kind: TransportKind;
  /** Largest data message `send()` accepts, in encoded bytes. */
  readonly maxMessageBytes: number;
  /** Joins the room. Rejects with an AvatarError (`transport-join-failed`, `transport-join-timeout`, `aborted`). */
  connect(signal: AbortSignal): Promise<void>;
  /** Sends one data message reliably. Rejects with `transport-data-too-large` above `maxMessageBytes`. */
  send(payload: Uint8Array, options?: SendOptions): Promise<void>;
  /**
   * Publishes the microphone. Rejects with `mic-denied`, `mic-not-found`, `insecure-context` or `mic-failed`.
   * A transport without `microphoneTrack()` may resolve with the published track instead (read once).
   */
  startMicrophone(options?: MicrophoneOptions): Promise<MediaStreamTrack | void>;
  /**
   * The published microphone's *current* MediaStreamTrack, where the SDK exposes it (barge-in listens to
   * it). SDKs replace it under a published microphone (a device change, a capture again after the device
   * failed), so the session reads it again while voice chat runs instead of keeping the first one. Only
   * read between `startMicrophone()` and `stopMicrophone()`.
   */
  microphoneTrack?(): MediaStreamTrack | null | undefined;
  stopMicrophone(): Promise<void>;
  setMicrophoneMuted(muted: boolean): Promise<void>;
  /** Called from a user gesture after `audioBlocked(true)`. */
  resumeAudio(): Promise<void>;
  /** Leaves and releases every peer connection, track, listener and timer. Idempotent. */
  disconnect(): Promise<void>;
}

export interface TransportModule {
  createTransport(options: TransportOptions): Transport;
  /**
   * Starts downloading what `connect()` will need (the SDK), so it loads while the token endpoint answers
   * instead of after it. Failures are left for `connect()` to report.
   */
  preload?(): Promise<unknown>;
}
