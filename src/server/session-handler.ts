import { AvatarError } from '../errors/avatar-error.js';
import type { SessionRequest } from '../session/session-types.js';
import { readJsonObject } from './body.js';
import { clientAddress } from './client-address.js';
import { badRequest, errorResponse, jsonResponse } from './errors.js';
import { clientGone, isObject, VendorError, type Json, type VendorHttp } from './http.js';
import { Redactor } from './redact.js';
import {
  type HookResult,
  type ProviderConfigs,
  type ServerProvider,
  type SessionHandler,
  type SessionHandlerOptions,
  type StopRequest,
} from './types.js';
import { StopBinding } from './stop-binding.js';
import { Fields } from './validation.js';
import { SERVER_PROVIDERS, SERVER_VENDORS } from './registry.js';
import type { Vendor } from './vendor.js';

const VENDORS: { [P in ServerProvider]: Vendor<NonNullable<ProviderConfigs[P]>> } = SERVER_VENDORS;

const DEFAULT_TIMEOUT_MS = 15_000;
const DEFAULT_MAX_BODY_BYTES = 16 * 1024;
/** The stop cookie's life when the vendor names no session end: Akool's and HeyGen's longest session. */
const DEFAULT_STOP_COOKIE_S = 3600;

type Route = 'create' | 'stop';

/** Thrown to send a prepared response (a hook's own `Response`). */
class Answer {
  constructor(readonly response: Response) {}
}

function isServerProvider(value: unknown): value is ServerProvider {
  return typeof value === 'string' && (SERVER_PROVIDERS as readonly string[]).includes(value);
}

function readProvider(body: Json): ServerProvider {
  const provider = body.provider;
  if (typeof provider !== 'string' || !provider) throw badRequest('"provider" is required.');
  if (!isServerProvider(provider)) {
    throw badRequest(`"provider" must be one of ${SERVER_PROVIDERS.join(', ')} (got ${JSON.stringify(provider.slice(0, 50))}).`);
  }
  return provider;
}

function routeOf(request: Request): Route {
  let pathname = '/';
  try {
    pathname = new URL(request.url, 'http://localhost').pathname;
  } catch {
    // Keep the create route.
  }
  return /\/stop\/?$/.test(pathname) ? 'stop' : 'create';
}

/** Runs a hook: nothing → keep, `false` → 403, `Response` → send it, object → replacement. */
async function runHook<T extends object>(result: Promise<HookResult<T>>, what: string, original: T): Promise<T> {
  const value = await result;
  if (value === undefined || value === null || value === true) return original;
  if (value === false) throw new AvatarError('token-forbidden', `The request was refused by ${what}.`, { status: 403 });
  if (value instanceof Response) throw new Answer(value);
  if (!isObject(value)) throw new TypeError(`${what} returned ${typeof value}; expected an object, false, a Response or nothing.`);
  return value as T;
}

/**
 * The server half: a fetch-standard handler (`Request → Response`) for Node 20+, Next.js route handlers,
 * Deno, Bun and edge workers. `POST <mount>` creates a vendor session and answers the normalized session
 * description; `POST <mount>/stop` with `{provider, sessionId}` stops it. Errors answer
 * `{error: {code, message, vendorStatus?, vendorBody?}}` with the codes of `AvatarError`.
 */
export function createSessionHandler(options: SessionHandlerOptions): SessionHandler {
  const fetchImpl: typeof fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const logger = options.logger === false ? undefined : (options.logger ?? console);
  const now = options.now ?? Date.now;
  const providers: ProviderConfigs = options.providers ?? {};
  const binding = options.stopSecret === undefined ? undefined : new StopBinding(options.stopSecret);
  /** Where the runtime's `request.signal` is not trusted to mean "the client left" (`clientAbort: false`). */
  const clientSignal = (request: Request): AbortSignal | undefined => (options.clientAbort === false ? undefined : request.signal ?? undefined);
  /** Each misconfiguration warning once per handler: a log line per request would drown the log. */
  const warned = new Set<string>();
  const warnOnce = (key: string, message: string) => {
    if (warned.has(key)) return;
    warned.add(key);
    logger?.warn(`[streaming-avatar] ${message}`);
  };

  /** Every configured secret, so no answer or log line can carry one whatever the vendor echoes. */
  const configuredSecrets = (): string[] =>
    Object.values(providers).flatMap((config) =>
      isObject(config) ? Object.entries(config).flatMap(([key, value]) => (/key|secret|token/i.test(key) && typeof value === 'string' ? [value] : [])) : [],
    );

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
    return origin ? { 'access-control-allow-origin': origin, vary: 'Origin' } : {};
  }

  async function checkRateLimit(request: Request, route: Route): Promise<void> {
    if (!options.rateLimit) return;
    const verdict = await options.rateLimit(request, { route, clientAddress: clientAddress(request) });
    if (verdict === false) throw new ClientRateLimited();
    if (isObject(verdict) && typeof verdict.retryAfter === 'number') throw new ClientRateLimited(verdict.retryAfter);
  }

  function configOf<P extends ServerProvider>(provider: P, redactor: Redactor): NonNullable<ProviderConfigs[P]> {
    const config = providers[provider];
    if (!isObject(config)) {
      throw new AvatarError('provider-not-configured', `provider "${provider}" is not configured on this server.`, { status: 400 });
    }
    for (const secret of VENDORS[provider].secrets(config as never)) redactor.add(secret);
    return config as NonNullable<ProviderConfigs[P]>;
  }

  function http(redactor: Redactor, signal?: AbortSignal): VendorHttp {
    return { fetch: fetchImpl, timeoutMs, redactor, signal };
  }

  async function create(request: Request, raw: Json, redactor: Redactor): Promise<Response> {
    readProvider(raw);
    // Raw vendor fields are the server's privilege: a page cannot send them.
    const { vendorFields: _fromPage, ...fromPage } = raw;
    let body = fromPage as SessionRequest;
    if (options.beforeCreate) body = await runHook(Promise.resolve(options.beforeCreate(request, body)), 'beforeCreate', body);
    const provider = readProvider(body as Json);
    const config = configOf(provider, redactor);
    const vendorFields = [config.vendorFields, (body as Json).vendorFields].reduce<Json | undefined>(
      (merged, extra) => (isObject(extra) ? { ...merged, ...extra } : merged),
      undefined,
    );
    redactor.addNamedIn(vendorFields);
    const vendor = VENDORS[provider] as Vendor<typeof config>;
    const description = await vendor.create({
      config,
      fields: new Fields(body as Json),
      vendorFields,
      // A client that leaves stops what is still to come (no further vendor call, no session).
      http: http(redactor, clientSignal(request)),
      now: now(),
    });
    try {
      if (options.afterCreate) await options.afterCreate(request, description);
      if (clientSignal(request)?.aborted) throw clientGone();
      const response = jsonResponse(description);
      if (binding) {
        const expires = description.expiresAt ? (Date.parse(description.expiresAt) - now()) / 1000 : NaN;
        const maxAge = Number.isFinite(expires) && expires > 0 ? expires + 60 : DEFAULT_STOP_COOKIE_S;
        response.headers.append('set-cookie', await binding.issue(request, description.provider, description.sessionId, maxAge));
        warnCrossSite(request);
      }
      return response;
    } catch (error) {
      // Nobody will get this session: stop it rather than let it run (and bill) until it times out.
      await vendor.stop({ config, sessionId: description.sessionId, http: http(redactor) }).catch(() => undefined);
      throw error;
    }
  }

  /**
   * A browser keeps the stop cookie only from its own origin's answers (the element fetches with
   * `credentials: 'same-origin'`), so with `stopSecret` a cross-origin page's stops would all be refused
   * and its sessions run until the vendor's limit. Said once, from the browser's own Fetch Metadata.
   */
  function warnCrossSite(request: Request): void {
    const site = request.headers.get('sec-fetch-site');
    if (site === null || site === 'same-origin' || site === 'none') return;
    warnOnce(
      'stop-cross-site',
      `stopSecret: a session was created from another origin (Sec-Fetch-Site: ${site}); that browser will not keep the stop cookie, so its stops will be refused. With a cross-origin token-url, leave stopSecret unset and check ownership in beforeStop.`,
    );
  }

  async function stop(request: Request, raw: Json, redactor: Redactor): Promise<Response> {
    const readStop = (source: Json): StopRequest & { provider: ServerProvider } => ({
      provider: readProvider(source),
      sessionId: new Fields(source).string('sessionId', { required: true, maxLength: 200 })!,
    });
    let body = readStop(raw);
    const clear = binding ? await binding.check(request, body.provider, body.sessionId) : undefined;
    if (binding && !clear) {
      warnOnce('stop-refused', 'stopSecret: a stop without the cookie of the browser that created the session was refused (403). Expected for a stranger; if your own pages see it, their token-url is on another origin.');
      throw new AvatarError('token-forbidden', 'This browser did not create that session, so it cannot stop it.', { status: 403 });
    }
    if (options.beforeStop) body = readStop((await runHook(Promise.resolve(options.beforeStop(request, body)), 'beforeStop', body)) as unknown as Json);
    const { provider, sessionId } = body;
    const config = configOf(provider, redactor);
    await (VENDORS[provider] as Vendor<typeof config>).stop({ config, sessionId, http: http(redactor) });
    const response = jsonResponse({ provider, sessionId, stopped: true });
    if (clear) response.headers.append('set-cookie', clear);
    return response;
  }

  return async function sessionHandler(request: Request): Promise<Response> {
    const redactor = new Redactor(configuredSecrets());
    // Keys inside the configurations too (vendorFields' ElevenLabs key, KonPro's livekitSettings secret).
    redactor.addNamedIn(providers);
    const route = routeOf(request);
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
      await checkRateLimit(request, route);
      const body = await readJsonObject(request, maxBodyBytes, route === 'stop' ? 'beacon' : 'json');
      bodyRead = true;
      const response = route === 'stop' ? await stop(request, body, redactor) : await create(request, body, redactor);
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
        if (error.code.startsWith('vendor-')) logger?.warn(`[streaming-avatar] ${route} failed: ${error.code}: ${redactor.text(error.message)}`);
        if (error.code === 'aborted' && bodyRead) {
          // Some runtimes' adapters abort request.signal as soon as the body is read; then every create ends here.
          warnOnce('aborted', 'create aborted: the request\'s signal aborted before the answer (the client left). If your runtime aborts request.signal once the body is read, every create will end so: set clientAbort: false.');
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
      logger?.warn(`[streaming-avatar] ${route} failed: ${redactor.text(reason)}`);
      return errorResponse(new AvatarError('token-http-error', 'The avatar session server failed.', { status: 500 }), { headers: cors });
    }
  };
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
