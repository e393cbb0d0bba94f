import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseSessionDescription } from '../../../session/session-description.js';
import { assertNoSecrets, KEYS, NOW, post, readRelay, stop, useEnv, withEnv } from '../../../../test/node/support/fake-env.js';
import { HEYGEN_FIELDS, type HeygenField } from '../policy.js';

/** These tests cover the mapping of every field, so the site lets the page set them all (policy.node.test.ts covers the policy). */
const ALL = Object.keys(HEYGEN_FIELDS) as HeygenField[];

/** HeyGen and KonPro share one implementation; every test runs for both, with each one's paths. */
const DIALECTS = [
  { provider: 'heygen', label: 'HeyGen', sep: '.', version: 'v2', key: KEYS.heygen },
  { provider: 'konpro', label: 'KonPro', sep: '/', version: 'v1', key: KEYS.konpro },
] as const;

for (const dialect of DIALECTS) {
  const path = (name: string) => `/v1/streaming${dialect.sep}${name}`;

  describe(`${dialect.label} through the session handler`, () => {
    const env = useEnv({
      providers: ({ baseUrl }) => ({
        heygen: { apiKey: KEYS.heygen, baseUrl: baseUrl('heygen'), allow: ALL },
        konpro: { apiKey: KEYS.konpro, baseUrl: baseUrl('konpro'), livekitSettings: { room: 'own-room' }, allow: ALL },
      }),
    });

    it('calls create_token with the key, then new with the one-time token, and answers the normalized description', async () => {
      const answer = await post(env.handler, {
        provider: dialect.provider,
        avatarId: 'Anna_public',
        quality: 'low',
        videoEncoding: 'VP8',
        voice: { voiceId: 'voice-1', rate: 1.25 },
        language: 'en',
        emotion: 'Friendly',
        elevenlabsSettings: { modelId: 'eleven_flash_v2_5', stability: 0.4, similarityBoost: 0.6, style: 0, useSpeakerBoost: true },
        knowledgeBase: 'You sell bikes.',
        knowledgeBaseId: 'kb-1',
        idleTimeout: 300,
        sttSettings: { provider: 'deepgram', confidence: 0.6 },
        // Not part of the documented set: must not reach the vendor.
        avatar_id: 'injected',
        silence_response: true,
        vendorFields: { is_paid: true },
      });
      assert.equal(answer.status, 200, answer.text);

      const requests = env.fake.vendor.requests;
      assert.deepEqual(
        requests.map((request) => request.path),
        [path('create_token'), path('new')],
      );
      const [tokenCall, newCall] = requests;
      assert.equal(tokenCall!.headers['x-api-key'], dialect.key);
      assert.equal(tokenCall!.headers.authorization, undefined);
      const session = env.fake.vendor.sessions(dialect.provider).at(-1)!;
      if (dialect.provider === 'heygen') {
        assert.equal(newCall!.headers.authorization, `Bearer ${session.token}`);
        assert.equal(newCall!.headers['x-api-key'], undefined, 'the key is not sent where the session token is enough');
      } else {
        // KonPro's docs show new with x-api-key only; the session token is for the browser's calls.
        assert.equal(newCall!.headers['x-api-key'], dialect.key);
        assert.equal(newCall!.headers.authorization, undefined);
      }
      assert.deepEqual(newCall!.body, {
        version: dialect.version,
        avatar_id: 'Anna_public',
        // HeyGen's SDK names it avatar_name; KonPro documents only avatar_id.
        ...(dialect.provider === 'heygen' ? { avatar_name: 'Anna_public' } : {}),
        quality: 'low',
        video_encoding: 'VP8',
        language: 'en',
        knowledge_base: 'You sell bikes.',
        knowledge_base_id: 'kb-1',
        voice: {
          voice_id: 'voice-1',
          rate: 1.25,
          emotion: 'friendly',
          elevenlabs_settings: { model_id: 'eleven_flash_v2_5', stability: 0.4, similarity_boost: 0.6, style: 0, use_speaker_boost: true },
        },
        activity_idle_timeout: 300,
        stt_settings: { provider: 'deepgram', confidence: 0.6 },
        ...(dialect.provider === 'konpro' ? { livekit_settings: { room: 'own-room' } } : {}),
        // The microphone is published in the LiveKit room, not over the SDK's WebSocket (HeyGen only).
        ...(dialect.provider === 'heygen' ? { ia_is_livekit_transport: true } : {}),
      });

      const description = parseSessionDescription(answer.json, dialect.provider);
      assert.deepEqual(description, {
        provider: dialect.provider,
        sessionId: session.id,
        transport: { kind: 'livekit', url: `ws://${new URL(env.fake.url).host}/fake-vendor/${dialect.provider}/livekit`, token: `fake-livekit.${session.id}` },
        // KonPro's token binds on the browser's first call, so the fake has not bound it yet.
        sessionToken: dialect.provider === 'heygen' ? session.token : answer.json.sessionToken,
        apiBaseUrl: env.baseUrl(dialect.provider),
        expiresAt: new Date(NOW + 600_000).toISOString(),
        options: { idleTimeout: 300, sessionDurationLimit: 600 },
        stopToken: answer.json.stopToken,
      });
      assert.match(answer.json.stopToken, /^[\w-]+\.[\w-]{43}$/);
      assertNoSecrets([answer.text, ...env.logs]);
    });

    it('reports the default idle timeout, or that it is disabled', async () => {
      const plain = await post(env.handler, { provider: dialect.provider });
      assert.equal(plain.status, 200, plain.text);
      assert.equal(plain.json.options.idleTimeout, 120);
      const disabled = await post(env.handler, { provider: dialect.provider, disableIdleTimeout: true });
      assert.equal(disabled.status, 200, disabled.text);
      assert.deepEqual(disabled.json.options, { idleTimeoutDisabled: true, sessionDurationLimit: 600 });
      assert.equal((env.fake.vendor.requests.at(-1)!.body as Record<string, unknown>).disable_idle_timeout, true);
    });

    it('gives the browser a token that drives the session over REST (start, task, stop)', async () => {
      const { json } = await post(env.handler, { provider: dialect.provider });
      const relay = readRelay(`${json.apiBaseUrl}/_relay/${json.sessionId}`);
      const call = (name: string, body: object) =>
        fetch(`${json.apiBaseUrl}${path(name)}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${json.sessionToken}`, 'content-type': 'application/json' },
          body: JSON.stringify({ session_id: json.sessionId, ...body }),
        });
      assert.equal((await call('start', {})).status, 200);
      assert.equal(env.fake.vendor.session(json.sessionId)!.token, json.sessionToken, 'the browser token is the one bound to the session');
      assert.equal((await call('task', { text: 'Hello there', task_type: 'repeat' })).status, 200);
      const stopped = await stop(env.handler, json);
      assert.equal(stopped.status, 200, stopped.text);
      const messages = await relay;
      assert.deepEqual(
        messages.map((message) => [message.type, message.text ?? message.reason]),
        [
          ['speak', 'Hello there'],
          ['stop', 'user'],
        ],
      );
    });

    it('stops a session with the API key on the stop route', async () => {
      const { json } = await post(env.handler, { provider: dialect.provider });
      env.fake.vendor.requests.length = 0;
      const answer = await stop(env.handler, json);
      assert.equal(answer.status, 200, answer.text);
      assert.deepEqual(answer.json, { provider: dialect.provider, sessionId: json.sessionId, stopped: true });
      const [stopCall] = env.fake.vendor.requests;
      assert.equal(stopCall!.path, path('stop'));
      assert.equal(stopCall!.headers['x-api-key'], dialect.key);
      assert.deepEqual(stopCall!.body, { session_id: json.sessionId });
      assert.equal(env.fake.vendor.session(json.sessionId)!.state, 'closed');
    });

    it('stopping a session the browser already stopped succeeds (stop is idempotent)', async () => {
      const { json } = await post(env.handler, { provider: dialect.provider });
      const byBrowser = await fetch(`${json.apiBaseUrl}${path('stop')}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${json.sessionToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ session_id: json.sessionId }),
      });
      assert.equal(byBrowser.status, 200);
      // The fake now answers HTTP 404 + 400006 for it.
      const answer = await stop(env.handler, json);
      assert.equal(answer.status, 200, answer.text);
      assert.deepEqual(answer.json, { provider: dialect.provider, sessionId: json.sessionId, stopped: true });
    });

    it('treats code 400006 on stop as already ended whatever the HTTP status', async () => {
      const { json } = await post(env.handler, { provider: dialect.provider });
      env.fake.vendor.failNext({ vendor: dialect.provider, path: path('stop'), status: 200, body: { code: 400006, message: 'Session is not in correct state' } });
      const inOk = await stop(env.handler, json);
      assert.equal(inOk.status, 200, inOk.text);
      assert.equal(inOk.json.stopped, true);
    });

    it('maps another stop failure to vendor-error with the vendor status and body', async () => {
      const { json } = await post(env.handler, { provider: dialect.provider });
      env.fake.vendor.failNext({ vendor: dialect.provider, path: path('stop'), status: 404, body: { code: 400100, message: 'Session not found' } });
      const answer = await stop(env.handler, json);
      assert.equal(answer.status, 502);
      assert.equal(answer.json.error.code, 'vendor-error');
      assert.equal(answer.json.error.vendorStatus, 404);
      assert.equal(answer.json.error.vendorBody.message, 'Session not found');
      assert.match(answer.json.error.message, new RegExp(`${dialect.label} stop failed \\(HTTP 404, code 400100\\): Session not found`));
    });

    it('reads the emotion from voice.emotion (as session requests send it) as well as the top level', async () => {
      const nested = await post(env.handler, { provider: dialect.provider, voice: { voiceId: 'v-2', emotion: 'Soothing' } });
      assert.equal(nested.status, 200, nested.text);
      assert.deepEqual((env.fake.vendor.requests.at(-1)!.body as { voice: unknown }).voice, { voice_id: 'v-2', emotion: 'soothing' });
      const bad = await post(env.handler, { provider: dialect.provider, voice: { emotion: 'angry' } });
      assert.equal(bad.status, 400, bad.text);
      assert.match(bad.json.error.message, /"voice.emotion" must be one of/);
    });

    it('rejects bad fields before calling the vendor', async () => {
      const cases: [object, RegExp][] = [
        [{ quality: 'ultra' }, /"quality" must be one of "high", "medium", "low"/],
        [{ videoEncoding: 'AV1' }, /"videoEncoding" must be one of "H264", "VP8"/],
        [{ voice: { rate: 2 } }, /"voice.rate" must be between 0.5 and 1.5/],
        [{ voice: 'calm' }, /"voice" must be an object/],
        [{ idleTimeout: 10 }, /"idleTimeout" must be between 30 and 3600/],
        [{ idleTimeout: 60.5 }, /"idleTimeout" must be an integer/],
        [{ emotion: 'angry' }, /"emotion" must be one of/],
        [{ avatarId: 42 }, /"avatarId" must be a non-empty string/],
        [{ disableIdleTimeout: 'yes' }, /"disableIdleTimeout" must be true or false/],
        [{ sttSettings: { provider: 'whisper' } }, /"sttSettings.provider" must be one of/],
      ];
      for (const [fields, message] of cases) {
        const answer = await post(env.handler, { provider: dialect.provider, ...fields });
        assert.equal(answer.status, 400, JSON.stringify(fields));
        assert.equal(answer.json.error.code, 'bad-request');
        assert.match(answer.json.error.message, message);
      }
      assert.equal(env.fake.vendor.requests.length, 0);
    });

    it(`accepts the speech-to-text providers ${dialect.label} documents`, async () => {
      const answer = await post(env.handler, { provider: dialect.provider, sttSettings: { provider: 'assembly_ai' } });
      assert.equal(answer.status, dialect.provider === 'konpro' ? 200 : 400, answer.text);
    });

    it('passes on the vendor validation failure when server-side fields are wrong', async () => {
      await withEnv({
        handler: { beforeCreate: (_request, body) => ({ ...body, vendorFields: { quality: 'ultra' } }) },
      }, async (handlerEnv) => {
      const answer = await post(handlerEnv.handler, { provider: dialect.provider });
      assert.equal(answer.status, 502, answer.text);
      assert.equal(answer.json.error.code, 'vendor-error');
      assert.equal(answer.json.error.vendorStatus, 400);
      assert.equal(answer.json.error.vendorBody.code, 400006);
      assert.match(answer.json.error.message, /Invalid params: quality must be one of/);
      });
    });

    it('maps a refused key to vendor-unauthorized without echoing the key', async () => {
      await withEnv({
        providers: ({ baseUrl }) => ({ [dialect.provider]: { apiKey: 'wrong-key-for-test-123', baseUrl: baseUrl(dialect.provider) } }),
      }, async (wrong) => {
      const answer = await post(wrong.handler, { provider: dialect.provider });
      assert.equal(answer.status, 502, answer.text);
      assert.equal(answer.json.error.code, 'vendor-unauthorized');
      assert.equal(answer.json.error.vendorStatus, 401);
      assert.equal(answer.json.error.vendorBody.error.code, 400112);
      assert.match(answer.json.error.message, /create_token failed \(HTTP 401, code 400112\): Invalid API key/);
      assert.equal(wrong.fake.vendor.requests.length, 1, 'no session is attempted without a token');
      assertNoSecrets([answer.text, ...wrong.logs], ['wrong-key-for-test-123']);
      assert.equal(wrong.logs.length, 1);
      });
    });

    it('treats a non-success code in a 200 answer as a failure', async () => {
      env.fake.vendor.failNext({ vendor: dialect.provider, path: path('new'), status: 200, body: { code: 400599, message: "Your account doesn't have API access", data: null } });
      const answer = await post(env.handler, { provider: dialect.provider });
      assert.equal(answer.status, 502);
      assert.equal(answer.json.error.code, 'vendor-error');
      assert.equal(answer.json.error.vendorStatus, 200);
      assert.match(answer.json.error.message, /API access/);
    });
  });
}
