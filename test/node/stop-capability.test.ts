// The stop capability: the create answer's stopToken, checked on every stop. Refusals are one answer,
// byte for byte, and make no vendor call; it works cross-origin, without cookies.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createSessionHandler, type SessionHandlerOptions } from '../../src/server/index.js';
import { NOW, post, read, STOP_SECRET, stop, stopBody, useEnv } from './support/fake-env.js';

const STOP = { path: '/api/avatar/stop' };

describe('stop capability', () => {
  const env = useEnv();
  const clock = { now: NOW };
  const handlerWith = (options: Partial<SessionHandlerOptions> = {}) =>
    createSessionHandler({ providers: env.providers, secret: STOP_SECRET, now: () => clock.now, logger: { warn: (line) => env.logs.push(line) }, ...options });

  it('refuses missing, forged, expired, another session\'s, unknown and replayed stops with one answer and no vendor call', async () => {
    const handler = handlerWith();
    const mine = await post(handler, { provider: 'akool', avatarId: 'a' });
    const theirs = await post(handler, { provider: 'akool', avatarId: 'a' });
    const replayed = await post(handler, { provider: 'akool', avatarId: 'a' });
    const expiring = await post(handlerWith({ maxDurationS: 60 }), { provider: 'akool', avatarId: 'a' });
    assert.equal((await stop(handler, replayed.json)).status, 200);
    const [payload, mac] = mine.json.stopToken.split('.');
    const flipped = `${payload}.${mac.slice(0, -2)}${mac.endsWith('AA') ? 'BA' : 'AA'}`;
    const forgedPayload = `${btoa(JSON.stringify(['akool', theirs.json.sessionId, 'x'.repeat(16), NOW * 2])).replace(/=+$/, '')}.${mac}`;

    const attempts: [string, unknown][] = [
      ['no token', { provider: 'akool', sessionId: mine.json.sessionId }],
      ['an empty token', { ...stopBody(mine.json), stopToken: '' }],
      ['a token of the wrong type', { ...stopBody(mine.json), stopToken: 42 }],
      ['a changed signature', { ...stopBody(mine.json), stopToken: flipped }],
      ['a payload signed by nobody', { ...stopBody(theirs.json), stopToken: forgedPayload }],
      ['another session\'s token', { ...stopBody(theirs.json), stopToken: mine.json.stopToken }],
      ['an unknown id', { provider: 'akool', sessionId: 'ak_000000000000000000000001', stopToken: mine.json.stopToken }],
      ['another provider', { ...stopBody(mine.json), provider: 'heygen' }],
      ['another requestId', { ...stopBody(mine.json), requestId: crypto.randomUUID() }],
      ['a replay after the stop', stopBody(replayed.json)],
    ];
    const calls = env.fake.vendor.requests.length;
    const answers = [];
    for (const [what, body] of attempts) answers.push([what, await post(handler, body, STOP)] as const);
    clock.now += 60_000 + 5 * 60_000 + 1000;
    answers.push(['an expired token', await stop(handler, expiring.json)] as const);
    clock.now = NOW;

    const [first] = answers;
    for (const [what, answer] of answers) {
      assert.equal(answer.status, 403, `${what}: ${answer.text}`);
      assert.equal(answer.text, first![1].text, what);
      assert.deepEqual([...answer.headers].filter(([name]) => name !== 'date'), [...first![1].headers].filter(([name]) => name !== 'date'), what);
    }
    assert.deepEqual(first![1].json, { error: { code: 'token-forbidden', message: 'This stop is not allowed.' } });
    assert.equal(env.fake.vendor.requests.length, calls, 'no refused stop reached the vendor');
    for (const created of [mine, theirs, expiring]) assert.equal(env.fake.vendor.session(created.json.sessionId)!.state, 'started');
    assert.equal(env.logs.filter((line) => line.includes('was refused (403)')).length, 1, 'said once');
    assert.equal((await stop(handler, mine.json)).status, 200, 'the right token still works');
  });

  it('200 stops without a capability make no vendor call', async () => {
    const handler = handlerWith();
    const live = await post(handler, { provider: 'akool', avatarId: 'a' });
    const calls = env.fake.vendor.requests.length;
    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, i) => post(handler, { provider: i % 2 ? 'akool' : 'deepbrain', sessionId: i % 3 ? live.json.sessionId : `ak_${i}`, stopToken: i % 5 ? undefined : 'x.y' }, STOP)),
    );
    assert.deepEqual([...new Set(answers.map((answer) => answer.status))], [403]);
    assert.equal(env.fake.vendor.requests.length, calls);
  });

  it('works cross-origin without cookies: no Set-Cookie, nothing read from a Cookie header', async () => {
    const handler = handlerWith({ allowedOrigins: ['https://shop.example'] });
    const headers = { 'content-type': 'application/json', origin: 'https://shop.example' };
    const created = await post(handler, { provider: 'akool', avatarId: 'a' }, { headers });
    assert.equal(created.status, 200, created.text);
    assert.equal(created.headers.get('set-cookie'), null);
    const stopped = await stop(handler, created.json, { headers: { 'content-type': 'text/plain;charset=UTF-8', origin: 'https://shop.example' } });
    assert.equal(stopped.status, 200, stopped.text);
    assert.equal(stopped.headers.get('access-control-allow-origin'), 'https://shop.example');
    // The element reads Retry-After of a 429 (capacity) from another origin only if it is exposed.
    assert.match(stopped.headers.get('access-control-expose-headers') ?? '', /retry-after/i);
    assert.equal(env.fake.vendor.session(created.json.sessionId)!.state, 'closed');
  });

  it('a stop with sessionId and requestId but no token (an answer the page refused) stops that create\'s session, and only it', async () => {
    const handler = handlerWith();
    const requestId = crypto.randomUUID();
    const created = await post(handler, { provider: 'akool', avatarId: 'a', requestId });
    const other = await post(handler, { provider: 'akool', avatarId: 'a' });
    assert.equal(created.status, 200, created.text);
    const wrong = await post(handler, { provider: 'akool', sessionId: other.json.sessionId, requestId }, STOP);
    assert.equal(wrong.status, 202, 'the same answer as any stop by requestId');
    assert.equal(env.fake.vendor.session(created.json.sessionId)!.state, 'started', 'a sessionId that is not the create\'s stops nothing');
    assert.equal(env.fake.vendor.session(other.json.sessionId)!.state, 'started');
    const right = await post(handler, { provider: 'akool', sessionId: created.json.sessionId, requestId }, STOP);
    assert.equal(right.status, 202, right.text);
    assert.equal(env.fake.vendor.session(created.json.sessionId)!.state, 'closed');
    assert.equal(env.fake.vendor.session(other.json.sessionId)!.state, 'started');
  });

  it('a token made on one instance stops the session on another that shares the secret (even without a shared store, said in the log)', async () => {
    const created = await post(handlerWith(), { provider: 'heygen' });
    const other = handlerWith();
    assert.equal((await stop(other, created.json)).status, 200);
    assert.equal(env.fake.vendor.session(created.json.sessionId)!.state, 'closed');
    assert.ok(env.logs.some((line) => /no record of.*shared `store`/.test(line)), env.logs.join('\n'));
    assert.equal((await stop(other, created.json)).status, 403, 'a replay there is refused too');
  });

  it('rotates secrets: the first signs, every one verifies; another secret refuses', async () => {
    const old = await post(handlerWith({ secret: 'the-old-secret-0123456789' }), { provider: 'akool', avatarId: 'a' });
    const rotated = handlerWith({ secret: ['the-new-secret-0123456789', 'the-old-secret-0123456789'] });
    const fresh = await post(rotated, { provider: 'akool', avatarId: 'a' });
    assert.equal((await stop(handlerWith({ secret: 'the-old-secret-0123456789' }), fresh.json)).status, 403);
    assert.equal((await stop(rotated, old.json)).status, 200);
    assert.equal((await stop(rotated, fresh.json)).status, 200);
    assert.throws(() => handlerWith({ secret: 'short' }), /at least 16 characters/);
  });

  it('without a secret, signs with a random key of this process and says so once', async () => {
    const handler = handlerWith({ secret: undefined });
    assert.ok(env.logs.some((line) => /no `secret` is set: .*only on this instance/.test(line)), env.logs.join('\n'));
    const created = await post(handler, { provider: 'akool', avatarId: 'a' });
    assert.equal((await stop(handlerWith(), created.json)).status, 403, 'the configured secret does not verify it');
    assert.equal((await stop(handler, created.json)).status, 200);
  });
});

describe('bad input', () => {
  const env = useEnv();

  for (const key of ['__proto__', 'constructor', 'prototype']) {
    it(`refuses a body with a "${key}" key at any depth, on both routes, before anything else`, async () => {
      for (const body of [`{"provider":"akool","avatarId":"a","${key}":{"x":1}}`, `{"provider":"akool","avatarId":"a","voice":{"list":[{"${key}":{"isAdmin":true}}]}}`]) {
        for (const path of ['/api/avatar', '/api/avatar/stop']) {
          const answer = await post(env.handler, body, { path });
          assert.equal(answer.status, 400, `${path}: ${answer.text}`);
          assert.equal(answer.json.error.code, 'bad-request');
          assert.match(answer.json.error.message, new RegExp(`key named "${key}"`));
        }
      }
      assert.equal(env.fake.vendor.requests.length, 0);
    });
  }

  it('the stop route keeps the beacon\'s text/plain body; the create route stays JSON-only', async () => {
    const created = await post(env.handler, { provider: 'akool', avatarId: 'a' });
    assert.equal((await post(env.handler, JSON.stringify({ provider: 'akool', avatarId: 'a' }), { headers: { 'content-type': 'text/plain' } })).status, 415);
    const beacon = await read(await env.handler(new Request('https://site.example/api/avatar/stop', { method: 'POST', body: new Blob([JSON.stringify(stopBody(created.json))], { type: 'text/plain;charset=UTF-8' }) })));
    assert.equal(beacon.status, 200, beacon.text);
  });
});
