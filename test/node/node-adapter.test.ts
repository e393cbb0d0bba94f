import assert from 'node:assert/strict';
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect as http2Connect, createServer as createHttp2Server } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { sendResponse, toNodeHandler, type NodeRequest } from '../../src/server/index.js';
import { stopBody, useEnv, withEnv } from './support/fake-env.js';

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
      const session = await created.json();
      const { sessionId } = session;
      const stopped = await fetch(`${url}/api/avatar/stop`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify(stopBody(session)) });
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
      const session = await created.json();
      const { sessionId } = session;
      const stopped = await fetch(`${url}/api/avatar/stop`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(stopBody(session)) });
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

  /** Posts a create for `provider`, and leaves (aborts the request) once `reached` comes true. */
  const createThenLeave = async (url: string, provider: string, reached: () => boolean, what: string) => {
    const client = new AbortController();
    const leaving = fetch(`${url}/api/avatar`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ provider, avatarId: 'a' }),
      signal: client.signal,
    });
    assert.ok(await eventually(reached), what);
    client.abort();
    await assert.rejects(leaving);
  };

  it('a client that leaves while the vendor creates the session gets that session stopped, not left to bill', async () => {
    await withEnv({ fake: { latencyMs: 300 } }, async (slow) => {
      const { server, url } = await listen(toNodeHandler(slow.handler));
      try {
        // Leave while the vendor is still making the session (it answers 300 ms after receiving it).
        await createThenLeave(url, 'akool', () => slow.fake.vendor.requests.length === 1, 'the create reached the vendor');
        assert.ok(await eventually(() => slow.fake.vendor.sessions('akool').length === 1), 'the vendor made the session');
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
        await createThenLeave(url, 'heygen', () => slow.calls.length === 1, 'create_token was called');
        // Past the fake's latency: a handler that went on would have called `new` by now.
        await new Promise((resolve) => setTimeout(resolve, 600));
        assert.deepEqual(slow.calls.map((call) => new URL(call.url).pathname), ['/fake-vendor/heygen/v1/streaming.create_token']);
        assert.equal(slow.fake.vendor.sessions('heygen').length, 0);
      } finally {
        await close(server);
      }
    });
  });

  it('answers 413 to a chunked body over the cap (no Content-Length) instead of cutting the connection', async () => {
    const { server, url } = await listen(toNodeHandler(env.handler));
    try {
      const answer = await new Promise<string>((resolve) => {
        const req = httpRequest(`${url}/api/avatar`, { method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }, (res) => {
          let text = '';
          res.on('data', (chunk) => (text += chunk));
          res.on('end', () => resolve(`${res.statusCode} ${text}`));
        });
        req.on('error', (error) => resolve(`error: ${error.message}`));
        // Sent in pieces, as a client streaming its body would: the cap trips while reading.
        req.write(`{"provider":"akool","avatarId":"${'x'.repeat(10_000)}`);
        setTimeout(() => req.write('x'.repeat(10_000)), 30);
        setTimeout(() => req.end('"}'), 60);
      });
      assert.match(answer, /^413 /);
      assert.equal(JSON.parse(answer.slice(4)).error.code, 'bad-request');
      assert.equal(env.fake.vendor.requests.length, 0);
    } finally {
      await close(server);
    }
  });

  it('a client that leaves mid-body is no server failure: nothing logged, no vendor call', async () => {
    let answered: Promise<Response> | undefined;
    const { server, url } = await listen(toNodeHandler(async (request) => (answered = env.handler(request))));
    try {
      await new Promise<void>((resolve) => {
        const req = httpRequest(`${url}/api/avatar`, { method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } });
        req.on('error', () => undefined);
        req.write('{"provider":"akool",');
        setTimeout(() => {
          req.destroy();
          resolve();
        }, 50);
      });
      assert.ok(await eventually(() => answered !== undefined), 'the handler got the request');
      const response = await answered!;
      assert.equal(response.status, 499);
      assert.equal((await response.json()).error.code, 'aborted');
      assert.deepEqual(env.logs, []);
      assert.equal(env.fake.vendor.requests.length, 0);
    } finally {
      await close(server);
    }
  });

  it('takes a request whose stream a middleware read without leaving a body (answers, does not hang)', async () => {
    const handle = toNodeHandler(env.handler);
    const { server, url } = await listen((req, res) => {
      req.resume();
      req.on('end', () => handle(req, res));
    });
    try {
      const answer = await fetch(`${url}/api/avatar`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}', signal: AbortSignal.timeout(2000) });
      assert.equal(answer.status, 400);
      assert.match((await answer.json()).error.message, /empty/);
    } finally {
      await close(server);
    }
  });

  it('a slow client that leaves while the answer waits for drain ends the write loop (no stuck stream)', async () => {
    let finished = false;
    let cancelled = false;
    const chunk = new Uint8Array(64 * 1024);
    const { server, url } = await listen((_req, res) => {
      const endless = new ReadableStream<Uint8Array>({ pull: (controller) => controller.enqueue(chunk), cancel: () => void (cancelled = true) });
      void sendResponse(new Response(endless), res).then(() => (finished = true));
    });
    try {
      await new Promise<void>((resolve) => {
        const req = httpRequest(url, (res) => {
          // Never read: the server's socket buffer fills and its writes wait for drain.
          res.pause();
          setTimeout(() => {
            req.destroy();
            resolve();
          }, 200);
        });
        req.on('error', () => undefined);
        req.end();
      });
      assert.ok(await eventually(() => finished), 'sendResponse returned after the client left');
      assert.ok(cancelled, 'the body stream was cancelled');
    } finally {
      server.closeAllConnections();
      await close(server);
    }
  });

  it('a body that fails midway cuts the connection, so the client does not take the part as the whole answer', async () => {
    const { server, url } = await listen((_req, res) => {
      let sent = false;
      const failing = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (sent) return controller.error(new Error('upstream broke'));
          sent = true;
          controller.enqueue(new TextEncoder().encode('{"partial":'));
        },
      });
      void sendResponse(new Response(failing, { headers: { 'content-type': 'application/json' } }), res);
    });
    try {
      // The headers may or may not have left before the cut; either way the read must fail.
      await assert.rejects(fetch(url).then((response) => response.text()));
    } finally {
      await close(server);
    }
  });

  it('serves node:http2 (compatibility API): pseudo-headers are skipped, :authority is the host', async () => {
    const handle = toNodeHandler(env.handler);
    // The compat request/response stand in for http's (the cast is what a site writes too).
    const server = createHttp2Server((req, res) => handle(req as unknown as NodeRequest, res as unknown as ServerResponse));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const client = http2Connect(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    try {
      const stream = client.request({ ':method': 'POST', ':path': '/api/avatar', 'content-type': 'application/json' });
      stream.end(JSON.stringify({ provider: 'akool', avatarId: 'a' }));
      let status = 0;
      let text = '';
      stream.on('response', (headers) => (status = Number(headers[':status'])));
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => (text += chunk));
      await new Promise((resolve) => stream.on('close', resolve));
      assert.equal(status, 200, text);
      assert.equal(env.fake.vendor.session(JSON.parse(text).sessionId)!.state, 'started');
    } finally {
      client.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
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
