import assert from 'node:assert/strict';
import { after, before, beforeEach } from 'node:test';
import { fakeVendorBaseUrl, startFakeVendor, type FakeVendorOptions, type RunningFakeVendor } from '../../../src/fake-vendor/index.js';
import { createSessionHandler } from '../../../src/server/index.js';
import type { ProviderConfigs, SessionHandler, SessionHandlerOptions } from '../../../src/server/index.js';

/**
 * A fake vendor on a free port and a session handler pointed at it, with recognisable keys, a fixed clock
 * and a logger that keeps every line, so tests can assert nothing secret leaks anywhere.
 */
export const KEYS = {
  heygen: 'test-heygen-key-Q7v2Lk9',
  konpro: 'test-konpro-key-Z3m8Wp1',
  deepbrain: { appId: 'test-deepbrain-app', userKey: 'test-deepbrain-userkey-H5r4Tn6' },
  akool: 'test-akool-key-B9x1Cc4',
};
/** Signs the stop tokens of every test handler (shared, as several instances would share it). */
export const STOP_SECRET = 'test-stop-secret-Vb7Kq2Xw9Lm4';
export const SECRETS = [KEYS.heygen, KEYS.konpro, KEYS.deepbrain.userKey, KEYS.akool, STOP_SECRET];
export const NOW = Date.UTC(2026, 5, 1, 12, 0, 0);

export interface Env {
  fake: RunningFakeVendor;
  handler: SessionHandler;
  logs: string[];
  /** Every vendor call the handler made through its injected `fetch`. */
  calls: { url: string; headers: Headers; body: unknown }[];
  providers: ProviderConfigs;
  baseUrl(vendor: 'heygen' | 'konpro' | 'deepbrain' | 'akool'): string;
  close(): Promise<void>;
}

export async function createEnv(
  options: { handler?: Partial<SessionHandlerOptions>; fake?: FakeVendorOptions; providers?: (env: { baseUrl: Env['baseUrl'] }) => ProviderConfigs } = {},
): Promise<Env> {
  const fake = await startFakeVendor({ keys: KEYS, ...options.fake });
  const baseUrl: Env['baseUrl'] = (vendor) => fakeVendorBaseUrl(fake.url, vendor);
  const providers = options.providers?.({ baseUrl }) ?? {
    heygen: { apiKey: KEYS.heygen, baseUrl: baseUrl('heygen') },
    konpro: { apiKey: KEYS.konpro, baseUrl: baseUrl('konpro') },
    deepbrain: { ...KEYS.deepbrain, baseUrl: baseUrl('deepbrain') },
    akool: { apiKey: KEYS.akool, baseUrl: baseUrl('akool') },
  };
  const logs: string[] = [];
  const calls: Env['calls'] = [];
  const handler = createSessionHandler({
    providers,
    secret: STOP_SECRET,
    logger: { warn: (message) => logs.push(message) },
    now: () => NOW,
    fetch: async (input, init) => {
      calls.push({ url: String(input), headers: new Headers(init?.headers), body: init?.body ? JSON.parse(String(init.body)) : undefined });
      return fetch(input, init);
    },
    ...options.handler,
  });
  return { fake, handler, logs, calls, providers, baseUrl, close: () => fake.stop() };
}

type EnvOptions = Parameters<typeof createEnv>[0];

/**
 * One env for a whole `describe()`: started before its tests, closed after them, its request and log
 * records emptied before each test. The object is filled in when the env starts.
 */
export function useEnv(options?: EnvOptions): Env {
  const env = {} as Env;
  before(async () => {
    Object.assign(env, await createEnv(options));
  });
  after(() => env.close());
  beforeEach(() => {
    env.fake.vendor.requests.length = 0;
    env.logs.length = 0;
    env.calls.length = 0;
  });
  return env;
}

/** A throwaway env for one test (other keys, other options). */
export async function withEnv<T>(options: EnvOptions, run: (env: Env) => Promise<T>): Promise<T> {
  const env = await createEnv(options);
  try {
    return await run(env);
  } finally {
    await env.close();
  }
}

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed JSON; each test asserts the shape it expects. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
}

export async function read(response: Response): Promise<Answer> {
  const text = await response.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

/** POSTs to the handler as the element would (`/api/avatar` or `/api/avatar/stop`). */
export async function post(
  handler: SessionHandler,
  body: unknown,
  { path = '/api/avatar', headers = { 'content-type': 'application/json' } as Record<string, string> } = {},
): Promise<Answer> {
  const request = new Request(`https://site.example${path}`, {
    method: 'POST',
    headers,
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return read(await handler(request));
}

/** The element's stop for a session it got: the create answer's provider, sessionId and stopToken. */
export function stopBody(created: { provider: string; sessionId: string; stopToken?: string }): Record<string, string | undefined> {
  return { provider: created.provider, sessionId: created.sessionId, stopToken: created.stopToken };
}

/** POSTs the element's stop for a create answer (`/api/avatar/stop`). */
export function stop(handler: SessionHandler, created: Answer['json'], options: Omit<NonNullable<Parameters<typeof post>[2]>, 'path'> = {}): Promise<Answer> {
  return post(handler, stopBody(created), { ...options, path: '/api/avatar/stop' });
}

/** Fails if any configured key (or any extra secret given) appears in the texts. */
export function assertNoSecrets(texts: readonly string[], extra: readonly string[] = []): void {
  for (const text of texts) {
    for (const secret of [...SECRETS, ...extra]) {
      assert.ok(!text.includes(secret), `a secret leaked: …${secret.slice(-6)} in ${text.slice(0, 200)}`);
    }
  }
}

/** Reads `data:` messages from a relay stream until one has `type === until`, or the stream ends. */
export async function readRelay(url: string, until = 'stop', timeoutMs = 3000): Promise<{ type: string; [key: string]: unknown }[]> {
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /^text\/event-stream/);
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  const messages: { type: string; [key: string]: unknown }[] = [];
  let buffer = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const event = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = event.split('\n').find((line) => line.startsWith('data: '));
      if (!data) continue;
      const message = JSON.parse(data.slice(6));
      messages.push(message);
      if (message.type === until) {
        await reader.cancel();
        return messages;
      }
    }
  }
  return messages;
}
