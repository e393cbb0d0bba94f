import assert from 'node:assert/strict';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { createSessionHandler, toNodeHandler, type SessionHandler } from '../../src/server/index.js';
import { assertNoSecrets, KEYS, post, read, SECRETS, STOP_SECRET, stopBody, useEnv } from './support/fake-env.js';

/**
 * The handler's security promises that session-handler.test.ts does not already cover (bad bodies, origins and
 * the hook contract are there): a flood from one client stopped by a per-client `rateLimit` hook over real
 * HTTP, and a sweep proving no response body, response header or console line carries a key or token.
 */

/** A fixed-window counter per client address, as a site would pass to `rateLimit`. */
function perClientLimit(limit: number, retryAfter: number) {
  const counts = new Map<string, number>();
  return {
    counts,
    hook: (request: Request) => {
      const client = request.headers.get('x-client-address') ?? 'unknown';
      const count = (counts.get(client) ?? 0) + 1;
      counts.set(client, count);
      return count > limit ? { retryAfter } : undefined;
    },
  };
}

/**
 * The handler on node:http, loopback only. The site's own wrapper names the client by its socket address
 * (overwriting whatever header the client sent, so a client cannot pose as another).
 */
async function serve(handler: SessionHandler): Promise<{ server: Server; port: number }> {
  const node = toNodeHandler(handler);
  const server = createServer((req, res) => {
    req.headers['x-client-address'] = req.socket.remoteAddress ?? 'unknown';
    node(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

/** POSTs a create request from `localAddress` (127.0.0.x: distinct clients on the loopback interface). */
function createFrom(port: number, localAddress: string, headers: Record<string, string> = {}): Promise<{ status: number; retryAfter?: string; body: string }> {
  const body = JSON.stringify({ provider: 'akool', avatarId: 'a' });
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, localAddress, method: 'POST', path: '/api/avatar', headers: { 'content-type': 'application/json', ...headers }, agent: false },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'] as string | undefined, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('session handler security', () => {
  const env = useEnv();

  it('limits a flood from one client with the rateLimit hook (429 + Retry-After); another client is still served', async () => {
    const limit = perClientLimit(20, 30);
    const handler = createSessionHandler({ providers: env.providers, logger: false, rateLimit: limit.hook });
    const { server, port } = await serve(handler);
    try {
      const flood: Awaited<ReturnType<typeof createFrom>>[] = [];
      // Bounded: 100 requests, 10 at a time, from one address; one claims to be another client.
      for (let batch = 0; batch < 10; batch++) {
        flood.push(...(await Promise.all(Array.from({ length: 10 }, () => createFrom(port, '127.0.0.1', { 'x-client-address': '127.0.0.9' })))));
      }
      const served = flood.filter((answer) => answer.status === 200);
      const refused = flood.filter((answer) => answer.status === 429);
      assert.equal(served.length, 20);
      assert.equal(refused.length, 80);
      for (const answer of refused) {
        assert.equal(answer.retryAfter, '30');
        assert.equal(JSON.parse(answer.body).error.code, 'rate-limited');
      }
      // The refused requests never reached the vendor (the hook runs before the body is read).
      assert.equal(env.fake.vendor.requests.filter((r) => r.path.endsWith('/session/create')).length, 20);
      assert.deepEqual([...limit.counts.keys()], ['127.0.0.1']);

      const other = await createFrom(port, '127.0.0.2');
      assert.equal(other.status, 200, other.body);
      assert.equal(other.retryAfter, undefined);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('toNodeHandler gives rateLimit the connection address as clientAddress; X-Forwarded-For counts only with trustProxy', async () => {
    const seen: (string | undefined)[] = [];
    const handler = createSessionHandler({
      providers: env.providers,
      logger: false,
      rateLimit: (_request, { clientAddress }) => void seen.push(clientAddress),
    });
    const direct = createServer(toNodeHandler(handler));
    const proxied = createServer(toNodeHandler(handler, { trustProxy: true }));
    const portOf = async (server: Server) => {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return (server.address() as AddressInfo).port;
    };
    try {
      const [directPort, proxiedPort] = [await portOf(direct), await portOf(proxied)];
      // A client posing as another with a header it wrote itself.
      assert.equal((await createFrom(directPort, '127.0.0.1', { 'x-forwarded-for': '127.0.0.9' })).status, 200);
      assert.equal((await createFrom(directPort, '127.0.0.2')).status, 200);
      // Behind a trusted proxy: the entry that proxy appended (the last), not the client's own first one.
      assert.equal((await createFrom(proxiedPort, '127.0.0.1', { 'x-forwarded-for': '10.0.0.9, 203.0.113.7' })).status, 200);
      assert.deepEqual(seen, ['127.0.0.1', '127.0.0.2', '203.0.113.7']);
    } finally {
      await Promise.all([direct, proxied].map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
    }
  });

  it('with the default logger, no response body, header or console line carries a key or a session token', async () => {
    const lines: string[] = [];
    const methods = ['log', 'info', 'warn', 'error', 'debug'] as const;
    const originals = methods.map((name) => console[name]);
    methods.forEach((name) => {
      console[name] = (...args: unknown[]) => void lines.push(args.map(String).join(' '));
    });
    const answers: Awaited<ReturnType<typeof read>>[] = [];
    const tokens: string[] = [];
    try {
      // Default logger (console), and hooks that fail or refuse with a key in their own message.
      let throwFor: string | undefined;
      const handler = createSessionHandler({
        providers: env.providers,
        // Echoed back by the fake like every key (SECRETS): scrubbed too.
        secret: STOP_SECRET,
        beforeStop: (_request, body) => {
          if (body.sessionId === throwFor) throw new Error(`lookup failed for ${KEYS.heygen}`);
        },
        rateLimit: (request) => (request.headers.get('x-flood') ? { retryAfter: 5 } : undefined),
        allowedOrigins: (origin) => origin !== 'https://evil.example',
      });
      const send = async (body: unknown, options?: Parameters<typeof post>[2]) => {
        const answer = await post(handler, body, options);
        answers.push(answer);
        return answer;
      };
      const failures: { vendor: 'heygen' | 'konpro' | 'deepbrain' | 'akool'; path: string; status: number }[] = [
        { vendor: 'heygen', path: '/v1/streaming.create_token', status: 401 },
        { vendor: 'konpro', path: '/v1/streaming/create_token', status: 500 },
        { vendor: 'deepbrain', path: '/api/v2/sessions/token', status: 429 },
        { vendor: 'akool', path: '/api/open/v4/liveAvatar/session/create', status: 200 },
      ];
      for (const { vendor, path, status } of failures) {
        const ok = await send({ provider: vendor, avatarId: 'a' });
        assert.equal(ok.status, 200, ok.text);
        if (ok.json.sessionToken) tokens.push(ok.json.sessionToken);
        for (const [key, value] of Object.entries(ok.json.transport as Record<string, unknown>)) {
          if (typeof value === 'string' && /token|sig/i.test(key)) tokens.push(value);
        }
        await send(stopBody(ok.json), { path: '/api/avatar/stop' });
        // The vendor echoes every configured key back in a failure (body and a header of its own).
        env.fake.vendor.failNext({
          vendor,
          path,
          status,
          body: { code: 1101, message: `denied ${SECRETS.join(' ')}`, data: { key: SECRETS[0] } },
          headers: { 'x-echo': SECRETS.join(',') },
        });
        const failed = await send({ provider: vendor, avatarId: 'a' });
        assert.ok(failed.status >= 400, `${vendor}: ${failed.text}`);
      }
      const victim = await send({ provider: 'heygen', avatarId: 'a' });
      throwFor = victim.json.sessionId;
      await send(stopBody(victim.json), { path: '/api/avatar/stop' });
      // Someone else's stop: refused without a word of why.
      await send({ provider: 'heygen', sessionId: victim.json.sessionId }, { path: '/api/avatar/stop' });
      await send({ provider: 'heygen', avatarId: 'a' }, { headers: { 'content-type': 'application/json', 'x-flood': '1' } });
      await send({ provider: 'heygen', avatarId: 'a' }, { headers: { 'content-type': 'application/json', origin: 'https://evil.example' } });
      await send('{"provider": "heygen", "avatarId": ', {});
    } finally {
      methods.forEach((name, i) => {
        console[name] = originals[i]!;
      });
    }

    assert.ok(tokens.length >= 4, 'the sweep saw session and transport tokens to look for');
    assert.ok(lines.length > 0, 'the failures were logged to the console');
    const statuses = answers.map((answer) => answer.status);
    for (const status of [200, 403, 429, 500]) assert.ok(statuses.includes(status), `a ${status} answer was swept (${statuses.join(', ')})`);
    const headers = answers.map((answer) => [...answer.headers].map(([name, value]) => `${name}: ${value}`).join('\n'));
    assertNoSecrets([...answers.map((answer) => answer.text), ...headers, ...lines]);
    // Tokens appear only in the body of their own create answer: never in a header, an error or a log line.
    const errorBodies = answers.filter((answer) => answer.status >= 400).map((answer) => answer.text);
    assertNoSecrets([...headers, ...errorBodies, ...lines], tokens);
  });
});
