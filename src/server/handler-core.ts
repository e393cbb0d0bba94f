/**
 * What the create and stop routes share: the options read once, the ledger and its store, the stop tokens,
 * vendor HTTP settings, and the work that outlives an answer (orphaned sessions, the reaper).
 */
import { AvatarError } from '../errors/avatar-error.js';
import { Background } from './background.js';
import { isObject, LATE_ANSWER_MS, type StopWith, type VendorHttp } from './http.js';
import { Ledger, type ReapResult, type SessionRecord } from './ledger.js';
import { checkSitePolicy, DEFAULT_LIMITS, type SessionLimits } from './policy.js';
import { Redactor } from './redact.js';
import { SERVER_PROVIDERS, SERVER_VENDORS } from './registry.js';
import { memoryStore, type KeyValueStore } from './store.js';
import { StopTokens } from './stop-token.js';
import type { ProviderConfigs, ServerProvider, SessionHandlerLogger, SessionHandlerOptions } from './types.js';
import type { Vendor } from './vendor.js';

export const VENDORS: { [P in ServerProvider]: Vendor<NonNullable<ProviderConfigs[P]>> } = SERVER_VENDORS;

const DEFAULT_TIMEOUT_MS = 15_000;
/** A stop token stays good this long past its session's end (clock skew, a slow page). */
export const TOKEN_GRACE_MS = 5 * 60_000;
/** Stops nobody waits for (orphans, the reaper) may take longer than a page's. */
const BACKGROUND_STOP_TIMEOUT_MS = 30_000;
const SWEEP_INTERVAL_MS = 30_000;
const SWEEP_LIMIT = 100;
const REAP_LIMIT = 10_000;
/** `Retry-After` of a `capacity` answer: "try again in a minute". */
export const CAPACITY_RETRY_S = 60;

export type WaitUntil = (promise: Promise<unknown>) => void;

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) throw new TypeError(`${name} must be a positive number of seconds.`);
  return value;
}

function caps(name: string, value: unknown): void {
  const valid = (n: unknown) => n === undefined || (typeof n === 'number' && Number.isInteger(n) && n > 0);
  if (isObject(value) ? !Object.values(value).every(valid) : !valid(value)) throw new TypeError(`${name} must be a positive integer (or one per vendor).`);
}

/** A vendor refusal that means the session no longer runs (unknown, already ended): recorded as stopped. */
export const isGone = (error: unknown): boolean => error instanceof AvatarError && error.code === 'vendor-error';

export class Core {
  readonly providers: ProviderConfigs;
  readonly fetch: typeof fetch;
  readonly timeoutMs: number;
  readonly limits: SessionLimits;
  readonly now: () => number;
  readonly store: KeyValueStore;
  readonly ledger: Ledger;
  readonly tokens: StopTokens;
  readonly background: Background;
  readonly #logger?: SessionHandlerLogger;
  readonly #warned = new Set<string>();
  #sweepAsked = -Infinity;

  constructor(readonly options: SessionHandlerOptions) {
    this.providers = options.providers ?? {};
    this.fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#logger = options.logger === false ? undefined : (options.logger ?? console);
    this.now = options.now ?? Date.now;
    this.limits = {
      maxDurationS: positive('maxDurationS', options.maxDurationS, DEFAULT_LIMITS.maxDurationS),
      maxIdleTimeoutS: positive('maxIdleTimeoutS', options.maxIdleTimeoutS, DEFAULT_LIMITS.maxIdleTimeoutS),
    };
    caps('maxConcurrentSessions', options.maxConcurrentSessions);
    caps('maxSessionsPerClient', options.maxSessionsPerClient);
    for (const provider of SERVER_PROVIDERS) {
      const config = this.providers[provider];
      if (isObject(config)) checkSitePolicy(provider, VENDORS[provider].policy, config);
    }
    this.store = options.store ?? memoryStore();
    this.ledger = new Ledger(this.store, this.now, {
      // create_token and new may each take timeoutMs, then the late answer is read for LATE_ANSWER_MS.
      createMs: 2 * this.timeoutMs + LATE_ANSWER_MS + BACKGROUND_STOP_TIMEOUT_MS,
      keepMs: TOKEN_GRACE_MS + 60_000,
      maxSessionMs: this.limits.maxDurationS * 1000,
    });
    this.tokens = new StopTokens(options.secret);
    this.background = new Background((message) => this.log(message));
    if (this.tokens.ephemeral) {
      this.log('no `secret` is set: stop tokens are signed with a random key of this process, so stops work only on this instance and not after a restart. Set `secret` (the same on every instance).');
    }
  }

  /** Each misconfiguration warning once per handler: a log line per request would drown the log. */
  warnOnce(key: string, message: string): void {
    if (this.#warned.has(key)) return;
    this.#warned.add(key);
    this.log(message);
  }

  /** Logs a line scrubbed of every configured secret. */
  log(message: string, redactor = this.redactor()): void {
    this.#logger?.warn(`[streaming-avatar] ${redactor.text(message)}`);
  }

  /** A redactor that knows every configured secret, also inside the configurations (vendorFields' keys, URLs). */
  redactor(): Redactor {
    const redactor = new Redactor(
      Object.values(this.providers).flatMap((config) =>
        isObject(config) ? Object.entries(config).flatMap(([key, value]) => (/key|secret|token/i.test(key) && typeof value === 'string' ? [value] : [])) : [],
      ),
    );
    redactor.addNamedIn(this.providers);
    const secret = this.options.secret;
    for (const value of typeof secret === 'string' ? [secret] : (secret ?? [])) redactor.add(value);
    return redactor;
  }

  configOf<P extends ServerProvider>(provider: P, redactor: Redactor): NonNullable<ProviderConfigs[P]> {
    const config = this.providers[provider];
    if (!isObject(config)) {
      throw new AvatarError('provider-not-configured', `provider "${provider}" is not configured on this server.`, { status: 400 });
    }
    for (const secret of VENDORS[provider].secrets(config as never)) redactor.add(secret);
    return config as NonNullable<ProviderConfigs[P]>;
  }

  capOf(provider: ServerProvider): number | undefined {
    const cap = this.options.maxConcurrentSessions;
    return typeof cap === 'number' ? cap : cap?.[provider];
  }

  /** HTTP settings of a create: the client's signal, and orphans handed back to the ledger. */
  createHttp(redactor: Redactor, record: SessionRecord, signal: AbortSignal | undefined, waitUntil: WaitUntil | undefined): VendorHttp {
    return {
      fetch: this.fetch,
      timeoutMs: this.timeoutMs,
      redactor,
      signal,
      background: (task) => this.background.run(task, waitUntil),
      orphan: (sessionId, stop, why) => this.orphan(record, sessionId, stop, why, redactor),
    };
  }

  /** HTTP settings of a stop: no client signal (a beacon's page is gone); longer when nobody waits. */
  stopHttp(redactor: Redactor, background = false): VendorHttp {
    return { fetch: this.fetch, timeoutMs: background ? Math.max(this.timeoutMs, BACKGROUND_STOP_TIMEOUT_MS) : this.timeoutMs, redactor };
  }

  /** Stops a recorded live session with its vendor, once (false: someone else did or does). */
  stopRecord(record: SessionRecord, redactor: Redactor, background = false): Promise<boolean> {
    const provider = record.vendor as ServerProvider;
    const config = this.configOf(provider, redactor);
    const vendor = VENDORS[provider] as Vendor<typeof config>;
    const http = this.stopHttp(redactor, background);
    return this.ledger.stop(record, () => vendor.stop({ config, sessionId: record.sessionId!, http }), isGone);
  }

  /** A session the page will never get (a late or unusable answer): recorded, stopped, logged. */
  async orphan(record: SessionRecord, sessionId: string | undefined, stop: StopWith, why: string, redactor: Redactor): Promise<void> {
    if (!sessionId) {
      this.log(`${record.vendor}: ${why}; a session may have been made, but the answer names none to stop. Check the vendor's dashboard.`, redactor);
      return;
    }
    // Due at once: if this stop fails, the next sweep tries again.
    await this.ledger.live(record, sessionId, this.now());
    const http = this.stopHttp(redactor, true);
    try {
      await this.ledger.stop(record, () => stop(sessionId, http), isGone);
      this.log(`${record.vendor}: ${why}; session ${sessionId} was stopped.`, redactor);
    } catch (error) {
      this.log(`${record.vendor}: ${why}; session ${sessionId} could not be stopped yet (${error instanceof Error ? error.message : String(error)}); the reaper will retry.`, redactor);
    }
  }

  /** The lazy sweep: at most once per interval across instances, in the background. */
  sweep(waitUntil: WaitUntil | undefined): void {
    // Asking the store once a second at most: a flood of requests is not a flood of store writes.
    const now = this.now();
    if (now - this.#sweepAsked < 1000) return;
    this.#sweepAsked = now;
    const task = (async () => {
      if (await this.ledger.sweepDue(SWEEP_INTERVAL_MS)) await this.reap(SWEEP_LIMIT);
    })();
    this.background.run(task, waitUntil);
  }

  async reap(limit = REAP_LIMIT): Promise<ReapResult> {
    const redactor = this.redactor();
    const result = await this.ledger.reap((record) => this.stopRecord(record, redactor, true), limit);
    if (result.stopped > 0 || result.failed > 0) {
      this.log(`reaper: ${result.stopped} session(s) past their end stopped${result.failed ? `, ${result.failed} could not be stopped yet (retried on the next sweep)` : ''}.`, redactor);
    }
    return result;
  }
}
