import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEEPBRAIN_DURATION_UNIT_S } from '../../../server/index.js';
import { parseSessionDescription } from '../../../session/session-description.js';
import { assertNoSecrets, KEYS, NOW, post, readRelay, stop, useEnv, withEnv } from '../../../../test/node/support/fake-env.js';
import { DEEPBRAIN_FIELDS, type DeepbrainField } from '../policy.js';

/** These tests cover the mapping of every field, so the site lets the page set them all (policy.node.test.ts covers the policy). */
const ALL = Object.keys(DEEPBRAIN_FIELDS) as DeepbrainField[];

describe('DeepBrain through the session handler', () => {
  const env = useEnv({ providers: ({ baseUrl }) => ({ deepbrain: { ...KEYS.deepbrain, baseUrl: baseUrl('deepbrain'), allow: ALL } }) });

  it('gets a session token with appId/userKey, starts with Bearer, and answers the LiveKit credentials', async () => {
    const answer = await post(env.handler, {
      provider: 'deepbrain',
      avatarId: 'db-avatar-1',
      language: 'ko',
      llm: { provider: 'openai', model: 'gpt-4o-mini', temperature: 0.3 },
      systemPrompt: 'Be brief.',
      greetingText: 'Welcome!',
      maxSessionDuration: 8,
      quality: 'high', // not a DeepBrain option: ignored
      lip_audio_mode: 'x', // not in the documented set: not forwarded
    });
    assert.equal(answer.status, 200, answer.text);
    const [tokenCall, startCall, ...rest] = env.fake.vendor.requests;
    assert.equal(rest.length, 0);
    assert.equal(tokenCall!.path, '/api/v2/sessions/token');
    assert.deepEqual(tokenCall!.body, { appId: KEYS.deepbrain.appId, userKey: KEYS.deepbrain.userKey });
    assert.equal(tokenCall!.headers.authorization, undefined);
    assert.equal(startCall!.path, '/api/v2/sessions/start');
    const session = env.fake.vendor.sessions('deepbrain').at(-1)!;
    assert.equal(startCall!.headers.authorization, `Bearer ${session.token}`);
    assert.equal(startCall!.headers['studio-api-key'], undefined);
    assert.deepEqual(startCall!.body, {
      avatar_id: 'db-avatar-1',
      avatar_persona: {
        language: 'ko',
        llm_configurations: { provider: 'openai', model: 'gpt-4o-mini', temperature: 0.3, custom_settings: { system_prompt: 'Be brief.' } },
      },
      max_session_duration: 8,
      greeting_text: 'Welcome!',
    });
    assert.deepEqual(parseSessionDescription(answer.json, 'deepbrain'), {
      provider: 'deepbrain',
      sessionId: session.id,
      transport: { kind: 'livekit', url: `ws://${new URL(env.fake.url).host}/fake-vendor/deepbrain/livekit`, token: `fake-livekit.${session.id}` },
      sessionToken: session.token,
      apiBaseUrl: env.baseUrl('deepbrain'),
      expiresAt: new Date(NOW + 8 * DEEPBRAIN_DURATION_UNIT_S * 1000).toISOString(),
      options: { maxSessionDuration: 8 },
      stopToken: answer.json.stopToken,
    });
    assertNoSecrets([answer.text, ...env.logs]);
  });

  it('lets the browser talk with the session token; the greeting and the words reach the relay', async () => {
    const { json } = await post(env.handler, { provider: 'deepbrain', avatarId: 'db-avatar-1', greetingText: 'Hi, I am here.' });
    const relay = readRelay(`${json.apiBaseUrl}/_relay/${json.sessionId}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const talk = await fetch(`${json.apiBaseUrl}/api/v2/sessions/${json.sessionId}/talk`, {
      method: 'POST',
      headers: { authorization: `Bearer ${json.sessionToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ message: 'What can you do?' }),
    });
    assert.deepEqual(await talk.json(), { code: 1000, message: 'Message has been sent', data: null });
    await stop(env.handler, json);
    const messages = await relay;
    assert.deepEqual(
      messages.map((message) => [message.type, message.taskType, message.text ?? message.reason]),
      [
        ['speak', 'repeat', 'Hi, I am here.'],
        ['speak', 'talk', 'What can you do?'],
        ['stop', undefined, 'user'],
      ],
    );
  });

  it('stops with the STUDIO-API-KEY header, never the session token', async () => {
    const { json } = await post(env.handler, { provider: 'deepbrain', avatarId: 'db-avatar-1' });
    env.fake.vendor.requests.length = 0;
    const answer = await stop(env.handler, json);
    assert.equal(answer.status, 200, answer.text);
    const [stopCall] = env.fake.vendor.requests;
    assert.equal(stopCall!.path, '/api/v2/sessions/stop');
    assert.equal(stopCall!.headers['studio-api-key'], KEYS.deepbrain.userKey);
    assert.equal(stopCall!.headers.authorization, undefined);
    assert.deepEqual(stopCall!.body, { session_id: json.sessionId, reason: 'USER_CLOSED' });
    assert.equal(env.fake.vendor.session(json.sessionId)!.state, 'closed');
  });

  it('requires avatarId before calling the vendor', async () => {
    const answer = await post(env.handler, { provider: 'deepbrain' });
    assert.equal(answer.status, 400);
    assert.deepEqual(answer.json.error, { code: 'bad-request', message: '"avatarId" is required.' });
    assert.equal(env.fake.vendor.requests.length, 0);
  });

  it('validates the persona fields', async () => {
    for (const [fields, message] of [
      [{ llm: 'gpt' }, /"llm" must be an object/],
      [{ llm: { temperature: 5 } }, /"llm.temperature" must be between 0 and 2/],
      [{ maxSessionDuration: 0 }, /"maxSessionDuration" must be at least 1/],
      [{ greetingText: '' }, /"greetingText" must be a non-empty string/],
    ] as const) {
      const answer = await post(env.handler, { provider: 'deepbrain', avatarId: 'a', ...fields });
      assert.equal(answer.status, 400);
      assert.match(answer.json.error.message, message);
    }
  });

  it('maps a refused userKey (4010) to vendor-unauthorized without echoing it', async () => {
    await withEnv({
      providers: ({ baseUrl }) => ({ deepbrain: { appId: KEYS.deepbrain.appId, userKey: 'wrong-user-key-77', baseUrl: baseUrl('deepbrain') } }),
    }, async (wrong) => {
    const answer = await post(wrong.handler, { provider: 'deepbrain', avatarId: 'a' });
    assert.equal(answer.status, 502);
    assert.equal(answer.json.error.code, 'vendor-unauthorized');
    assert.equal(answer.json.error.vendorStatus, 401);
    assert.deepEqual(answer.json.error.vendorBody, { code: 4010, message: 'Invalid appId or userKey', data: null });
    assertNoSecrets([answer.text, ...wrong.logs], ['wrong-user-key-77']);
    });
  });

  it('maps an unknown session on stop (4040) to vendor-error', async () => {
    const { json } = await post(env.handler, { provider: 'deepbrain', avatarId: 'a' });
    env.fake.vendor.failNext({ vendor: 'deepbrain', path: '/api/v2/sessions/stop', status: 404, body: { code: 4040, message: 'Session not found', data: null } });
    const answer = await stop(env.handler, json);
    assert.equal(answer.status, 502);
    assert.equal(answer.json.error.code, 'vendor-error');
    assert.equal(answer.json.error.vendorStatus, 404);
    assert.equal(answer.json.error.vendorBody.code, 4040);
  });

  it('maps 4290 to vendor-rate-limited (429, Retry-After kept) and 5000 to vendor-unavailable', async () => {
    env.fake.vendor.failNext({
      vendor: 'deepbrain',
      path: '/api/v2/sessions/start',
      status: 429,
      body: { code: 4290, message: 'Too many sessions', data: null },
      headers: { 'retry-after': '12' },
    });
    const limited = await post(env.handler, { provider: 'deepbrain', avatarId: 'a' });
    assert.equal(limited.status, 429);
    assert.equal(limited.json.error.code, 'vendor-rate-limited');
    assert.equal(limited.headers.get('retry-after'), '12');

    env.fake.vendor.failNext({ vendor: 'deepbrain', path: '/api/v2/sessions/start', status: 500, body: { code: 5000, message: 'Internal error', data: null } });
    const down = await post(env.handler, { provider: 'deepbrain', avatarId: 'a' });
    assert.equal(down.status, 502);
    assert.equal(down.json.error.code, 'vendor-unavailable');
    assert.equal(down.json.error.vendorStatus, 500);
  });

  it('treats a non-1000 code in a 200 answer as a failure, by its code', async () => {
    env.fake.vendor.failNext({ vendor: 'deepbrain', path: '/api/v2/sessions/token', status: 200, body: { code: 4030, message: 'Plan does not allow streaming', data: null } });
    const answer = await post(env.handler, { provider: 'deepbrain', avatarId: 'a' });
    assert.equal(answer.status, 502);
    assert.equal(answer.json.error.code, 'vendor-unauthorized');
    assert.equal(answer.json.error.vendorStatus, 200);
    assert.match(answer.json.error.message, /Plan does not allow streaming/);
  });

  it('stops a started session again when the answer lacks its credentials', async () => {
    env.fake.vendor.failNext({
      vendor: 'deepbrain',
      path: '/api/v2/sessions/start',
      status: 200,
      body: { code: 1000, message: 'ok', data: { session_id: 'db_orphan', livekit: { url: 'wss://x' } } },
    });
    const answer = await post(env.handler, { provider: 'deepbrain', avatarId: 'a' });
    assert.equal(answer.status, 502);
    assert.equal(answer.json.error.code, 'vendor-error');
    assert.match(answer.json.error.message, /without livekit\.token/);
    const stopCall = env.fake.vendor.requests.at(-1)!;
    assert.equal(stopCall.path, '/api/v2/sessions/stop');
    assert.deepEqual(stopCall.body, { session_id: 'db_orphan', reason: 'USER_CLOSED' });
  });
});
