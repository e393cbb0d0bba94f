import { AvatarError, toAvatarError } from '../errors/avatar-error.js';
import type { AvatarEventDetailMap, AvatarEventName } from '../events/avatar-events.js';
import type { ProviderAdapter, ProviderEntry, ProviderEvents } from '../providers/provider.js';
import { getProvider } from '../providers/registry.js';
import { detachAll } from '../transports/media.js';
import { loadVoiceActivity } from '../transports/microphone-loader.js';
import { hasTransport, loadTransport, missingTransport } from '../transports/registry.js';
import type { Transport, TransportHost } from '../transports/transport.js';
import { waitForFirstFrame } from './first-frame.js';
import { KeepAlive } from './keep-alive.js';
import { playWithFallback } from './playback.js';
import { localDescription, type SessionDescription } from './session-description.js';
import { longTimeout } from './long-timeout.js';
import { PendingCreate } from './pending-create.js';
import { stopRequestOf, stopVia } from './session-request.js';
import type {
  AvatarState,
  EndedReason,
  InterruptResult,
  SessionConfig,
  SpeakMode,
  VoiceChatOptions,
  VoiceChatState,
} from './session-types.js';
import { splitText } from './split-text.js';
import type { VoiceActivity } from './voice-activity.js';

/** What the controller needs from the element (the view). */
export interface SessionHost {
  readonly video: HTMLVideoElement;
  readonly container: HTMLElement;
  /** The page's mute choice (the `muted` attribute), as opposed to a mute forced by autoplay policy. */
  readonly muted: boolean;
  stateChanged(state: AvatarState, previous: AvatarState): void;
  speakingChanged(speaking: boolean): void;
  audioBlockedChanged(blocked: boolean): void;
  dispatch<K extends AvatarEventName>(name: K, detail: AvatarEventDetailMap[K]): void;
  /** The page's `connect-timeout`, when set: overrides both join and first-frame timeouts. */
  readonly connectTimeoutMs?: number;
  voiceChatChanged(state: VoiceChatState): void;
  /** Milliseconds since the visitor last interacted with the page. */
  idleFor(): number;
}

/** Vendors end idle sessions after this many seconds unless told otherwise (HeyGen's documented default). */
const DEFAULT_IDLE_TIMEOUT_SECONDS = 120;
/** `avatar-session-expiring` fires this long before the limit (or 10 % of the session, if shorter). */
const EXPIRY_WARNING_MS = 30_000;

export interface SessionControllerOptions {
  /** How long a transport may take to join. */
  joinTimeoutMs?: number;
  /** How long after joining the first video frame may take. */
  mediaTimeoutMs?: number;
  fetch?: typeof fetch;
}

interface QueuedSpeech {
  text: string;
  mode: SpeakMode;
  resolve(): void;
  reject(error: AvatarError): void;
}

/** One session attempt and everything it allocated; stale callbacks check `closed`. */
class Session {
  readonly abort = new AbortController();
  /** The create request (server-backed providers); it outlives the session if the session ends first. */
  create?: PendingCreate;
  description?: SessionDescription;
  transport?: Transport;
  provider?: ProviderAdapter;
  ready = false;
  closed = false;
  stopSent = false;
  error?: AvatarError;
  closing: Promise<void> = Promise.resolve();
  readonly queue: QueuedSpeech[] = [];
  /** Cancels the session's timers. */
  readonly timers: (() => void)[] = [];
  keepAlive?: KeepAlive;
  voiceChat?: { pushToTalk: boolean; micMuted: boolean; bargeIn: boolean; activity?: VoiceActivity };
  /** A `startVoiceChat()` still waiting (on the microphone prompt, most often); `stopVoiceChat()` cancels it. */
  voiceChatStart?: { cancelled: boolean; done?: Promise<void> };

  constructor(
    readonly config: SessionConfig,
    readonly entry: ProviderEntry,
  ) {}
}

/** Why a start gave up: the error that ended the session, or the page's stop. */
const stoppedError = (session: Session) => session.error ?? new AvatarError('aborted', 'The session was stopped while it started.');

function nonFatal(error: AvatarError): AvatarError {
  if (!error.fatal) return error;
  return new AvatarError(error.code, error.message, { ...error, fatal: false, cause: error.cause });
}

/**
 * The element's state machine. It owns at most one live session, and moves state only on real events:
 * a call from the page, an answer from the token endpoint, a transport or provider report, a decoded frame.
 */
export class SessionController {
  #current?: Session;
  #starting?: Promise<void>;
  #stateValue: AvatarState = 'idle';
  #lastError?: AvatarError;
  #configError = false;
  #speakingValue = false;
  #audioBlockedValue = false;
  readonly #joinTimeoutMs: number;
  readonly #mediaTimeoutMs: number;
  readonly #fetchImpl: typeof fetch;
  readonly #host: SessionHost;

  constructor(host: SessionHost, options: SessionControllerOptions = {}) {
    this.#host = host;
    this.#joinTimeoutMs = options.joinTimeoutMs ?? 20_000;
    this.#mediaTimeoutMs = options.mediaTimeoutMs ?? 20_000;
    this.#fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  }

  /** The current session, unless it has ended. */
  get #live(): Session | undefined {
    const session = this.#current;
    return session && !session.closed ? session : undefined;
  }

  get state(): AvatarState {
    return this.#stateValue;
  }

  /** The error that put the element in the `error` state, if it is there. */
  get error(): AvatarError | undefined {
    return this.#stateValue === 'error' ? this.#lastError : undefined;
  }

  get speaking(): boolean {
    return this.#speakingValue;
  }

  get audioBlocked(): boolean {
    return this.#audioBlockedValue;
  }

  get sessionId(): string | undefined {
    return this.#live?.description?.sessionId;
  }

  get description(): SessionDescription | undefined {
    return this.#live?.description;
  }

  /** True from `start()` until the session ends (connecting, connected or reconnecting). */
  get active(): boolean {
    return Boolean(this.#live);
  }

  /** Seconds left before the vendor's limit (`expiresAt`), or undefined when none is known. */
  get sessionRemaining(): number | undefined {
    const expiresAt = this.description?.expiresAt;
    if (!expiresAt) return undefined;
    return Math.max(0, Math.round((Date.parse(expiresAt) - Date.now()) / 1000));
  }

  get voiceChat(): VoiceChatState {
    const chat = this.#live?.voiceChat;
    return { active: Boolean(chat), pushToTalk: chat?.pushToTalk ?? false, micMuted: chat?.micMuted ?? false };
  }

  /**
   * Imports the provider adapter and its expected transport ahead of `start()` (the `loading` attribute),
   * so starting does not wait for code. Failures are left for `start()` to report.
   */
  preload(config: SessionConfig): void {
    try {
      const entry = getProvider(config.provider);
      void entry.load().catch(() => undefined);
      void loadTransport(entry.expectedTransport(config)).catch(() => undefined);
    } catch {
      // An unknown provider is reported by the attribute check.
    }
  }

  /**
   * Starts a session. A second call while one is starting returns the same promise, and a call while
   * one is live resolves at once: never two sessions.
   */
  start(config: SessionConfig): Promise<void> {
    if (this.#live) return this.#starting ?? Promise.resolve();
    let entry: ProviderEntry;
    try {
      entry = getProvider(config.provider);
    } catch (error) {
      const avatarError = toAvatarError(error, 'unknown-provider', 'start()');
      this.#fail(avatarError);
      return Promise.reject(avatarError);
    }
    const session = new Session(config, entry);
    this.#current = session;
    this.#lastError = undefined;
    this.#configError = false;
    this.#setState('connecting');
    const run = this.#run(session).catch(async (error: unknown) => {
      const avatarError = toAvatarError(error, 'transport-join-failed', 'The session could not start');
      if (session.closed) throw session.error ?? avatarError;
      await this.#end(session, 'error', avatarError);
      throw avatarError;
    });
    const starting = run.finally(() => {
      if (this.#starting === starting) this.#starting = undefined;
    });
    this.#starting = starting;
    return starting;
  }

  /** Ends the live session (if any). Resolves once every track and connection is released. */
  stop(reason: EndedReason = 'user'): Promise<void> {
    const session = this.#current;
    if (!session || session.closed) return session?.closing ?? Promise.resolve();
    return this.#end(session, reason);
  }

  /** Says `text`. Before the avatar is ready the call waits in a queue; without a session it is rejected. */
  speak(text: string, mode: SpeakMode): Promise<void> {
    const session = this.#live;
    if (typeof text !== 'string' || text.trim() === '') {
      return Promise.reject(new AvatarError('command-failed', 'speak() needs some text.', { fatal: false }));
    }
    if (!session) {
      return Promise.reject(new AvatarError('not-started', 'speak() needs a started session: call start() first.', { fatal: false }));
    }
    if (!session.ready) {
      return new Promise<void>((resolve, reject) => session.queue.push({ text, mode, resolve, reject }));
    }
    return this.#sendSpeech(session, text, mode);
  }

  async interrupt(): Promise<InterruptResult> {
    const session = this.#live;
    if (!session) {
      throw new AvatarError('not-started', 'interrupt() needs a started session.', { fatal: false });
    }
    if (!session.ready) {
      // Nothing is being said yet: drop what is waiting.
      for (const queued of session.queue.splice(0)) {
        queued.reject(new AvatarError('aborted', 'Interrupted before the avatar was ready.', { fatal: false }));
      }
      return 'ok';
    }
    try {
      return await session.provider!.interrupt();
    } catch (error) {
      throw this.#commandError(session, error, 'interrupt()');
    }
  }

  /** Called from a user gesture: lifts an autoplay block. `play()` runs first, inside the gesture. */
  async resumeAudio(): Promise<void> {
    const session = this.#live;
    if (!session) return;
    const video = this.#host.video;
    video.muted = this.#host.muted;
    const playing = video.play();
    const sdk = session.transport?.resumeAudio().catch(() => undefined);
    try {
      await playing;
      if (this.#isLive(session) && !video.muted) this.#setAudioBlocked(false);
    } catch {
      if (this.#isLive(session)) video.muted = true;
    }
    await sdk;
  }

  /** The page changed `muted`. Unmuting (a user gesture, usually) also lifts an autoplay block. */
  applyMuted(): void {
    if (!this.#host.muted && this.#audioBlockedValue) {
      void this.resumeAudio();
      return;
    }
    this.#host.video.muted = this.#host.muted || this.#audioBlockedValue;
  }

  /**
   * The element reports its attribute check. A bad value puts an idle element in `error` with an
   * `invalid-attribute` event; fixing it returns it to `idle`. A live session is not touched.
   */
  reportConfigError(error: AvatarError | undefined): void {
    if (this.#live) return;
    if (error) {
      if (this.#configError && this.#lastError?.message === error.message) return;
      this.#configError = true;
      this.#fail(error);
    } else if (this.#configError) {
      this.#configError = false;
      this.#lastError = undefined;
      if (this.#stateValue === 'error') this.#setState('idle');
    }
  }

  /** The page is going away: stop the vendor session with a beacon, which outlives the page. */
  pageHide(): void {
    const session = this.#live;
    if (!session) return;
    this.#sendStopRoute(session, true);
    void this.#end(session, 'user');
  }

  /**
   * Publishes the microphone and lets the user talk to the avatar. With `pushToTalk`, the microphone stays
   * silent until `pushToTalk(true)`. Microphone failures reject with mic-denied, mic-not-found,
   * insecure-context or mic-failed (also sent as a non-fatal `avatar-error`).
   */
  async startVoiceChat(options: VoiceChatOptions = {}): Promise<void> {
    const session = this.#readySession('startVoiceChat()');
    const pushToTalk = options.pushToTalk ?? false;
    const bargeIn = options.bargeIn ?? true;
    if (session.voiceChat) {
      if (session.voiceChat.pushToTalk !== pushToTalk) await this.setMicMuted(pushToTalk, session);
      session.voiceChat.pushToTalk = pushToTalk;
      session.voiceChat.bargeIn = bargeIn;
      this.#host.voiceChatChanged(this.voiceChat);
      return;
    }
    // One start at a time: a second call while the browser still asks for the microphone joins the first.
    if (session.voiceChatStart) return session.voiceChatStart.done;
    const start: NonNullable<Session['voiceChatStart']> = { cancelled: false };
    session.voiceChatStart = start;
    start.done = this.#openVoiceChat(session, start, pushToTalk, bargeIn).finally(() => {
      if (session.voiceChatStart === start) session.voiceChatStart = undefined;
    });
    return start.done;
  }

  async #openVoiceChat(session: Session, start: { cancelled: boolean }, pushToTalk: boolean, bargeIn: boolean): Promise<void> {
    const transport = session.transport!;
    // Barge-in's level detector is its own chunk, fetched alongside the microphone; it must be here before
    // the vendor starts listening, so that its failure (mic-failed) leaves no vendor voice chat to undo.
    const activityModule = loadVoiceActivity();
    activityModule.catch(() => undefined);
    const stillWanted = () => {
      this.#check(session);
      if (start.cancelled) throw new AvatarError('aborted', 'stopVoiceChat() was called while voice chat started.', { fatal: false });
    };
    let Activity: typeof VoiceActivity;
    let listening = false;
    let started: MediaStreamTrack | void;
    try {
      started = await transport.startMicrophone();
      stillWanted();
      if (pushToTalk) await transport.setMicrophoneMuted(true);
      ({ VoiceActivity: Activity } = await activityModule);
      stillWanted();
      await session.provider?.startVoiceChat?.({ pushToTalk });
      listening = true;
      stillWanted();
    } catch (error) {
      // Cancelled after the vendor started listening: undo that too (a closed session needs nothing).
      if (listening && !session.closed) await session.provider?.stopVoiceChat?.().catch(() => undefined);
      // Also when the session closed meanwhile: a microphone opened during the teardown has no one else to stop it.
      await transport.stopMicrophone().catch(() => undefined);
      throw this.#commandError(session, error, 'startVoiceChat()');
    }
    session.voiceChat = { pushToTalk, micMuted: pushToTalk, bargeIn };
    // A transport without `microphoneTrack()` (a plugin written before it) may still return its track.
    const current = transport.microphoneTrack ? () => transport.microphoneTrack!() : started ? () => started : undefined;
    if (current?.()) {
      // Barge-in: the user talking over the avatar interrupts it, where the vendor can be interrupted. It
      // follows the transport's current track (SDKs replace it on a device change or a capture again).
      session.voiceChat.activity = new Activity(current, {
        start: () => {
          if (!this.#isLive(session) || !session.voiceChat?.bargeIn || !this.#speakingValue) return;
          void this.interrupt().catch(() => undefined);
        },
        lost: () => this.#warn(session, new AvatarError('mic-failed', 'The microphone stopped; voice chat ended.')),
        paused: () => Boolean(session.voiceChat?.micMuted),
      });
    }
    this.#host.voiceChatChanged(this.voiceChat);
  }

  /** Ends voice chat. A start still waiting for the microphone is cancelled: it stops what it opens. */
  async stopVoiceChat(): Promise<void> {
    const session = this.#live;
    if (!session) return;
    if (session.voiceChatStart) session.voiceChatStart.cancelled = true;
    if (!session.voiceChat) return;
    session.voiceChat.activity?.dispose();
    session.voiceChat = undefined;
    this.#host.voiceChatChanged(this.voiceChat);
    await session.provider?.stopVoiceChat?.().catch(() => undefined);
    await session.transport?.stopMicrophone().catch(() => undefined);
  }

  /** Silences (or restores) the published microphone without unpublishing it. */
  async setMicMuted(muted: boolean, session = this.#current): Promise<void> {
    if (!session || session.closed || !session.voiceChat) return;
    await session.transport!.setMicrophoneMuted(muted);
    if (session.voiceChat) session.voiceChat.micMuted = muted;
    this.#host.voiceChatChanged(this.voiceChat);
  }

  /** Push-to-talk: `true` while the talk control is held. */
  async pushToTalk(talking: boolean): Promise<void> {
    const session = this.#live;
    if (!session?.voiceChat?.pushToTalk) return;
    await this.setMicMuted(!talking, session);
    await session.provider?.pushToTalk?.(talking).catch((error: unknown) => {
      this.#commandError(session, error, 'push-to-talk');
    });
  }

  #readySession(context: string): Session {
    const session = this.#live;
    if (!session?.ready) {
      throw new AvatarError('not-started', `${context} needs a connected session.`, { fatal: false });
    }
    return session;
  }

  /** Keep-alive pings and the vendor's time limit, for a session that is now on screen. */
  #startSessionTimers(session: Session): void {
    const { provider, description, config } = session;
    if (provider?.keepAlive && description) {
      const idle = Number(description.options?.idleTimeout ?? config.idleTimeout ?? DEFAULT_IDLE_TIMEOUT_SECONDS);
      session.keepAlive = new KeepAlive({
        idleTimeoutSeconds: Number.isFinite(idle) && idle > 0 ? idle : DEFAULT_IDLE_TIMEOUT_SECONDS,
        idleFor: () => this.#host.idleFor(),
        isVisible: () => globalThis.document?.visibilityState !== 'hidden',
        ping: () => provider.keepAlive!(),
        onError: (error) => this.#commandError(session, error, 'keep-alive'),
      });
    }
    const expiresAt = description?.expiresAt ? Date.parse(description.expiresAt) : NaN;
    if (!Number.isFinite(expiresAt)) return;
    const remaining = expiresAt - Date.now();
    const warnBefore = Math.min(EXPIRY_WARNING_MS, Math.max(5_000, remaining * 0.1));
    // Chained timers: an expiresAt weeks away must not overflow setTimeout and end the session at once.
    session.timers.push(
      longTimeout(() => {
        if (this.#isLive(session)) this.#host.dispatch('avatar-session-expiring', { remaining: this.sessionRemaining ?? 0 });
      }, remaining - warnBefore),
      // A little grace: the vendor usually ends the session itself, with its own reason.
      longTimeout(() => {
        if (this.#isLive(session)) void this.#end(session, 'timeout');
      }, remaining + 2_000),
    );
  }

  async #run(session: Session): Promise<void> {
    const { config, entry } = session;
    const { signal } = session.abort;
    // Start importing code now, so it loads while the token endpoint thinks.
    const expected = entry.expectedTransport(config);
    // Before the token request: a vendor session costs money, and without its transport it cannot play.
    if (!hasTransport(expected)) throw missingTransport(expected);
    const transportModule = loadTransport(expected);
    const providerModule = entry.load().catch((error: unknown) => {
      throw toAvatarError(error, 'provider-load-failed', `Could not load the "${config.provider}" provider`);
    });
    // The plugin module is small; its SDK is not. Start that download now too.
    transportModule.then((module) => module.preload?.()).catch(() => undefined);
    providerModule.catch(() => undefined);

    let description: SessionDescription;
    if (entry.needsServer) {
      // Not tied to the session's signal: a create the session no longer wants is read and stopped, not dropped.
      session.create = new PendingCreate(config, this.#fetchImpl);
      description = await this.#step(session, session.create.within(config.tokenTimeout, signal));
      session.create.take();
    } else {
      description = localDescription(config);
    }
    session.description = description;

    const kind = description.transport.kind;
    const step = <T>(promise: Promise<T>) => this.#step(session, promise);
    const transportFactory = await step(kind === expected ? transportModule : loadTransport(kind));
    const { createProvider } = await step(providerModule);

    const transport = transportFactory.createTransport({
      credentials: description.transport,
      video: this.#host.video,
      container: this.#host.container,
      videoEncoding: config.videoEncoding ?? 'VP8',
      host: this.#transportHost(session),
      joinTimeoutMs: this.#host.connectTimeoutMs ?? this.#joinTimeoutMs,
    });
    session.transport = transport;
    const provider = createProvider({
      description,
      config,
      transport,
      events: this.#providerEvents(session),
      video: this.#host.video,
      signal,
      fetch: this.#fetchImpl,
    });
    session.provider = provider;

    await step(provider.beforeConnect?.() ?? Promise.resolve());
    await step(transport.connect(signal));
    await step(provider.afterConnect?.() ?? Promise.resolve());
    await step(waitForFirstFrame(this.#host.video, signal, this.#host.connectTimeoutMs ?? this.#mediaTimeoutMs));

    session.ready = true;
    this.#setState('connected');
    this.#host.dispatch('avatar-ready', { provider: description.provider, sessionId: description.sessionId, transport: kind });
    this.#startSessionTimers(session);
    for (const queued of session.queue.splice(0)) {
      this.#sendSpeech(session, queued.text, queued.mode).then(queued.resolve, queued.reject);
    }
  }

  /**
   * Awaits one step of a start, but gives up the moment the session is torn down: some promises never
   * settle once their object is closed (an RTCPeerConnection's negotiation, for one), and a start must
   * never hang because of that.
   */
  async #step<T>(session: Session, promise: Promise<T>): Promise<T> {
    const { signal } = session.abort;
    let onAbort!: () => void;
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => reject(stoppedError(session));
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
    });
    promise.catch(() => undefined);
    try {
      const value = await Promise.race([promise, aborted]);
      this.#check(session);
      return value;
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }

  #check(session: Session): void {
    if (session.closed) throw stoppedError(session);
  }

  #isLive(session: Session): boolean {
    return this.#current === session && !session.closed;
  }

  /** Sends `text`, split at sentence boundaries where the vendor caps one call, piece after piece. */
  async #sendSpeech(session: Session, text: string, mode: SpeakMode): Promise<void> {
    const provider = session.provider!;
    const pieces = provider.maxTextLength ? splitText(text, provider.maxTextLength) : [text];
    try {
      for (const piece of pieces) {
        this.#check(session);
        await provider.speak(piece, mode);
      }
    } catch (error) {
      throw this.#commandError(session, error, 'speak()');
    }
  }

  #commandError(session: Session, error: unknown, context: string): AvatarError {
    const avatarError = nonFatal(toAvatarError(error, 'command-failed', `${context} failed`));
    if (this.#isLive(session) && avatarError.code !== 'aborted') this.#host.dispatch('avatar-error', avatarError.toDetail());
    return avatarError;
  }

  /** A problem the session survives: a non-fatal `avatar-error`; a microphone that is gone also ends voice chat. */
  #warn(session: Session, error: AvatarError): void {
    const mic = error.code.startsWith('mic-');
    // A microphone problem while none is in use (voice chat off) is nobody's concern.
    if (!this.#isLive(session) || (mic && !session.voiceChat)) return;
    // First, so that the page's error handler already sees voice chat inactive.
    if (mic) void this.stopVoiceChat();
    this.#host.dispatch('avatar-error', nonFatal(error).toDetail());
  }

  #transportHost(session: Session): TransportHost {
    return {
      warning: (error) => this.#warn(session, error),
      mediaChanged: () => {
        if (this.#isLive(session)) void this.#play(session);
      },
      data: (payload, info) => {
        if (this.#isLive(session)) session.provider?.receive(payload, info);
      },
      audioBlocked: (blocked) => {
        if (this.#isLive(session)) this.#setAudioBlocked(blocked);
      },
      reconnecting: () => {
        if (this.#isLive(session) && this.#stateValue === 'connected') this.#setState('reconnecting');
      },
      reconnected: () => {
        if (this.#isLive(session) && this.#stateValue === 'reconnecting') this.#setState('connected');
      },
      tokenExpiring: () => {
        if (this.#isLive(session)) this.#host.dispatch('avatar-session-expiring', { remaining: this.sessionRemaining ?? null });
      },
      disconnected: (reason, error) => {
        if (!this.#isLive(session)) return;
        const cause =
          error ?? (reason === 'network' ? new AvatarError('transport-disconnected', 'The connection to the avatar was lost.') : undefined);
        void this.#end(session, reason, cause);
      },
    };
  }

  #providerEvents(session: Session): ProviderEvents {
    return {
      speakStart: () => {
        if (!this.#isLive(session)) return;
        this.#setSpeaking(true);
        this.#host.dispatch('avatar-speak-start', { sessionId: session.description?.sessionId ?? '' });
      },
      speakEnd: () => {
        if (!this.#isLive(session)) return;
        this.#setSpeaking(false);
        this.#host.dispatch('avatar-speak-end', { sessionId: session.description?.sessionId ?? '' });
      },
      transcript: (transcript) => {
        if (this.#isLive(session)) this.#host.dispatch('avatar-transcript', { ...transcript });
      },
      error: (error) => {
        if (this.#isLive(session)) this.#host.dispatch('avatar-error', nonFatal(error).toDetail());
      },
      ended: (reason, error) => {
        if (this.#isLive(session)) void this.#end(session, reason, error);
      },
    };
  }

  async #play(session: Session): Promise<void> {
    const result = await playWithFallback(this.#host.video, this.#host.muted || this.#audioBlockedValue);
    if (!this.#isLive(session)) return;
    if (result === 'muted-fallback') this.#setAudioBlocked(true);
  }

  /**
   * Ends `session`: the state moves at once (the page asked, or the transport/vendor reported it), the
   * `<video>` is emptied at once (a stale session's media never shows), and the returned promise settles
   * when every connection is closed.
   */
  #end(session: Session, reason: EndedReason, error?: AvatarError): Promise<void> {
    if (session.closed) return session.closing;
    session.error = error;
    const teardown = this.#teardown(session);
    if (this.#current === session) {
      if (error) this.#fail(error);
      else this.#setState('ended');
      this.#host.dispatch('avatar-ended', { reason, sessionId: session.description?.sessionId });
    }
    return teardown;
  }

  #teardown(session: Session): Promise<void> {
    session.closed = true;
    session.abort.abort();
    session.keepAlive?.stop();
    session.timers.forEach((cancel) => cancel());
    // A create still being answered: its session is stopped as soon as it arrives.
    session.create?.abandon();
    const hadVoiceChat = Boolean(session.voiceChat);
    session.voiceChat?.activity?.dispose();
    session.voiceChat = undefined;
    if (this.#current === session) {
      detachAll(this.#host.video);
      this.#setSpeaking(false);
      this.#setAudioBlocked(false);
      if (hadVoiceChat) this.#host.voiceChatChanged(this.voiceChat);
    }
    for (const queued of session.queue.splice(0)) {
      queued.reject(new AvatarError('aborted', 'The session ended before the avatar could speak.', { fatal: false }));
    }
    this.#sendStopRoute(session, false);
    session.closing = (async () => {
      try {
        await session.provider?.close?.();
      } catch {
        // Best effort: the server's stop route covers the vendor session.
      }
      try {
        session.provider?.dispose();
      } catch {
        // A broken adapter must not keep the transport open.
      }
      try {
        await session.transport?.disconnect();
      } catch {
        // Already gone.
      }
    })();
    return session.closing;
  }

  /** Vendor sessions cost money until stopped: tell the server, once per session. */
  #sendStopRoute(session: Session, beacon: boolean): void {
    const { description, config, entry } = session;
    if (!description || !entry.needsServer || session.stopSent) return;
    session.stopSent = true;
    stopVia(config, stopRequestOf(description, session.create?.requestId), { beacon, fetchImpl: this.#fetchImpl });
  }

  #fail(error: AvatarError): void {
    this.#lastError = error;
    this.#setState('error');
    this.#host.dispatch('avatar-error', error.toDetail());
  }

  #setState(state: AvatarState): void {
    const previous = this.#stateValue;
    if (previous === state) return;
    this.#stateValue = state;
    this.#host.stateChanged(state, previous);
    this.#host.dispatch('avatar-state-change', { state, previous });
  }

  #setSpeaking(speaking: boolean): void {
    if (this.#speakingValue === speaking) return;
    this.#speakingValue = speaking;
    this.#host.speakingChanged(speaking);
  }

  #setAudioBlocked(blocked: boolean): void {
    if (this.#audioBlockedValue === blocked) return;
    this.#audioBlockedValue = blocked;
    this.#host.video.muted = this.#host.muted || blocked;
    this.#host.audioBlockedChanged(blocked);
    if (blocked) this.#host.dispatch('avatar-autoplay-blocked', { sessionId: this.sessionId ?? '' });
  }
}
