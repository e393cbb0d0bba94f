import type { AvatarError } from '../errors/avatar-error.js';
import type { SessionDescription } from '../session/session-description.js';
import type { EndedReason, InterruptResult, SessionConfig, SpeakMode } from '../session/session-types.js';
import type { DataInfo, Transport, TransportKind } from '../transports/transport.js';

/**
 * The seam every vendor implements in the browser. An adapter turns the element's commands into the
 * vendor's REST calls or data messages, and the vendor's messages into the element's events. It never
 * sees an account key: only what the server put in the session description.
 */

export interface Transcript {
  role: 'avatar' | 'user';
  text: string;
  /** `false` for a partial (streamed) chunk, `true` when the utterance is complete. */
  final: boolean;
}

/** What an adapter reports. The session turns these into the element's events and attributes. */
export interface ProviderEvents {
  speakStart(): void;
  speakEnd(): void;
  transcript(transcript: Transcript): void;
  /** A failure that does not end the session (a rejected command, a bad message). */
  error(error: AvatarError): void;
  /** The vendor ended the session (idle timeout, duration reached, closed by the vendor). */
  ended(reason: EndedReason, error?: AvatarError): void;
}

export interface ProviderContext {
  description: SessionDescription;
  config: SessionConfig;
  transport: Transport;
  events: ProviderEvents;
  /** The element's `<video>`, for adapters that derive speaking state from the avatar's audio. */
  video: HTMLVideoElement;
  /** Aborted when the session is torn down: pass it to every request. */
  signal: AbortSignal;
  fetch: typeof fetch;
}

export interface ProviderAdapter {
  /** Longest text one `speak()` call takes; longer texts are split at sentence boundaries, in order. */
  readonly maxTextLength?: number;
  /** Runs after the session description arrives and before the transport joins (HeyGen `streaming.start`). */
  beforeConnect?(): Promise<void>;
  /** Runs once the transport has joined (Akool `set-params`). */
  afterConnect?(): Promise<void>;
  /** A data message from the transport, with its topic and sender where the transport says them. */
  receive(payload: Uint8Array, info?: DataInfo): void;
  speak(text: string, mode: SpeakMode): Promise<void>;
  interrupt(): Promise<InterruptResult>;
  /** Resets the vendor's idle timer, where the vendor has one. */
  keepAlive?(): Promise<void>;
  /** The microphone is now published: tell the vendor to listen (where it needs telling). */
  startVoiceChat?(options: { pushToTalk: boolean }): Promise<void>;
  stopVoiceChat?(): Promise<void>;
  /** Push-to-talk: the user pressed (`true`) or released (`false`) the talk control. */
  pushToTalk?(talking: boolean): Promise<void>;
  /** Vendor-side cleanup the browser may do itself (the server's stop route is called separately). */
  close?(): Promise<void>;
  /** Releases timers and listeners. */
  dispose(): void;
}

export interface ProviderModule {
  createProvider(context: ProviderContext): ProviderAdapter;
}

/** How the element finds a provider before any of its code is loaded. */
export interface ProviderEntry {
  /** The transport the session will most likely use, so its import overlaps the token request. */
  expectedTransport(config: SessionConfig): TransportKind;
  /** Whether sessions come from a token endpoint (every vendor) or are made in the page (`local`). */
  needsServer: boolean;
  load(): Promise<ProviderModule>;
}
