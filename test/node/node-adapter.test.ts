import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { toNodeHandler, type NodeRequest } from '../../src/server/index.js';
import { useEnv } from './support/fake-env.js';

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
