/** The token endpoint as the element uses it: the create request (with its requestId), its answer, and the stop route. */
import { AvatarError, isAvatarErrorCode, isAbortError, reasonOf, type AvatarErrorCode, type AvatarErrorDetail } from '../errors/avatar-error.js';
import { parseSessionDescription, type SessionDescription } from './session-description.js';
import type { SessionConfig, SessionRequest } from './session-types.js';

/**
 * A fresh id for one create attempt: a v4 UUID. `crypto.randomUUID` exists only in secure contexts, so an
 * `http:` page (a LAN test box) builds one from `getRandomValues`, which every browser has. It is the stop
 * capability of a create whose answer the page never read, so it must be unguessable: no Math.random.
 */
export function newRequestId(): string | undefined {
  const crypto = globalThis.crypto;
  if (crypto?.randomUUID) return crypto.randomUUID();
  if (!crypto?.getRandomValues) return undefined;
  // 16 random bytes in the v4 layout: version 4 (byte 6), variant 10xx (byte 8).
  const hex = Array.from(crypto.getRandomValues(new Uint8Array(16)), (byte, i) =>
    (i === 6 ? (byte & 15) | 64 : i === 8 ? (byte & 63) | 128 : byte).toString(16).padStart(2, '0'),
  ).join('');
  return hex.replace(/^(.{8})(.{4})(.{4})(.{4})/, '$1-$2-$3-$4-');
}

/** The page stopped waiting for the token endpoint (the request itself goes on). */
export const tokenTimeout = (ms: number, cause?: unknown) =>
  new AvatarError('token-timeout', `The token endpoint did not answer within ${ms} ms.`, { cause });

/** Builds the JSON the element POSTs to `token-url`; unset attributes are left out. */
export function buildSessionRequest(config: SessionConfig, requestId?: string): SessionRequest {
  const request: SessionRequest = { provider: config.provider };
  if (config.avatarId) request.avatarId = config.avatarId;
  if (config.quality) request.quality = config.quality;
  if (config.videoEncoding) request.videoEncoding = config.videoEncoding;
  if (config.voiceId || config.voiceRate !== undefined) {
    request.voice = {};
    if (config.voiceId) request.voice.voiceId = config.voiceId;
    if (config.voiceRate !== undefined) request.voice.rate = config.voiceRate;
  }
  if (config.language) request.language = config.language;
  if (config.streamType) request.streamType = config.streamType;
  if (config.idleTimeout !== undefined) request.idleTimeout = config.idleTimeout;
  const params = config.sessionParams ?? {};
  const merged: SessionRequest = { ...request, ...params, provider: config.provider };
  // The element's own id for this attempt: `sessionParams` cannot replace it (the stop by requestId needs it).
  if (requestId) merged.requestId = requestId;
  else delete merged.requestId;
  // `voice` merges one level deep, so `sessionParams.voice.emotion` adds to `voice-id` instead of erasing it.
  const voice = params.voice;
  if (request.voice && typeof voice === 'object' && voice !== null && !Array.isArray(voice)) {
    merged.voice = { ...request.voice, ...(voice as SessionRequest['voice']) };
  }
  return merged;
}

const STATUS_CODES: Record<number, AvatarErrorCode> = {
  401: 'token-unauthorized',
  403: 'token-forbidden',
  404: 'token-not-found',
  429: 'token-rate-limited',
};

interface ServerErrorBody {
  error: { code?: unknown; message?: unknown; vendorStatus?: unknown; vendorBody?: unknown; retryAfter?: unknown };
}

function isServerErrorBody(value: unknown): value is ServerErrorBody {
  return typeof value === 'object' && value !== null && typeof (value as ServerErrorBody).error === 'object' &&
    (value as ServerErrorBody).error !== null;
}

/** `Retry-After` in seconds: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}

/** What the visitor reads when every avatar is taken: calm, and when to try again. */
export function capacityMessage(seconds?: number): string {
  const when =
    seconds === undefined || (seconds > 45 && seconds <= 90) ? 'a minute' : seconds > 90 ? `${Math.round(seconds / 60)} minutes` : `${Math.max(2, seconds)} seconds`;
  return `All avatars are busy, try again in ${when}.`;
}

/** A token endpoint error that says when to try again (`Retry-After`, in seconds): `capacity`, `token-rate-limited`. */
export class RetryLaterError extends AvatarError {
  constructor(
    code: AvatarErrorCode,
    message: string,
    init: ConstructorParameters<typeof AvatarError>[2],
    readonly retryAfter?: number,
  ) {
    super(code, message, init);
  }

  override toDetail(): AvatarErrorDetail {
    const detail = super.toDetail();
    if (this.retryAfter !== undefined) detail.retryAfter = this.retryAfter;
    return detail;
  }
}

/** Turns a non-2xx token endpoint answer into a typed error, keeping the server's own reason. */
export function httpError(status: number, statusText: string, body: unknown, retryAfterHeader?: string | null): AvatarError {
  let code: AvatarErrorCode = STATUS_CODES[status] ?? 'token-http-error';
  let message = `The token endpoint answered ${status}${statusText ? ` ${statusText}` : ''}.`;
  let vendorStatus: number | undefined;
  let vendorBody: unknown;
  // A cross-origin token-url's Retry-After is readable only if the server exposes it; the body may say it too.
  let retryAfter = parseRetryAfter(retryAfterHeader);
  if (isServerErrorBody(body)) {
    const { error } = body;
    // Codes written by our own server handler are part of the same documented set.
    if (isAvatarErrorCode(error.code)) code = error.code;
    if (typeof error.message === 'string' && error.message) message = `${message} ${error.message}`;
    if (typeof error.vendorStatus === 'number') vendorStatus = error.vendorStatus;
    if (retryAfter === undefined && typeof error.retryAfter === 'number' && error.retryAfter >= 0) retryAfter = Math.ceil(error.retryAfter);
    vendorBody = error.vendorBody;
  }
  if (code === 'capacity') message = capacityMessage(retryAfter);
  const init = { status, vendorStatus, vendorBody };
  return retryAfter === undefined ? new AvatarError(code, message, init) : new RetryLaterError(code, message, init, retryAfter);
}

/** What a 2xx answer the element could not use still named: a session may exist, and this stops it. */
export interface Leftover {
  sessionId?: string;
  stopToken?: string;
}

/** One create's outcome. A failure with `leftover` may have left a session running (its stop is due). */
export type CreateResult = { ok: true; description: SessionDescription } | { ok: false; error: AvatarError; leftover?: Leftover };

function leftoverOf(value: unknown): Leftover {
  const found: Leftover = {};
  if (typeof value !== 'object' || value === null) return found;
  const { sessionId, stopToken } = value as Record<string, unknown>;
  if (typeof sessionId === 'string' && sessionId) found.sessionId = sessionId;
  if (typeof stopToken === 'string' && stopToken) found.stopToken = stopToken;
  return found;
}

/** A 2xx answer: the description, or why it is refused plus what it named (that session is stopped). */
function readAnswer(value: unknown, provider: string): CreateResult {
  try {
    return { ok: true, description: parseSessionDescription(value, provider) };
  } catch (error) {
    const avatarError = error instanceof AvatarError ? error : new AvatarError('token-invalid-shape', reasonOf(error));
    return { ok: false, error: avatarError, leftover: leftoverOf(value) };
  }
}

/**
 * Asks the site's backend (or the page's `fetchSession`) for a session, once, and reads the answer to its
 * end: `signal` aborts only when the element gives up reading (its bound), never because the page stopped
 * wanting the session. Every failure becomes a distinct AvatarError: HTTP status, network, not JSON, wrong
 * shape; an answer that may have made a session says what it named.
 */
export async function askForSession(
  config: SessionConfig,
  request: SessionRequest,
  { signal, fetchImpl = globalThis.fetch.bind(globalThis) }: { signal: AbortSignal; fetchImpl?: typeof fetch },
): Promise<CreateResult> {
  const unread = (error: unknown): CreateResult => {
    const avatarError =
      signal.aborted || isAbortError(error)
        ? tokenTimeout(config.tokenTimeout, error)
        : new AvatarError('token-network', `The token endpoint could not be reached: ${reasonOf(error)}`, { cause: error });
    // The request may have reached the server, which may have made a session: stop it by requestId.
    return { ok: false, error: avatarError, leftover: {} };
  };

  if (config.fetchSession) {
    let answer: unknown;
    try {
      // Not raced against anything: a late answer still arrives here, and is stopped if no longer wanted.
      answer = await config.fetchSession(request, { signal });
    } catch (error) {
      if (error instanceof AvatarError) return { ok: false, error };
      if (signal.aborted) return unread(error);
      return { ok: false, error: new AvatarError('token-http-error', `fetchSession failed: ${reasonOf(error)}`, { cause: error }) };
    }
    return readAnswer(answer, config.provider);
  }

  if (!config.tokenUrl) {
    return {
      ok: false,
      error: new AvatarError('missing-token-url', `provider="${config.provider}" needs a token-url (or a fetchSession function).`),
    };
  }
  let response: Response;
  let text: string;
  try {
    response = await fetchImpl(config.tokenUrl, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(request),
      signal,
    });
  } catch (error) {
    return unread(error);
  }
  try {
    text = await response.text();
  } catch (error) {
    // A non-2xx answer made no session (the server stops what it made); a 2xx one may have.
    if (!response.ok) return { ok: false, error: httpError(response.status, response.statusText, undefined, response.headers.get('retry-after')) };
    return unread(error);
  }
  let body: unknown;
  let parsed = true;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = false;
  }
  if (!response.ok) {
    return { ok: false, error: httpError(response.status, response.statusText, parsed ? body : undefined, response.headers.get('retry-after')) };
  }
  if (!parsed || body === undefined) {
    return {
      ok: false,
      error: new AvatarError('token-invalid-json', 'The token endpoint did not answer with JSON.', { status: response.status }),
      leftover: {},
    };
  }
  return readAnswer(body, config.provider);
}

/** The server handler's stop route: `<token-url>/stop`, keeping the token URL's query string. */
export function stopUrl(tokenUrl: string, base = globalThis.document?.baseURI): string {
  const url = new URL(tokenUrl, base);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/stop`;
  return url.href;
}

/**
 * What a stop names: `{provider, sessionId, requestId, stopToken}` for a session the page read, or
 * `{provider, requestId}` for a create whose answer it never read (the requestId is the capability then).
 */
export interface StopRequest {
  provider: string;
  sessionId?: string;
  requestId?: string;
  /** The create answer's stop capability; opaque here, and never in a log or an event. */
  stopToken?: string;
}

/** The stop of a session the page read: every field the server may check. */
export function stopRequestOf(description: SessionDescription, requestId: string | undefined): StopRequest {
  const body: StopRequest = { provider: description.provider, sessionId: description.sessionId };
  if (requestId) body.requestId = requestId;
  if (description.stopToken) body.stopToken = description.stopToken;
  return body;
}

/**
 * Tells the server to stop the vendor session (DeepBrain and Akool can only be stopped with the account
 * key). With `beacon` it uses `navigator.sendBeacon`, which survives the page being closed.
 */
export async function sendStop(
  tokenUrl: string,
  body: StopRequest,
  { beacon = false, fetchImpl = globalThis.fetch?.bind(globalThis) }: { beacon?: boolean; fetchImpl?: typeof fetch } = {},
): Promise<void> {
  const url = stopUrl(tokenUrl);
  const json = JSON.stringify(body);
  if (beacon && typeof navigator.sendBeacon === 'function') {
    // text/plain is CORS-safelisted: a cross-origin beacon goes out without a preflight (which a beacon
    // cannot pass, being credentialed). The server handler reads the stop body as JSON whatever its type.
    if (navigator.sendBeacon(url, new Blob([json], { type: 'text/plain;charset=UTF-8' }))) return;
  }
  await fetchImpl(url, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json' },
    body: json,
    keepalive: true,
  });
}

/**
 * Sends a stop where this page's stops go: the page's `stopSession` (which needs a sessionId), else
 * `<token-url>/stop`. Fire and forget: a stop that fails leaves the server's own expiry to end the session.
 */
export function stopVia(config: SessionConfig, body: StopRequest, { beacon = false, fetchImpl }: { beacon?: boolean; fetchImpl?: typeof fetch } = {}): void {
  if (config.stopSession) {
    const { sessionId } = body;
    if (!sessionId) return;
    try {
      void Promise.resolve(config.stopSession({ ...body, sessionId })).catch(() => undefined);
    } catch {
      // The page's function threw at once: nothing more this page can do.
    }
  } else if (config.tokenUrl) {
    void sendStop(config.tokenUrl, body, { beacon, fetchImpl }).catch(() => undefined);
  }
}
