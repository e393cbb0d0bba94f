import { html, LitElement, nothing, type PropertyDeclarations, type PropertyValues } from 'lit';
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
  VoiceChatOptions,
  VoiceChatState,
} from '../session/session-types.js';
import { VERSION } from '../version.js';
import { BackgroundController } from './background.js';
import { CaptionsController } from './captions.js';
import { parseAutostart, parseLoading, parseVoiceChat, readConfig, readIdentity, type SessionIdentity } from './config.js';
import { controlsPending, controlsRenderer, type ControlsLoaded } from './controls-loader.js';
import { elementStyles } from './element-styles.js';
import { Notice } from './notice.js';
import { noteVisitorActivity, trackVisitorActivity, visitorIdleFor } from './visitor-activity.js';

/** Settings whose change while live ends the old session and starts a new one. */
const SESSION_IDENTITY: readonly (keyof SessionIdentity)[] = ['provider', 'avatarId', 'streamType', 'tokenUrl'];
/** The attributes of those settings that can hold a bad value: one set while live ends that session. */
const IDENTITY_ATTRIBUTES: readonly (string | undefined)[] = ['provider', 'stream-type', 'token-url'];
/** `autostart` and `voice-chat` take a value or none: as properties, `true` is the bare attribute and `false` none. */
const flagOrValue = { toAttribute: (value: unknown) => (value === true ? '' : value === false ? null : value) };
const GESTURES = ['pointerdown', 'keydown', 'touchend', 'click'] as const;
/** The status line of states that have one (otherwise it shows the current notice, if any). */
const STATUS_TEXT: Partial<Record<AvatarState, string>> = { connecting: 'Connecting…', reconnecting: 'Reconnecting…', ended: 'The session ended.' };
/** `loading="lazy"` starts loading code when the element is this close to the viewport. */
const LAZY_MARGIN = '200px';

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
 * @attr {boolean} listening - (read-only) Present while voice chat is on and the microphone is open.
 * @attr {boolean} background-fallback - (read-only) Present when `background` is set but cannot be keyed (no WebGL, the keying code failed to load, or the browser took the GL context away): the plain video shows, over the background.
 *
 * @fires {CustomEvent<{state: AvatarState, previous: AvatarState}>} avatar-state-change - The `state` attribute changed.
 * @fires {CustomEvent<{provider: string, sessionId: string, transport: string}>} avatar-ready - The first video frame is on screen.
 * @fires {CustomEvent<{sessionId: string}>} avatar-speak-start - The avatar started speaking.
 * @fires {CustomEvent<{sessionId: string}>} avatar-speak-end - The avatar stopped speaking.
 * @fires {CustomEvent<{role: 'avatar'|'user', text: string, final: boolean}>} avatar-transcript - Text the avatar says or the user said.
 * @fires {CustomEvent<{sessionId: string}>} avatar-autoplay-blocked - Audio needs a user gesture; video plays muted until then.
 * @fires {CustomEvent<AvatarErrorDetail>} avatar-error - Something failed: `detail.code` is stable, `detail.vendorBody` holds the vendor's answer.
 * @fires {CustomEvent<{reason: 'user'|'timeout'|'idle'|'vendor'|'network'|'error', sessionId?: string}>} avatar-ended - The session ended.
 * @fires {CustomEvent<{remaining: number|null}>} avatar-session-expiring - The vendor's time limit (or the room credential) runs out soon; `remaining` in seconds.
 * @fires {CustomEvent<{active: boolean, pushToTalk: boolean, micMuted: boolean}>} avatar-voice-chat-change - Voice chat started, stopped, or its microphone was muted or unmuted.
 *
 * @slot poster - Shown until the avatar's first frame (default: the `poster` image or a gradient).
 * @slot start-button - Starts the session when clicked (default: a "Start" button).
 * @slot controls - Replaces the control bar (`controls` attribute).
 *
 * @csspart video - The `<video>` that plays the avatar (and the keyed canvas that replaces it on screen with `background`).
 * @csspart background - The layer behind the video that shows the `background` colour or image.
 * @csspart background-canvas - The canvas showing the chroma-keyed video while `background` is set.
 * @csspart poster - The poster layer.
 * @csspart poster-image - The default poster `<img>` (from the `poster` attribute).
 * @csspart start-button - The default start button.
 * @csspart unmute-button - The "tap to unmute" button shown while audio is blocked.
 * @csspart status - The status and error line.
 * @csspart badge - The "Local preview" label on `provider="local"`.
 * @csspart controls - The control bar.
 * @csspart control-button - Every button of the control bar.
 * @csspart mic-button - Voice chat toggle (or hold-to-talk).
 * @csspart mute-button - Mute toggle.
 * @csspart captions-button - Captions toggle.
 * @csspart fullscreen-button - Full screen toggle.
 * @csspart stop-button - Ends the session.
 * @csspart captions - The caption overlay.
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
 * @cssprop [--streaming-avatar-controls-background=rgb(0 0 0 / 55%)] - Background of the control bar.
 * @cssprop [--streaming-avatar-captions-background=rgb(0 0 0 / 70%)] - Background behind caption text.
 * @cssprop [--streaming-avatar-captions-font=600 1.1em/1.35 system-ui, sans-serif] - Font of the captions.
 */
export class StreamingAvatarElement extends LitElement {
  static override styles = elementStyles;
  /** The library version, used to warn when two different copies register the tag. */
  static readonly version = VERSION;
  /** Lit's reactive properties: a plain object rather than decorators, which cost a helper and a call each. */
  static override properties: PropertyDeclarations = {
    provider: { reflect: true },
    avatarId: { attribute: 'avatar-id', reflect: true },
    quality: { reflect: true },
    videoEncoding: { attribute: 'video-encoding', reflect: true },
    voiceId: { attribute: 'voice-id', reflect: true },
    voiceRate: { attribute: 'voice-rate', reflect: true },
    language: { reflect: true },
    streamType: { attribute: 'stream-type', reflect: true },
    tokenUrl: { attribute: 'token-url', reflect: true },
    tokenTimeout: { attribute: 'token-timeout', reflect: true },
    connectTimeout: { attribute: 'connect-timeout', reflect: true },
    idleTimeout: { attribute: 'idle-timeout', reflect: true },
    autostart: { reflect: true, converter: flagOrValue },
    loading: { reflect: true },
    muted: { type: Boolean, reflect: true },
    poster: { reflect: true },
    controls: { type: Boolean, reflect: true },
    captions: { type: Boolean, reflect: true },
    voiceChat: { attribute: 'voice-chat', reflect: true, converter: flagOrValue },
    noBargeIn: { attribute: 'no-barge-in', type: Boolean, reflect: true },
    pushToTalkKey: { attribute: 'push-to-talk-key', reflect: true },
    background: { reflect: true },
    keyColor: { attribute: 'key-color', reflect: true },
    keyTolerance: { attribute: 'key-tolerance', reflect: true },
    sessionParams: { attribute: false },
    fetchSession: { attribute: false },
    stopSession: { attribute: false },
  };

  /** Which vendor serves the avatar: `local` (no account), `heygen`, `konpro`, `deepbrain` or `akool`. */
  provider = 'local';

  /** The vendor's avatar id. */
  avatarId?: string;

  /** Stream quality: `high`, `medium` or `low`. */
  quality?: Quality;

  /** Video codec the vendor should send: `H264` or `VP8`. */
  videoEncoding?: VideoEncoding;

  /** The vendor's voice id. */
  voiceId?: string;

  /** Speaking rate, 0.5 to 2 (vendors may accept less). */
  voiceRate?: string | number;

  /** Language tag for speech and recognition, such as `en` or `en-US`. */
  language?: string;

  /** Akool only: the transport the vendor should use, `agora` (default), `livekit` or `trtc`. */
  streamType?: 'agora' | 'livekit' | 'trtc';

  /** The site's session endpoint (the server handler). The vendor key stays there. */
  tokenUrl?: string;

  /** Milliseconds the token endpoint may take before `token-timeout` (default 15000). */
  tokenTimeout?: string | number;

  /**
   * Milliseconds the transport may take to join, and then to show the first frame (default 20000 each). An SDK
   * transport that reconnects for longer ends the session with `transport-disconnected`.
   */
  connectTimeout?: string | number;

  /** Seconds of inactivity after which the vendor may end the session (30–3600; vendors that accept it). */
  idleTimeout?: string | number;

  /**
   * Absent: click to start. Present (or `any`; the property `true`): start on load, with sound where the browser
   * allows and muted video otherwise. `muted`: start on load, muted.
   */
  autostart?: string | boolean | null;

  /** `eager` (default) loads the vendor and transport code once the element is on the page; `lazy` waits until it is near the viewport (and so does `autostart`). */
  loading?: 'eager' | 'lazy';

  /** Mutes the avatar's audio. */
  muted = false;

  /** Image shown until the avatar's first frame. */
  poster?: string;

  /** Shows the control bar (mic, mute, captions, full screen where the page may use it, stop). */
  controls = false;

  /** Shows the avatar's words as captions over the video. */
  captions = false;

  /** Starts voice chat once connected: present (or `open`; the property `true`) for an open microphone, `push-to-talk` for hold-to-talk. */
  voiceChat?: string | boolean | null;

  /** Turns off barge-in (the user talking over the avatar interrupts it). */
  noBargeIn = false;

  /** A `KeyboardEvent.code` (e.g. `KeyT`) that talks while held in push-to-talk mode, anywhere on the page outside text fields; the window losing focus releases it. */
  pushToTalkKey?: string;

  /**
   * Removes the vendor's solid backdrop (green screen) with a WebGL chroma key and shows this instead:
   * `transparent` (the page), a CSS colour, or an image such as `url(office.jpg)`. Absent: the video as sent.
   */
  background?: string;

  /** The backdrop colour `background` removes, any CSS colour (default `#00ff00`, vendors' green screen). */
  keyColor?: string;

  /** How far from `key-color` a colour may be and still be removed: 0 (only colours next to it) to 1 (nearly all); default 0.3. */
  keyTolerance?: string | number;

  /** Extra fields merged into the session request (vendor options attributes do not cover). */
  sessionParams?: Record<string, unknown>;

  /** Replaces the POST to `token-url`: `(request, {signal}) => Promise<session description>`; `request.requestId` names the attempt, and `signal` aborts only when the element stops reading (60 s): a session returned after it stopped wanting it goes to the stop. Posting to the bundled server handler yourself? Send `Content-Type: application/json` (anything else is 415). */
  fetchSession?: FetchSession;

  /** Replaces the POST to `<token-url>/stop` (pair it with `fetchSession`): gets `{provider, sessionId, requestId, stopToken}`, to send to your server as they are. */
  stopSession?: StopSession;

  readonly #video: HTMLVideoElement;
  readonly #container: HTMLDivElement;
  readonly #controller: SessionController;
  readonly #captions = new CaptionsController(this);
  readonly #background: BackgroundController;
  #liveIdentity?: string;
  #removalTimer?: ReturnType<typeof setTimeout>;
  #autostarted = false;
  #listeningForGesture = false;
  #nearViewport = false;
  #observer?: IntersectionObserver;
  #releaseActivity?: () => void;
  readonly #notice = new Notice(() => this.requestUpdate());
  #controlsFailureReported = false;
  /** The bad value already reported (non-fatal) while a session is live, so each update does not repeat it. */
  #liveConfigError?: string;
  #talkKeyHeld = false;
  /** The bar's chunk landed: render it. It failed: say so once (retries happen on later renders, silently). */
  readonly #onControlsLoaded: ControlsLoaded = (error) => {
    if (!error) {
      this.#controlsFailureReported = false;
      this.requestUpdate();
      return;
    }
    if (this.#controlsFailureReported) return;
    this.#controlsFailureReported = true;
    this.#reportNonFatal(error);
  };

  constructor() {
    super();
    // Made here, not in render(), so start() works before the first render and the node is never replaced.
    this.#video = createVideo();
    this.#container = createMediaContainer();
    // No notice: `background-fallback` is the visible state, and the plain video plays on.
    this.#background = new BackgroundController(this, this.#video, undefined, (error) => this.#emit('avatar-error', error.toDetail()));
    const host = this;
    this.#controller = new SessionController({
      video: this.#video,
      container: this.#container,
      get muted() {
        return host.muted;
      },
      get connectTimeoutMs() {
        return host.#connectTimeoutMs();
      },
      stateChanged: (state) => {
        this.#notice.clear();
        this.setAttribute('state', state);
        if (state === 'connected') this.#maybeStartVoiceChat();
        this.requestUpdate();
      },
      speakingChanged: (speaking) => this.toggleAttribute('speaking', speaking),
      audioBlockedChanged: (blocked) => {
        this.toggleAttribute('audio-blocked', blocked);
        this.#listenForGesture(blocked);
        this.requestUpdate();
      },
      voiceChatChanged: (state) => {
        this.toggleAttribute('listening', state.active && !state.micMuted);
        this.#emit('avatar-voice-chat-change', state);
        this.requestUpdate();
      },
      idleFor: visitorIdleFor,
      dispatch: (name, detail) => {
        if (name === 'avatar-error' && !(detail as AvatarErrorDetail).fatal) this.#reportNonFatal(detail as AvatarErrorDetail);
        else this.#emit(name, detail);
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

  /** (read-only) Seconds left before the vendor's time limit, where the vendor gives one. */
  get sessionRemaining(): number | undefined {
    return this.#controller.sessionRemaining;
  }

  /** (read-only) Voice chat: whether it is on, in push-to-talk mode, and whether the microphone is muted. */
  get voiceChatState(): VoiceChatState {
    return this.#controller.voiceChat;
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

  /**
   * Says `text`: `mode: 'repeat'` (default) verbatim, `mode: 'chat'` through the vendor's LLM. Called before
   * the avatar is ready, it waits for it; without a session it rejects with `not-started`.
   */
  speak(text: string, options: SpeakOptions = {}): Promise<void> {
    const mode = options.mode ?? 'repeat';
    if (mode !== 'repeat' && mode !== 'chat') {
      return Promise.reject(new AvatarError('command-failed', `speak() mode must be "repeat" or "chat", not "${String(mode)}".`, { fatal: false }));
    }
    noteVisitorActivity();
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

  /**
   * Publishes the microphone so the visitor can talk to the avatar. `pushToTalk` keeps it silent until
   * the talk control is held. Rejects with `mic-denied`, `mic-not-found`, `insecure-context` or `mic-failed`.
   * A call while one still waits for the microphone returns that same promise.
   */
  startVoiceChat(options: VoiceChatOptions = {}): Promise<void> {
    return this.#controller.startVoiceChat({ bargeIn: !this.noBargeIn, ...options });
  }

  /** Unpublishes the microphone. A start still waiting for the microphone prompt rejects with `aborted` and leaves it off. */
  stopVoiceChat(): Promise<void> {
    return this.#controller.stopVoiceChat();
  }

  /** Mutes or unmutes the published microphone without ending voice chat. */
  setMicMuted(muted: boolean): Promise<void> {
    return this.#controller.setMicMuted(muted);
  }

  /**
   * A declarative shadow root (a server-rendered or hand-written poster-first shell) is replaced, not kept
   * beside the rendered one, unless Lit's hydrate support is loaded to take it over.
   */
  protected override createRenderRoot(): HTMLElement | DocumentFragment {
    // Emptied first: Lit renders before the root's first child.
    if (!('litElementHydrateSupport' in globalThis)) this.shadowRoot?.replaceChildren();
    return super.createRenderRoot();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    clearTimeout(this.#removalTimer);
    // Always written: markup copied from a live page (a CMS, an SSR cache) may hold stale read-only state.
    this.setAttribute('state', this.#controller.state);
    this.toggleAttribute('speaking', this.#controller.speaking);
    this.toggleAttribute('audio-blocked', this.#controller.audioBlocked);
    const chat = this.#controller.voiceChat;
    this.toggleAttribute('listening', chat.active && !chat.micMuted);
    this.#pageListeners('addEventListener');
    this.#releaseActivity = trackVisitorActivity();
    this.#listenForGesture(this.#controller.audioBlocked);
    this.#watchViewport();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#pageListeners('removeEventListener');
    this.#releaseActivity?.();
    this.#observer?.disconnect();
    this.#observer = undefined;
    this.#listenForGesture(false);
    this.#notice.clear();
    clearTimeout(this.#removalTimer);
    // A remove and re-insert in the same task (a DOM move, React StrictMode) keeps the session.
    this.#removalTimer = setTimeout(() => {
      if (!this.isConnected) void this.#controller.stop('user');
    }, 0);
  }

  /** The page-level listeners, added while connected. */
  #pageListeners(method: 'addEventListener' | 'removeEventListener'): void {
    window[method]('pagehide', this.#onPageHide);
    window[method]('blur', this.#onWindowBlur);
    document[method]('fullscreenchange', this.#onFullscreenChange);
    document[method]('keydown', this.#onTalkKey as EventListener);
    document[method]('keyup', this.#onTalkKey as EventListener);
  }

  // Before render, so state changes made here show in this same update.
  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('muted')) this.#controller.applyMuted();
    let config: SessionConfig | undefined;
    let configError: AvatarError | undefined;
    try {
      config = this.#readConfig();
    } catch (error) {
      if (error instanceof AvatarError) configError = error;
    }
    if (configError && this.#controller.active) {
      // The page asked for another avatar than the live one (a bad identity value, or a valid one beside another
      // bad setting), and that one cannot start: the old one ends, with the reason. readIdentity() does not
      // throw here: the identity values are checked first, so configError would be theirs.
      if (IDENTITY_ATTRIBUTES.includes(configError.attribute) || this.#liveIdentity !== identity(readIdentity(this))) {
        void this.#controller.stop('user');
        this.#controller.reportConfigError(configError);
      } else if (this.#liveConfigError !== configError.message) {
        // The live session does not use the value now; it is reported again (fatal) once the session ends.
        this.#liveConfigError = configError.message;
        this.#reportNonFatal({ ...configError.toDetail(), fatal: false });
      }
    } else {
      this.#liveConfigError = undefined;
      this.#controller.reportConfigError(configError);
    }
    // Changing who or what the avatar is ends the live session before the new one starts.
    if (config && this.#controller.active && this.#liveIdentity !== identity(config)) {
      void this.#controller.stop('user');
      this.start().catch(() => undefined);
    }
    if (changed.has('loading') && changed.get('loading') !== undefined && this.isConnected) this.#watchViewport();
    if (changed.has('voiceChat') && this.#controller.state === 'connected') this.#maybeStartVoiceChat();
    if (changed.has('noBargeIn') && this.#controller.voiceChat.active) {
      void this.startVoiceChat({ pushToTalk: this.#controller.voiceChat.pushToTalk }).catch(() => undefined);
    }
  }

  protected override updated(): void {
    this.#maybeAutostart();
    // Focus moved to the frame while the start control hid (#onStartClick): it goes back once the control shows.
    const root = this.renderRoot as ShadowRoot;
    if (!this.#controller.active && root.activeElement?.classList.contains('frame')) {
      const slot = root.querySelector<HTMLSlotElement>('[name=start-button]')!;
      ((slot.assignedElements()[0] ?? slot.firstElementChild) as HTMLElement).focus();
    }
  }

  /** `updateComplete` includes the control bar: its chunk may still be loading when a session goes live. */
  protected override async getUpdateComplete(): Promise<boolean> {
    const complete = await super.getUpdateComplete();
    const pending = this.controls ? controlsPending() : undefined;
    if (!pending) return complete;
    await pending.catch(() => undefined);
    this.requestUpdate();
    return super.getUpdateComplete();
  }

  protected override render() {
    const state = this.#controller.state;
    const live = state === 'connected' || state === 'reconnecting';
    const busy = state === 'connecting';
    const error = state === 'error';
    // Every avatar taken (the server's caps) is no failure: a calm status, and the visitor tries again later.
    const alarm = error && this.#controller.error?.code !== 'capacity';
    // The accessible name starts with the visible text (WCAG label-in-name) and says what it starts.
    const [startLabel, startName] = error
      ? ['Try again', 'Try again to start the avatar']
      : state === 'ended'
        ? ['Start again', 'Start again: new avatar session']
        : ['Start', 'Start avatar'];
    // Asked whenever `controls` is set, so the bar's chunk is loaded before a session is live.
    const renderControls = this.controls ? controlsRenderer(this.#onControlsLoaded) : undefined;
    return html`<div class="frame" tabindex="-1">
      ${this.#background.layer} ${this.#video} ${this.#container}
      <div part="poster" ?hidden=${live}>
        <slot name="poster">${this.poster ? html`<img part="poster-image" src=${this.poster} alt="" />` : nothing}</slot>
      </div>
      ${this.captions && this.#captions.text ? html`<div part="captions" aria-hidden="true"><span>${this.#captions.text}</span></div>` : nothing}
      <div class="overlay">
        ${busy ? html`<div class="spinner" role="presentation"></div>` : nothing}
        <slot name="start-button" ?hidden=${live || busy} @click=${this.#onStartClick}>
          <button part="start-button" type="button" aria-label=${startName}>${startLabel}</button>
        </slot>
      </div>
      <button part="unmute-button" type="button" ?hidden=${!this.#controller.audioBlocked} @click=${this.#onUnmuteClick}>
        Tap to unmute
      </button>
      ${this.provider === 'local' || !this.provider ? html`<span part="badge">Local preview</span>` : nothing}
      ${this.controls && live
        ? html`<div part="controls" class="controls" role="toolbar" aria-label="Avatar controls">
            <slot name="controls">${renderControls ? renderControls(this.#controlsView()) : nothing}</slot>
          </div>`
        : nothing}
      <div part="status" class=${error && !alarm ? 'calm' : ''} role=${alarm ? 'alert' : 'status'} aria-live=${alarm ? 'assertive' : 'polite'}>${this.#statusText(state)}</div>
      <div class="visually-hidden" aria-live="polite">${this.captions ? this.#captions.announcement : ''}</div>
    </div>`;
  }

  #controlsView() {
    return {
      voiceChat: this.#controller.voiceChat,
      muted: this.muted,
      captions: this.captions,
      fullscreen: this.#isFullscreen(),
      // False in an iframe without `allow="fullscreen"` (a CMS embed) and on iPhone: no button that does nothing.
      fullscreenAvailable: Boolean(document.fullscreenEnabled),
      root: this.renderRoot,
      toggleVoiceChat: () => {
        if (this.#controller.voiceChat.active) void this.stopVoiceChat();
        else void this.startVoiceChat({ pushToTalk: this.#voiceChatMode() === 'push-to-talk' }).catch(() => undefined);
      },
      talk: (pressed: boolean) => void this.#controller.pushToTalk(pressed),
      toggleMute: () => (this.muted ? this.unmute() : this.mute()),
      toggleCaptions: () => {
        this.captions = !this.captions;
      },
      toggleFullscreen: () => {
        if (this.#isFullscreen()) void document.exitFullscreen().catch(() => undefined);
        else void this.requestFullscreen?.().catch(() => undefined);
      },
      stop: () => void this.stop(),
    };
  }

  /** Asked of the element's own root: inside another shadow root, `document.fullscreenElement` is that root's host. */
  #isFullscreen(): boolean {
    return (this.getRootNode() as Document | ShadowRoot).fullscreenElement === this;
  }

  #statusText(state: AvatarState): string {
    return state === 'error' ? (this.#controller.error?.message ?? 'Something went wrong.') : (STATUS_TEXT[state] ?? this.#notice.text);
  }

  #readConfig(): SessionConfig {
    return readConfig(this, this.getAttribute('quality') ?? this.quality, this.getAttribute('video-encoding') ?? this.videoEncoding);
  }

  #connectTimeoutMs(): number | undefined {
    const value = Number(this.connectTimeout);
    return this.connectTimeout != null && Number.isInteger(value) && value > 0 ? value : undefined;
  }

  #voiceChatMode() {
    try {
      return parseVoiceChat(this.voiceChat);
    } catch {
      return 'off';
    }
  }

  #maybeStartVoiceChat(): void {
    const mode = this.#voiceChatMode();
    if (mode === 'off') return;
    void this.startVoiceChat({ pushToTalk: mode === 'push-to-talk' }).catch(() => undefined);
  }

  /** `loading="lazy"` waits for the viewport; `eager` preloads the code right away. */
  #watchViewport(): void {
    let lazy = false;
    try {
      lazy = parseLoading(this.loading) === 'lazy';
    } catch {
      // Reported by the attribute check.
    }
    if (!lazy || typeof IntersectionObserver === 'undefined') {
      this.#nearViewport = true;
      this.#preload();
      return;
    }
    this.#observer?.disconnect();
    this.#observer = new IntersectionObserver(
      (entries) => {
        if (!entries.some((e) => e.isIntersecting)) return;
        this.#observer?.disconnect();
        this.#observer = undefined;
        this.#nearViewport = true;
        this.#preload();
        this.#maybeAutostart();
      },
      { rootMargin: LAZY_MARGIN },
    );
    this.#observer.observe(this);
  }

  #preload(): void {
    try {
      this.#controller.preload(this.#readConfig());
    } catch {
      // A bad attribute is reported by the attribute check.
    }
  }

  #maybeAutostart(): void {
    if (this.#autostarted || !this.isConnected || !this.#nearViewport) return;
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

  /** An error that leaves the session running still gets a visible line, not only an event. */
  #reportNonFatal(error: AvatarError | AvatarErrorDetail): void {
    const detail = error instanceof AvatarError ? error.toDetail() : error;
    if (this.isConnected) this.#notice.show(detail.message);
    this.#emit('avatar-error', detail);
  }

  #emit<K extends AvatarEventName>(name: K, detail: AvatarEventDetailMap[K]): void {
    this.dispatchEvent(createAvatarEvent(name, detail));
  }

  #onStartClick = (event: Event) => {
    event.stopPropagation();
    this.start().catch(() => undefined);
    // The start control hides while connecting: keep keyboard focus inside the element rather than on <body>.
    if (this.state === 'connecting' && this.matches(':focus-within')) this.renderRoot.querySelector<HTMLElement>('.frame')?.focus();
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
    for (const type of GESTURES) document[on ? 'addEventListener' : 'removeEventListener'](type, this.#onGesture, { capture: true });
  }

  /** Push-to-talk key: held anywhere on the page, except while typing in a field. */
  #onTalkKey = (event: KeyboardEvent) => {
    if (!this.pushToTalkKey || event.code !== this.pushToTalkKey || event.repeat) return;
    const target = event.composedPath()[0];
    if (target instanceof HTMLElement && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
    if (!this.#controller.voiceChat.pushToTalk) return;
    event.preventDefault();
    this.#talkKeyHeld = event.type === 'keydown';
    void this.#controller.pushToTalk(this.#talkKeyHeld);
  };

  /** A key held while the window loses focus never sends its keyup: release it, or the microphone stays open. */
  #onWindowBlur = () => {
    if (!this.#talkKeyHeld) return;
    this.#talkKeyHeld = false;
    void this.#controller.pushToTalk(false);
  };

  #onFullscreenChange = () => this.requestUpdate();

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

function identity(config: SessionIdentity): string {
  return SESSION_IDENTITY.map((key) => String(config[key] ?? '')).join('\u0000');
}

declare global {
  interface HTMLElementTagNameMap {
    'streaming-avatar': StreamingAvatarElement;
  }
}
