import type { SessionDescription } from '../session/session-description.js';
import type { SessionRequest } from '../session/session-types.js';
import type { KeyValueStore } from './store.js';
import type { ReapResult } from './ledger.js';
import type { SitePolicy } from './policy.js';
import type { ServerVendors } from './registry.js';
import type { Vendor } from './vendor.js';

/** Vendors the server half can create sessions for: the keys of the registry (server/registry.ts). */
export type ServerProvider = keyof ServerVendors;

/**
 * What every vendor's configuration has beside its keys: where its API is, the raw fields the site adds,
 * and the site's policy (`defaults`, `allow`, `avatars`: see `SitePolicy`).
 */
export interface ProviderConfigBase<F extends string = string> extends SitePolicy<F> {
  /** Vendor API origin; defaults to the vendor's production host. Tests and the fake vendor set it. */
  baseUrl?: string;
  /**
   * Raw vendor fields merged into every create body (trusted: they come from the server, not the page).
   * The hard maxima (`maxDurationS`, `maxIdleTimeoutS`) still apply to them.
   */
  vendorFields?: Record<string, unknown>;
}

/** The shape most vendors' configuration shares: one API key. */
export interface ApiKeyProviderConfig<F extends string = string> extends ProviderConfigBase<F> {
  apiKey: string;
}

/** Each vendor's configuration, as its server half (src/vendors/<name>/server.ts) declares it. */
export type ProviderConfigs = { [P in ServerProvider]?: ServerVendors[P] extends Vendor<infer C> ? C : never };

/**
 * The stop route's body: what the element sends (also with `navigator.sendBeacon`). Either the session's
 * `stopToken` (from the create answer) with its `sessionId`, or, for a create still in flight, only the
 * `requestId` the element made for it.
 */
export interface StopRequest {
  provider: string;
  sessionId?: string;
  requestId?: string;
  stopToken?: string;
}

/**
 * What a hook may answer: nothing (go on), `false` (refuse with 403 `token-forbidden`), a `Response` (sent
 * as is, e.g. your own 401), or a replacement body. Throwing an `AvatarError` answers its code and status.
 */
export type HookResult<T> = void | undefined | false | Response | T;

/** `false` or `{retryAfter}` (seconds) refuses with 429 `rate-limited`; anything else lets the request in. */
export type RateLimitResult = boolean | void | undefined | { retryAfter: number };

export interface RateLimitInfo {
  route: 'create' | 'stop';
  /** The client's address, where the adapter knows it (`toNodeHandler`); not from a client-set header. */
  clientAddress?: string;
}

export interface SessionHandlerLogger {
  warn(message: string): void;
}

export interface SessionHandlerOptions {
  /** Secrets per vendor. A provider without an entry answers 400 `provider-not-configured`. */
  providers: ProviderConfigs;
  /**
   * Origins allowed to call the handler (e.g. `['https://example.com']`), or a predicate. Others, and requests
   * without an `Origin` header, get 403 `origin-not-allowed`; allowed cross-origin callers get CORS headers.
   * Unset: no origin check (same-origin deployments; browsers still block cross-origin reads).
   */
  allowedOrigins?: readonly string[] | ((origin: string | null, request: Request) => boolean);
  /**
   * Per-client rate limit, asked before the body is read. `clientAddress` is the connection's peer address
   * when `toNodeHandler` built the request (with `trustProxy`, the address your proxy forwarded); elsewhere
   * it is unset: key on your platform's client address, never on a header the client can write.
   */
  rateLimit?: (request: Request, info: RateLimitInfo) => RateLimitResult | Promise<RateLimitResult>;
  /**
   * Authenticate the site's user and rewrite or refuse the session request. It gets the page's body as the
   * policy left it (fields the page may not set dropped, the site's `defaults` under it), and what it
   * returns is the server's: any field of the vendor, unfiltered (the hard maxima still apply). A returned
   * body may carry `vendorFields` (raw vendor fields merged into the create body) and `clientId` (who the
   * user is, for `maxSessionsPerClient`); the page can set neither.
   */
  beforeCreate?: (request: Request, body: SessionRequest) => HookResult<ServerSessionRequest> | Promise<HookResult<ServerSessionRequest>>;
  /** Called with the answer before it is sent (e.g. to remember which user owns which session). */
  afterCreate?: (request: Request, session: SessionDescription) => void | Promise<void>;
  /**
   * Asked before a stop, after its capability checked out (a refused stop never reaches it): `false`, a
   * `Response` or a thrown `AvatarError` refuses. What it returns otherwise does not change what is stopped.
   */
  beforeStop?: (request: Request, body: StopRequest) => HookResult<StopRequest> | Promise<HookResult<StopRequest>>;
  /**
   * Signs the stop capability every create answer carries (`stopToken`, HMAC-SHA256), so only the page that
   * got a session can stop it. At least 16 characters; the same on every instance. A list rotates: the
   * first signs, every one verifies. Unset: a random key per process, so stops work only on the instance
   * that made the session (and not after a restart); the log says so.
   */
  secret?: string | readonly string[];
  /**
   * Where the session ledger lives (default: this process's memory, `memoryStore()`). Several instances
   * need one shared store (`redisStore()` from `streaming-avatar/server/redis`, or any `KeyValueStore`)
   * for stops by requestId and the caps to see every instance's sessions.
   */
  store?: KeyValueStore;
  /** Sessions at once per vendor, site-wide (a number for every vendor, or per vendor); more answer 429 `capacity`. */
  maxConcurrentSessions?: number | Partial<Record<ServerProvider, number>>;
  /**
   * Sessions at once per client, every vendor together; more answer 429 `capacity`. The client is the
   * `clientId` `beforeCreate` returns, else `clientAddress` (set by `toNodeHandler`); with neither, this
   * cap cannot apply (logged once).
   */
  maxSessionsPerClient?: number;
  /**
   * Longest session in seconds (default 600), whatever the config or hooks ask: sent to each vendor in its
   * own unit where it has a duration field, always the answer's `expiresAt`, and enforced by the reaper.
   */
  maxDurationS?: number;
  /** Longest idle timeout in seconds (default 300), whatever the config or hooks ask. */
  maxIdleTimeoutS?: number;
  /** `true`: a page field outside the policy answers 400 `bad-request` naming it, instead of being dropped (and logged once). */
  strict?: boolean;
  /**
   * `false`: ignore `request.signal`. By default its abort means the client left, so the handler makes no
   * further vendor call and stops a session made meanwhile; some Node-to-fetch adapters abort it as soon
   * as the body is read, which would end every create with 499 `aborted` (the log says so once).
   */
  clientAbort?: boolean;
  /** Milliseconds each vendor call may take (default 15000); past it the answer is 504 `vendor-unavailable`. */
  timeoutMs?: number;
  /** Largest request body accepted, in bytes (default 16384); larger is 413 `bad-request`. */
  maxBodyBytes?: number;
  /** The `fetch` used for vendor calls (tests observe calls through it). */
  fetch?: typeof fetch;
  /** Where failures are reported (default `console`; `false` for none). Messages never carry secrets. */
  logger?: SessionHandlerLogger | false;
  /** Clock for `expiresAt`, stop tokens and the reaper (tests). */
  now?: () => number;
}

/** What `beforeCreate` may return: a session request with the server's own extras. */
export type ServerSessionRequest = SessionRequest & {
  /** Raw vendor fields merged into the vendor's create body. */
  vendorFields?: Record<string, unknown>;
  /** Who the user is, for `maxSessionsPerClient` (e.g. your user id). */
  clientId?: string;
};

/**
 * The runtime's per-request context (Cloudflare Workers' `ctx`, or `{waitUntil: after}` in Next.js, Vercel's
 * `waitUntil`): work past the answer (reading a late vendor answer to stop its session, the lazy sweep) is
 * handed to `waitUntil`, so the runtime does not cut it short. Node needs none.
 */
export interface HandlerContext {
  waitUntil?(promise: Promise<unknown>): void;
}

/** A fetch-standard handler: what `toNodeHandler` runs. */
export type FetchHandler = (request: Request) => Promise<Response>;

export interface SessionHandler {
  /** `context`: anything, read only for `waitUntil` (a Next.js route's `{params}` is fine). */
  (request: Request, context?: HandlerContext | object): Promise<Response>;
  /**
   * Stops every recorded session past its end (`expiresAt`) that was never stopped: for a scheduled job
   * (cron, a Worker's `scheduled` event). Requests also sweep, at most every 30 s across instances.
   */
  reap(): Promise<ReapResult>;
  /** Resolves when the background work this instance started has ended (tests, graceful shutdown). */
  drain(): Promise<void>;
}

export type { KeyValueStore, ReapResult };
