import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { toNodeHandler, type NodeRequest } from '../../src/server/index.js';
import { useEnv, withEnv } from './support/fake-env.js';

async function listen(listener: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ server: Server; url: string }> {
  const server = createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

const close = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

describe('toNodeHandler', () => {
  const env = useEnv();

  it('serves the handler on node:http: create and stop over real HTTP', async () => {
    const { server, url } = await listen(toNodeHandler(env.handler));
    try {
      const created = await fetch(`${url}/api/avatar`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ provider: 'akool', avatarId: 'a' }) });
      assert.equal(created.status, 200);
      assert.match(created.headers.get('content-type') ?? '', /application\/json/);
      assert.equal(created.headers.get('cache-control'), 'no-store');
      const { sessionId } = await created.json();
      const stopped = await fetch(`${url}/api/avatar/stop`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ provider: 'akool', sessionId }) });
      assert.equal(stopped.status, 200);
      assert.equal(env.fake.vendor.session(sessionId)!.state, 'closed');
      const bad = await fetch(`${url}/api/avatar`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: 'x'.repeat(20_000) });
      assert.equal(bad.status, 413);
    } finally {
      await close(server);
    }
  });

  it('works under an Express-style mount with a body parser that already read the body', async () => {
    const handle = toNodeHandler(env.handler);
    const { server, url } = await listen((req: NodeRequest, res) => {
      // What express.json() and app.use('/api/avatar', …) leave behind.
      let text = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => (text += chunk));
      req.on('end', () => {
        req.body = JSON.parse(text);
        req.originalUrl = req.url;
        req.url = req.url!.replace(/^\/api\/avatar/, '') || '/';
        handle(req, res);
      });
    });
    try {
      const created = await fetch(`${url}/api/avatar`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ provider: 'akool', avatarId: 'a' }) });
      assert.equal(created.status, 200);
      const { sessionId } = await created.json();
      const stopped = await fetch(`${url}/api/avatar/stop`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ provider: 'akool', sessionId }) });
      assert.equal(stopped.status, 200);
      assert.deepEqual(await stopped.json(), { provider: 'akool', sessionId, stopped: true });
    } finally {
      await close(server);
    }
  });

  /** Polls `check` for up to `ms`; answers whether it came true. */
  const eventually = async (check: () => boolean, ms = 2000) => {
    for (const end = Date.now() + ms; Date.now() < end; await new Promise((resolve) => setTimeout(resolve, 20))) if (check()) return true;
    return check();
  };

  it('a client that leaves while the vendor creates the session gets that session stopped, not left to bill', async () => {
    await withEnv({ fake: { latencyMs: 300 } }, async (slow) => {
      const { server, url } = await listen(toNodeHandler(slow.handler));
      try {
        const leaving = fetch(`${url}/api/avatar`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ provider: 'akool', avatarId: 'a' }),
          signal: AbortSignal.timeout(100),
        });
        await assert.rejects(leaving);
        assert.ok(await eventually(() => slow.fake.vendor.sessions('akool').length === 1), 'the create reached the vendor');
        const [session] = slow.fake.vendor.sessions('akool');
        assert.ok(await eventually(() => session!.state === 'closed'), `the orphan session was stopped (state ${session!.state})`);
        assert.deepEqual(
          slow.fake.vendor.requests.map((request) => request.path),
          ['/api/open/v4/liveAvatar/session/create', '/api/open/v4/liveAvatar/session/close'],
        );
      } finally {
        await close(server);
      }
    });
  });

  it('a client that leaves during a token call aborts it: no vendor session is created', async () => {
    await withEnv({ fake: { latencyMs: 300 } }, async (slow) => {
      const { server, url } = await listen(toNodeHandler(slow.handler));
      try {
        const leaving = fetch(`${url}/api/avatar`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ provider: 'heygen', avatarId: 'a' }),
          signal: AbortSignal.timeout(100),
        });
        await assert.rejects(leaving);
        assert.ok(await eventually(() => slow.calls.length === 1), 'create_token was called');
        // Past the fake's latency: a handler that went on would have called `new` by now.
        await new Promise((resolve) => setTimeout(resolve, 600));
        assert.deepEqual(slow.calls.map((call) => new URL(call.url).pathname), ['/fake-vendor/heygen/v1/streaming.create_token']);
        assert.equal(slow.fake.vendor.sessions('heygen').length, 0);
      } finally {
        await close(server);
      }
    });
  });

  it('hands a failure to next() when there is one', async () => {
    const failures: unknown[] = [];
    const handle = toNodeHandler(async () => {
      throw new Error('boom');
    });
    const { server, url } = await listen((req, res) =>
      handle(req, res, (error) => {
        failures.push(error);
        res.writeHead(599).end();
      }),
    );
    try {
      const response = await fetch(`${url}/api/avatar`, { method: 'POST', body: '{}' });
      assert.equal(response.status, 599);
      assert.equal((failures[0] as Error).message, 'boom');
    } finally {
      await close(server);
    }
  });
});
