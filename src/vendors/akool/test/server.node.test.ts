import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FAKE_AGORA_APP_ID, FAKE_AGORA_UID, FAKE_TRTC_APP_ID } from '../../../fake-vendor/index.js';
import { parseSessionDescription } from '../../../session/session-description.js';
import { assertNoSecrets, KEYS, NOW, post, stop, useEnv, withEnv } from '../../../../test/node/support/fake-env.js';
import { AKOOL_FIELDS, type AkoolField } from '../policy.js';

/** These tests cover the mapping of every field, so the site lets the page set them all (policy.node.test.ts covers the policy). */
const ALL = Object.keys(AKOOL_FIELDS) as AkoolField[];

describe('Akool through the session handler', () => {
  const env = useEnv({ providers: ({ baseUrl }) => ({ akool: { apiKey: KEYS.akool, baseUrl: baseUrl('akool'), allow: ALL } }) });

  it('creates an Agora session by default with the key header and the mapped body', async () => {
    const answer = await post(env.handler, {
      provider: 'akool',
      avatarId: 'dvp_Tristan',
      duration: 300,
      voice: { voiceId: 'v-1', rate: 1.1 },
      voiceUrl: 'https://voices.example/v.mp3',
      language: 'en',
      modeType: 1,
      knowledgeId: 'kb-9',
      backgroundUrl: 'https://img.example/bg.jpg',
      voiceParams: { sttLanguage: 'en', pronMap: { akool: 'ai ku er' }, turnDetection: { type: 'server_vad', threshold: 0.5, silenceDurationMs: 500 } },
      elevenlabsSettings: { modelId: 'eleven_turbo_v2_5', stability: 0.5, apiKey: 'page-should-not-send-this' },
      credentials: { agora_token: 'x' }, // not in the documented set
    });
    assert.equal(answer.status, 200, answer.text);
    const [createCall, ...rest] = env.fake.vendor.requests;
    assert.equal(rest.length, 0);
    assert.equal(createCall!.path, '/api/open/v4/liveAvatar/session/create');
    assert.equal(createCall!.headers['x-api-key'], KEYS.akool);
    const expectedVoiceParams = {
      speed: 1.1,
      stt_language: 'en',
      pron_map: { akool: 'ai ku er' },
      turn_detection: { type: 'server_vad', threshold: 0.5, silence_duration_ms: 500 },
      elevenlabs_settings: { model_id: 'eleven_turbo_v2_5', stability: 0.5 },
    };
    assert.deepEqual(createCall!.body, {
      avatar_id: 'dvp_Tristan',
      duration: 300,
      voice_id: 'v-1',
      voice_url: 'https://voices.example/v.mp3',
      language: 'en',
      mode_type: 1,
      knowledge_id: 'kb-9',
      background_url: 'https://img.example/bg.jpg',
      voice_params: expectedVoiceParams,
      stream_type: 'agora',
    });
    const session = env.fake.vendor.sessions('akool').at(-1)!;
    assert.deepEqual(parseSessionDescription(answer.json, 'akool'), {
      provider: 'akool',
      sessionId: session.id,
      transport: { kind: 'agora', appId: FAKE_AGORA_APP_ID, channel: session.id, token: `fake-agora.${session.id}`, uid: FAKE_AGORA_UID },
      expiresAt: new Date(NOW + 300_000).toISOString(),
      // ElevenLabs settings: the create call set the voice, so the browser gets none to re-send (see below).
      options: {
        modeType: 1,
        duration: 300,
        language: 'en',
        voiceUrl: 'https://voices.example/v.mp3',
        backgroundUrl: 'https://img.example/bg.jpg',
      },
      stopToken: answer.json.stopToken,
    });
    assert.equal(answer.json.sessionToken, undefined);
    assertNoSecrets([answer.text, ...env.logs]);
  });

  it('passes the voice to the browser for set-params, unless the create used the customer\'s ElevenLabs voice', async () => {
    const voiced = await post(env.handler, { provider: 'akool', avatarId: 'a', voice: { voiceId: 'v-2' }, voiceParams: { sttLanguage: 'fr' } });
    assert.equal(voiced.status, 200, voiced.text);
    assert.deepEqual(voiced.json.options, { modeType: 2, duration: 600, voiceId: 'v-2', voiceParams: { stt_language: 'fr' } });

    // Re-sent without the key (stripped), voice params could replace the customer's ElevenLabs voice mid-session.
    const own = await post(env.handler, {
      provider: 'akool',
      avatarId: 'a',
      voice: { voiceId: 'v-2' },
      voiceParams: { sttLanguage: 'fr' },
      elevenlabsSettings: { stability: 0.3 },
    });
    assert.equal(own.status, 200, own.text);
    const body = env.fake.vendor.requests.at(-1)!.body as { voice_id?: string; voice_params?: Record<string, unknown> };
    assert.equal(body.voice_id, 'v-2');
    assert.ok(body.voice_params?.elevenlabs_settings, 'the create carries the ElevenLabs settings');
    assert.deepEqual(own.json.options, { modeType: 2, duration: 600 });
  });

  it('sends the default duration and mode when the page sets none', async () => {
    const answer = await post(env.handler, { provider: 'akool', avatarId: 'a' });
    assert.equal(answer.status, 200, answer.text);
    assert.deepEqual(env.fake.vendor.requests[0]!.body, { avatar_id: 'a', duration: 600, mode_type: 2, stream_type: 'agora' });
    assert.equal(answer.json.expiresAt, new Date(NOW + 600_000).toISOString());
    assert.deepEqual(answer.json.options, { modeType: 2, duration: 600 });
  });

  it('answers LiveKit credentials with the avatar identity', async () => {
    const answer = await post(env.handler, { provider: 'akool', avatarId: 'a', streamType: 'livekit' });
    assert.equal(answer.status, 200, answer.text);
    const id = answer.json.sessionId;
    assert.deepEqual(parseSessionDescription(answer.json, 'akool').transport, {
      kind: 'livekit',
      url: `ws://${new URL(env.fake.url).host}/fake-vendor/akool/livekit`,
      token: `fake-livekit.${id}`,
      avatarIdentity: 'akool-avatar',
    });
  });

  for (const style of ['demo', 'openapi'] as const) {
    it(`answers TRTC credentials whichever field names the vendor uses (${style})`, async () => {
      await withEnv({ fake: { akoolTrtcFields: style } }, async (trtcEnv) => {
      const answer = await post(trtcEnv.handler, { provider: 'akool', avatarId: 'a', streamType: 'trtc' });
      assert.equal(answer.status, 200, answer.text);
      const id = answer.json.sessionId;
      assert.deepEqual(parseSessionDescription(answer.json, 'akool').transport, {
        kind: 'trtc',
        sdkAppId: FAKE_TRTC_APP_ID,
        roomId: id,
        userId: `user-${id}`,
        userSig: `fake-trtc.${id}`,
      });
      });
    });
  }

  it('closes with the key and the session id', async () => {
    const { json } = await post(env.handler, { provider: 'akool', avatarId: 'a' });
    env.fake.vendor.requests.length = 0;
    const answer = await stop(env.handler, json);
    assert.equal(answer.status, 200, answer.text);
    const [closeCall] = env.fake.vendor.requests;
    assert.equal(closeCall!.path, '/api/open/v4/liveAvatar/session/close');
    assert.equal(closeCall!.headers['x-api-key'], KEYS.akool);
    assert.deepEqual(closeCall!.body, { id: json.sessionId });
    assert.equal(env.fake.vendor.session(json.sessionId)!.state, 'closed');
  });

  it('rejects what Akool would reject before calling it', async () => {
    for (const [fields, message] of [
      [{}, /"avatarId" is required/],
      [{ avatarId: 'a', duration: 3601 }, /"duration" must be between 1 and 3600/],
      [{ avatarId: 'a', modeType: 3 }, /"modeType" must be one of 1, 2/],
      [{ avatarId: 'a', streamType: 'webrtc' }, /"streamType" must be one of "agora", "livekit", "trtc"/],
      [{ avatarId: 'a', voice: { rate: 1.5 } }, /"voice.rate" must be between 0.8 and 1.2/],
      [{ avatarId: 'a', voiceParams: { pronMap: { a: 1 } } }, /"voiceParams.pronMap.a" must be a non-empty string/],
    ] as const) {
      const answer = await post(env.handler, { provider: 'akool', ...fields });
      assert.equal(answer.status, 400, JSON.stringify(fields));
      assert.match(answer.json.error.message, message);
    }
    assert.equal(env.fake.vendor.requests.length, 0);
  });

  it('treats an error code in a 200 answer as a failure (a bad mode_type set by the server)', async () => {
    await withEnv({ handler: { beforeCreate: (_request, body) => ({ ...body, vendorFields: { mode_type: 7 } }) } }, async (bypass) => {
    const answer = await post(bypass.handler, { provider: 'akool', avatarId: 'a' });
    assert.equal(answer.status, 502, answer.text);
    assert.equal(answer.json.error.code, 'vendor-error');
    assert.equal(answer.json.error.vendorStatus, 200);
    assert.equal(answer.json.error.vendorBody.code, 1003);
    assert.match(answer.json.error.message, /Akool session\/create failed \(HTTP 200, code 1003\): mode_type must be one of 1, 2/);
    });
  });

  it('maps a refused key (1101 in a 200) to vendor-unauthorized', async () => {
    await withEnv({ providers: ({ baseUrl }) => ({ akool: { apiKey: 'wrong-akool-key-55', baseUrl: baseUrl('akool') } }) }, async (wrong) => {
    const answer = await post(wrong.handler, { provider: 'akool', avatarId: 'a' });
    assert.equal(answer.status, 502);
    assert.equal(answer.json.error.code, 'vendor-unauthorized');
    assert.equal(answer.json.error.vendorBody.code, 1101);
    assertNoSecrets([answer.text, ...wrong.logs], ['wrong-akool-key-55']);
    });
  });

  it('maps an unknown session on close to vendor-error', async () => {
    const { json } = await post(env.handler, { provider: 'akool', avatarId: 'a' });
    env.fake.vendor.failNext({ vendor: 'akool', path: '/api/open/v4/liveAvatar/session/close', status: 200, body: { code: 1008, msg: 'session not found' } });
    const answer = await stop(env.handler, json);
    assert.equal(answer.status, 502);
    assert.equal(answer.json.error.code, 'vendor-error');
    assert.equal(answer.json.error.vendorBody.code, 1008);
  });

  it('closes a session the vendor reports as failed, and never hands out a key it was given', async () => {
    env.fake.vendor.failNext({
      vendor: 'akool',
      path: '/api/open/v4/liveAvatar/session/create',
      status: 200,
      body: { code: 1000, msg: 'OK', data: { _id: 'ak_failed', status: 4, stream_type: 'agora', credentials: { agora_token: 'rtc-secret-token-1' } } },
    });
    const answer = await post(env.handler, { provider: 'akool', avatarId: 'a' });
    assert.equal(answer.status, 502);
    assert.equal(answer.json.error.code, 'vendor-error');
    assert.match(answer.json.error.message, /could not start session ak_failed/);
    assertNoSecrets([answer.text], ['rtc-secret-token-1']);
    const closeCall = env.fake.vendor.requests.at(-1)!;
    assert.equal(closeCall.path, '/api/open/v4/liveAvatar/session/close');
    assert.deepEqual(closeCall.body, { id: 'ak_failed' });
  });

  it('keeps a server-added ElevenLabs key out of the answer', async () => {
    await withEnv({
      // The voice model is the site's (beforeCreate's), the key only ever a raw vendor field.
      handler: { beforeCreate: (_request, body) => ({ ...body, elevenlabsSettings: { stability: 0.2 }, vendorFields: { voice_params: { elevenlabs_settings: { api_key: 'sk_eleven_secret_42' } } } }) },
    }, async (withKey) => {
    const answer = await post(withKey.handler, { provider: 'akool', avatarId: 'a' });
    assert.equal(answer.status, 200, answer.text);
    assert.deepEqual((withKey.fake.vendor.requests[0]!.body as { voice_params: unknown }).voice_params, {
      elevenlabs_settings: { stability: 0.2, api_key: 'sk_eleven_secret_42' },
    });
    assert.equal(answer.json.options.voiceParams, undefined);
    assertNoSecrets([answer.text], ['sk_eleven_secret_42']);
    });
  });
});
