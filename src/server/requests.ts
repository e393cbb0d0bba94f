/** Reading what every route needs from a request: the provider, the requestId, the route, and hook answers. */
import { AvatarError } from '../errors/avatar-error.js';
import { badRequest } from './errors.js';
import { isObject, type Json } from './http.js';
import { SERVER_PROVIDERS } from './registry.js';
import type { HookResult, ServerProvider } from './types.js';

export type Route = 'create' | 'stop';

/** Thrown to send a prepared response (a hook's own `Response`). */
export class Answer {
  constructor(readonly response: Response) {}
}

function isServerProvider(value: unknown): value is ServerProvider {
  return typeof value === 'string' && (SERVER_PROVIDERS as readonly string[]).includes(value);
}

export function readProvider(body: Json): ServerProvider {
  const provider = body.provider;
  if (typeof provider !== 'string' || !provider) throw badRequest('"provider" is required.');
  if (!isServerProvider(provider)) {
    throw badRequest(`"provider" must be one of ${SERVER_PROVIDERS.join(', ')} (got ${JSON.stringify(provider.slice(0, 50))}).`);
  }
  return provider;
}

/** The element's `crypto.randomUUID()`, or any 16–64 URL-safe characters: unguessable, it is the capability of a beacon stop. */
export const REQUEST_ID = /^[A-Za-z0-9_-]{16,64}$/;

/** The body's `requestId`, checked; `undefined` when absent. */
export function readRequestId(body: Json): string | undefined {
  const value = body.requestId;
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || !REQUEST_ID.test(value)) {
    throw badRequest('"requestId" must be 16 to 64 letters, digits, "-" or "_" (crypto.randomUUID() is one).');
  }
  return value;
}

export function routeOf(request: Request): Route {
  let pathname = '/';
  try {
    pathname = new URL(request.url, 'http://localhost').pathname;
  } catch {
    // Keep the create route.
  }
  return /\/stop\/?$/.test(pathname) ? 'stop' : 'create';
}

/** Runs a hook: nothing → keep, `false` → 403, `Response` → send it, object → replacement. */
export async function runHook<T extends object>(result: Promise<HookResult<T>>, what: string, original: T): Promise<T> {
  const value = await result;
  if (value === undefined || value === null || value === true) return original;
  if (value === false) throw new AvatarError('token-forbidden', `The request was refused by ${what}.`, { status: 403 });
  if (value instanceof Response) throw new Answer(value);
  if (!isObject(value)) throw new TypeError(`${what} returned ${typeof value}; expected an object, false, a Response or nothing.`);
  return value as T;
}
