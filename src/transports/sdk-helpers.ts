import { AvatarError, type AvatarErrorCode } from '../errors/avatar-error.js';
import { attachTrack, detachTrack } from './media.js';
import type { TransportHost } from './transport.js';

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
): AvatarError {
  if (error instanceof AvatarError) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new AvatarError(code, redact(`${context}: ${reason}`, secrets), { cause: error });
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
