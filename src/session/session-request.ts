import { AvatarError, isAvatarErrorCode, reasonOf, type AvatarErrorCode } from '../errors/avatar-error.js';
import { parseSessionDescription, type SessionDescription } from './session-description.js';
import type { SessionConfig, SessionRequest } from './session-types.js';

/** Builds the JSON the element POSTs to `token-url`; unset attributes are left out. */
export function buildSessionRequest(config: SessionConfig): SessionRequest {
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
  error: { code?: unknown; message?: unknown; vendorStatus?: unknown; vendorBody?: unknown };
}

function isServerErrorBody(value: unknown): value is ServerErrorBody {
  return typeof value === 'object' && value !== null && typeof (value as ServerErrorBody).error === 'object' &&
    (value as ServerErrorBody).error !== null;
}

/** Turns a non-2xx token endpoint answer into a typed error, keeping the server's own reason. */
export function httpError(status: number, statusText: string, body: unknown): AvatarError {
  let code: AvatarErrorCode = STATUS_CODES[status] ?? 'token-http-error';
  let message = `The token endpoint answered ${status}${statusText ? ` ${statusText}` : ''}.`;
  let vendorStatus: number | undefined;
  let vendorBody: unknown;
  if (isServerErrorBody(body)) {
    const { error } = body;
    // Codes written by our own server handler are part of the same documented set.
    if (isAvatarErrorCode(error.code)) code = error.code;
    if (typeof error.message === 'string' && error.message) message = `${message} ${error.message}`;
    if (typeof error.vendorStatus === 'number') vendorStatus = error.vendorStatus;
    vendorBody = error.vendorBody;
  }
  return new AvatarError(code, message, { status, vendorStatus, vendorBody });
}

export interface RequestSessionOptions {
  signal: AbortSignal;
  fetchImpl?: typeof fetch;
}

/**
 * Asks the site's backend (or the page's `fetchSession`) for a session. Every failure becomes a distinct
 * AvatarError: HTTP status, timeout, network, not JSON, wrong shape.
 */
export async function requestSession(
  config: SessionConfig,
  { signal, fetchImpl = globalThis.fetch.bind(globalThis) }: RequestSessionOptions,
): Promise<SessionDescription> {
  const request = buildSessionRequest(config);
  const timeout = new AbortController();
  const onOuterAbort = () => timeout.abort(signal.reason);
  signal.addEventListener('abort', onOuterAbort, { once: true });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    timeout.abort(new DOMException('Token request timed out', 'TimeoutError'));
  }, config.tokenTimeout);

  const aborted = (cause?: unknown) => new AvatarError('aborted', 'The session request was aborted.', { cause });
  const fail = (error: unknown): never => {
    if (error instanceof AvatarError) throw error;
    if (signal.aborted) throw aborted(error);
    if (timedOut) {
      throw new AvatarError('token-timeout', `The token endpoint did not answer within ${config.tokenTimeout} ms.`, {
        cause: error,
      });
    }
    throw new AvatarError('token-network', `The token endpoint could not be reached: ${reasonOf(error)}`, { cause: error });
  };

  try {
    if (signal.aborted) throw aborted();
    if (config.fetchSession) {
      let answer: unknown;
      try {
        answer = await raceAbort(config.fetchSession(request, { signal: timeout.signal }), timeout.signal);
      } catch (error) {
        if (error instanceof AvatarError || signal.aborted || timedOut) return fail(error);
        throw new AvatarError('token-http-error', `fetchSession failed: ${reasonOf(error)}`, { cause: error });
      }
      return parseSessionDescription(answer, config.provider);
    }

    if (!config.tokenUrl) {
      throw new AvatarError('missing-token-url', `provider="${config.provider}" needs a token-url (or a fetchSession function).`);
    }
    let response: Response;
    try {
      response = await fetchImpl(config.tokenUrl, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(request),
        signal: timeout.signal,
      });
    } catch (error) {
      return fail(error);
    }
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      return fail(error);
    }
    let body: unknown;
    let parsed = true;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = false;
    }
    if (!response.ok) throw httpError(response.status, response.statusText, parsed ? body : undefined);
    if (!parsed || body === undefined) {
      throw new AvatarError('token-invalid-json', 'The token endpoint did not answer with JSON.', {
        status: response.status,
      });
    }
    return parseSessionDescription(body, config.provider);
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', onOuterAbort);
  }
}

function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** The server handler's stop route: `<token-url>/stop`, keeping the token URL's query string. */
export function stopUrl(tokenUrl: string, base = globalThis.document?.baseURI): string {
  const url = new URL(tokenUrl, base);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/stop`;
  return url.href;
}

export interface StopRequest {
  provider: string;
  sessionId: string;
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
