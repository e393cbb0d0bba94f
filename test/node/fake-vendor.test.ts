import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createFakeVendor, createManualClock, fakeVendorBaseUrl, startFakeVendor, type RunningFakeVendor } from '../../src/fake-vendor/index.js';
import { readRelay } from './support/fake-env.js';

/** The fake vendor on its own: each vendor's validation, envelopes, state rules, timers and the relay. */
describe('fake vendor', () => {
  let fake: RunningFakeVendor;
  before(async () => {
    fake = await startFakeVendor();
  });
  after(() => fake.stop());

  const call = async (vendor: 'heygen' | 'konpro' | 'deepbrain' | 'akool', path: string, body: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(`${fakeVendorBaseUrl(fake.url, vendor)}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: await response.json() };
  };

  describe('HeyGen / KonPro', () => {
    const heygenKey = { 'x-api-key': 'fake-heygen-key' };
    const newHeygenSession = async (body: object = { version: 'v2' }) => {
      const token = (await call('heygen', '/v1/streaming.create_token', {}, heygenKey)).body.data.token as string;
      const created = await call('heygen', '/v1/streaming.new', body, { authorization: `Bearer ${token}` });
      return { token, created, bearer: { authorization: `Bearer ${token}` } };
    };

    it('refuses a wrong or missing key with 401 and code 400112', async () => {
      for (const headers of [{ 'x-api-key': 'nope' }, {}] as Record<string, string>[]) {
        const answer = await call('heygen', '/v1/streaming.create_token', {}, headers);
        assert.equal(answer.status, 401);
        assert.equal(answer.body.error.code, 400112);
      }
      const konpro = await call('konpro', '/v1/streaming/create_token', {}, heygenKey);
      assert.equal(konpro.status, 401, "one vendor's key is not another's");
      const konproMissing = await call('konpro', '/v1/streaming/create_token', {});
      assert.equal(konproMissing.status, 401, 'KonPro refuses a missing key too');
    });

    it('uses a session token for one new session only', async () => {
      const { created, bearer } = await newHeygenSession();
      assert.equal(created.status, 200);
      assert.equal(created.body.code, 100);
      const reused = await call('heygen', '/v1/streaming.new', { version: 'v2' }, bearer);
      assert.equal(reused.status, 401);
      assert.match(reused.body.message, /already been used/);
    });

    it('validates new like the docs say', async () => {
      const cases: [object, RegExp][] = [
        [{ version: 'v2', quality: 'ultra' }, /quality must be one of/],
        [{ version: 'v2', video_encoding: 'AV1' }, /video_encoding must be one of/],
        [{ version: 'v2', activity_idle_timeout: 20 }, /activity_idle_timeout must be between 30 and 3600/],
        [{ version: 'v2', voice: { rate: 1.6 } }, /rate must be between 0.5 and 1.5/],
        [{ version: 'v2', avatar_id: 5 }, /avatar_id must be a non-empty string/],
        [{ version: 'v2', avatar_name: 5 }, /avatar_name must be a non-empty string/],
        [{ version: 'v2', ia_is_livekit_transport: 'yes' }, /ia_is_livekit_transport must be one of/],
        [{}, /version must be v2/],
        [{ version: 'v2', stt_settings: { provider: 'assembly_ai' } }, /provider must be one of/],
      ];
      for (const [body, message] of cases) {
        const token = (await call('heygen', '/v1/streaming.create_token', {}, heygenKey)).body.data.token;
        const answer = await call('heygen', '/v1/streaming.new', body, { authorization: `Bearer ${token}` });
        assert.equal(answer.status, 400, JSON.stringify(body));
        assert.equal(answer.body.code, 400006);
        assert.match(answer.body.message, message);
      }
    });

    it('needs start before task (400006), then relays tasks and interrupts, and 404s unknown sessions', async () => {
      const { created, bearer } = await newHeygenSession();
      const sessionId = created.body.data.session_id;
      const relay = readRelay(`${fakeVendorBaseUrl(fake.url, 'heygen')}/_relay/${sessionId}`);
      const early = await call('heygen', '/v1/streaming.task', { session_id: sessionId, text: 'hi' }, bearer);
      assert.equal(early.status, 400);
      assert.deepEqual(early.body, { code: 400006, message: 'Session is not in correct state', data: null });
      assert.equal((await call('heygen', '/v1/streaming.start', { session_id: sessionId }, bearer)).status, 200);
      const task = await call('heygen', '/v1/streaming.task', { session_id: sessionId, text: 'Hello', task_type: 'talk' }, bearer);
      assert.equal(task.status, 200);
      assert.equal(typeof task.body.data.task_id, 'string');
      assert.equal((await call('heygen', '/v1/streaming.interrupt', { session_id: sessionId }, bearer)).status, 200);
      const missing = await call('heygen', '/v1/streaming.task', { session_id: 'nope', text: 'x' }, heygenKey);
      assert.equal(missing.status, 404);
      assert.equal(missing.body.message, 'Session not found');
      assert.equal((await call('heygen', '/v1/streaming.stop', { session_id: sessionId }, bearer)).status, 200);
      assert.deepEqual(await relay, [
        { type: 'speak', text: 'Hello', taskType: 'talk', taskId: task.body.data.task_id },
        { type: 'interrupt' },
        { type: 'stop', reason: 'user' },
      ]);
      const after = await call('heygen', '/v1/streaming.task', { session_id: sessionId, text: 'x' }, bearer);
      assert.equal(after.body.code, 400006, 'a closed session is not in the correct state');
    });

    it('accepts exactly the task types each flavour sends (HeyGen talk|repeat, KonPro repeat|chat)', async () => {
      const flavours = [
        { vendor: 'heygen', sep: '.', key: heygenKey, body: { version: 'v2' }, accepted: ['talk', 'repeat'], refused: 'chat' },
        { vendor: 'konpro', sep: '/', key: { 'x-api-key': 'fake-konpro-key' }, body: {}, accepted: ['repeat', 'chat'], refused: 'talk' },
      ] as const;
      for (const flavour of flavours) {
        const path = (name: string) => `/v1/streaming${flavour.sep}${name}`;
        const token = (await call(flavour.vendor, path('create_token'), {}, flavour.key)).body.data.token as string;
        const bearer = { authorization: `Bearer ${token}` };
        const sessionId = (await call(flavour.vendor, path('new'), flavour.body, bearer)).body.data.session_id as string;
        assert.equal((await call(flavour.vendor, path('start'), { session_id: sessionId }, bearer)).status, 200);
        for (const taskType of flavour.accepted) {
          const answer = await call(flavour.vendor, path('task'), { session_id: sessionId, text: 'Hi', task_type: taskType }, bearer);
          assert.equal(answer.status, 200, `${flavour.vendor} ${taskType}`);
        }
        const refused = await call(flavour.vendor, path('task'), { session_id: sessionId, text: 'Hi', task_type: flavour.refused }, bearer);
        assert.equal(refused.status, 400, `${flavour.vendor} ${flavour.refused}`);
        assert.match(refused.body.message, /task_type must be one of/);
      }
    });

    it('KonPro: new with x-api-key (as its docs); an unbound session token binds to the first session it drives', async () => {
      const key = { 'x-api-key': 'fake-konpro-key' };
      const token = (await call('konpro', '/v1/streaming/create_token', {}, key)).body.data.token as string;
      const bearer = { authorization: `Bearer ${token}` };
      const one = (await call('konpro', '/v1/streaming/new', {}, key)).body.data.session_id as string;
      const two = (await call('konpro', '/v1/streaming/new', {}, key)).body.data.session_id as string;
      assert.equal((await call('konpro', '/v1/streaming/start', { session_id: one }, bearer)).status, 200);
      const other = await call('konpro', '/v1/streaming/start', { session_id: two }, bearer);
      assert.equal(other.status, 401, 'once bound, the token drives only its session');
      const secondToken = (await call('konpro', '/v1/streaming/create_token', {}, key)).body.data.token as string;
      const taken = await call('konpro', '/v1/streaming/interrupt', { session_id: one }, { authorization: `Bearer ${secondToken}` });
      assert.equal(taken.status, 401, "a session bound to one token refuses another's");
    });

    it("refuses a token on another session's commands", async () => {
      const one = await newHeygenSession();
      const two = await newHeygenSession();
      const answer = await call('heygen', '/v1/streaming.start', { session_id: two.created.body.data.session_id }, one.bearer);
      assert.equal(answer.status, 401);
    });

    it('serves KonPro on slash paths only', async () => {
      const key = { 'x-api-key': 'fake-konpro-key' };
      const token = await call('konpro', '/v1/streaming/create_token', {}, key);
      assert.deepEqual(Object.keys(token.body), ['error', 'data']);
      assert.equal(token.body.error, null);
      const created = await call('konpro', '/v1/streaming/new', { stt_settings: { provider: 'assembly_ai' } }, { authorization: `Bearer ${token.body.data.token}` });
      assert.equal(created.status, 200);
      const dotted = await call('konpro', '/v1/streaming.new', {}, key);
      assert.equal(dotted.status, 404);
    });

    it('closes an idle session after activity_idle_timeout; keep_alive and tasks reset it', async () => {
      const clock = createManualClock();
      const vendor = createFakeVendor({ clock });
      const request = (path: string, body: object, headers: Record<string, string>) =>
        vendor(new Request(`http://fake.test/fake-vendor/heygen${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) })).then((r) => r.json());
      const token = (await request('/v1/streaming.create_token', {}, heygenKey)).data.token;
      const bearer = { authorization: `Bearer ${token}` };
      const id = (await request('/v1/streaming.new', { version: 'v2', activity_idle_timeout: 60 }, bearer)).data.session_id;
      clock.advance(59_000);
      assert.equal(vendor.session(id)!.state, 'new');
      assert.equal((await request('/v1/streaming.keep_alive', { session_id: id }, bearer)).code, 100);
      clock.advance(59_000);
      assert.equal(vendor.session(id)!.state, 'new', 'keep_alive reset the idle timer');
      clock.advance(2_000);
      assert.equal(vendor.session(id)!.state, 'closed');
      assert.equal(vendor.session(id)!.endReason, 'idle');
      assert.deepEqual(vendor.relayHistory(id), [{ type: 'stop', reason: 'idle' }]);
      vendor.close();
    });

    it('closes a session at its duration limit', async () => {
      const clock = createManualClock();
      const vendor = createFakeVendor({ clock, sessionDurationLimit: 300 });
      const post = (path: string, body: object, headers: Record<string, string>) =>
        vendor(new Request(`http://fake.test/fake-vendor/konpro${path}`, { method: 'POST', headers, body: JSON.stringify(body) })).then((r) => r.json());
      const token = (await post('/v1/streaming/create_token', {}, { 'x-api-key': 'fake-konpro-key' })).data.token;
      const created = await post('/v1/streaming/new', { disable_idle_timeout: true }, { authorization: `Bearer ${token}` });
      assert.equal(created.data.session_duration_limit, 300);
      clock.advance(299_000);
      assert.equal(vendor.session(created.data.session_id)!.state, 'new');
      clock.advance(1_000);
      assert.equal(vendor.session(created.data.session_id)!.endReason, 'timeout');
      vendor.close();
    });

    it('derives the LiveKit URL from the Host it was called on', async () => {
      const vendor = createFakeVendor();
      const post = (path: string, body: object, headers: Record<string, string>) =>
        vendor(new Request(`https://demo.example:8443/fake-vendor/heygen${path}`, { method: 'POST', headers, body: JSON.stringify(body) })).then((r) => r.json());
      const token = (await post('/v1/streaming.create_token', {}, heygenKey)).data.token;
      const created = await post('/v1/streaming.new', { version: 'v2' }, { authorization: `Bearer ${token}` });
      assert.equal(created.data.url, 'wss://demo.example:8443/fake-vendor/heygen/livekit');
      assert.equal(created.data.access_token, `fake-livekit.${created.data.session_id}`);
      vendor.close();
    });
  });

  describe('DeepBrain', () => {
    const token = async () => (await call('deepbrain', '/api/v2/sessions/token', { appId: 'fake-deepbrain-app', userKey: 'fake-deepbrain-user-key' })).body.data.session_token as string;

    it('answers each documented failure with its code and status', async () => {
      const wrongKey = await call('deepbrain', '/api/v2/sessions/token', { appId: 'fake-deepbrain-app', userKey: 'nope' });
      assert.deepEqual([wrongKey.status, wrongKey.body.code], [401, 4010]);
      const missing = await call('deepbrain', '/api/v2/sessions/token', { appId: 'fake-deepbrain-app' });
      assert.deepEqual([missing.status, missing.body.code], [400, 4000]);
      const noBearer = await call('deepbrain', '/api/v2/sessions/start', { avatar_id: 'a' });
      assert.deepEqual([noBearer.status, noBearer.body.code], [401, 4010]);
      const bearer = { authorization: `Bearer ${await token()}` };
      const noAvatar = await call('deepbrain', '/api/v2/sessions/start', {}, bearer);
      assert.deepEqual([noAvatar.status, noAvatar.body.code], [400, 4000]);
      assert.match(noAvatar.body.message, /avatar_id is required/);
      const unknownTalk = await call('deepbrain', '/api/v2/sessions/db_nope/talk', { message: 'x' }, bearer);
      assert.deepEqual([unknownTalk.status, unknownTalk.body.code], [404, 4040]);
      const stopNoKey = await call('deepbrain', '/api/v2/sessions/stop', { session_id: 'x' }, bearer);
      assert.deepEqual([stopNoKey.status, stopNoKey.body.code], [401, 4010], 'the session token cannot stop');
      const badReason = await call('deepbrain', '/api/v2/sessions/stop', { session_id: 'x', reason: 'BORED' }, { 'studio-api-key': 'fake-deepbrain-user-key' });
      assert.deepEqual([badReason.status, badReason.body.code], [400, 4000]);
      const wrongStudioKey = await call('deepbrain', '/api/v2/sessions/stop', { session_id: 'x' }, { 'studio-api-key': 'not-the-key' });
      assert.deepEqual([wrongStudioKey.status, wrongStudioKey.body.code], [401, 4010], 'a wrong STUDIO-API-KEY is refused');
      const stopUnknown = await call('deepbrain', '/api/v2/sessions/stop', { session_id: 'db_nope' }, { 'studio-api-key': 'fake-deepbrain-user-key' });
      assert.deepEqual([stopUnknown.status, stopUnknown.body.code], [404, 4040], 'an unknown session id is refused');
    });

    it('relays talk, and the greeting once the page listens (not with lip_audio_mode)', async () => {
      const bearer = { authorization: `Bearer ${await token()}` };
      const started = await call('deepbrain', '/api/v2/sessions/start', { avatar_id: 'a', avatar_persona: { llm_configurations: { custom_settings: { greeting_text: 'Hello from persona' } } } }, bearer);
      const id = started.body.data.session_id;
      const talk = await call('deepbrain', `/api/v2/sessions/${id}/talk`, { message: 'Tell me more' }, bearer);
      assert.equal(talk.body.code, 1000);
      const relay = readRelay(`${fakeVendorBaseUrl(fake.url, 'deepbrain')}/_relay/${id}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
      await call('deepbrain', '/api/v2/sessions/stop', { session_id: id, reason: 'USER_CLOSED' }, { 'studio-api-key': 'fake-deepbrain-user-key' });
      const messages = await relay;
      assert.deepEqual(
        messages.map((message) => message.text ?? message.reason),
        ['Hello from persona', 'Tell me more', 'user'],
        'the greeting comes first (it is spoken at start), then what was said before the page listened',
      );

      const silent = await call('deepbrain', '/api/v2/sessions/start', { avatar_id: 'a', greeting_text: 'Hi', lip_audio_mode: 'on' }, bearer);
      const silentId = silent.body.data.session_id;
      const silentRelay = readRelay(`${fakeVendorBaseUrl(fake.url, 'deepbrain')}/_relay/${silentId}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
      await call('deepbrain', '/api/v2/sessions/stop', { session_id: silentId }, { 'studio-api-key': 'fake-deepbrain-user-key' });
      assert.deepEqual(await silentRelay, [{ type: 'stop', reason: 'user' }]);
    });
  });

  describe('Akool', () => {
    const key = { 'x-api-key': 'fake-akool-key' };

    it('answers failures with HTTP 200 and its own codes', async () => {
      const cases: [object, Record<string, string>, number, RegExp][] = [
        [{ avatar_id: 'a' }, {}, 1102, /cannot be empty/],
        [{ avatar_id: 'a' }, { 'x-api-key': 'nope' }, 1101, /Invalid authorization/],
        [{ avatar_id: 'a' }, { 'x-api-key': 'nope', authorization: 'Bearer fake-akool-key' }, 1000, /OK/],
        [{}, key, 1003, /avatar_id is required/],
        [{ avatar_id: 'a', duration: 3601 }, key, 1003, /duration must be between 1 and 3600/],
        [{ avatar_id: 'a', mode_type: 3 }, key, 1003, /mode_type must be one of 1, 2/],
        [{ avatar_id: 'a', stream_type: 'webrtc' }, key, 1003, /stream_type must be one of/],
        [{ avatar_id: 'a', voice_params: { speed: 2 } }, key, 1003, /speed must be between 0.8 and 1.2/],
      ];
      for (const [body, headers, code, msg] of cases) {
        const answer = await call('akool', '/api/open/v4/liveAvatar/session/create', body, headers);
        assert.equal(answer.status, 200);
        assert.equal(answer.body.code, code, JSON.stringify(body));
        assert.match(answer.body.msg, msg);
      }
      const unknown = await call('akool', '/api/open/v4/liveAvatar/session/close', { id: 'ak_nope' }, key);
      assert.deepEqual([unknown.status, unknown.body.code], [200, 1008]);
    });

    it('ends the relay on close, and tells a late listener the session is over', async () => {
      const created = await call('akool', '/api/open/v4/liveAvatar/session/create', { avatar_id: 'a' }, key);
      const id = created.body.data._id;
      assert.equal(created.body.data.credentials.agora_channel, id);
      await call('akool', '/api/open/v4/liveAvatar/session/close', { id }, key);
      assert.deepEqual(await readRelay(`${fakeVendorBaseUrl(fake.url, 'akool')}/_relay/${id}`), [{ type: 'stop', reason: 'user' }]);
      assert.deepEqual(await readRelay(`${fakeVendorBaseUrl(fake.url, 'akool')}/_relay/${id}`), [{ type: 'stop', reason: 'user' }]);
    });
  });

  describe('routing', () => {
    it('404s the relay of an unknown session in the vendor envelope', async () => {
      const response = await fetch(`${fakeVendorBaseUrl(fake.url, 'deepbrain')}/_relay/nope`);
      assert.equal(response.status, 404);
      assert.deepEqual(await response.json(), { code: 4040, message: 'Session not found', data: null });
    });

    it('answers CORS preflights for the browser REST calls', async () => {
      const response = await fetch(`${fakeVendorBaseUrl(fake.url, 'heygen')}/v1/streaming.task`, {
        method: 'OPTIONS',
        headers: { origin: 'http://localhost:8080', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
      });
      assert.equal(response.status, 204);
      assert.match(response.headers.get('access-control-allow-headers') ?? '', /authorization/);
      assert.match(response.headers.get('access-control-allow-headers') ?? '', /content-type/);
      assert.equal(response.headers.get('access-control-allow-origin'), '*');
    });

    it('404s unknown endpoints and vendors', async () => {
      assert.equal((await call('heygen', '/v1/streaming.nope', {}, { 'x-api-key': 'fake-heygen-key' })).status, 404);
      assert.equal((await fetch(`${fake.url}/fake-vendor/acme/x`, { method: 'POST' })).status, 404);
    });

    it('records requests for inspection', async () => {
      const before = fake.vendor.requests.length;
      await call('akool', '/api/open/v4/liveAvatar/session/close', { id: 'x' }, { 'x-api-key': 'fake-akool-key' });
      const recorded = fake.vendor.requests.slice(before);
      assert.equal(recorded.length, 1);
      assert.deepEqual(
        { vendor: recorded[0]!.vendor, method: recorded[0]!.method, path: recorded[0]!.path, key: recorded[0]!.headers['x-api-key'], body: recorded[0]!.body },
        { vendor: 'akool', method: 'POST', path: '/api/open/v4/liveAvatar/session/close', key: 'fake-akool-key', body: { id: 'x' } },
      );
    });
  });
});
