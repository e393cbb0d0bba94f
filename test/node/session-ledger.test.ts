// The ledger through the handler: two instances on one store (memory for both, then a real Redis), stops
// by requestId (also while the create is in flight, and before it), the caps, and the reaper.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createSessionHandler, type KeyValueStore, type SessionHandler, type SessionHandlerOptions } from '../../src/server/index.js';
import { memoryStore } from '../../src/server/store.js';
import { NOW, post, STOP_SECRET, stop, useEnv, withEnv, type Env } from './support/fake-env.js';
import { useRedis } from './support/redis.js';

const STOP = { path: '/api/avatar/stop' };

function ledgerThroughHandlers(name: string, makeStore: () => KeyValueStore) {
  describe(`two handler instances on ${name}`, () => {
    const env = useEnv();

    /** Two instances of one site: one store, one secret, one clock. */
    const pair = (on: Env, options: Partial<SessionHandlerOptions> = {}) => {
      const clock = { now: NOW };
      const store = makeStore();
      const make = () =>
        createSessionHandler({ providers: on.providers, store, secret: STOP_SECRET, now: () => clock.now, logger: { warn: (line) => on.logs.push(line) }, ...options });
      const instances = { a: make(), b: make(), clock };
      return instances;
    };
    const drain = (...handlers: SessionHandler[]) => Promise.all(handlers.map((handler) => handler.drain()));
    const state = (on: Env, id: string) => on.fake.vendor.session(id)?.state;

    it('a stop by requestId sent to B stops the session A created; every such stop gets the same 202', async () => {
      const { a, b } = pair(env);
      const requestId = crypto.randomUUID();
      const created = await post(a, { provider: 'akool', avatarId: 'x', requestId });
      assert.equal(created.status, 200, created.text);
      const stopped = await post(b, JSON.stringify({ provider: 'akool', requestId }), { ...STOP, headers: { 'content-type': 'text/plain;charset=UTF-8' } });
      assert.equal(stopped.status, 202, stopped.text);
      assert.deepEqual(stopped.json, { provider: 'akool', requestId, stopping: true });
      assert.equal(state(env, created.json.sessionId), 'closed');

      const calls = env.fake.vendor.requests.length;
      const unknown = await post(b, { provider: 'akool', requestId: crypto.randomUUID() }, STOP);
      const again = await post(a, { provider: 'akool', requestId }, STOP);
      for (const answer of [unknown, again]) assert.deepEqual([answer.status, Object.keys(answer.json)], [202, ['provider', 'requestId', 'stopping']]);
      assert.equal(env.fake.vendor.requests.length, calls, 'no vendor call');
      assert.equal((await post(a, { provider: 'akool', requestId: 'short' }, STOP)).status, 400);
      await drain(a, b);
    });

    it("B takes A's stop token; a replay on either is refused", async () => {
      const { a, b } = pair(env);
      const created = await post(a, { provider: 'heygen' });
      assert.equal((await stop(b, created.json)).status, 200);
      assert.equal(state(env, created.json.sessionId), 'closed');
      for (const handler of [a, b]) assert.equal((await stop(handler, created.json)).status, 403);
      await drain(a, b);
    });

    it('maxConcurrentSessions counts the sessions of both instances (429 capacity, Retry-After), freed by a stop', async () => {
      const { a, b } = pair(env, { maxConcurrentSessions: { akool: 2 } });
      const first = await post(a, { provider: 'akool', avatarId: 'x' });
      const second = await post(b, { provider: 'akool', avatarId: 'x' });
      assert.deepEqual([first.status, second.status], [200, 200]);
      const creates = env.fake.vendor.sessions('akool').length;
      const retried = crypto.randomUUID();
      const refused = await post(a, { provider: 'akool', avatarId: 'x', requestId: retried });
      assert.equal(refused.status, 429, refused.text);
      assert.equal(refused.headers.get('retry-after'), '60');
      assert.deepEqual(refused.json.error, { code: 'capacity', message: 'All avatars are busy; try again in a minute.' });
      assert.equal(env.fake.vendor.sessions('akool').length, creates, 'no vendor call over the cap');
      assert.equal((await post(b, { provider: 'heygen' })).status, 200, 'another vendor is not capped');
      assert.equal((await stop(b, first.json)).status, 200);
      assert.equal((await post(a, { provider: 'akool', avatarId: 'x', requestId: retried })).status, 200, 'the stop freed a slot; a refused requestId may try again');
      assert.ok(env.logs.some((line) => /maxConcurrentSessions \(akool\) reached/.test(line)), env.logs.join('\n'));
      await drain(a, b);
    });

    it("maxSessionsPerClient counts a client's sessions on both instances, by the identity beforeCreate returns", async () => {
      const { a, b } = pair(env, {
        maxSessionsPerClient: 1,
        beforeCreate: (request, body) => ({ ...body, clientId: request.headers.get('x-user') ?? undefined }),
      });
      const as = (user: string) => ({ headers: { 'content-type': 'application/json', 'x-user': user } });
      assert.equal((await post(a, { provider: 'akool', avatarId: 'x' }, as('alice'))).status, 200);
      assert.equal((await post(b, { provider: 'heygen' }, as('alice'))).status, 429);
      assert.equal((await post(b, { provider: 'heygen' }, as('bob'))).status, 200);
      // A page cannot pick its identity: a page-sent clientId is dropped.
      assert.equal((await post(a, { provider: 'heygen', clientId: 'carol' }, as('alice'))).status, 429);
      await drain(a, b);
    });

    it('a stop by requestId that arrives while the create is in flight stops the session as soon as it is made', async () => {
      await withEnv({ fake: { latencyMs: 300 } }, async (slow) => {
        const { a, b } = pair(slow);
        const requestId = crypto.randomUUID();
        const creating = post(a, { provider: 'akool', avatarId: 'x', requestId });
        await new Promise((resolve) => setTimeout(resolve, 100));
        const stopped = await post(b, { provider: 'akool', requestId }, STOP);
        assert.equal(stopped.status, 202);
        const created = await creating;
        assert.equal(created.status, 499, created.text);
        assert.equal(created.json.error.code, 'aborted');
        const sessions = slow.fake.vendor.sessions('akool');
        assert.equal(sessions.length, 1);
        assert.equal(sessions[0]!.state, 'closed', 'made, then stopped at once');
        await drain(a, b);
      });
    });

    it('a stop by requestId that arrives before its create means no session is made', async () => {
      const { a, b } = pair(env);
      const requestId = crypto.randomUUID();
      assert.equal((await post(b, { provider: 'akool', requestId }, STOP)).status, 202);
      const calls = env.fake.vendor.requests.length;
      const created = await post(a, { provider: 'akool', avatarId: 'x', requestId });
      assert.equal(created.status, 499, created.text);
      assert.equal(env.fake.vendor.requests.length, calls, 'no vendor call');
      await drain(a, b);
    });

    it('the reaper stops sessions past their end: reap() for a scheduled job, and the lazy sweep on requests', async () => {
      const { a, b, clock } = pair(env, { maxDurationS: 120 });
      const first = await post(a, { provider: 'heygen' });
      const second = await post(a, { provider: 'akool', avatarId: 'x' });
      await drain(a, b);
      assert.deepEqual(await b.reap(), { stopped: 0, failed: 0, scanned: 2 });
      clock.now += 121_000;
      const reaped = await b.reap();
      assert.equal(reaped.stopped, 2);
      assert.equal(state(env, first.json.sessionId), 'closed');
      assert.equal(state(env, second.json.sessionId), 'closed');
      assert.ok(env.logs.some((line) => /reaper: 2 session\(s\) past their end stopped/.test(line)), env.logs.join('\n'));

      const third = await post(b, { provider: 'heygen' });
      clock.now += 121_000;
      // Any request sweeps (at most every 30 s), even one that is refused.
      assert.equal((await post(a, { provider: 'heygen', sessionId: 'x' }, STOP)).status, 403);
      await drain(a, b);
      assert.equal(state(env, third.json.sessionId), 'closed');
      assert.equal((await stop(a, third.json)).status, 403, 'a reaped session cannot be stopped again');
    });
  });
}

ledgerThroughHandlers('one memory store', () => memoryStore());

describe('redis-server', () => {
  const redis = useRedis();
  ledgerThroughHandlers('one Redis', () => redis.store());
});
