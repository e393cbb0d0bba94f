import type { TransportKind } from '../transports/transport.js';

/** The element's read-only `state` attribute. */
export const AVATAR_STATES = ['idle', 'connecting', 'connected', 'reconnecting', 'ended', 'error'] as const;
export type AvatarState = (typeof AVATAR_STATES)[number];

/** Why a session ended (`avatar-ended` detail). */
export const ENDED_REASONS = ['user', 'timeout', 'idle', 'vendor', 'network', 'error'] as const;
export type EndedReason = (typeof ENDED_REASONS)[number];

export type Quality = 'high' | 'medium' | 'low';
export type VideoEncoding = 'H264' | 'VP8';
export type SpeakMode = 'repeat' | 'chat';
export type InterruptResult = 'ok' | 'unsupported';

export interface SpeakOptions {
  /** `repeat` says the text verbatim; `chat` asks the vendor's LLM / knowledge base. */
  mode?: SpeakMode;
}

/** Everything a session needs from the element, read once when it starts. */
export interface SessionConfig {
  provider: string;
  avatarId?: string;
  quality?: Quality;
  videoEncoding?: VideoEncoding;
  voiceId?: string;
  voiceRate?: number;
  language?: string;
  /** Akool only: which transport the vendor should use. */
  streamType?: TransportKind;
  /** Seconds without activity after which the vendor may end the session (vendors that accept it). */
  idleTimeout?: number;
  tokenUrl?: string;
  /** Milliseconds the token endpoint may take. */
  tokenTimeout: number;
  sessionParams?: Record<string, unknown>;
  fetchSession?: FetchSession;
  stopSession?: StopSession;
}

/**
 * The JSON the element POSTs to `token-url`. Unset fields are omitted; `sessionParams` is
 * merged last so a page can add vendor options the attributes do not cover.
 */
export interface SessionRequest {
  provider: string;
  /** Made per create attempt (`crypto.randomUUID()`): names this create to the server, e.g. in a pagehide stop. */
  requestId?: string;
  avatarId?: string;
  quality?: Quality;
  videoEncoding?: VideoEncoding;
  voice?: { voiceId?: string; rate?: number };
  language?: string;
  streamType?: TransportKind;
  idleTimeout?: number;
  [extra: string]: unknown;
}

/**
 * Replaces the HTTP call to `token-url`, for apps that already have an authenticated client. `signal` aborts
 * only when the element stops reading the answer (60 s); a session that comes back after the element stopped
 * wanting it is stopped at once through `stopSession` (or `<token-url>/stop`).
 */
export type FetchSession = (request: SessionRequest, init: { signal: AbortSignal }) => Promise<unknown>;

/**
 * Replaces the POST to `<token-url>/stop` (pair it with `fetchSession`). It gets the create's `requestId`
 * and, when the create answer carried one, its `stopToken`: send both to the server.
 */
export type StopSession = (session: { provider: string; sessionId: string; requestId?: string; stopToken?: string }) => Promise<void>;

/** The `detail` of `avatar-voice-chat-change`, and the element's view of voice chat. */
export interface VoiceChatState {
  active: boolean;
  pushToTalk: boolean;
  /** The microphone is published but silenced (muted, or push-to-talk not held). */
  micMuted: boolean;
}

export interface VoiceChatOptions {
  /** Hold-to-talk: the microphone is silent until `pushToTalk(true)`. */
  pushToTalk?: boolean;
  /** Interrupt the avatar when the user starts talking over it (default true). */
  bargeIn?: boolean;
}
