import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AvatarError, createSessionHandler } from '../../src/server/index.js';
import type { SessionHandlerOptions } from '../../src/server/index.js';
import { assertNoSecrets, KEYS, post, read, STOP_SECRET, stop, stopBody, useEnv, withEnv } from './support/fake-env.js';

/** The handler's own rules, whatever the vendor: routing, bodies, origins, hooks, limits, failures. */
describe('session handler', () => {
  const env = useEnv();

  /** A handler on the same fake vendor with other options. */
  const handlerWith = (options: Partial<SessionHandlerOptions>) =>
    createSessionHandler({ providers: env.providers, secret: STOP_SECRET, logger: { warn: (message) => env.logs.push(message) }, ...options });

  describe('configuration', () => {
    it('answers 400 provider-not-configured for a vendor without secrets', async () => {
      const handler = createSessionHandler({ providers: { heygen: env.providers.heygen } });
      const answer = await post(handler, { provider: 'akool', avatarId: 'a' });
      assert.equal(answer.status, 400);
      assert.equal(answer.json.error.code, 'provider-not-configured');
      assert.match(answer.json.error.message, /"akool" is not configured/);
    });

    it('answers 400 provider-not-configured when a secret is empty', async () => {
      const handler = createSessionHandler({ providers: { deepbrain: { appId: 'app', userKey: '' } } });
      const answer = await post(handler, { provider: 'deepbrain', avatarId: 'a' });
      assert.equal(answer.status, 400);
      assert.equal(answer.json.error.code, 'provider-not-configured');
      assert.match(answer.json.error.message, /providers\.deepbrain\.userKey is not set/);
    });
  });

  describe('bodies', () => {
    const bad: [string, string | object, Record<string, string>, number, RegExp][] = [
      ['not JSON', '{provider: heygen', { 'content-type': 'application/json' }, 400, /not valid JSON/],
      ['empty', '', { 'content-type': 'application/json' }, 400, /empty/],
      ['an array', '[1,2]', { 'content-type': 'application/json' }, 400, /must be a JSON object/],
      ['a string', '"heygen"', { 'content-type': 'application/json' }, 400, /must be a JSON object/],
      ['without provider', { avatarId: 'a' }, { 'content-type': 'application/json' }, 400, /"provider" is required/],
      ['an unknown provider', { provider: 'acme' }, { 'content-type': 'application/json' }, 400, /"provider" must be one of heygen, konpro, deepbrain, akool/],
      ['the in-page provider', { provider: 'local' }, { 'content-type': 'application/json' }, 400, /"provider" must be one of/],
      ['a provider of the wrong type', { provider: 7 }, { 'content-type': 'application/json' }, 400, /"provider" is required/],
      ['a form', 'provider=heygen', { 'content-type': 'application/x-www-form-urlencoded' }, 415, /must be JSON/],
    ];
    for (const [what, body, headers, status, message] of bad) {
      it(`refuses a body that is ${what}`, async () => {
        const answer = await post(env.handler, body, { headers });
        assert.equal(answer.status, status, answer.text);
        assert.equal(answer.json.error.code, 'bad-request');
        assert.match(answer.json.error.message, message);
        assert.equal(env.fake.vendor.requests.length, 0);
      });
    }

    it('refuses a body over the size cap, by header or by counting', async () => {
      const big = JSON.stringify({ provider: 'heygen', knowledgeBase: 'x'.repeat(20_000) });
      const declared = await post(env.handler, big);
      assert.equal(declared.status, 413);
      assert.equal(declared.json.error.code, 'bad-request');
      // A streamed body has no Content-Length: the cap still holds.
      const stream = new ReadableStream<Uint8Array>({
        start(controller) {
          for (let i = 0; i < 5; i++) controller.enqueue(new TextEncoder().encode(big.slice(i * 5000, (i + 1) * 5000)));
          controller.close();
        },
      });
      const request = new Request('https://site.example/api/avatar', { method: 'POST', headers: { 'content-type': 'application/json' }, body: stream, duplex: 'half' } as RequestInit);
      assert.equal(request.headers.get('content-length'), null);
      const counted = await read(await env.handler(request));
      assert.equal(counted.status, 413);
      const small = await read(await handlerWith({ maxBodyBytes: 64 })(new Request('https://site.example/api/avatar', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ provider: 'heygen', avatarId: 'a'.repeat(80) }) })));
      assert.equal(small.status, 413);
    });

    it('says in the log when a route read the body before handing the Request over (Next.js route, middleware)', async () => {
      const request = new Request('https://site.example/api/avatar', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ provider: 'akool', avatarId: 'a' }) });
      await request.json();
      const answer = await read(await handlerWith({})(request));
      assert.equal(answer.status, 500);
      assert.equal(answer.json.error.code, 'token-http-error');
      assert.match(env.logs.join('\n'), /body was already read.*request\.clone\(\)/);
    });

    it('answers 405 to anything but POST', async () => {
      const answer = await read(await env.handler(new Request('https://site.example/api/avatar')));
      assert.equal(answer.status, 405);
      assert.equal(answer.headers.get('allow'), 'POST');
      assert.equal(answer.json.error.code, 'bad-request');
    });

    it('accepts the stop body as text/plain or without a type (sendBeacon and friends)', async () => {
      for (const headers of [{ 'content-type': 'text/plain;charset=UTF-8' }, {} as Record<string, string>]) {
        const { json } = await post(env.handler, { provider: 'akool', avatarId: 'a' });
        const answer = await post(env.handler, JSON.stringify(stopBody(json)), { path: '/api/avatar/stop', headers });
        assert.equal(answer.status, 200, answer.text);
        assert.equal(env.fake.vendor.session(json.sessionId)!.state, 'closed');
      }
    });

    it('creates only from an application/json body: a cross-site form or no-cors fetch cannot start a paid session', async () => {
      const create = JSON.stringify({ provider: 'akool', avatarId: 'a' });
      // What a cross-site page can send without a preflight: <form enctype="text/plain"> (whose name=value
      // can spell JSON), sendBeacon, or fetch(…, {mode: 'no-cors'}) with a typeless Blob body.
      const forged = ['text/plain', 'text/plain;charset=UTF-8', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', undefined];
      for (const type of forged) {
        const answer = await post(env.handler, create, { headers: type ? { 'content-type': type } : {} });
        assert.equal(answer.status, 415, `${type}: ${answer.text}`);
        assert.equal(answer.json.error.code, 'bad-request');
      }
      assert.equal(env.fake.vendor.requests.length, 0, 'no vendor session was created');
      for (const type of ['application/json', 'application/json; charset=utf-8', 'application/vnd.api+json']) {
        assert.equal((await post(env.handler, create, { headers: { 'content-type': type } })).status, 200, type);
      }
    });

    it('refuses a stop body with neither a session id nor a requestId', async () => {
      const answer = await post(env.handler, { provider: 'akool' }, { path: '/api/avatar/stop' });
      assert.equal(answer.status, 400);
      assert.match(answer.json.error.message, /needs "sessionId" with its "stopToken", or the "requestId"/);
      const typed = await post(env.handler, { provider: 'akool', sessionId: 12 }, { path: '/api/avatar/stop' });
      assert.match(typed.json.error.message, /"sessionId" must be a non-empty string/);
    });

    it('routes by the path suffix, with or without a trailing slash', async () => {
      const { json } = await post(env.handler, { provider: 'akool', avatarId: 'a' });
      const answer = await post(env.handler, stopBody(json), { path: '/some/mount/stop/' });
      assert.equal(answer.status, 200, answer.text);
      assert.equal(answer.json.stopped, true);
    });
  });

  describe('origins', () => {
    const allowed = 'https://shop.example';
    const call = (handler: ReturnType<typeof createSessionHandler>, origin: string | undefined, method = 'POST') =>
      handler(
        new Request('https://api.example/api/avatar', {
          method,
          headers: { 'content-type': 'application/json', ...(origin ? { origin } : {}) },
          body: method === 'POST' ? JSON.stringify({ provider: 'akool', avatarId: 'a' }) : undefined,
        }),
      ).then(read);

    it('refuses other origins, and requests without one, with 403 origin-not-allowed', async () => {
      const handler = handlerWith({ allowedOrigins: [allowed] });
      for (const origin of ['https://evil.example', undefined]) {
        const answer = await call(handler, origin);
        assert.equal(answer.status, 403);
        assert.equal(answer.json.error.code, 'origin-not-allowed');
      }
      assert.equal(env.fake.vendor.requests.length, 0);
    });

    it('serves allowed origins with CORS headers and answers their preflight', async () => {
      const handler = handlerWith({ allowedOrigins: [allowed] });
      const answer = await call(handler, allowed);
      assert.equal(answer.status, 200, answer.text);
      assert.equal(answer.headers.get('access-control-allow-origin'), allowed);
      const preflight = await call(handler, allowed, 'OPTIONS');
      assert.equal(preflight.status, 204);
      assert.match(preflight.headers.get('access-control-allow-methods') ?? '', /POST/);
      assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /content-type/);
    });

    it('compares listed origins as browsers send them (case, default port, trailing slash) and never admits null', async () => {
      const handler = handlerWith({ allowedOrigins: ['https://Shop.Example/', 'http://localhost:80', 'https://eu.shop.example:8443/', 'null'] });
      for (const origin of ['https://shop.example', 'http://localhost', 'https://eu.shop.example:8443']) {
        const answer = await call(handler, origin);
        assert.equal(answer.status, 200, `${origin}: ${answer.text}`);
        assert.equal(answer.headers.get('access-control-allow-origin'), origin);
      }
      // A sandboxed iframe or data: page on any site sends `Origin: null`.
      for (const origin of ['null', 'https://shop.example:444', 'http://shop.example', 'https://eu.shop.example']) {
        assert.equal((await call(handler, origin)).status, 403, origin);
      }
    });

    it('takes a predicate', async () => {
      const seen: (string | null)[] = [];
      const handler = handlerWith({ allowedOrigins: (origin) => (seen.push(origin), origin?.endsWith('.shop.example') ?? false) });
      assert.equal((await call(handler, 'https://eu.shop.example')).status, 200);
      assert.equal((await call(handler, 'https://shop.example.evil')).status, 403);
      assert.deepEqual(seen, ['https://eu.shop.example', 'https://shop.example.evil']);
    });
  });

  describe('rate limit hook', () => {
    it('refuses with 429 rate-limited, with Retry-After when given, before reading the body', async () => {
      const routes: string[] = [];
      let verdict: false | { retryAfter: number } | undefined = false;
      const handler = handlerWith({ rateLimit: (_request, { route }) => (routes.push(route), verdict) });
      const refused = await post(handler, 'not even JSON');
      assert.equal(refused.status, 429);
      assert.equal(refused.json.error.code, 'rate-limited');
      assert.equal(refused.headers.get('retry-after'), null);
      verdict = { retryAfter: 30 };
      const later = await post(handler, { provider: 'akool', sessionId: 's' }, { path: '/api/avatar/stop' });
      assert.equal(later.status, 429);
      assert.equal(later.headers.get('retry-after'), '30');
      verdict = undefined;
      assert.equal((await post(handler, { provider: 'akool', avatarId: 'a' })).status, 200);
      assert.deepEqual(routes, ['create', 'stop', 'create']);
      assert.equal(env.fake.vendor.requests.length, 1);
    });
  });

  describe('hooks', () => {
    it('beforeCreate can refuse with false (403), its own Response, or a thrown AvatarError', async () => {
      const refusals: [SessionHandlerOptions['beforeCreate'], number, string | undefined][] = [
        [() => false, 403, 'token-forbidden'],
        [() => new Response('log in first', { status: 401 }), 401, undefined],
        [
          () => {
            throw new AvatarError('token-unauthorized', 'Sign in to talk to the avatar.', { status: 401 });
          },
          401,
          'token-unauthorized',
        ],
      ];
      for (const [beforeCreate, status, code] of refusals) {
        const answer = await post(handlerWith({ beforeCreate }), { provider: 'akool', avatarId: 'a' });
        assert.equal(answer.status, status);
        if (code) assert.equal(answer.json.error.code, code);
        else assert.equal(answer.text, 'log in first');
      }
      assert.equal(env.fake.vendor.requests.length, 0);
    });

    it('beforeCreate sees the request and body (minus page-sent vendorFields) and may rewrite them', async () => {
      let seen: unknown;
      const handler = handlerWith({
        beforeCreate: (request, body) => {
          seen = { cookie: request.headers.get('cookie'), body };
          return { ...body, provider: 'akool', avatarId: 'server-chosen', vendorFields: { scene_mode: 'fast_dialogue' } };
        },
      });
      const answer = await post(handler, { provider: 'heygen', avatarId: 'page-chosen', vendorFields: { evil: 1 } }, { headers: { 'content-type': 'application/json', cookie: 'sid=1' } });
      assert.equal(answer.status, 200, answer.text);
      assert.deepEqual(seen, { cookie: 'sid=1', body: { provider: 'heygen', avatarId: 'page-chosen' } });
      assert.equal(answer.json.provider, 'akool');
      const body = env.fake.vendor.requests[0]!.body as Record<string, unknown>;
      assert.equal(body.avatar_id, 'server-chosen');
      assert.equal(body.scene_mode, 'fast_dialogue');
      assert.equal(body.evil, undefined);
    });

    it('still validates what beforeCreate returns', async () => {
      const answer = await post(handlerWith({ beforeCreate: (_request, body) => ({ ...body, duration: 99_999 }) }), { provider: 'akool', avatarId: 'a' });
      assert.equal(answer.status, 400);
      assert.match(answer.json.error.message, /"duration"/);
    });

    it('afterCreate receives the answer; beforeStop can refuse a stop its token allows', async () => {
      const created: string[] = [];
      const blocked = new Set<string>();
      const handler = handlerWith({
        afterCreate: (_request, session) => void created.push(session.sessionId),
        beforeStop: (_request, body) => (blocked.has(body.sessionId!) ? false : undefined),
      });
      const first = await post(handler, { provider: 'akool', avatarId: 'a' });
      const second = await post(handler, { provider: 'akool', avatarId: 'a' });
      assert.deepEqual(created, [first.json.sessionId, second.json.sessionId]);
      blocked.add(first.json.sessionId);
      const refused = await stop(handler, first.json);
      assert.equal(refused.status, 403);
      assert.equal(refused.json.error.code, 'token-forbidden');
      assert.equal(env.fake.vendor.session(first.json.sessionId)!.state, 'started');
      assert.equal((await stop(handler, second.json)).status, 200);
    });

    it('a request signal that aborts once the body is read (some adapters do) ends the create with a logged hint; clientAbort: false ignores it', async () => {
      const aborting = () => {
        const controller = new AbortController();
        const request = new Request('https://site.example/api/avatar', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ provider: 'akool', avatarId: 'a' }),
          signal: controller.signal,
        });
        controller.abort();
        return request;
      };
      const before = env.fake.vendor.sessions('akool').length;
      const followed = await read(await handlerWith({})(aborting()));
      assert.equal(followed.status, 499);
      assert.equal(followed.json.error.code, 'aborted');
      assert.equal(env.fake.vendor.sessions('akool').length, before, 'no session made for a client that left');
      assert.ok(env.logs.some((line) => /create aborted.*clientAbort: false/.test(line)), env.logs.join('\n'));

      const ignored = await read(await handlerWith({ clientAbort: false })(aborting()));
      assert.equal(ignored.status, 200, ignored.text);
      assert.equal(env.fake.vendor.session(ignored.json.sessionId)!.state, 'started');
    });

    it('stops the new session again when afterCreate fails', async () => {
      const handler = handlerWith({
        afterCreate: () => {
          throw new Error('could not record the session');
        },
      });
      const answer = await post(handler, { provider: 'akool', avatarId: 'a' });
      assert.equal(answer.status, 500);
      const [create, close] = env.fake.vendor.requests;
      assert.equal(close!.path, '/api/open/v4/liveAvatar/session/close');
      const session = env.fake.vendor.sessions('akool').at(-1)!;
      assert.deepEqual([create!.path, close!.body], ['/api/open/v4/liveAvatar/session/create', { id: session.id }]);
      assert.equal(session.state, 'closed');
    });

    it('answers 500 without detail when a hook fails, and logs the reason without secrets', async () => {
      const handler = handlerWith({
        beforeCreate: () => {
          throw new Error(`database down (config had ${KEYS.akool})`);
        },
      });
      const answer = await post(handler, { provider: 'akool', avatarId: 'a' });
      assert.equal(answer.status, 500);
      assert.deepEqual(answer.json.error, { code: 'token-http-error', message: 'The avatar session server failed.' });
      assert.equal(env.logs.length, 1);
      assert.match(env.logs[0]!, /database down/);
      assertNoSecrets([answer.text, ...env.logs]);
    });
  });

  describe('vendor failures', () => {
    it('answers 504 vendor-unavailable when the vendor is too slow', async () => {
      await withEnv({ fake: { latencyMs: 400 }, handler: { timeoutMs: 50 } }, async (slow) => {
      const started = Date.now();
      const answer = await post(slow.handler, { provider: 'akool', avatarId: 'a' });
      assert.ok(Date.now() - started < 350, 'the handler did not wait for the vendor');
      assert.equal(answer.status, 504);
      assert.equal(answer.json.error.code, 'vendor-unavailable');
      assert.match(answer.json.error.message, /did not answer within 50 ms/);
      // The vendor made the session after the timeout: the handler read its late answer and stopped it.
      await slow.handler.drain();
      const [session, ...others] = slow.fake.vendor.sessions('akool');
      assert.equal(others.length, 0);
      assert.equal(session!.state, 'closed', 'the late session was stopped');
      assert.deepEqual(slow.fake.vendor.requests.at(-1)!.body, { id: session!.id });
      assert.ok(slow.logs.some((line) => line.includes(`answered after the 50 ms timeout`) && line.includes(`${session!.id} was stopped`)), slow.logs.join('\n'));
      });
    });

    it('keeps a late create\'s concurrency slot until its answer is read, then frees it', async () => {
      await withEnv({ fake: { latencyMs: 300 }, handler: { timeoutMs: 50, maxConcurrentSessions: 1 } }, async (slow) => {
        assert.equal((await post(slow.handler, { provider: 'akool', avatarId: 'a' })).status, 504);
        const busy = await post(slow.handler, { provider: 'akool', avatarId: 'a' });
        assert.equal(busy.status, 429, 'the session that may still come holds the slot');
        assert.equal(busy.json.error.code, 'capacity');
        await slow.handler.drain();
        assert.equal((await post(slow.handler, { provider: 'akool', avatarId: 'a' })).status, 504, 'past the cap again once the late session was stopped');
        await slow.handler.drain();
        assert.deepEqual(slow.fake.vendor.sessions('akool').map((session) => session.state), ['closed', 'closed']);
      });
    });

    it('answers 502 vendor-unavailable when the vendor cannot be reached', async () => {
      const handler = createSessionHandler({ providers: { akool: { apiKey: KEYS.akool, baseUrl: 'http://127.0.0.1:9' } }, logger: false });
      const answer = await post(handler, { provider: 'akool', avatarId: 'a' });
      assert.equal(answer.status, 502);
      assert.equal(answer.json.error.code, 'vendor-unavailable');
      assert.match(answer.json.error.message, /could not be reached/);
    });

    it('maps a vendor 5xx page (not JSON) to vendor-unavailable with its text', async () => {
      env.fake.vendor.failNext({ vendor: 'heygen', path: '/v1/streaming.create_token', status: 503, body: 'Service Unavailable' });
      const answer = await post(env.handler, { provider: 'heygen' });
      assert.equal(answer.status, 502);
      assert.equal(answer.json.error.code, 'vendor-unavailable');
      assert.equal(answer.json.error.vendorStatus, 503);
      assert.equal(answer.json.error.vendorBody, 'Service Unavailable');
    });

    it('maps a vendor 429 to 429 vendor-rate-limited', async () => {
      env.fake.vendor.failNext({ vendor: 'konpro', path: '/v1/streaming/new', status: 429, body: { code: 429, message: 'Concurrent session limit reached' } });
      const answer = await post(env.handler, { provider: 'konpro' });
      assert.equal(answer.status, 429);
      assert.equal(answer.json.error.code, 'vendor-rate-limited');
      assert.match(answer.json.error.message, /Concurrent session limit reached/);
    });

    it('scrubs keys and tokens a vendor echoes back', async () => {
      env.fake.vendor.failNext({
        vendor: 'heygen',
        path: '/v1/streaming.create_token',
        status: 400,
        body: { code: 400, message: `bad key ${KEYS.heygen}`, data: { api_key: 'another-secret-value', nested: { token: 'abc123xyz', note: `eyJhbGciOiJI.eyJzdWIiOiIxMjM0.c2lnbmF0dXJl` } } },
      });
      const answer = await post(env.handler, { provider: 'heygen' });
      assert.equal(answer.status, 502);
      assert.deepEqual(answer.json.error.vendorBody, {
        code: 400,
        message: 'bad key [redacted]',
        data: { api_key: '[redacted]', nested: { token: '[redacted]', note: '[redacted]' } },
      });
      assertNoSecrets([answer.text, ...env.logs], ['another-secret-value', 'abc123xyz', 'eyJhbGciOiJI']);
    });

    it('scrubs secrets the server put in vendorFields or livekitSettings when the vendor quotes them in free text', async () => {
      const elevenlabsKey = 'sk_elevenlabs_customer_Y6u8';
      const livekitSecret = 'lk-api-secret-Mq42Rz';
      const hookKey = 'sk_hook_given_key_P3w1';
      const handler = handlerWith({
        providers: {
          heygen: { ...env.providers.heygen!, vendorFields: { voice: { elevenlabs_settings: { api_key: elevenlabsKey } } } },
          konpro: { ...env.providers.konpro!, livekitSettings: { url: 'wss://sfu.example', api_key: 'lk-key-id', api_secret: livekitSecret } },
        },
        beforeCreate: (_request, body) => ({ ...body, vendorFields: { knowledge_base_token: hookKey } }),
      });
      const echo = `rejected ${JSON.stringify({ elevenlabsKey, livekitSecret, hookKey })}`;
      env.fake.vendor.failNext({ vendor: 'heygen', path: '/v1/streaming.new', status: 400, body: { code: 400, message: echo } });
      env.fake.vendor.failNext({ vendor: 'konpro', path: '/v1/streaming/new', status: 400, body: { code: 400, message: echo } });
      const answers = [await post(handler, { provider: 'heygen' }), await post(handler, { provider: 'konpro' })];
      for (const answer of answers) {
        assert.equal(answer.status, 502);
        assert.match(answer.json.error.message, /rejected/);
      }
      assert.ok(env.logs.length >= 2, 'the failures were logged');
      assertNoSecrets([...answers.map((answer) => answer.text), ...env.logs], [elevenlabsKey, livekitSecret, hookKey]);
    });

    it('uses the injected fetch for every vendor call', async () => {
      const urls: string[] = [];
      const handler = handlerWith({ fetch: (input, init) => (urls.push(String(input)), fetch(input, init)) });
      await post(handler, { provider: 'deepbrain', avatarId: 'a' });
      assert.deepEqual(urls, [`${env.baseUrl('deepbrain')}/api/v2/sessions/token`, `${env.baseUrl('deepbrain')}/api/v2/sessions/start`]);
    });
  });

  it('never answers or logs a key or a session token on any failure path', async () => {
    const texts: string[] = [];
    const tokens: string[] = [];
    for (const provider of ['heygen', 'konpro', 'deepbrain', 'akool'] as const) {
      const ok = await post(env.handler, { provider, avatarId: 'a' });
      assert.equal(ok.status, 200, ok.text);
      if (ok.json.sessionToken) tokens.push(ok.json.sessionToken);
      texts.push(ok.text);
      const stop = await post(env.handler, { provider, sessionId: ok.json.sessionId }, { path: '/api/avatar/stop' });
      const again = await post(env.handler, { provider, sessionId: ok.json.sessionId }, { path: '/api/avatar/stop' });
      texts.push(stop.text);
      if (again.status !== 200) texts.push(again.text);
    }
    assertNoSecrets([...texts, ...env.logs]);
    // Session tokens appear only in their own create answer, never in an error or a log line.
    assertNoSecrets([...texts.filter((text) => text.includes('"error"')), ...env.logs], tokens);
  });
});
