/** A stubbed `fetch` that records vendor REST calls and answers them with vendor envelopes. */

export interface RecordedRequest {
  url: string;
  path: string;
  method: string;
  headers: Record<string, string>;
  body: unknown;
}

export interface StubAnswer {
  status?: number;
  /** JSON-encoded unless it is a string. */
  body?: unknown;
}

export type StubHandler = (request: RecordedRequest) => StubAnswer | Promise<StubAnswer>;

export function stubFetch(handler: StubHandler = () => ({ body: { code: 100, data: {} } })) {
  const requests: RecordedRequest[] = [];
  let current = handler;
  const fetch = async (input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> => {
    if (init.signal?.aborted) throw new DOMException('The operation was aborted.', 'AbortError');
    const url = new URL(String(input), location.href);
    const headers: Record<string, string> = {};
    new Headers(init.headers).forEach((value, key) => (headers[key] = value));
    const text = typeof init.body === 'string' ? init.body : undefined;
    const request: RecordedRequest = {
      url: url.href,
      path: url.pathname,
      method: init.method ?? 'GET',
      headers,
      body: text ? JSON.parse(text) : undefined,
    };
    requests.push(request);
    const answer = await current(request);
    const body = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body ?? {});
    return new Response(body, { status: answer.status ?? 200, headers: { 'content-type': 'application/json' } });
  };
  return {
    fetch: fetch as typeof globalThis.fetch,
    requests,
    /** Replaces the answers from now on. */
    answer(next: StubHandler) {
      current = next;
    },
  };
}

/** Replaces `window.fetch` (what the element's session uses) until `restore()`. */
export function installFetch(fetchImpl: typeof globalThis.fetch): () => void {
  const original = window.fetch;
  window.fetch = fetchImpl;
  return () => {
    window.fetch = original;
  };
}
