import { DEEPBRAIN_DEFAULT_BASE_URL, DEEPBRAIN_DURATION_UNIT_S, DEEPBRAIN_SUCCESS_CODE } from './facts.js';
import type { SessionDescription } from '../../session/session-description.js';
import { callVendor, findSessionId, isObject, joinUrl, vendorString, type Envelope, type Json } from '../../server/http.js';
import type { ProviderConfigBase } from '../../server/types.js';
import { compact } from '../../server/validation.js';
import { describeOrStop, requireSecret, type Vendor } from '../../server/vendor.js';
import { DEEPBRAIN_POLICY, type DeepbrainField } from './policy.js';

export interface DeepBrainProviderConfig extends ProviderConfigBase<DeepbrainField> {
  appId: string;
  userKey: string;
}

/**
 * DeepBrain AI Studios interactive avatar. Server flow: `sessions/token {appId, userKey}` → session token
 * (JWT); `sessions/start` with Bearer → LiveKit credentials. The browser talks with the same Bearer token;
 * stopping needs the account key (`STUDIO-API-KEY`), so only the server can do it.
 */
const PATHS = { token: '/api/v2/sessions/token', start: '/api/v2/sessions/start', stop: '/api/v2/sessions/stop' };
export { DEEPBRAIN_DURATION_UNIT_S };

const ENVELOPE: Envelope = {
  vendor: 'DeepBrain',
  isSuccess: (body) => isObject(body) && Number(body.code) === DEEPBRAIN_SUCCESS_CODE,
  codes: {
    4000: 'vendor-error',
    4010: 'vendor-unauthorized',
    4030: 'vendor-unauthorized',
    4040: 'vendor-error',
    4290: 'vendor-rate-limited',
    5000: 'vendor-unavailable',
  },
};

export const deepbrain: Vendor<DeepBrainProviderConfig> = {
  secrets: (config) => [requireSecret('deepbrain', config, 'appId'), requireSecret('deepbrain', config, 'userKey')],
  policy: DEEPBRAIN_POLICY,

  async stop({ config, sessionId, http }) {
    await callVendor(http, {
      envelope: ENVELOPE,
      what: 'sessions/stop',
      url: joinUrl(config.baseUrl ?? DEEPBRAIN_DEFAULT_BASE_URL, PATHS.stop),
      headers: { 'STUDIO-API-KEY': config.userKey },
      body: { session_id: sessionId, reason: 'USER_CLOSED' },
    });
  },

  async create({ config, fields, finish, http, now }) {
    const llm = fields.object('llm');
    // `max_session_duration` is always sent: DEEPBRAIN_POLICY bounds it by maxDurationS.
    const body = finish(
      compact({
        avatar_id: fields.string('avatarId', { required: true, maxLength: 200 }),
        avatar_persona: {
          language: fields.string('language', { maxLength: 35 }),
          llm_configurations: {
            provider: llm?.string('provider', { maxLength: 50 }),
            model: llm?.string('model', { maxLength: 200 }),
            temperature: llm?.number('temperature', { min: 0, max: 2 }),
            custom_settings: { system_prompt: fields.string('systemPrompt', { maxLength: 10000 }) },
          },
        },
        max_session_duration: fields.number('maxSessionDuration', { min: 1, integer: true }),
        lip_audio_mode: fields.string('lipAudioMode', { maxLength: 50 }),
        greeting_text: fields.string('greetingText', { maxLength: 2000 }),
      }),
    );
    const baseUrl = config.baseUrl ?? DEEPBRAIN_DEFAULT_BASE_URL;

    const tokenAnswer = await callVendor(http, {
      envelope: ENVELOPE,
      what: 'sessions/token',
      step: 'prepare',
      url: joinUrl(baseUrl, PATHS.token),
      headers: {},
      body: { appId: config.appId, userKey: config.userKey },
    });
    const sessionToken = vendorString(tokenAnswer, 'data.session_token', ENVELOPE.vendor);
    http.redactor.add(sessionToken);

    const answer = await callVendor(http, {
      envelope: ENVELOPE,
      what: 'sessions/start',
      step: 'start',
      url: joinUrl(baseUrl, PATHS.start),
      headers: { authorization: `Bearer ${sessionToken}` },
      body,
      session: { idOf: (answer, text) => findSessionId(answer, text, 'data.session_id'), stop: (sessionId, stopHttp) => deepbrain.stop({ config, sessionId, http: stopHttp }) },
    });
    const data: Json = isObject(answer.data) ? answer.data : {};
    if (isObject(data.livekit) && typeof data.livekit.token === 'string') http.redactor.add(data.livekit.token);

    return describeOrStop(
      http,
      typeof data.session_id === 'string' ? data.session_id : undefined,
      () => {
        const description: SessionDescription = {
          provider: 'deepbrain',
          sessionId: vendorString(data, 'session_id', ENVELOPE.vendor),
          transport: {
            kind: 'livekit',
            url: vendorString(data, 'livekit.url', ENVELOPE.vendor),
            token: vendorString(data, 'livekit.token', ENVELOPE.vendor),
          },
          sessionToken,
          apiBaseUrl: baseUrl,
          options: {},
        };
        // The vendor's answer says what it applied; else what was asked.
        const limit = typeof data.max_session_duration === 'number' ? data.max_session_duration : body.max_session_duration;
        if (typeof limit === 'number' && limit > 0) {
          description.options = { maxSessionDuration: limit };
          description.expiresAt = new Date(now + limit * DEEPBRAIN_DURATION_UNIT_S * 1000).toISOString();
        }
        return description;
      },
      (sessionId, stopHttp) => deepbrain.stop({ config, sessionId, http: stopHttp }),
    );
  },
};
