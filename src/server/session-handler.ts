import { AvatarError } from '../errors/avatar-error.js';
import { readJsonObject } from './body.js';
import { clientAddress } from './client-address.js';
import { createRoute } from './create-route.js';
import { badRequest, errorResponse } from './errors.js';
import { Core, type WaitUntil } from './handler-core.js';
import { VendorError } from './http.js';
import { Answer, routeOf, type Route } from './requests.js';
import { stopRoute } from './stop-route.js';
import type { HandlerContext, SessionHandler, SessionHandlerOptions } from './types.js';

const DEFAULT_MAX_BODY_BYTES = 16 * 1024;

/**
 * The server half: a fetch-standard handler (`Request → Response`) for Node 20+, Next.js route handlers,
 * Deno, Bun and edge workers. `POST <mount>` creates a vendor session and answers the normalized session
 * description with its `stopToken`; `POST <mount>/stop` stops it. Errors answer
 * `{error: {code, message, vendorStatus?, vendorBody?}}` with the codes of `AvatarError`.
 */
export function createSessionHandler(options: SessionHandlerOptions): SessionHandler {
  const core = new Core(options);
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  /** Where the runtime's `request.signal` is not trusted to mean "the client left" (`clientAbort: false`). */
  const clientSignal = (request: Request): AbortSignal | undefined => (options.clientAbort === false ? undefined : request.signal ?? undefined);
  const allowedList = Array.isArray(options.allowedOrigins) ? new Set(options.allowedOrigins.map(normalizeOrigin)) : undefined;

  /** The CORS headers for an allowed caller; throws for a refused origin. */
  function checkOrigin(request: Request): Record<string, string> {
    const allowed = options.allowedOrigins;
    if (!allowed) return {};
    const origin = request.headers.get('origin');
    // `null` is an opaque origin (sandboxed iframe, data: URL, file:): any site can produce one, so a
    // list never admits it; a predicate decides for itself.
    const ok =
      typeof allowed === 'function' ? allowed(origin, request) : origin !== null && origin !== 'null' && allowedList!.has(normalizeOrigin(origin));
    if (!ok) {
      throw new AvatarError('origin-not-allowed', `Origin ${origin ?? '(none)'} is not allowed to create avatar sessions.`, { status: 403 });
    }
    // Retry-After on 429 (`capacity`, `rate-limited`) is for the element to read: expose it cross-origin.
    return origin ? { 'access-control-allow-origin': origin, 'access-control-expose-headers': 'Retry-After', vary: 'Origin' } : {};
  }

  async function checkRateLimit(request: Request, route: Route): Promise<void> {
    if (!options.rateLimit) return;
    const verdict = await options.rateLimit(request, { route, clientAddress: clientAddress(request) });
    if (verdict === false) throw new ClientRateLimited();
    if (typeof verdict === 'object' && verdict !== null && typeof verdict.retryAfter === 'number') throw new ClientRateLimited(verdict.retryAfter);
  }

  async function sessionHandler(request: Request, context?: HandlerContext | object): Promise<Response> {
    const redactor = core.redactor();
    const route = routeOf(request);
    const runtime = context as HandlerContext | undefined;
    // Called as a method: Cloudflare's ctx.waitUntil needs its `this`.
    const waitUntil: WaitUntil | undefined = typeof runtime?.waitUntil === 'function' ? (promise) => runtime.waitUntil!(promise) : undefined;
    let cors: Record<string, string> = {};
    let bodyRead = false;
    try {
      try {
        cors = checkOrigin(request);
      } catch (error) {
        // Let the refused page read why (the element shows the code instead of a network error).
        const origin = request.headers.get('origin');
        if (origin) cors = { 'access-control-allow-origin': origin, vary: 'Origin' };
        throw error;
      }
      if (request.method === 'OPTIONS' && options.allowedOrigins) {
        return new Response(null, {
          status: 204,
          headers: {
            ...cors,
            'access-control-allow-methods': 'POST, OPTIONS',
            'access-control-allow-headers': 'content-type, authorization',
            'access-control-max-age': '600',
          },
        });
      }
      if (request.method !== 'POST') {
        return errorResponse(badRequest(`Use POST (got ${request.method}).`, 405), { headers: { ...cors, allow: 'POST' } });
      }
      // Sessions past their end are stopped even without a scheduled reap() (at most every 30 s, in the background).
      core.sweep(waitUntil);
      await checkRateLimit(request, route);
      const body = await readJsonObject(request, maxBodyBytes, route === 'stop' ? 'beacon' : 'json');
      bodyRead = true;
      const response =
        route === 'stop' ? await stopRoute(core, request, body, redactor) : await createRoute(core, request, body, redactor, clientSignal(request), waitUntil);
      return withHeaders(response, cors);
    } catch (error) {
      if (error instanceof Answer) return withHeaders(error.response, cors);
      if (error instanceof ClientRateLimited) {
        return errorResponse(new AvatarError('rate-limited', 'Too many avatar session requests; try again later.', { status: 429 }), {
          headers: cors,
          retryAfter: error.retryAfter,
        });
      }
      if (error instanceof AvatarError) {
        if (error.code.startsWith('vendor-')) core.log(`${route} failed: ${error.code}: ${error.message}`, redactor);
        if (error.code === 'aborted' && bodyRead && route === 'create' && clientSignal(request)?.aborted) {
          // Some runtimes' adapters abort request.signal as soon as the body is read; then every create ends here.
          core.warnOnce('aborted', 'create aborted: the request\'s signal aborted before the answer (the client left). If your runtime aborts request.signal once the body is read, every create will end so: set clientAbort: false.');
        }
        const safe = new AvatarError(error.code, redactor.text(error.message), {
          status: error.status,
          vendorStatus: error.vendorStatus,
          vendorBody: error.vendorBody === undefined ? undefined : redactor.value(error.vendorBody),
        });
        return errorResponse(safe, { headers: cors, retryAfter: error instanceof VendorError ? error.retryAfter : undefined });
      }
      // A bug or a hook that threw something else: say nothing about it to the browser.
      const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      core.log(`${route} failed: ${reason}`, redactor);
      return errorResponse(new AvatarError('token-http-error', 'The avatar session server failed.', { status: 500 }), { headers: cors });
    }
  }

  return Object.assign(sessionHandler, {
    reap: () => core.reap(),
    drain: () => core.background.drain(),
  });
}

/**
 * `https://Shop.Example:443/` and `https://shop.example` are one origin: what a browser sends is the
 * serialized form (lower-case host, no default port, no path), so configured entries are compared so too.
 */
function normalizeOrigin(value: string): string {
  const trimmed = value.trim();
  try {
    const url = new URL(trimmed);
    if (url.origin !== 'null') return url.origin;
  } catch {
    // Not a URL: compared as written (lower case).
  }
  return trimmed.toLowerCase().replace(/\/+$/, '');
}

/** The page's rate limit (not the vendor's). */
class ClientRateLimited {
  constructor(readonly retryAfter?: number) {}
}

function withHeaders(response: Response, headers: Record<string, string>): Response {
  const entries = Object.entries(headers);
  if (entries.length === 0) return response;
  try {
    for (const [name, value] of entries) response.headers.set(name, value);
    return response;
  } catch {
    // Immutable headers (a Response from fetch): copy it.
    const copy = new Response(response.body, response);
    for (const [name, value] of entries) copy.headers.set(name, value);
    return copy;
  }
}
