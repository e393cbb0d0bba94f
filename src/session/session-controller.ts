import { AvatarError, toAvatarError } from '../errors/avatar-error.js';
import type { AvatarEventDetailMap, AvatarEventName } from '../events/avatar-events.js';
import type { ProviderAdapter, ProviderEntry, ProviderEvents } from '../providers/provider.js';
import { getProvider } from '../providers/registry.js';
import { detachAll } from '../transports/media.js';
import { loadTransport } from '../transports/registry.js';
import type { Transport, TransportHost } from '../transports/transport.js';
import { waitForFirstFrame } from './first-frame.js';
import { playWithFallback } from './playback.js';
import type { SessionDescription } from './session-description.js';
import { requestSession, sendStop } from './session-request.js';
import type { AvatarState, EndedReason, InterruptResult, SessionConfig, SpeakMode } from './session-types.js';

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
}

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
  description?: SessionDescription;
  transport?: Transport;
  provider?: ProviderAdapter;
  ready = false;
  closed = false;
  stopSent = false;
  error?: AvatarError;
  closing: Promise<void> = Promise.resolve();
  readonly queue: QueuedSpeech[] = [];

  constructor(
    readonly config: SessionConfig,
    readonly entry: ProviderEntry,
  ) {}
}

function nonFatal(error: AvatarError): AvatarError {
  if (!error.fatal) return error;
  return new AvatarError(error.code, error.message, { ...error, fatal: false, cause: error.cause });
}

/**
 * The element's state machine. It owns at most one live session, and moves state only on real events:
 * a call from the page, an answer from the token endpoint, a transport or provider report, a decoded frame.
 */
export class SessionController {
  private current?: Session;
  private starting?: Promise<void>;
  private stateValue: AvatarState = 'idle';
  private lastError?: AvatarError;
  private configError = false;
  private speakingValue = false;
  private audioBlockedValue = false;
  private readonly joinTimeoutMs: number;
  private readonly mediaTimeoutMs: number;
  private readonly fetchImpl: typeof fetch;

  constructor(
    private readonly host: SessionHost,
    options: SessionControllerOptions = {},
  ) {
    this.joinTimeoutMs = options.joinTimeoutMs ?? 20_000;
    this.mediaTimeoutMs = options.mediaTimeoutMs ?? 20_000;
    this.fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  }

  get state(): AvatarState {
    return this.stateValue;
  }

  /** The error that put the element in the `error` state, if it is there. */
  get error(): AvatarError | undefined {
    return this.stateValue === 'error' ? this.lastError : undefined;
  }

  get speaking(): boolean {
    return this.speakingValue;
  }

  get audioBlocked(): boolean {
    return this.audioBlockedValue;
  }

  get sessionId(): string | undefined {
    const session = this.current;
    return session && !session.closed ? session.description?.sessionId : undefined;
  }

  get description(): SessionDescription | undefined {
    const session = this.current;
    return session && !session.closed ? session.description : undefined;
  }

  /** True from `start()` until the session ends (connecting, connected or reconnecting). */
  get active(): boolean {
    return Boolean(this.current && !this.current.closed);
  }

  /**
   * Starts a session. A second call while one is starting returns the same promise, and a call while
   * one is live resolves at once: never two sessions.
   */
  start(config: SessionConfig): Promise<void> {
    if (this.current && !this.current.closed) return this.starting ?? Promise.resolve();
    let entry: ProviderEntry;
    try {
      entry = getProvider(config.provider);
    } catch (error) {
      const avatarError = toAvatarError(error, 'unknown-provider', 'start()');
      this.fail(avatarError);
      return Promise.reject(avatarError);
    }
    const session = new Session(config, entry);
    this.current = session;
    this.lastError = undefined;
    this.configError = false;
    this.setState('connecting');
    const run = this.run(session).catch(async (error: unknown) => {
      const avatarError = toAvatarError(error, 'transport-join-failed', 'The session could not start');
      if (session.closed) throw session.error ?? avatarError;
      await this.end(session, 'error', avatarError);
      throw avatarError;
    });
    const starting = run.finally(() => {
      if (this.starting === starting) this.starting = undefined;
    });
    this.starting = starting;
    return starting;
  }

  /** Ends the live session (if any). Resolves once every track and connection is released. */
  stop(reason: EndedReason = 'user'): Promise<void> {
    const session = this.current;
    if (!session || session.closed) return session?.closing ?? Promise.resolve();
    return this.end(session, reason);
  }

  /** Says `text`. Before the avatar is ready the call waits in a queue; without a session it is rejected. */
  speak(text: string, mode: SpeakMode): Promise<void> {
    const session = this.current;
    if (typeof text !== 'string' || text.trim() === '') {
      return Promise.reject(new AvatarError('command-failed', 'speak() needs some text.', { fatal: false }));
    }
    if (!session || session.closed) {
      return Promise.reject(new AvatarError('not-started', 'speak() needs a started session: call start() first.', { fatal: false }));
    }
    if (!session.ready) {
      return new Promise<void>((resolve, reject) => session.queue.push({ text, mode, resolve, reject }));
    }
    return this.sendSpeech(session, text, mode);
  }

  async interrupt(): Promise<InterruptResult> {
    const session = this.current;
    if (!session || session.closed) {
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
      throw this.commandError(session, error, 'interrupt()');
    }
  }

  /** Called from a user gesture: lifts an autoplay block. `play()` runs first, inside the gesture. */
  async resumeAudio(): Promise<void> {
    const session = this.current;
    if (!session || session.closed) return;
    const video = this.host.video;
    video.muted = this.host.muted;
    const playing = video.play();
    const sdk = session.transport?.resumeAudio().catch(() => undefined);
    try {
      await playing;
      if (this.isLive(session) && !video.muted) this.setAudioBlocked(false);
    } catch {
      if (this.isLive(session)) video.muted = true;
    }
    await sdk;
  }

  /** The page changed `muted`. Unmuting (a user gesture, usually) also lifts an autoplay block. */
  applyMuted(): void {
    if (!this.host.muted && this.audioBlockedValue) {
      void this.resumeAudio();
      return;
    }
    this.host.video.muted = this.host.muted || this.audioBlockedValue;
  }

  /**
   * The element reports its attribute check. A bad value puts an idle element in `error` with an
   * `invalid-attribute` event; fixing it returns it to `idle`. A live session is not touched.
   */
  reportConfigError(error: AvatarError | undefined): void {
    if (this.current && !this.current.closed) return;
    if (error) {
      if (this.configError && this.lastError?.message === error.message) return;
      this.configError = true;
      this.fail(error);
    } else if (this.configError) {
      this.configError = false;
      this.lastError = undefined;
      if (this.stateValue === 'error') this.setState('idle');
    }
  }

  /** The page is going away: stop the vendor session with a beacon, which outlives the page. */
  pageHide(): void {
    const session = this.current;
    if (!session || session.closed) return;
    this.sendStopRoute(session, true);
    void this.end(session, 'user');
  }

  private async run(session: Session): Promise<void> {
    const { config, entry } = session;
    const { signal } = session.abort;
    // Start importing code now, so it loads while the token endpoint thinks.
    const expected = entry.expectedTransport(config);
    const transportModule = loadTransport(expected);
    const providerModule = entry.load().catch((error: unknown) => {
      throw toAvatarError(error, 'provider-load-failed', `Could not load the "${config.provider}" provider`);
    });
    transportModule.catch(() => undefined);
    providerModule.catch(() => undefined);

    const description = entry.needsServer
      ? await requestSession(config, { signal, fetchImpl: this.fetchImpl })
      : localDescription(config);
    this.check(session);
    session.description = description;

    const kind = description.transport.kind;
    const transportFactory = await (kind === expected ? transportModule : loadTransport(kind));
    const { createProvider } = await providerModule;
    this.check(session);

    const transport = transportFactory.createTransport({
      credentials: description.transport,
      video: this.host.video,
      container: this.host.container,
      videoEncoding: config.videoEncoding ?? 'VP8',
      host: this.transportHost(session),
      joinTimeoutMs: this.host.connectTimeoutMs ?? this.joinTimeoutMs,
    });
    session.transport = transport;
    const provider = createProvider({
      description,
      config,
      transport,
      events: this.providerEvents(session),
      video: this.host.video,
      signal,
      fetch: this.fetchImpl,
    });
    session.provider = provider;

    await provider.beforeConnect?.();
    this.check(session);
    await transport.connect(signal);
    this.check(session);
    await provider.afterConnect?.();
    this.check(session);
    await waitForFirstFrame(this.host.video, signal, this.host.connectTimeoutMs ?? this.mediaTimeoutMs);
    this.check(session);

    session.ready = true;
    this.setState('connected');
    this.host.dispatch('avatar-ready', { provider: description.provider, sessionId: description.sessionId, transport: kind });
    for (const queued of session.queue.splice(0)) {
      this.sendSpeech(session, queued.text, queued.mode).then(queued.resolve, queued.reject);
    }
  }

  private check(session: Session): void {
    if (session.closed) throw session.error ?? new AvatarError('aborted', 'The session was stopped while it started.');
  }

  private isLive(session: Session): boolean {
    return this.current === session && !session.closed;
  }

  private sendSpeech(session: Session, text: string, mode: SpeakMode): Promise<void> {
    return session.provider!.speak(text, mode).catch((error: unknown) => {
      throw this.commandError(session, error, 'speak()');
    });
  }

  private commandError(session: Session, error: unknown, context: string): AvatarError {
    const avatarError = nonFatal(toAvatarError(error, 'command-failed', `${context} failed`));
    if (this.isLive(session) && avatarError.code !== 'aborted') this.host.dispatch('avatar-error', avatarError.toDetail());
    return avatarError;
  }

  private transportHost(session: Session): TransportHost {
    return {
      mediaChanged: () => {
        if (this.isLive(session)) void this.play(session);
      },
      data: (payload) => {
        if (this.isLive(session)) session.provider?.receive(payload);
      },
      audioBlocked: (blocked) => {
        if (this.isLive(session)) this.setAudioBlocked(blocked);
      },
      reconnecting: () => {
        if (this.isLive(session) && this.stateValue === 'connected') this.setState('reconnecting');
      },
      reconnected: () => {
        if (this.isLive(session) && this.stateValue === 'reconnecting') this.setState('connected');
      },
      tokenExpiring: () => undefined,
      disconnected: (reason, error) => {
        if (!this.isLive(session)) return;
        const cause =
          error ?? (reason === 'network' ? new AvatarError('transport-disconnected', 'The connection to the avatar was lost.') : undefined);
        void this.end(session, reason, cause);
      },
    };
  }

  private providerEvents(session: Session): ProviderEvents {
    return {
      speakStart: () => {
        if (!this.isLive(session)) return;
        this.setSpeaking(true);
        this.host.dispatch('avatar-speak-start', { sessionId: session.description?.sessionId ?? '' });
      },
      speakEnd: () => {
        if (!this.isLive(session)) return;
        this.setSpeaking(false);
        this.host.dispatch('avatar-speak-end', { sessionId: session.description?.sessionId ?? '' });
      },
      transcript: (transcript) => {
        if (this.isLive(session)) this.host.dispatch('avatar-transcript', { ...transcript });
      },
      error: (error) => {
        if (this.isLive(session)) this.host.dispatch('avatar-error', nonFatal(error).toDetail());
      },
      ended: (reason, error) => {
        if (this.isLive(session)) void this.end(session, reason, error);
      },
    };
  }

  private async play(session: Session): Promise<void> {
    const result = await playWithFallback(this.host.video, this.host.muted || this.audioBlockedValue);
    if (!this.isLive(session)) return;
    if (result === 'muted-fallback') this.setAudioBlocked(true);
  }

  /**
   * Ends `session`: the state moves at once (the page asked, or the transport/vendor reported it), the
   * `<video>` is emptied at once (a stale session's media never shows), and the returned promise settles
   * when every connection is closed.
   */
  private end(session: Session, reason: EndedReason, error?: AvatarError): Promise<void> {
    if (session.closed) return session.closing;
    session.error = error;
    const teardown = this.teardown(session);
    if (this.current === session) {
      if (error) this.fail(error);
      else this.setState('ended');
      this.host.dispatch('avatar-ended', { reason, sessionId: session.description?.sessionId });
    }
    return teardown;
  }

  private teardown(session: Session): Promise<void> {
    session.closed = true;
    session.abort.abort();
    if (this.current === session) {
      detachAll(this.host.video);
      this.setSpeaking(false);
      this.setAudioBlocked(false);
    }
    for (const queued of session.queue.splice(0)) {
      queued.reject(new AvatarError('aborted', 'The session ended before the avatar could speak.', { fatal: false }));
    }
    this.sendStopRoute(session, false);
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
  private sendStopRoute(session: Session, beacon: boolean): void {
    const { description, config, entry } = session;
    if (!description || !entry.needsServer || session.stopSent) return;
    session.stopSent = true;
    const body = { provider: description.provider, sessionId: description.sessionId };
    if (config.stopSession) {
      void config.stopSession(body).catch(() => undefined);
    } else if (config.tokenUrl) {
      void sendStop(config.tokenUrl, body, { beacon, fetchImpl: this.fetchImpl }).catch(() => undefined);
    }
  }

  private fail(error: AvatarError): void {
    this.lastError = error;
    this.setState('error');
    this.host.dispatch('avatar-error', error.toDetail());
  }

  private setState(state: AvatarState): void {
    const previous = this.stateValue;
    if (previous === state) return;
    this.stateValue = state;
    this.host.stateChanged(state, previous);
    this.host.dispatch('avatar-state-change', { state, previous });
  }

  private setSpeaking(speaking: boolean): void {
    if (this.speakingValue === speaking) return;
    this.speakingValue = speaking;
    this.host.speakingChanged(speaking);
  }

  private setAudioBlocked(blocked: boolean): void {
    if (this.audioBlockedValue === blocked) return;
    this.audioBlockedValue = blocked;
    this.host.video.muted = this.host.muted || blocked;
    this.host.audioBlockedChanged(blocked);
    if (blocked) this.host.dispatch('avatar-autoplay-blocked', { sessionId: this.sessionId ?? '' });
  }
}

/** `provider="local"` needs no server: the session is made in the page. */
function localDescription(config: SessionConfig): SessionDescription {
  const id = globalThis.crypto?.randomUUID?.() ?? `local-${Date.now()}-${Math.random().toString(36).slice(2)}`;
  return {
    provider: config.provider,
    sessionId: id,
    transport: { kind: 'local', protocol: 'local', ...(config.language ? { language: config.language } : {}) },
  };
}
