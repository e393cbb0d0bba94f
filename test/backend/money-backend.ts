/// <reference types="node" />
/** The real session handler and fake vendor behind the browser tests' dev server, one pair per namespace, with a census of what they made. */
import type { ServerResponse } from 'node:http';
import { createFakeVendor, DEFAULT_FAKE_KEYS, type FakeVendor } from '../../src/fake-vendor/index.js';
import { createSessionHandler, sendResponse, toRequest, type NodeRequest, type SessionHandler } from '../../src/server/index.js';
import type { LiveKitTestServer } from '../livekit-server/server.js';
import { sharedLiveKitServer } from '../livekit-server/shared.js';

/**
 * `/__money-backend/<ns>/api/avatar` (+ `/stop`) is the real `createSessionHandler`, holding the fake keys;
 * `/__money-backend/<ns>/fake-vendor/*` is the fake vendor (the page's REST calls and relay). The handler
 * reaches the fake vendor in process, and every vendor answer comes 0–80 ms after the request, with the
 * session already made when the request arrives, as a real vendor behaves. `GET …/census` says what was
 * created, what is still running and every create and stop the handler saw; `POST …/close` ends the namespace.
 * A namespace named `noabort-…` runs the handler with `clientAbort: false`, as on runtimes whose request
 * signal is not trusted: it does not notice a page that leaves, so only the page's stop can end the session.
 */

export const BACKEND_PREFIX = '/__money-backend/';
const PATH = /^\/__money-backend\/([A-Za-z0-9_-]{1,64})(\/.*)$/;
/** How late a vendor answers, after the vendor has done what was asked (ms). */
const VENDOR_LATENCY_MS: readonly [number, number] = [0, 80];

export interface CensusCreate {
  requestId?: unknown;
  status?: number;
  sessionId?: string;
  /** The page left before the answer (its connection closed). */
  clientGone?: boolean;
}

export interface Census {
  /** Every vendor session the fake made: id, state (`new`, `started`, `closed`) and why it closed. */
  sessions: { id: string; state: string; endReason?: string }[];
  creates: CensusCreate[];
  stops: { body: unknown; status: number }[];
}

interface Namespace {
  vendor: FakeVendor;
  handler: SessionHandler;
  creates: CensusCreate[];
  stops: Census['stops'];
}

/** The same request at another path (the body read into memory: these are small JSON bodies). */
async function atPath(request: Request, pathname: string): Promise<Request> {
  const url = new URL(request.url);
  url.pathname = pathname;
  const body = request.method === 'GET' || request.method === 'HEAD' ? undefined : await request.text();
  return new Request(url, { method: request.method, headers: request.headers, body });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const vendorDelay = () => VENDOR_LATENCY_MS[0] + Math.random() * (VENDOR_LATENCY_MS[1] - VENDOR_LATENCY_MS[0]);
const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', 'cache-control': 'no-store' } });

function createNamespace(origin: string, ns: string, livekit?: LiveKitTestServer): Namespace {
  const vendor = createFakeVendor({ livekit });
  const vendorBase = `${origin}${BACKEND_PREFIX}${ns}/fake-vendor`;
  // In process, with the vendor's path: the fake vendor serves `/fake-vendor/<vendor>/…`.
  const vendorFetch: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    const response = await vendor(await atPath(request, new URL(request.url).pathname.replace(`${BACKEND_PREFIX}${ns}`, '')));
    // Like a real fetch, an abort ends the wait for the answer (the vendor has acted all the same).
    await new Promise<void>((resolve, reject) => {
      const onAbort = () => reject(request.signal.reason ?? new DOMException('Aborted', 'AbortError'));
      if (request.signal.aborted) return onAbort();
      request.signal.addEventListener('abort', onAbort, { once: true });
      void sleep(vendorDelay()).then(() => {
        request.signal.removeEventListener('abort', onAbort);
        resolve();
      });
    });
    return response;
  };
  const handler = createSessionHandler({
    providers: {
      heygen: { apiKey: DEFAULT_FAKE_KEYS.heygen, baseUrl: `${vendorBase}/heygen` },
      konpro: { apiKey: DEFAULT_FAKE_KEYS.konpro, baseUrl: `${vendorBase}/konpro` },
      deepbrain: { ...DEFAULT_FAKE_KEYS.deepbrain, baseUrl: `${vendorBase}/deepbrain` },
      akool: { apiKey: DEFAULT_FAKE_KEYS.akool, baseUrl: `${vendorBase}/akool` },
    },
    fetch: vendorFetch,
    logger: false,
    clientAbort: ns.startsWith('noabort-') ? false : undefined,
  });
  return { vendor, handler, creates: [], stops: [] };
}

export interface MoneyBackend {
  owns(pathname: string): boolean;
  serve(req: NodeRequest, res: ServerResponse): Promise<void>;
  close(): void;
}

/** `livekit`: the test server the fake vendors open their rooms on. */
export function createMoneyBackend(livekit?: LiveKitTestServer): MoneyBackend {
  const spaces = new Map<string, Namespace>();

  async function answer(request: Request, ns: string, rest: string, gone: AbortSignal): Promise<Response> {
    const url = new URL(request.url);
    let space = spaces.get(ns);
    if (rest === '/close' && request.method === 'POST') {
      space?.vendor.close();
      spaces.delete(ns);
      return json({ closed: Boolean(space) });
    }
    // Only the token endpoint opens a namespace: a relay reconnecting after close() finds nothing.
    if (!space && rest.startsWith('/api/avatar')) spaces.set(ns, (space = createNamespace(url.origin, ns, livekit)));
    if (!space) return json({ error: `No such namespace: ${ns}` }, 404);
    if (rest === '/census') {
      const census: Census = {
        sessions: space.vendor.sessions().map(({ id, state, endReason }) => ({ id, state, endReason })),
        creates: space.creates,
        stops: space.stops,
      };
      return json(census);
    }
    if (rest === '/api/avatar' || rest === '/api/avatar/stop') {
      const text = request.method === 'POST' ? await request.text() : '';
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
      const forwarded = new Request(request.url, { method: request.method, headers: request.headers, body: text || undefined, signal: gone });
      const record: CensusCreate = {};
      if (rest === '/api/avatar') {
        record.requestId = (body as { requestId?: unknown } | null)?.requestId;
        space.creates.push(record);
      }
      const response = await space.handler(forwarded);
      const copy = response.clone();
      const answerBody = (await copy.json().catch(() => undefined)) as { sessionId?: unknown } | undefined;
      if (rest === '/api/avatar') {
        record.status = response.status;
        if (typeof answerBody?.sessionId === 'string') record.sessionId = answerBody.sessionId;
        record.clientGone = gone.aborted;
      } else {
        space.stops.push({ body, status: response.status });
      }
      return response;
    }
    if (rest.startsWith('/fake-vendor/')) {
      return space.vendor(await atPath(request, rest));
    }
    return json({ error: `Not a backend path: ${rest}` }, 404);
  }

  return {
    owns: (pathname) => pathname.startsWith(BACKEND_PREFIX),
    async serve(req, res) {
      // As toNodeHandler does: a client that leaves before the answer aborts the request's signal.
      const gone = new AbortController();
      res.once('close', () => {
        if (!res.writableEnded) gone.abort();
      });
      const request = toRequest(req, {}, gone.signal);
      const match = PATH.exec(new URL(request.url).pathname);
      const response = match ? await answer(request, match[1]!, match[2]!, gone.signal) : json({ error: 'No namespace' }, 404);
      await sendResponse(response, res);
    },
    close() {
      for (const space of spaces.values()) space.vendor.close();
      spaces.clear();
    },
  };
}

/** The backend as test/backends/wtr-plugin.mjs mounts it, its fake vendors on the shared LiveKit test server. */
export async function createBackend() {
  const backend = createMoneyBackend(await sharedLiveKitServer());
  return {
    commands: {},
    async http(req: NodeRequest, res: ServerResponse): Promise<boolean> {
      if (!backend.owns(new URL(req.url ?? '/', 'http://localhost').pathname)) return false;
      await backend.serve(req, res);
      return true;
    },
    stop: () => backend.close(),
  };
}
