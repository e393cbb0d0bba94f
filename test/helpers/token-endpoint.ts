/**
 * A stubbed `fetch` for the token endpoint: records every request and answers with what the test says.
 * Other URLs go to the real fetch.
 */
export interface RecordedRequest {
  url: string;
  method: string;
  headers: Headers;
  credentials: RequestCredentials | undefined;
  body: unknown;
  signal: AbortSignal | undefined;
}

export type Reply =
  | { status?: number; json: unknown; delayMs?: number; headers?: Record<string, string> }
  | { status?: number; text: string; delayMs?: number; headers?: Record<string, string> }
  | { hang: true }
  | { networkError: true };

export interface TokenEndpoint {
  requests: RecordedRequest[];
  stops: RecordedRequest[];
  /** `performance.now()` when each session request was answered (after its `delayMs`), in order. */
  answeredAt: number[];
  reply(reply: Reply | ((request: RecordedRequest) => Reply)): void;
  /**
   * Ends every request still hanging with a network error, as a server going away does. The element reads
   * a create nobody wants for up to 60 s; this lets a test check that nothing else is left behind.
   */
  release(): void;
  restore(): void;
}

export function stubTokenEndpoint(path = '/api/avatar'): TokenEndpoint {
  const realFetch = window.fetch;
  let handler: (request: RecordedRequest) => Reply = () => ({ status: 500, json: { error: { code: 'token-http-error', message: 'no reply set' } } });
  const hanging = new Set<(error: Error) => void>();
  const endpoint: TokenEndpoint = {
    requests: [],
    stops: [],
    answeredAt: [],
    reply(reply) {
      handler = typeof reply === 'function' ? reply : () => reply;
    },
    release() {
      for (const fail of [...hanging]) fail(new TypeError('Failed to fetch'));
    },
    restore() {
      window.fetch = realFetch;
    },
  };
  window.fetch = async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const url = new URL(input instanceof Request ? input.url : String(input), location.href);
    if (url.pathname !== path && url.pathname !== `${path}/stop`) return realFetch(input, init);
    const text = typeof init.body === 'string' ? init.body : '';
    const request: RecordedRequest = {
      url: url.href,
      method: init.method ?? 'GET',
      headers: new Headers(init.headers),
      credentials: init.credentials,
      body: text ? JSON.parse(text) : undefined,
      signal: init.signal ?? undefined,
    };
    if (url.pathname.endsWith('/stop')) {
      endpoint.stops.push(request);
      return new Response(JSON.stringify({ ok: true }), { status: 200 });
    }
    endpoint.requests.push(request);
    const reply = handler(request);
    if ('hang' in reply) {
      return new Promise<Response>((_, reject) => {
        const fail = (error: unknown) => {
          hanging.delete(fail);
          reject(error);
        };
        hanging.add(fail);
        init.signal?.addEventListener('abort', () => fail(init.signal?.reason ?? new DOMException('Aborted', 'AbortError')));
      });
    }
    if ('networkError' in reply) throw new TypeError('Failed to fetch');
    if (reply.delayMs) {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(resolve, reply.delayMs);
        init.signal?.addEventListener('abort', () => {
          clearTimeout(timer);
          reject(init.signal?.reason ?? new DOMException('Aborted', 'AbortError'));
        });
      });
    }
    const body = 'json' in reply ? JSON.stringify(reply.json) : reply.text;
    endpoint.answeredAt.push(performance.now());
    return new Response(body, { status: reply.status ?? 200, headers: { 'content-type': 'application/json', ...reply.headers } });
  };
  return endpoint;
}

/** A session description for the test provider, played by the real local transport. */
export function localDescription(provider = 'test-server', sessionId = `s-${Math.random().toString(36).slice(2)}`) {
  return { provider, sessionId, transport: { kind: 'local' } };
}
