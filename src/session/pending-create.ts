/** One create request in flight: read to its end (bounded) even once nobody wants it, so no session it made is lost. */
import type { SessionDescription } from './session-description.js';
import { askForSession, buildSessionRequest, newRequestId, stopRequestOf, stopVia, tokenTimeout, type StopRequest } from './session-request.js';
import type { SessionConfig } from './session-types.js';

/**
 * How long an answer is waited for (from the request), whether or not the page still wants it. Real
 * backends answer in seconds; past this the request is dropped and a stop by requestId covers it.
 */
export const CREATE_READ_LIMIT_MS = 60_000;

/** Creates whose answer has not arrived yet, in this page: the pagehide beacon names each one. */
const inFlight = new Set<PendingCreate>();

function onPageHide(): void {
  for (const create of [...inFlight]) create.beacon();
}

function track(create: PendingCreate, on: boolean): void {
  const listening = inFlight.size > 0;
  if (on) inFlight.add(create);
  else inFlight.delete(create);
  if (typeof globalThis.addEventListener !== 'function' || listening === inFlight.size > 0) return;
  globalThis[on ? 'addEventListener' : 'removeEventListener']('pagehide', onPageHide);
}

/**
 * A vendor session is made when the create request reaches the server, not when its answer reaches the
 * page, so aborting the request would only lose the answer, never the session. A create is therefore
 * never aborted because the page stopped wanting it (stop, removal, a switch, token-timeout): it is read
 * to its end and, when nobody wants it any more, the session it brings is stopped at once, before any
 * transport or event sees it. A create still in flight when the page goes away is named by its
 * `requestId` in a beacon; the server stops the session that create made.
 */
export class PendingCreate {
  /** This attempt's id, sent in the create body and in every stop of its session. */
  readonly requestId: string | undefined;
  /** The description, or the typed error; settles when the answer has been read. */
  readonly answer: Promise<SessionDescription>;
  #wanted = true;
  #taken = false;
  #beaconSent = false;
  #description?: SessionDescription;

  constructor(
    private readonly config: SessionConfig,
    private readonly fetchImpl: typeof fetch,
  ) {
    this.requestId = newRequestId();
    const request = buildSessionRequest(config, this.requestId);
    track(this, true);
    const signal = AbortSignal.timeout(Math.max(CREATE_READ_LIMIT_MS, config.tokenTimeout));
    this.answer = askForSession(config, request, { signal, fetchImpl }).then((result) => {
      track(this, false);
      if (!result.ok) {
        // An answer that may have made a session nobody can use (unreadable, refused, dropped): stop it.
        if (result.leftover && !(this.#beaconSent && !result.leftover.sessionId)) this.#stop({ provider: config.provider, ...result.leftover });
        throw result.error;
      }
      this.#description = result.description;
      if (!this.#wanted) this.#stop(stopRequestOf(result.description, this.requestId));
      return result.description;
    });
    this.answer.catch(() => undefined);
  }

  /** The answer within `ms` of now, else `token-timeout` (the request itself goes on). Waits no more once `signal` aborts. */
  within(ms: number, signal: AbortSignal): Promise<SessionDescription> {
    return new Promise((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
      };
      const timer = setTimeout(() => {
        done();
        reject(tokenTimeout(ms));
      }, ms);
      signal.addEventListener('abort', done, { once: true });
      this.answer.then(resolve, reject).finally(done);
    });
  }

  /** The session has the description now: its stop is the session's from here on. */
  take(): void {
    this.#taken = true;
  }

  /** Nobody wants this create any more: a session it brings (or has brought, untaken) is stopped at once. */
  abandon(): void {
    if (!this.#wanted) return;
    this.#wanted = false;
    if (this.#description && !this.#taken) this.#stop(stopRequestOf(this.#description, this.requestId));
  }

  /** The page is going away with this create in flight: a beacon names its requestId, once. */
  beacon(): void {
    if (this.#beaconSent || this.#description || !this.requestId) return;
    this.#beaconSent = true;
    this.#stop({ provider: this.config.provider, requestId: this.requestId }, true);
  }

  #stop(body: StopRequest, beacon = false): void {
    const withId: StopRequest = this.requestId ? { ...body, requestId: this.requestId } : body;
    // Nothing to name: neither an id the server made nor one this page made.
    if (!withId.sessionId && !withId.requestId) return;
    stopVia(this.config, withId, { beacon, fetchImpl: this.fetchImpl });
  }
}
