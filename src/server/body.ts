import { badRequest } from './errors.js';
import { clientGone, isObject, type Json } from './http.js';

/**
 * Which body types a route takes. `json`: only a JSON Content-Type, which is not CORS-safelisted, so a
 * cross-site page cannot send it without a preflight that this handler refuses (no `allowedOrigins`) or
 * checks (with them). `beacon` also takes text/plain and no type, which `sendBeacon`, a cross-site
 * `<form enctype="text/plain">` and a `no-cors` fetch can all send: only for routes a forged request
 * cannot turn into a paid session (the stop).
 */
export type BodyKind = 'json' | 'beacon';

/**
 * Reads a request body as a JSON object, refusing more than `maxBytes` without buffering it. The size is
 * checked while streaming because `Content-Length` can be absent (chunked) or wrong.
 */
export async function readJsonObject(request: Request, maxBytes: number, kind: BodyKind = 'json'): Promise<Json> {
  const type = (request.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  const isJson = type === 'application/json' || type.endsWith('+json');
  if (!isJson && !(kind === 'beacon' && (type === '' || type === 'text/plain'))) {
    throw badRequest(`The body must be JSON, sent as application/json (got ${type ? `Content-Type ${type}` : 'no Content-Type'}).`, 415);
  }
  if (request.bodyUsed) {
    // A bug on the server side (a middleware or route read it first), not the browser's: a 500 that says so.
    throw new TypeError('The request body was already read before the session handler got it: pass the untouched Request (read a request.clone() instead).');
  }
  const declared = Number(request.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge(maxBytes);

  const chunks: Uint8Array[] = [];
  let size = 0;
  if (request.body) {
    const reader = request.body.getReader();
    for (;;) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch {
        // The client's fault (it left mid-body, or sent a broken one), not a server failure.
        throw request.signal?.aborted ? clientGone() : badRequest('The request body could not be read.');
      }
      const { done, value } = chunk;
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel().catch(() => undefined);
        throw tooLarge(maxBytes);
      }
      chunks.push(value);
    }
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }

  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw badRequest('The body is not valid UTF-8.');
  }
  if (!text.trim()) throw badRequest('The body is empty; expected a JSON object.');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw badRequest('The body is not valid JSON.');
  }
  if (!isObject(value)) throw badRequest('The body must be a JSON object.');
  const forbidden = forbiddenKey(value);
  if (forbidden) throw badRequest(`The body may not hold a key named "${forbidden}".`);
  return value;
}

/**
 * Keys that would reach an object's prototype once code copies or merges the body (`{...a}`, a deep
 * merge, `Object.assign`): refused at any depth, whatever the route, before anything reads the body.
 */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

function forbiddenKey(root: unknown): string | undefined {
  const queue: unknown[] = [root];
  while (queue.length > 0) {
    const value = queue.pop();
    if (value === null || typeof value !== 'object') continue;
    // JSON.parse makes `__proto__` an own key, so Object.keys sees it.
    for (const key of Object.keys(value)) {
      if (FORBIDDEN_KEYS.has(key)) return key;
      queue.push((value as Record<string, unknown>)[key]);
    }
  }
  return undefined;
}

function tooLarge(maxBytes: number) {
  return badRequest(`The body is larger than ${maxBytes} bytes.`, 413);
}
