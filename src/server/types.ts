import type { SessionDescription } from '../session/session-description.js';
import type { SessionRequest } from '../session/session-types.js';
import type { ServerVendors } from './registry.js';
import type { Vendor } from './vendor.js';

/** Vendors the server half can create sessions for: the keys of the registry (server/registry.ts). */
export type ServerProvider = keyof ServerVendors;

/** The shape most vendors' configuration shares: one API key. */
export interface ApiKeyProviderConfig {
  apiKey: string;
  /** Vendor API origin; defaults to the vendor's production host. Tests and the fake vendor set it. */
  baseUrl?: string;
  /** Raw vendor fields merged into every create body (trusted: they come from the server, not the page). */
  vendorFields?: Record<string, unknown>;
}

/** Each vendor's configuration, as its server half (src/vendors/<name>/server.ts) declares it. */
export type ProviderConfigs = { [P in ServerProvider]?: ServerVendors[P] extends Vendor<infer C> ? C : never };

/** The stop route's body: what the element sends (also with `navigator.sendBeacon`). */
export interface StopRequest {
  provider: string;
  sessionId: string;
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
   * Authenticate the site's user and rewrite or refuse the session request. A returned body may carry
   * `vendorFields` (raw vendor fields merged into the vendor's create body); the page cannot set those.
   */
  beforeCreate?: (request: Request, body: SessionRequest) => HookResult<SessionRequest> | Promise<HookResult<SessionRequest>>;
  /** Called with the answer before it is sent (e.g. to remember which user owns which session). */
  afterCreate?: (request: Request, session: SessionDescription) => void | Promise<void>;
  /** Same contract as `beforeCreate`, for the stop route (e.g. check the user owns the session). */
  beforeStop?: (request: Request, body: StopRequest) => HookResult<StopRequest> | Promise<HookResult<StopRequest>>;
  /**
   * Binds stops to the browser that created the session: the create answer sets an HttpOnly, SameSite=Strict
   * cookie named by an HMAC (this secret, at least 16 characters) of the session, and a stop without it is
   * 403 `token-forbidden`. Same-origin deployments only (the element sends cookies to its own origin);
   * elsewhere check ownership in `beforeStop`. Needs Web Crypto (Node 19+, Deno, Bun, edge).
   */
  stopSecret?: string;
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
  /** Clock for `expiresAt` (tests). */
  now?: () => number;
}

export type SessionHandler = (request: Request) => Promise<Response>;
