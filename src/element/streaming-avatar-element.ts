import { html, LitElement, nothing, type PropertyValues } from 'lit';
import { property } from 'lit/decorators.js';
import { AvatarError, type AvatarErrorDetail } from '../errors/avatar-error.js';
import { createAvatarEvent, type AvatarEventDetailMap, type AvatarEventName } from '../events/avatar-events.js';
import { SessionController } from '../session/session-controller.js';
import type {
  AvatarState,
  FetchSession,
  InterruptResult,
  Quality,
  SessionConfig,
  SpeakOptions,
  StopSession,
  VideoEncoding,
} from '../session/session-types.js';
import { VERSION } from '../version.js';
import { parseAutostart, readConfig } from './config.js';
import { elementStyles } from './element-styles.js';

/** Settings whose change while live ends the old session and starts a new one. */
const SESSION_IDENTITY: readonly (keyof SessionConfig)[] = ['provider', 'avatarId', 'streamType', 'tokenUrl'];
const GESTURES = ['pointerdown', 'keydown', 'touchend', 'click'] as const;

/**
 * A vendor's real-time talking avatar, in one element. The element asks the site's own backend
 * (`token-url`) for a session, loads the transport that session names, and plays the avatar in its
 * shadow DOM. `provider="local"` needs no account: an in-page avatar over a real WebRTC loopback.
 *
 * @summary Real-time talking avatar for any vendor (HeyGen, KonPro, DeepBrain, Akool) or the local preview.
 * @tag streaming-avatar
 *
 * @attr {'idle'|'connecting'|'connected'|'reconnecting'|'ended'|'error'} state - (read-only) The session state, for CSS.
 * @attr {boolean} speaking - (read-only) Present while the avatar speaks.
 * @attr {boolean} audio-blocked - (read-only) Present while the browser blocks audio until a user gesture (video plays muted).
 *
 * @fires {CustomEvent<{state: AvatarState, previous: AvatarState}>} avatar-state-change - The `state` attribute changed.
 * @fires {CustomEvent<{provider: string, sessionId: string, transport: string}>} avatar-ready - The first video frame is on screen.
 * @fires {CustomEvent<{sessionId: string}>} avatar-speak-start - The avatar started speaking.
 * @fires {CustomEvent<{sessionId: string}>} avatar-speak-end - The avatar stopped speaking.
 * @fires {CustomEvent<{role: 'avatar'|'user', text: string, final: boolean}>} avatar-transcript - Text the avatar says or the user said.
 * @fires {CustomEvent<{sessionId: string}>} avatar-autoplay-blocked - Audio needs a user gesture; video plays muted until then.
 * @fires {CustomEvent<AvatarErrorDetail>} avatar-error - Something failed: `detail.code` is stable, `detail.vendorBody` holds the vendor's answer.
 * @fires {CustomEvent<{reason: 'user'|'timeout'|'idle'|'vendor'|'network'|'error', sessionId?: string}>} avatar-ended - The session ended.
 *
 * @slot poster - Shown until the avatar's first frame (default: the `poster` image or a gradient).
 * @slot start-button - Starts the session when clicked (default: a "Start" button).
 *
 * @csspart video - The `<video>` that plays the avatar.
 * @csspart poster - The poster layer.
 * @csspart poster-image - The default poster `<img>` (from the `poster` attribute).
 * @csspart start-button - The default start button.
 * @csspart unmute-button - The "tap to unmute" button shown while audio is blocked.
 * @csspart status - The status and error line.
 * @csspart badge - The "Local preview" label on `provider="local"`.
 *
 * @cssprop [--streaming-avatar-width=480px] - Width of the element.
 * @cssprop [--streaming-avatar-height=auto] - Height of the element (default: from the aspect ratio).
 * @cssprop [--streaming-avatar-aspect-ratio=16 / 9] - Aspect ratio when no height is set.
 * @cssprop [--streaming-avatar-radius=12px] - Corner radius.
 * @cssprop [--streaming-avatar-background=#0b1020] - Background behind the video.
 * @cssprop [--streaming-avatar-object-fit=cover] - How the video fills the box (`cover` or `contain`).
 * @cssprop [--streaming-avatar-color=#fff] - Text colour.
 * @cssprop [--streaming-avatar-font=14px/1.4 system-ui, sans-serif] - Font of the status line and buttons.
 * @cssprop [--streaming-avatar-accent=#3b6cf6] - Button background.
 * @cssprop [--streaming-avatar-button-color=#fff] - Button text colour.
 * @cssprop [--streaming-avatar-focus-ring=#ffd43b] - Focus outline colour.
 * @cssprop [--streaming-avatar-error-color=#ffb4b4] - Colour of error messages.
 */
export class StreamingAvatarElement extends LitElement {
  static override styles = elementStyles;
  /** The library version, used to warn when two different copies register the tag. */
  static readonly version = VERSION;

  /** Which vendor serves the avatar: `local` (no account), `heygen`, `konpro`, `deepbrain` or `akool`. */
  @property({ reflect: true }) provider = 'local';

  /** The vendor's avatar id. */
  @property({ attribute: 'avatar-id', reflect: true }) avatarId?: string;

  /** Stream quality: `high`, `medium` or `low`. */
  @property({ reflect: true }) quality?: Quality;

  /** Video codec the vendor should send: `H264` or `VP8`. */
  @property({ attribute: 'video-encoding', reflect: true }) videoEncoding?: VideoEncoding;

  /** The vendor's voice id. */
  @property({ attribute: 'voice-id', reflect: true }) voiceId?: string;

  /** Speaking rate, 0.5 to 2 (vendors may accept less). */
  @property({ attribute: 'voice-rate', reflect: true }) voiceRate?: string;

  /** Language tag for speech and recognition, such as `en` or `en-US`. */
  @property({ reflect: true }) language?: string;

  /** Akool only: the transport the vendor should use, `agora` (default), `livekit` or `trtc`. */
  @property({ attribute: 'stream-type', reflect: true }) streamType?: 'agora' | 'livekit' | 'trtc';

  /** The site's session endpoint (the server handler). The vendor key stays there. */
  @property({ attribute: 'token-url', reflect: true }) tokenUrl?: string;

  /** Milliseconds the token endpoint may take before `token-timeout` (default 15000). */
  @property({ attribute: 'token-timeout', reflect: true }) tokenTimeout?: string;

  /** Milliseconds the transport may take to join, and then to show the first frame (default 20000 each). */
  @property({ attribute: 'connect-timeout', reflect: true }) connectTimeout?: string;

  /**
   * Absent: click to start. Present (or `any`): start on load, with sound where the browser allows and
   * muted video otherwise. `muted`: start on load, muted.
   */
  @property({ reflect: true }) autostart?: string | null;

  /** Mutes the avatar's audio. */
  @property({ type: Boolean, reflect: true }) muted = false;

  /** Image shown until the avatar's first frame. */
  @property({ reflect: true }) poster?: string;

  /** Extra fields merged into the session request (vendor options attributes do not cover). */
  @property({ attribute: false }) sessionParams?: Record<string, unknown>;

  /** Replaces the POST to `token-url`: `(request, {signal}) => Promise<session description>`. */
  @property({ attribute: false }) fetchSession?: FetchSession;

  /** Replaces the POST to `<token-url>/stop` (pair it with `fetchSession`). */
  @property({ attribute: false }) stopSession?: StopSession;

  readonly #video: HTMLVideoElement;
  readonly #container: HTMLDivElement;
  readonly #controller: SessionController;
  #liveIdentity?: string;
  #removalTimer?: ReturnType<typeof setTimeout>;
  #autostarted = false;
  #listeningForGesture = false;

  constructor() {
    super();
    // Made here, not in render(), so start() works before the first render and the node is never replaced.
    this.#video = createVideo();
    this.#container = createMediaContainer();
    const host = this;
    this.#controller = new SessionController({
      video: this.#video,
      container: this.#container,
      get muted() {
        return host.muted;
      },
      stateChanged: (state) => {
        this.setAttribute('state', state);
        this.requestUpdate();
      },
      speakingChanged: (speaking) => this.toggleAttribute('speaking', speaking),
      audioBlockedChanged: (blocked) => {
        this.toggleAttribute('audio-blocked', blocked);
        this.#listenForGesture(blocked);
        this.requestUpdate();
      },
      dispatch: (name, detail) => this.#emit(name, detail),
      get connectTimeoutMs() {
        return host.#connectTimeoutMs();
      },
    });
  }

  /** (read-only) The session state; also the `state` attribute. */
  get state(): AvatarState {
    return this.#controller.state;
  }

  /** (read-only) Whether the avatar is speaking; also the `speaking` attribute. */
  get speaking(): boolean {
    return this.#controller.speaking;
  }

  /** (read-only) Whether audio waits for a user gesture; also the `audio-blocked` attribute. */
  get audioBlocked(): boolean {
    return this.#controller.audioBlocked;
  }

  /** (read-only) The vendor's id of the live session. */
  get sessionId(): string | undefined {
    return this.#controller.sessionId;
  }

  /** (read-only) The error that put the element in the `error` state. */
  get error(): AvatarErrorDetail | undefined {
    return this.#controller.error?.toDetail();
  }

  /**
   * Starts a session. Resolves when the avatar's first frame is on screen; rejects with an AvatarError.
   * A second call while starting returns the same promise: never two sessions.
   */
  start(): Promise<void> {
    let config: SessionConfig;
    try {
      config = this.#readConfig();
    } catch (error) {
      const avatarError = error instanceof AvatarError ? error : new AvatarError('invalid-attribute', String(error));
      this.#controller.reportConfigError(avatarError);
      return Promise.reject(avatarError);
    }
    if (!this.#controller.active) this.#liveIdentity = identity(config);
    return this.#controller.start(config);
  }

  /** Ends the session and releases every track and connection. */
  stop(): Promise<void> {
    return this.#controller.stop('user');
  }

  /** Says `text`: `mode: 'repeat'` (default) verbatim, `mode: 'chat'` through the vendor's LLM. */
  speak(text: string, options: SpeakOptions = {}): Promise<void> {
    const mode = options.mode ?? 'repeat';
    if (mode !== 'repeat' && mode !== 'chat') {
      return Promise.reject(new AvatarError('command-failed', `speak() mode must be "repeat" or "chat", not "${String(mode)}".`, { fatal: false }));
    }
    return this.#controller.speak(text, mode);
  }

  /** Stops what the avatar is saying. Resolves `unsupported` where the vendor has no interrupt. */
  interrupt(): Promise<InterruptResult> {
    return this.#controller.interrupt();
  }

  /** Mutes the avatar (sets `muted`). */
  mute(): void {
    this.muted = true;
    this.#controller.applyMuted();
  }

  /** Unmutes the avatar; called from a click, it also lifts an autoplay block. */
  unmute(): void {
    this.muted = false;
    this.#controller.applyMuted();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    clearTimeout(this.#removalTimer);
    if (!this.hasAttribute('state')) this.setAttribute('state', this.#controller.state);
    window.addEventListener('pagehide', this.#onPageHide);
    this.#listenForGesture(this.#controller.audioBlocked);
    this.#maybeAutostart();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('pagehide', this.#onPageHide);
    this.#listenForGesture(false);
    clearTimeout(this.#removalTimer);
    // A remove and re-insert in the same task (a DOM move, React StrictMode) keeps the session.
    this.#removalTimer = setTimeout(() => {
      if (!this.isConnected) void this.#controller.stop('user');
    }, 0);
  }

  // Before render, so state changes made here show in this same update.
  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('muted')) this.#controller.applyMuted();
    let config: SessionConfig | undefined;
    try {
      config = this.#readConfig();
      this.#controller.reportConfigError(undefined);
    } catch (error) {
      if (error instanceof AvatarError) this.#controller.reportConfigError(error);
    }
    // Changing who or what the avatar is ends the live session before the new one starts.
    if (config && this.#controller.active && this.#liveIdentity !== identity(config)) {
      void this.#controller.stop('user');
      this.start().catch(() => undefined);
    }
    // `autostart` set after the element is in the page (frameworks that set properties after insertion,
    // such as @lit/react, or a script adding the attribute later) still starts it, once.
    if (changed.has('autostart') && this.isConnected) this.#maybeAutostart();
  }

  protected override render() {
    const state = this.#controller.state;
    const live = state === 'connected' || state === 'reconnecting';
    const busy = state === 'connecting';
    const startLabel = state === 'error' ? 'Try again' : state === 'ended' ? 'Start again' : 'Start';
    return html`<div class="frame">
      ${this.#video} ${this.#container}
      <div part="poster" ?hidden=${live}>
        <slot name="poster">${this.poster ? html`<img part="poster-image" src=${this.poster} alt="" />` : nothing}</slot>
      </div>
      <div class="overlay">
        ${busy ? html`<div class="spinner" role="presentation"></div>` : nothing}
        <slot name="start-button" ?hidden=${live || busy} @click=${this.#onStartClick}>
          <button part="start-button" type="button" aria-label=${`${startLabel} avatar`}>${startLabel}</button>
        </slot>
      </div>
      <button part="unmute-button" type="button" ?hidden=${!this.#controller.audioBlocked} @click=${this.#onUnmuteClick}>
        Tap to unmute
      </button>
      ${this.provider === 'local' || !this.provider ? html`<span part="badge">Local preview</span>` : nothing}
      <div part="status" role="status" aria-live="polite">${this.#statusText(state)}</div>
    </div>`;
  }

  #statusText(state: AvatarState): string {
    switch (state) {
      case 'connecting':
        return 'Connecting…';
      case 'reconnecting':
        return 'Reconnecting…';
      case 'ended':
        return 'The session ended.';
      case 'error':
        return this.#controller.error?.message ?? 'Something went wrong.';
      default:
        return '';
    }
  }

  #readConfig(): SessionConfig {
    return readConfig({
      provider: this.provider,
      avatarId: this.avatarId,
      quality: this.getAttribute('quality') ?? this.quality,
      videoEncoding: this.getAttribute('video-encoding') ?? this.videoEncoding,
      voiceId: this.voiceId,
      voiceRate: this.voiceRate === undefined || this.voiceRate === null ? undefined : String(this.voiceRate),
      language: this.language,
      streamType: this.streamType,
      tokenUrl: this.tokenUrl,
      tokenTimeout: this.tokenTimeout === undefined || this.tokenTimeout === null ? undefined : String(this.tokenTimeout),
      connectTimeout: this.connectTimeout === undefined || this.connectTimeout === null ? undefined : String(this.connectTimeout),
      autostart: this.autostart,
      sessionParams: this.sessionParams,
      fetchSession: this.fetchSession,
      stopSession: this.stopSession,
    });
  }

  #connectTimeoutMs(): number | undefined {
    const value = Number(this.connectTimeout);
    return this.connectTimeout != null && Number.isInteger(value) && value > 0 ? value : undefined;
  }

  #maybeAutostart(): void {
    if (this.#autostarted) return;
    let mode;
    try {
      mode = parseAutostart(this.autostart);
    } catch {
      return; // Reported by the attribute check.
    }
    if (mode === 'off' || this.#controller.state !== 'idle') return;
    this.#autostarted = true;
    if (mode === 'muted') this.muted = true;
    this.start().catch(() => undefined);
  }

  #emit<K extends AvatarEventName>(name: K, detail: AvatarEventDetailMap[K]): void {
    this.dispatchEvent(createAvatarEvent(name, detail));
  }

  #onStartClick = (event: Event) => {
    event.stopPropagation();
    this.start().catch(() => undefined);
  };

  #onUnmuteClick = (event: Event) => {
    event.stopPropagation();
    this.unmute();
  };

  /** The next user gesture anywhere on the page lifts an autoplay block. */
  #onGesture = () => {
    if (this.#controller.audioBlocked && !this.muted) void this.#controller.resumeAudio();
  };

  #listenForGesture(on: boolean): void {
    if (on === this.#listeningForGesture) return;
    this.#listeningForGesture = on;
    for (const type of GESTURES) {
      if (on) document.addEventListener(type, this.#onGesture, { capture: true });
      else document.removeEventListener(type, this.#onGesture, { capture: true });
    }
  }

  #onPageHide = () => this.#controller.pageHide();
}

function createVideo(): HTMLVideoElement {
  const video = document.createElement('video');
  video.setAttribute('part', 'video');
  video.setAttribute('playsinline', '');
  video.playsInline = true;
  return video;
}

function createMediaContainer(): HTMLDivElement {
  const container = document.createElement('div');
  container.className = 'media-container';
  return container;
}

function identity(config: SessionConfig): string {
  return SESSION_IDENTITY.map((key) => String(config[key] ?? '')).join('\u0000');
}

declare global {
  interface HTMLElementTagNameMap {
    'streaming-avatar': StreamingAvatarElement;
  }
}
