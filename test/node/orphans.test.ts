// No session the handler made is left running when the vendor's answer to the create cannot be used: the
// fake vendor really makes the session, then the answer reaching the handler is spoiled on the way.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createSessionHandler, type SessionHandler } from '../../src/server/index.js';
import { post, STOP_SECRET, useEnv } from './support/fake-env.js';

const CREATE_PATHS: Record<string, string> = { heygen: '/v1/streaming.new', akool: '/api/open/v4/liveAvatar/session/create' };

type Spoil = (text: string) => { status: number; body: string; type?: string };

describe('sessions behind an unusable create answer', () => {
  const env = useEnv();

  /** A handler whose create answers pass through `spoil` (the session is made; the answer is not the vendor's). */
  const handlerSpoiling = (spoil: Spoil): SessionHandler =>
    createSessionHandler({
      providers: env.providers,
      secret: STOP_SECRET,
      logger: { warn: (line) => env.logs.push(line) },
      fetch: async (input, init) => {
        const response = await fetch(input, init);
        if (!Object.values(CREATE_PATHS).some((path) => String(input).endsWith(path))) return response;
        const { status, body, type = 'text/html' } = spoil(await response.text());
        return new Response(body, { status, headers: { 'content-type': type } });
      },
    });

  const cases: [string, Spoil][] = [
    ['an HTML error page quoting the answer', (text) => ({ status: 502, body: `<html><body><h1>502 Bad Gateway</h1><pre>${text}</pre></body></html>` })],
    ['a failure code with the session id', (text) => ({ status: 200, body: text.replace(/"code":(100|1000)/, '"code":10001'), type: 'application/json' })],
    ['an answer cut short after the id', (text) => ({ status: 200, body: text.slice(0, text.indexOf('"', text.search(/"(session_id|_id)":"/) + 20) + 1), type: 'application/json' })],
    ['an answer past 1 MB', (text) => ({ status: 200, body: text.replace(/\}$/, `,"pad":"${'x'.repeat(1024 * 1024)}"}`), type: 'application/json' })],
  ];

  for (const provider of ['heygen', 'akool'] as const) {
    for (const [what, spoil] of cases) {
      it(`${provider}: ${what} fails the create and stops the session it made`, async () => {
        const answer = await post(handlerSpoiling(spoil), { provider, avatarId: 'a' });
        assert.ok(answer.status >= 500, answer.text);
        assert.match(answer.json.error.code, /^vendor-/);
        const made = env.fake.vendor.sessions(provider).filter((session) => session.createdAt >= Date.now() - 5000).at(-1)!;
        assert.equal(made.state, 'closed', 'the session the vendor made was stopped');
        assert.ok(env.logs.some((line) => line.includes(`${made.id} was stopped`)), env.logs.join('\n'));
      });
    }
  }

  it('the oversized answer is cut at 1 MB with vendor-error', async () => {
    const answer = await post(handlerSpoiling(cases[3]![1]), { provider: 'akool', avatarId: 'a' });
    assert.equal(answer.json.error.code, 'vendor-error');
    assert.match(answer.json.error.message, /answered more than 1048576 bytes/);
  });

  it('logs an answer after which a session may exist but none can be found (HTML without an id)', async () => {
    const answer = await post(handlerSpoiling(() => ({ status: 502, body: '<html><body>Bad Gateway</body></html>' })), { provider: 'akool', avatarId: 'a' });
    assert.equal(answer.status, 502);
    assert.ok(env.logs.some((line) => /session\/create failed \(HTTP 502, not JSON\); a session may have been made, but the answer names none/.test(line)), env.logs.join('\n'));
  });

  it('a clean refusal (JSON, no id) stops nothing and says nothing of orphans', async () => {
    env.fake.vendor.failNext({ vendor: 'akool', path: CREATE_PATHS.akool!, status: 200, body: { code: 1003, msg: 'bad avatar' } });
    const answer = await post(handlerSpoiling((text) => ({ status: 200, body: text, type: 'application/json' })), { provider: 'akool', avatarId: 'a' });
    assert.equal(answer.status, 502);
    assert.equal(env.fake.vendor.requests.filter((request) => request.path.endsWith('/close')).length, 0);
    assert.ok(!env.logs.some((line) => /may have been made|was stopped/.test(line)), env.logs.join('\n'));
  });
});
