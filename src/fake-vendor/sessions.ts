import type { Clock } from './clock.js';
import type { Relay } from './relay.js';
import type { Json } from './http.js';

export type FakeVendorName = 'heygen' | 'konpro' | 'deepbrain' | 'akool';
export type FakeSessionState = 'new' | 'started' | 'closed';

/** One vendor session as the fake vendor sees it (inspectable from tests). */
export interface FakeSession {
  vendor: FakeVendorName;
  id: string;
  state: FakeSessionState;
  /** The create body as received. */
  body: Json;
  createdAt: number;
  /** Bearer token bound to the session (HeyGen/KonPro session token, DeepBrain session token). */
  token?: string;
  /** Why it closed: `user` (stopped/closed), `idle` (idle timeout), `timeout` (duration limit). */
  endReason?: string;
  /** Seconds of inactivity before the vendor closes it (HeyGen/KonPro), if any. */
  idleTimeoutS?: number;
  timers: { idle?: unknown; duration?: unknown };
}

/** The sessions of every fake vendor, with their idle and duration timers and the relay to the page. */
export class SessionStore {
  readonly #sessions = new Map<string, FakeSession>();

  constructor(
    private readonly clock: Clock,
    private readonly relay: Relay,
  ) {}

  add(vendor: FakeVendorName, id: string, body: Json, extra: Partial<FakeSession> = {}): FakeSession {
    const session: FakeSession = { vendor, id, state: 'new', body, createdAt: this.clock.now(), timers: {}, ...extra };
    this.#sessions.set(id, session);
    return session;
  }

  /** The session `id` of `vendor`; another vendor's session is unknown here, as it would be. */
  get(vendor: FakeVendorName, id: unknown): FakeSession | undefined {
    const session = typeof id === 'string' ? this.#sessions.get(id) : undefined;
    return session?.vendor === vendor ? session : undefined;
  }

  all(): FakeSession[] {
    return [...this.#sessions.values()];
  }

  /** Ends the session after `seconds` whatever happens (duration limits). */
  limitDuration(session: FakeSession, seconds: number): void {
    session.timers.duration = this.clock.setTimeout(() => this.end(session, 'timeout'), seconds * 1000);
  }

  /** (Re)starts the idle countdown; activity calls this again. */
  touch(session: FakeSession): void {
    if (session.idleTimeoutS === undefined || session.state === 'closed') return;
    if (session.timers.idle !== undefined) this.clock.clearTimeout(session.timers.idle);
    session.timers.idle = this.clock.setTimeout(() => this.end(session, 'idle'), session.idleTimeoutS * 1000);
  }

  end(session: FakeSession, reason: string): void {
    if (session.state === 'closed') return;
    session.state = 'closed';
    session.endReason = reason;
    for (const handle of Object.values(session.timers)) if (handle !== undefined) this.clock.clearTimeout(handle);
    session.timers = {};
    this.relay.close(session.id, reason);
  }

  endAll(): void {
    for (const session of this.#sessions.values()) this.end(session, 'user');
  }
}
