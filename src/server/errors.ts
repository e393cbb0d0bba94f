import { AvatarError, type AvatarErrorCode } from '../errors/avatar-error.js';

/**
 * The HTTP status the handler answers for each error code it produces. A vendor refusing our key is a
 * fault of this server's configuration, not of the browser's user, so it is a 502 (a 401 would read as
 * "log in again"); a vendor rate limit is passed on as 429 so clients back off.
 */
const STATUS_BY_CODE: Partial<Record<AvatarErrorCode, number>> = {
  'bad-request': 400,
  'provider-not-configured': 400,
  'origin-not-allowed': 403,
  'rate-limited': 429,
  capacity: 429,
  'vendor-unauthorized': 502,
  'vendor-rate-limited': 429,
  'vendor-unavailable': 502,
  'vendor-error': 502,
  'token-unauthorized': 401,
  'token-forbidden': 403,
  'token-not-found': 404,
  'token-rate-limited': 429,
};

/** The status of a failure the handler reports (an explicit `status` on the error wins). */
export function statusOf(error: AvatarError): number {
  return error.status ?? STATUS_BY_CODE[error.code] ?? 500;
}

export function badRequest(message: string, status = 400): AvatarError {
  return new AvatarError('bad-request', message, { status });
}

export interface ErrorResponseInit {
  headers?: Record<string, string>;
  retryAfter?: number;
}

/** `{error: {code, message, vendorStatus?, vendorBody?}}`, the body `session-request.ts` reads. */
export function errorResponse(error: AvatarError, init: ErrorResponseInit = {}): Response {
  const body: { code: AvatarErrorCode; message: string; vendorStatus?: number; vendorBody?: unknown } = {
    code: error.code,
    message: error.message,
  };
  if (error.vendorStatus !== undefined) body.vendorStatus = error.vendorStatus;
  if (error.vendorBody !== undefined) body.vendorBody = error.vendorBody;
  const headers: Record<string, string> = { ...init.headers };
  if (init.retryAfter !== undefined) headers['retry-after'] = String(Math.max(0, Math.ceil(init.retryAfter)));
  return jsonResponse({ error: body }, statusOf(error), headers);
}

export function jsonResponse(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers },
  });
}
