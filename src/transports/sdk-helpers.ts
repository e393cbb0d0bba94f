import { AvatarError, type AvatarErrorCode } from '../errors/avatar-error.js';
import { attachTrack, detachTrack } from './media.js';
import type { MicrophoneOptions, Transport, TransportHost, TransportOptions } from './transport.js';

/**
 * What the LiveKit, Agora and TRTC plugins share: loading the SDK, a join that cannot hang, the size check
 * on data messages, keeping secrets out of error messages, and deciding which remote tracks are the
 * avatar's. Nothing here imports an SDK.
 */

/** Imports an SDK; a missing optional peer dependency becomes a `transport-load-failed` that says what to install. */
export async function loadSdk<T>(load: () => Promise<T>, packageName: string): Promise<T> {
  try {
    return await load();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new AvatarError(
      'transport-load-failed',
      `Could not load ${packageName} (install it next to streaming-avatar): ${reason}`,
      { cause: error },
    );
  }
}

/**
 * Waits for an SDK's join, but never longer than `timeoutMs` and never past an abort of any of `signals`.
 * Some SDKs never settle offline (Agora keeps retrying gateways), so the caller leaves after a rejection.
 */
export function joinWithin<T>(join: Promise<T>, timeoutMs: number, signals: AbortSignal[], what: string): Promise<T> {
  // An abandoned join may still reject later; that is expected, not unhandled.
  join.catch(() => undefined);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => finish(() => reject(new AvatarError('aborted', `${what}: aborted while joining.`)));
    const timer = setTimeout(
      () =>
        finish(() =>
          reject(new AvatarError('transport-join-timeout', `${what} did not join within ${Math.round(timeoutMs / 100) / 10} s.`)),
        ),
      timeoutMs,
    );
    const finish = (settle: () => void) => {
      clearTimeout(timer);
      for (const signal of signals) signal.removeEventListener('abort', onAbort);
      settle();
    };
    if (signals.some((signal) => signal.aborted)) return onAbort();
    for (const signal of signals) signal.addEventListener('abort', onAbort, { once: true });
    join.then(
      (value) => finish(() => resolve(value)),
      (error: unknown) => finish(() => reject(error)),
    );
  });
}

/** Every SDK caps a data message; above the cap the element gets a typed error instead of a silent drop. */
export function checkMessageSize(payload: Uint8Array, maxBytes: number, what: string): void {
  if (payload.byteLength > maxBytes) {
    throw new AvatarError(
      'transport-data-too-large',
      `A data message of ${payload.byteLength} bytes is over ${what}'s ${maxBytes}-byte limit.`,
      { fatal: false },
    );
  }
}

/** SDK errors can quote the URL or credential they failed with; error messages must never carry a token. */
export function redact(text: string, secrets: readonly (string | null | undefined)[]): string {
  let out = text.replace(/(access_token|token|userSig|usersig)=[^&\s"']+/gi, '$1=[redacted]');
  for (const secret of secrets) {
    if (secret && secret.length >= 8) out = out.split(secret).join('[redacted]');
  }
  return out;
}

/** An SDK failure as an AvatarError, with the credentials taken out of the message. */
export function sdkError(
  error: unknown,
  code: AvatarErrorCode,
  context: string,
  secrets: readonly (string | null | undefined)[],
  fatal = true,
): AvatarError {
  if (error instanceof AvatarError) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new AvatarError(code, redact(`${context}: ${reason}`, secrets), { cause: error, fatal });
}

/** Functions run once, in reverse order of registration: listener removals, timers, SDK handles. */
export class Cleanup {
  private readonly tasks: (() => void)[] = [];

  add(task: () => void): void {
    this.tasks.push(task);
  }

  run(): void {
    for (const task of this.tasks.splice(0).reverse()) {
      try {
        task();
      } catch {
        // One failed removal must not keep the others from running.
      }
    }
  }
}

type TrackKind = 'audio' | 'video';

/**
 * Decides which remote participant is the avatar and keeps its tracks on the element's `<video>`. The
 * avatar is the participant the credentials name, else the first one to send video; audio that arrives
 * before anyone has sent video waits until its sender turns out to be (or not to be) the avatar. Other
 * participants' media never reaches the `<video>`.
 */
export class AvatarMedia<Id> {
  private avatar: Id | undefined;
  private readonly waiting = new Map<Id, MediaStreamTrack>();
  private readonly attached = new Map<TrackKind, MediaStreamTrack>();
  private closed = false;

  constructor(
    private readonly video: HTMLVideoElement,
    private readonly host: TransportHost,
    fixedAvatar?: Id,
  ) {
    this.avatar = fixedAvatar;
  }

  /** Whether media from `id` may be the avatar's (worth subscribing to). */
  accepts(id: Id): boolean {
    return this.avatar === undefined || this.avatar === id;
  }

  isAvatar(id: Id): boolean {
    return this.avatar !== undefined && this.avatar === id;
  }

  /** A remote track from participant `id` is ready to play. */
  add(id: Id, track: MediaStreamTrack): void {
    if (this.closed) return;
    if (this.avatar === undefined) {
      if (track.kind !== 'video') {
        this.waiting.set(id, track);
        return;
      }
      this.avatar = id;
      const audio = this.waiting.get(id);
      this.waiting.clear();
      if (audio && audio.readyState === 'live') this.put(audio);
    }
    if (this.avatar !== id) return;
    this.put(track);
    this.host.mediaChanged();
  }

  /** A remote track stopped (unpublished, unsubscribed). */
  remove(id: Id, kind: TrackKind): void {
    if (this.waiting.get(id)?.kind === kind) this.waiting.delete(id);
    if (this.closed || !this.isAvatar(id)) return;
    const track = this.attached.get(kind);
    if (!track) return;
    this.attached.delete(kind);
    detachTrack(this.video, track);
    this.host.mediaChanged();
  }

  /** Participant `id` left the room; true when it was the avatar. */
  left(id: Id): boolean {
    this.waiting.delete(id);
    return this.isAvatar(id);
  }

  /** Takes our tracks off the `<video>` (a newer session's tracks stay) and ignores anything later. */
  close(): void {
    this.closed = true;
    this.waiting.clear();
    for (const track of this.attached.values()) detachTrack(this.video, track);
    this.attached.clear();
  }

  private put(track: MediaStreamTrack): void {
    const kind = track.kind === 'audio' ? 'audio' : 'video';
    attachTrack(this.video, track);
    this.attached.set(kind, track);
  }
}

type UnionToIntersection<U> = (U extends unknown ? (arg: U) => void : never) extends (arg: infer I) => void ? I : never;

/**
 * `on`/`off` for an event map, as one overload per event. An SDK emitter declared generically over its own
 * (larger) event map is then checked against each event's listener type in turn, which a generic signature
 * over a different map would not allow.
 */
export type EventOverloads<M> = UnionToIntersection<{ [E in keyof M]: (event: E, listener: M[E]) => unknown }[keyof M]>;

/** Registers every handler of `handlers` on `emitter` and queues its removal on `cleanup`. */
export function listenAll<M extends object>(
  emitter: { on: EventOverloads<M>; off: EventOverloads<M> },
  handlers: M,
  cleanup: Cleanup,
): void {
  // The overloads are checked where the SDK surface is declared; registering from a map needs their
  // common generic view.
  type Register = <E extends keyof M>(event: E, listener: M[E]) => unknown;
  const { on, off } = emitter as unknown as { on: Register; off: Register };
  for (const event of Object.keys(handlers) as (keyof M)[]) {
    on.call(emitter, event, handlers[event]);
    cleanup.add(() => off.call(emitter, event, handlers[event]));
  }
}

export interface SdkTransportSetup<S, Id> {
  /** Loads the SDK module (the seam tests use). */
  load: () => Promise<S>;
  /** The npm package, for the "install it" message. */
  packageName: string;
  /** How messages name the session, e.g. "The LiveKit room". */
  room: string;
  /** The room credential, kept out of every error message. */
  secret: string | null;
  /** The avatar's id when the credentials name it. */
  avatar: Id | undefined;
}

/**
 * The life cycle the three SDK plugins share: load the SDK, join within the time limit (leaving on any
 * failure), report only while live, and tear down in one order: our tracks off the `<video>`, microphone,
 * leave, then every listener and SDK handle registered on `cleanup`.
 */
export abstract class SdkTransport<S, Id> implements Transport {
  abstract readonly kind: 'livekit' | 'agora' | 'trtc';
  abstract readonly maxMessageBytes: number;
  protected sdk?: S;
  protected joined = false;
  protected closed = false;
  protected readonly cleanup = new Cleanup();
  protected readonly media: AvatarMedia<Id>;
  private readonly lifetime = new AbortController();

  constructor(
    protected readonly options: TransportOptions,
    private readonly setup: SdkTransportSetup<S, Id>,
  ) {
    this.media = new AvatarMedia<Id>(options.video, options.host, setup.avatar);
  }

  protected get host(): TransportHost {
    return this.options.host;
  }

  /** SDK events after `disconnect()` are ignored. */
  protected get live(): boolean {
    return !this.closed;
  }

  async connect(signal: AbortSignal): Promise<void> {
    try {
      const sdk = (this.sdk = await loadSdk(this.setup.load, this.setup.packageName));
      if (this.closed || signal.aborted) throw new AvatarError('aborted', `${this.setup.room}: stopped while joining.`);
      await joinWithin(this.join(sdk), this.options.joinTimeoutMs, [signal, this.lifetime.signal], this.setup.room);
      this.joined = true;
      this.afterJoin();
    } catch (error) {
      await this.disconnect();
      throw error instanceof AvatarError ? error : this.joinError(error);
    }
  }

  async disconnect(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.lifetime.abort();
    this.media.close();
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
    this.cleanup.run();
  }

  abstract send(payload: Uint8Array): Promise<void>;
  abstract startMicrophone(options?: MicrophoneOptions): Promise<MediaStreamTrack | void>;
  abstract stopMicrophone(): Promise<void>;
  abstract setMicrophoneMuted(muted: boolean): Promise<void>;
  abstract resumeAudio(): Promise<void>;

  /** Creates the SDK client, registers its listeners (removals on `cleanup`) and starts the join. */
  protected abstract join(sdk: S): Promise<unknown>;
  /** Leaves the room (remote tracks end with it). */
  protected abstract leave(): Promise<void>;
  /** Maps an SDK join failure onto the element's codes (see `fail`). */
  protected abstract joinError(error: unknown): AvatarError;

  protected afterJoin(): void {}

  /** An SDK failure as an AvatarError, without the room credential in its message. */
  protected fail(error: unknown, code: AvatarErrorCode, context: string, fatal = true): AvatarError {
    return sdkError(error, code, context, [this.setup.secret], fatal);
  }

  /** The SDK handle for a command that needs a joined room; otherwise the command's (non-fatal) error. */
  protected joinedOr<T>(handle: T | undefined, code: 'transport-send-failed' | 'mic-failed'): T {
    if (!handle || !this.joined || this.closed) throw new AvatarError(code, `${this.setup.room} is not joined.`, { fatal: false });
    return handle;
  }
}
