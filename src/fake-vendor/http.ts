/** Small pieces every fake vendor route uses: JSON answers, CORS, header reads, body checks. */

export type Json = Record<string, unknown>;

export const CORS_HEADERS: Record<string, string> = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, OPTIONS',
  'access-control-allow-headers': 'authorization, content-type, x-api-key, studio-api-key',
  'access-control-max-age': '600',
};

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...CORS_HEADERS, ...headers },
  });
}

export function eventStream(stream: ReadableStream<Uint8Array>): Response {
  return new Response(stream, {
    status: 200,
    headers: { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', ...CORS_HEADERS },
  });
}

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The token of `Authorization: Bearer <token>`, if any. */
export function bearer(request: Request): string | undefined {
  const match = /^Bearer\s+(.+)$/i.exec(request.headers.get('authorization') ?? '');
  return match?.[1]?.trim() || undefined;
}

/** What one route gets: the parsed request plus the vendor prefix removed from the path. */
export interface RouteContext {
  request: Request;
  /** Path after `/fake-vendor/<vendor>`, e.g. `/v1/streaming.new`. */
  path: string;
  /** Parsed JSON body (`undefined` when absent or not JSON). */
  body: unknown;
  /** `ws(s)://host` of this request, for LiveKit URLs the browser can reach. */
  wsOrigin: string;
}

/**
 * Field checks shared by the fake vendors. Each answers a reason (the vendor's wording is unknown, so
 * reasons name the field) or `undefined` when the value is acceptable; absent values are acceptable.
 */
export const check = {
  string(body: Json, key: string, required = false): string | undefined {
    const value = body[key];
    if (value === undefined || value === null) return required ? `${key} is required` : undefined;
    return typeof value === 'string' && value.length > 0 ? undefined : `${key} must be a non-empty string`;
  },
  oneOf(body: Json, key: string, allowed: readonly unknown[]): string | undefined {
    const value = body[key];
    if (value === undefined || value === null) return undefined;
    return allowed.includes(value) ? undefined : `${key} must be one of ${allowed.map((item) => JSON.stringify(item)).join(', ')}`;
  },
  number(body: Json, key: string, min: number, max: number, integer = false): string | undefined {
    const value = body[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'number' || !Number.isFinite(value) || (integer && !Number.isInteger(value))) {
      return `${key} must be ${integer ? 'an integer' : 'a number'}`;
    }
    return value < min || value > max ? `${key} must be between ${min} and ${max}` : undefined;
  },
  object(body: Json, key: string): string | undefined {
    const value = body[key];
    return value === undefined || value === null || isObject(value) ? undefined : `${key} must be an object`;
  },
};

/** The first failing check's reason. */
export function firstProblem(...reasons: (string | undefined)[]): string | undefined {
  return reasons.find((reason) => reason !== undefined);
}

/** A readable, unguessable id. */
export function newId(prefix: string): string {
  return `${prefix}_${crypto.randomUUID().replace(/-/g, '')}`;
}
