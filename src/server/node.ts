/// <reference types="node" />
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setClientAddress } from './client-address.js';
import type { FetchHandler } from './types.js';

/**
 * Runs a fetch-standard handler on Node's `http` (and Express/Connect, which use the same objects, and
 * `node:http2`'s compatibility API, whose request and response are close enough):
 * `http.createServer(toNodeHandler(handler))` or `app.use('/api/avatar', toNodeHandler(handler))`.
 * Responses stream (the fake vendor's event streams rely on it). Only type imports from Node, so importing
 * the package entry stays safe on edge runtimes.
 */

/** What Express adds to the request: the path before mounting, and a body some parser already read. */
export type NodeRequest = IncomingMessage & { originalUrl?: string; body?: unknown };

export interface NodeHandlerOptions {
  /**
   * Take the scheme and host from `X-Forwarded-Proto`/`X-Forwarded-Host`, and the client address (the
   * `rateLimit` hook's `clientAddress`) from the last `X-Forwarded-For` entry, the one your proxy added.
   * Only behind a proxy you trust: otherwise the client writes these headers.
   */
  trustProxy?: boolean;
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  return (Array.isArray(value) ? value[0] : value)?.split(',')[0]?.trim() || undefined;
}

/** How much of a refused body (too large) is read and dropped so its 413 still reaches the client. */
const DISCARD_LIMIT_BYTES = 1024 * 1024;

/** Node's request stream as a web stream, pausing Node's side while the reader is behind. */
function bodyStream(req: IncomingMessage): ReadableStream<Uint8Array> {
  let forward: ((chunk: Uint8Array) => void) | undefined;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      if (req.readableEnded) {
        // A middleware read the stream already and left no body: there is nothing more to wait for.
        controller.close();
        return;
      }
      forward = (chunk: Uint8Array) => {
        controller.enqueue(new Uint8Array(chunk));
        if ((controller.desiredSize ?? 1) <= 0) req.pause();
      };
      req.on('data', forward);
      req.once('end', () => {
        if (forward) controller.close();
      });
      req.once('error', (error) => {
        if (forward) controller.error(error);
      });
      req.once('close', () => {
        // Closed before its end (client aborted): an error, not a short body the handler would parse.
        if (forward && !req.readableEnded) controller.error(new Error('The request was aborted before its body ended.'));
      });
    },
    pull() {
      req.resume();
    },
    cancel() {
      // The handler refused the body (too large). Destroying the socket would lose its 413, which the
      // client is waiting for: drop the rest instead, up to a bound past which the sender is just abusive.
      if (forward) req.off('data', forward);
      forward = undefined;
      req.on('error', () => undefined);
      let dropped = 0;
      req.on('data', (chunk: Uint8Array) => {
        dropped += chunk.byteLength;
        if (dropped > DISCARD_LIMIT_BYTES) req.destroy();
      });
      req.resume();
    },
  });
}

/**
 * Builds a `Request` from Node's request (exported for the dev server's koa middleware). `signal` becomes
 * the request's signal: abort it when the client goes away, so the handler stops its vendor calls.
 */
export function toRequest(req: NodeRequest, { trustProxy = false }: NodeHandlerOptions = {}, signal?: AbortSignal): Request {
  const encrypted = 'encrypted' in req.socket && Boolean((req.socket as { encrypted?: boolean }).encrypted);
  const proto = (trustProxy && firstHeader(req.headers['x-forwarded-proto'])) || (encrypted ? 'https' : 'http');
  // HTTP/2 (node:http2's compatibility API) names the host `:authority`.
  const host = (trustProxy && firstHeader(req.headers['x-forwarded-host'])) || req.headers.host || firstHeader(req.headers[':authority']) || 'localhost';
  const url = new URL(req.originalUrl ?? req.url ?? '/', `${proto}://${host}`);

  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    // HTTP/2 pseudo-headers (`:path`, `:method`…) are not headers, and `Headers` refuses their names.
    if (value === undefined || name.startsWith(':')) continue;
    for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item);
  }

  const method = req.method ?? 'GET';
  const init: RequestInit & { duplex?: 'half' } = { method, headers, signal };
  if (method !== 'GET' && method !== 'HEAD') {
    if (req.body !== undefined && req.readableEnded) {
      // A body parser (express.json(), express.text()) consumed the stream already.
      init.body = typeof req.body === 'string' ? req.body : req.body instanceof Uint8Array ? new Uint8Array(req.body) : JSON.stringify(req.body);
      headers.delete('content-length');
    } else {
      init.body = bodyStream(req);
      init.duplex = 'half';
    }
  }
  const request = new Request(url, init);
  const forwarded = trustProxy ? lastHeader(req.headers['x-forwarded-for']) : undefined;
  setClientAddress(request, forwarded ?? req.socket.remoteAddress);
  return request;
}

/** The right-most entry of a list header: the one the nearest proxy appended. */
function lastHeader(value: string | string[] | undefined): string | undefined {
  const list = (Array.isArray(value) ? value.join(',') : value)?.split(',').map((item) => item.trim()).filter(Boolean);
  return list?.[list.length - 1];
}

/** Writes a `Response` to Node's response, streaming the body; stops reading if the client goes away. */
export async function sendResponse(response: Response, res: ServerResponse): Promise<void> {
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  const cookies = response.headers.getSetCookie?.();
  if (cookies?.length) headers['set-cookie'] = cookies;
  res.writeHead(response.status, headers);
  if (!response.body) {
    res.end();
    return;
  }
  const reader = response.body.getReader();
  // The client left: the pending read ends (done) and the loop with it.
  const onClose = () => void reader.cancel().catch(() => undefined);
  res.once('close', onClose);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done || res.destroyed) break;
      // Respect backpressure so a slow client does not make the server buffer everything; a client that
      // leaves meanwhile never drains, so its close ends the wait too.
      if (!res.write(value)) await drainOrClose(res);
    }
    res.end();
  } catch (error) {
    // The body failed midway: cut the connection, so the client cannot take a partial answer as whole.
    res.destroy(error instanceof Error ? error : new Error(String(error)));
  } finally {
    res.off('close', onClose);
  }
}

function drainOrClose(res: ServerResponse): Promise<void> {
  return new Promise<void>((resolve) => {
    const settle = () => {
      res.off('drain', settle);
      res.off('close', settle);
      resolve();
    };
    res.once('drain', settle);
    res.once('close', settle);
  });
}

/** `(req, res, next?)` for `http.createServer`, Express and Connect. */
export function toNodeHandler(handler: FetchHandler, options: NodeHandlerOptions = {}) {
  return (req: NodeRequest, res: ServerResponse, next?: (error?: unknown) => void): void => {
    // The client went away before the answer was written: the handler must not go on creating a session.
    // On the response, not the request: a request's 'close' also comes when its body has been read.
    // `writableEnded` (end() called), not `writableFinished`, which HTTP/2 sets on a cancelled stream too.
    const gone = new AbortController();
    res.once('close', () => {
      if (!res.writableEnded) gone.abort();
    });
    Promise.resolve()
      .then(() => handler(toRequest(req, options, gone.signal)))
      .then((response) => sendResponse(response, res))
      .catch((error: unknown) => {
        if (next) return next(error);
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end();
      });
  };
}
