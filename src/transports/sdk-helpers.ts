import { AvatarError, reasonOf, type AvatarErrorCode } from '../errors/avatar-error.js';
import { attachTrack, detachTrack } from './media.js';
import { loadMicrophone } from './microphone-loader.js';
import type {
  LocalCredentials,
  MicrophoneOptions,
  SendOptions,
  Transport,
  TransportCredentials,
  TransportHost,
  TransportOptions,
} from './transport.js';

/**
 * What the LiveKit, Agora and TRTC plugins share: loading the SDK, a join that cannot hang, the size check
 * on data messages, keeping secrets out of error messages, and deciding which remote tracks are the
 * avatar's. Nothing here imports an SDK.
 */

type UnionToIntersection<U> = (U extends unknown ? (arg: U) => void : never) extends (arg: infer I) => void ? I : never;

/**
 * `on`/`off` for an event map, as one overload per event. An SDK emitter declared generically over its own
 * (larger) event map is then checked against each event's listener type in turn, which a generic signature
 * over a different map would not allow.
 */
export type EventOverloads<M> = UnionToIntersection<{ [E in keyof M]: (event: E, listener: M[E]) => unknown }[keyof M]>;

type SdkCredentials = Exclude<TransportCredentials, LocalCredentials>;
type MicrophoneModule = typeof import('./microphone.js');

export interface SdkTransportSetup<S, Id, C extends SdkCredentials> {
  kind: C['kind'];
  /** The SDK's name in messages, e.g. "LiveKit". */
  name: string;
  /** Largest data message the SDK sends, in bytes. */
  maxMessageBytes: number;
  /** Loads the SDK module (the seam tests use). */
  load: () => Promise<S>;
  /** The npm package, for the "install it" message. */
  packageName: string;
  /** How messages name the session, e.g. "The LiveKit room". */
  room: string;
  /** The room credential, kept out of every error message. */
  secret: (credentials: C) => string | null;
  /** The avatar's id when the credentials name it. */
  avatar: (credentials: C) => Id | undefined;
}

/**
 * The life cycle the three SDK plugins share: load the SDK, join within the time limit (leaving on any
 * failure), report only while live, and tear down in one order: our tracks off the `<video>`, microphone,
 * leave, then every listener and SDK handle registered with `defer`. Also the parts of the commands that do
 * not depend on the SDK (the size check and error mapping of `send`, the checks before the microphone), and
 * which remote tracks are the avatar's: the participant the credentials name, else the first one to send
 * video; audio that arrives before anyone has sent video waits until its sender turns out to be (or not to
 * be) the avatar. Other participants' media never reaches the `<video>`.
 */
export abstract class SdkTransport<S, Id, C extends SdkCredentials> implements Transport {
  readonly kind: C['kind'];
  readonly maxMessageBytes: number;
  protected sdk?: S;
  /** Unset until joined, and until closed (every check is a truth test). */
  protected joined?: boolean;
  protected closed?: boolean;
  protected readonly credentials: C;
  /** The session's host, except that calls after `disconnect()` go nowhere (SDK events still in flight). */
  protected readonly host: TransportHost;
  /** Ends the wait for the join (a no-op once it settled). */
  #stopJoin?: () => void;
  readonly #setup: SdkTransportSetup<S, Id, C>;
  /** Run once on disconnect, last registered first: listener removals, SDK handles. */
  readonly #deferred: (() => void)[] = [];
  #avatar: Id | undefined;
  /** Audio that came before anyone sent video, by sender. */
  readonly #waiting = new Map<Id, MediaStreamTrack>();
  /** Our tracks on the `<video>`, by kind. */
  readonly #attached = new Map<string, MediaStreamTrack>();
  /** Set while the SDK reconnects: ends the session if the SDK is not back in time. */
  #reconnectLimit?: ReturnType<typeof setTimeout>;

  constructor(
    protected readonly options: TransportOptions,
    setup: SdkTransportSetup<S, Id, C>,
  ) {
    const { credentials, host } = options;
    if (credentials.kind !== setup.kind) {
      throw new AvatarError('transport-join-failed', `The ${setup.name} transport cannot join a "${credentials.kind}" session.`);
    }
    this.credentials = credentials as C;
    this.kind = setup.kind;
    this.maxMessageBytes = setup.maxMessageBytes;
    this.#setup = setup;
    this.#avatar = setup.avatar(this.credentials);
    // Methods only (anything else, `then` included, reads through); the host is a plain, unfrozen object.
    this.host = new Proxy(host, {
      get: (target, name) => {
        const member: unknown = Reflect.get(target, name);
        return typeof member === 'function' ? (...args: unknown[]) => this.closed || member.apply(target, args) : member;
      },
    });
  }

  async connect(signal: AbortSignal): Promise<void> {
    const { load, packageName, room } = this.#setup;
    try {
      let sdk: S;
      try {
        sdk = this.sdk = await load();
      } catch (error) {
        // A missing optional peer dependency: say what to install.
        throw new AvatarError('transport-load-failed', `Could not load ${packageName} (install it next to streaming-avatar): ${reasonOf(error)}`, {
          cause: error,
        });
      }
      await this.#within(sdk, signal, room);
      this.joined = true;
      this.afterJoin?.();
    } catch (error) {
      await this.disconnect();
      throw error instanceof AvatarError ? error : this.joinError(error);
    }
  }

  async disconnect(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.#stopJoin?.();
    clearTimeout(this.#reconnectLimit);
    // Our tracks off the <video> (a newer session's tracks stay); later ones are ignored.
    this.#waiting.clear();
    for (const track of this.#attached.values()) detachTrack(this.options.video, track);
    this.#attached.clear();
    try {
      await this.stopMicrophone();
    } catch {
      // Leaving releases it as well.
    }
    try {
      await this.leave();
    } catch {
      // Not joined, or already gone.
    }
    for (const task of this.#deferred.splice(0).reverse()) {
      try {
        task();
      } catch {
        // One failed removal must not keep the others from running.
      }
    }
  }

  /** Every SDK caps a data message; above the cap the element gets a typed error instead of a silent drop. */
  async send(payload: Uint8Array, options?: SendOptions): Promise<void> {
    const { name } = this.#setup;
    if (payload.byteLength > this.maxMessageBytes) {
      throw new AvatarError(
        'transport-data-too-large',
        `A ${payload.byteLength}-byte data message is over ${name}'s ${this.maxMessageBytes}-byte limit.`,
        { fatal: false },
      );
    }
    this.#assertJoined('transport-send-failed');
    // SDKs hold a message without limit while they reconnect, or drop it silently (TRTC): refuse it instead.
    if (this.#reconnectLimit !== undefined) {
      throw new AvatarError('transport-send-failed', `${this.#setup.room} is reconnecting.`, { fatal: false });
    }
    try {
      await this.transmit(payload, options);
    } catch (error) {
      const code = this.tooLarge?.(error) ? 'transport-data-too-large' : 'transport-send-failed';
      throw this.fail(error, code, `${name} could not send a data message`, false);
    }
  }

  abstract startMicrophone(options?: MicrophoneOptions): Promise<void>;
  abstract stopMicrophone(): Promise<void>;
  abstract setMicrophoneMuted(muted: boolean): Promise<void>;
  abstract resumeAudio(): Promise<void>;

  /** Creates the SDK client, registers its listeners (removals with `defer`) and starts the join. */
  protected abstract join(sdk: S): Promise<unknown>;
  /** Leaves the room (remote tracks end with it). */
  protected abstract leave(): Promise<void>;
  /** Maps an SDK join failure onto the element's codes (see `fail`). */
  protected abstract joinError(error: unknown): AvatarError;
  /** Sends one data message through the joined SDK (with its topic where the SDK has topics). */
  protected abstract transmit(payload: Uint8Array, options?: SendOptions): Promise<void> | void;

  /** Runs once joined. */
  protected afterJoin?(): void;

  /** Whether a failed send was the SDK refusing the message's size. */
  protected tooLarge?(error: unknown): boolean;

  /**
   * The SDK lost the connection and is getting it back by itself. Some SDKs never give up (Agora retries
   * forever, TRTC may), so a reconnection that takes longer than a join may ends the session ('network':
   * the session reports transport-disconnected) instead of leaving a frozen avatar on screen.
   */
  protected reconnecting(): void {
    if (this.closed || this.#reconnectLimit !== undefined) return;
    this.host.reconnecting();
    this.#reconnectLimit = setTimeout(() => this.host.disconnected('network'), this.options.joinTimeoutMs);
  }

  /** The SDK is connected again (a no-op when it was not reconnecting). */
  protected reconnected(): void {
    if (this.#reconnectLimit === undefined) return;
    clearTimeout(this.#reconnectLimit);
    this.#reconnectLimit = undefined;
    this.host.reconnected();
  }

  /** Runs `task` on disconnect, after leaving (last registered first). */
  protected defer(task: () => void): void {
    this.#deferred.push(task);
  }

  /** Registers every handler of `handlers` on `emitter`, removed on disconnect. */
  protected on<M extends object>(emitter: { on: EventOverloads<M>; off: EventOverloads<M> }, handlers: M): void {
    // The overloads are checked where the SDK surface is declared; registering from a map needs their
    // common generic view.
    type Register = <E extends keyof M>(event: E, listener: M[E]) => unknown;
    const sdk = emitter as unknown as { on: Register; off: Register };
    for (const event of Object.keys(handlers) as (keyof M)[]) {
      sdk.on(event, handlers[event]);
      this.defer(() => sdk.off(event, handlers[event]));
    }
  }

  /** The microphone helpers, once the page can have a microphone and the room is joined. */
  protected async microphone(): Promise<MicrophoneModule> {
    const module = await loadMicrophone();
    module.assertMicrophoneAvailable();
    this.#assertJoined('mic-failed');
    return module;
  }

  /** Whether media from `id` may be the avatar's (worth subscribing to). */
  protected accepts(id: Id): boolean {
    return this.#avatar === undefined || this.#avatar === id;
  }

  protected isAvatar(id: Id): boolean {
    return this.#avatar !== undefined && this.#avatar === id;
  }

  /** A remote track from participant `id` is ready to play (`null`: the SDK has none for it yet). */
  protected addTrack(id: Id, track: MediaStreamTrack | null): void {
    if (this.closed || !track) return;
    if (this.#avatar === undefined) {
      if (track.kind !== 'video') {
        this.#waiting.set(id, track);
        return;
      }
      this.#avatar = id;
      const audio = this.#waiting.get(id);
      this.#waiting.clear();
      if (audio && audio.readyState === 'live') this.#put(audio);
    }
    if (this.#avatar !== id || this.#attached.get(track.kind) === track) return;
    this.#put(track);
    this.host.mediaChanged();
  }

  /** A remote track from `id` stopped (unpublished, unsubscribed). */
  protected removeTrack(id: Id, kind: string): void {
    if (this.#waiting.get(id)?.kind === kind) this.#waiting.delete(id);
    // After disconnect() nothing is attached any more.
    const track = this.#attached.get(kind);
    if (!track || !this.isAvatar(id)) return;
    this.#attached.delete(kind);
    detachTrack(this.options.video, track);
    this.host.mediaChanged();
  }

  /** Participant `id` left: when it was the avatar, the vendor ended the session (rather than freeze on the last frame). */
  protected left(id: Id): void {
    this.#waiting.delete(id);
    if (this.isAvatar(id) && this.joined) this.host.disconnected('vendor');
  }

  /** An SDK failure as an AvatarError, without the room credential (or any `token=`) in its message. */
  protected fail(error: unknown, code: AvatarErrorCode, context: string, fatal = true): AvatarError {
    if (error instanceof AvatarError) return error;
    // SDK errors can quote the URL or credential they failed with; error messages must never carry a token
    // (`token=` covers `access_token=`, and the match is case-blind: `userSig=`, `usersig=`).
    const secret = this.#setup.secret(this.credentials);
    let message = `${context}: ${reasonOf(error)}`.replace(/(token|usersig)=[^&\s"']+/gi, '$1=[redacted]');
    if (secret && secret.length >= 8) message = message.split(secret).join('[redacted]');
    return new AvatarError(code, message, { cause: error, fatal });
  }

  #put(track: MediaStreamTrack): void {
    attachTrack(this.options.video, track);
    this.#attached.set(track.kind, track);
  }

  /**
   * Starts the SDK's join unless the session already stopped, and waits for it, but never longer than the
   * join time limit and never past an abort of `signal` or `disconnect()`. Some SDKs never settle offline
   * (Agora keeps retrying gateways), so the caller leaves after a rejection.
   */
  #within(sdk: S, signal: AbortSignal, room: string): Promise<unknown> {
    const ms = this.options.joinTimeoutMs;
    let stop = (): void => undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    return new Promise((resolve, reject) => {
      stop = this.#stopJoin = () => reject(new AvatarError('aborted', `${room}: aborted while joining.`));
      if (this.closed || signal.aborted) return stop();
      signal.addEventListener('abort', stop);
      timer = setTimeout(reject, ms, new AvatarError('transport-join-timeout', `${room} did not join within ${Math.round(ms / 100) / 10} s.`));
      // Handled here even once abandoned: a join that rejects after the caller left is expected.
      this.join(sdk).then(resolve, reject);
    }).finally(() => {
      clearTimeout(timer);
      signal.removeEventListener('abort', stop);
    });
  }

  /** A command that needs a joined room fails with its own (non-fatal) error otherwise. */
  #assertJoined(code: 'transport-send-failed' | 'mic-failed'): void {
    if (!this.joined || this.closed) throw new AvatarError(code, `${this.#setup.room} is not joined.`, { fatal: false });
  }
}
