import { DEFAULT_IDLE_TIMEOUT_S, hasSuccessCode, HEYGEN_FACTS, SESSION_NOT_ACTIVE_CODE, UNAUTHORIZED_CODE, type HeygenFamilyFacts } from './facts.js';
import type { SessionDescription } from '../../session/session-description.js';
import { callVendor, findSessionId, isObject, joinUrl, VendorError, vendorString, type Envelope, type Json } from '../../server/http.js';
import type { VendorPolicy } from '../../server/policy.js';
import type { ApiKeyProviderConfig } from '../../server/types.js';
import type { KonProProviderConfig } from '../konpro/server.js';
import { compact } from '../../server/validation.js';
import { elevenlabsSettings } from '../../server/elevenlabs.js';
import { describeOrStop, expiresAt, requireSecret, type Vendor } from '../../server/vendor.js';
import { HEYGEN_POLICY, type HeygenField } from './policy.js';

/**
 * HeyGen Interactive Avatar (v1 endpoints, LiveKit transport) and KonPro, its clone. They differ only in
 * what this table says, so one implementation serves both.
 *
 * Server flow: `create_token` (x-api-key) → one-time session token; `new` with `Authorization: Bearer
 * <session token>` (HeyGen; KonPro: x-api-key, see `newAuth`), which binds the token to the session the
 * browser then drives (`start`, `task`, `interrupt`, `keep_alive`, `stop`, all Bearer). The server's stop
 * uses the API key.
 */
/** The server's view of a HeyGen-family vendor: its facts (vendors/heygen/facts.ts) and its envelope. */
export interface Dialect extends HeygenFamilyFacts {
  envelope: Envelope;
  /** The server-only calls (the key, or the one-time token made with it). */
  serverPaths: { createToken: string; newSession: string };
  /**
   * How `new` is authorised. HeyGen's SDK sends the one-time session token (Bearer), which binds it to the
   * session. KonPro's docs show only `x-api-key` on `new` (seeds/konpro-streaming-new.txt), so it gets the
   * key; UNCERTAIN (providers.md §2.1): how KonPro then ties the browser's session token to the session.
   */
  newAuth: 'session-token' | 'api-key';
  /** Which request fields the page may set (vendors/<name>/policy.ts). */
  policy: VendorPolicy;
}

/** `providers.heygen`: the key, and the site's policy (defaults, allow, avatars, vendorFields). */
export type HeyGenProviderConfig = ApiKeyProviderConfig<HeygenField>;

/** Success envelopes: `create_token` answers `{error: null, data}`, the rest `{code, message, data}`. */
export function familyEnvelope(facts: HeygenFamilyFacts): Envelope {
  return {
    vendor: facts.name,
    isSuccess: (body) =>
      isObject(body) &&
      (body.error === undefined || body.error === null) &&
      hasSuccessCode(body, facts.successCodes),
    codes: { [UNAUTHORIZED_CODE]: 'vendor-unauthorized' },
  };
}

export const HEYGEN: Dialect = {
  ...HEYGEN_FACTS,
  envelope: familyEnvelope(HEYGEN_FACTS),
  serverPaths: { createToken: '/v1/streaming.create_token', newSession: '/v1/streaming.new' },
  newAuth: 'session-token',
  policy: HEYGEN_POLICY,
};

const QUALITIES = ['high', 'medium', 'low'] as const;
const ENCODINGS = ['H264', 'VP8'] as const;
/** The SDK's spelling (lower case); the docs capitalise them. */
const EMOTIONS = ['excited', 'serious', 'friendly', 'soothing', 'broadcaster'] as const;

export function heygenFamily(dialect: Dialect): Vendor<ApiKeyProviderConfig & KonProProviderConfig> {
  const baseUrlOf = (config: ApiKeyProviderConfig) => config.baseUrl ?? dialect.defaultBaseUrl;

  const stop: Vendor<ApiKeyProviderConfig>['stop'] = async ({ config, sessionId, http }) => {
    try {
      await callVendor(http, {
        envelope: dialect.envelope,
        what: 'stop',
        url: joinUrl(baseUrlOf(config), dialect.paths.stop),
        headers: { 'x-api-key': config.apiKey },
        body: { session_id: sessionId },
      });
    } catch (error) {
      // Stop is idempotent: the browser may have stopped it with its session token, or it idled out.
      // Whatever the HTTP status: the code is what says "not in correct state".
      const alreadyEnded =
        error instanceof VendorError &&
        isObject(error.vendorBody) &&
        Number(error.vendorBody.code) === SESSION_NOT_ACTIVE_CODE;
      if (!alreadyEnded) throw error;
    }
  };

  return {
    secrets: (config) => [requireSecret(dialect.provider, config, 'apiKey')],
    policy: dialect.policy,
    stop,

    async create({ config, fields, finish, http, now }) {
      const voice = fields.object('voice');
      const stt = fields.object('sttSettings');
      const avatarId = fields.string('avatarId', { maxLength: 200 });
      const mapped = compact({
        version: dialect.version,
        // The docs name it avatar_id, HeyGen's SDK sends avatar_name (providers.md §1.2): HeyGen gets both,
        // KonPro (whose docs show only avatar_id) the documented one. Unset means the vendor's default avatar.
        avatar_id: avatarId,
        avatar_name: dialect.provider === 'heygen' ? avatarId : undefined,
        quality: fields.oneOf('quality', QUALITIES),
        video_encoding: fields.oneOf('videoEncoding', ENCODINGS),
        language: fields.string('language', { maxLength: 35 }),
        knowledge_base: fields.string('knowledgeBase', { maxLength: 10000 }),
        knowledge_base_id: fields.string('knowledgeBaseId', { maxLength: 200 }),
        voice: {
          voice_id: voice?.string('voiceId', { maxLength: 200 }),
          rate: voice?.number('rate', { min: 0.5, max: 1.5 }),
          // session-request.ts advertises voice.emotion; the older top-level `emotion` still works.
          emotion: voice?.oneOf('emotion', EMOTIONS) ?? fields.oneOf('emotion', EMOTIONS),
          elevenlabs_settings: elevenlabsSettings(fields.object('elevenlabsSettings')),
        },
        activity_idle_timeout: fields.number('idleTimeout', { min: 30, max: 3600, integer: true }),
        disable_idle_timeout: fields.boolean('disableIdleTimeout'),
        stt_settings: stt && {
          provider: stt.oneOf('provider', dialect.sttProviders),
          confidence: stt.number('confidence', { min: 0, max: 1 }),
        },
        livekit_settings: dialect.provider === 'konpro' ? config.livekitSettings : undefined,
        // HeyGen (providers.md §1.2): false (the SDK's default) expects the microphone over a WebSocket we
        // never open; we publish it in the LiveKit room. UNCERTAIN for KonPro, whose docs do not list it.
        ia_is_livekit_transport: dialect.provider === 'heygen' ? true : undefined,
      });
      const body = finish(mapped);
      const baseUrl = baseUrlOf(config);

      const tokenAnswer = await callVendor(http, {
        envelope: dialect.envelope,
        what: 'create_token',
        step: 'prepare',
        url: joinUrl(baseUrl, dialect.serverPaths.createToken),
        headers: { 'x-api-key': config.apiKey },
        body: {},
      });
      const sessionToken = vendorString(tokenAnswer, 'data.token', dialect.envelope.vendor);
      http.redactor.add(sessionToken);

      const answer = await callVendor(http, {
        envelope: dialect.envelope,
        what: 'new',
        step: 'start',
        url: joinUrl(baseUrl, dialect.serverPaths.newSession),
        headers: dialect.newAuth === 'api-key' ? { 'x-api-key': config.apiKey } : { authorization: `Bearer ${sessionToken}` },
        body,
        session: { idOf: (answer, text) => findSessionId(answer, text, 'data.session_id'), stop: (sessionId, stopHttp) => stop({ config, sessionId, http: stopHttp }) },
      });
      const data: Json = isObject(answer.data) ? answer.data : {};
      if (typeof data.access_token === 'string') http.redactor.add(data.access_token);

      return describeOrStop(
        http,
        typeof data.session_id === 'string' ? data.session_id : undefined,
        () => {
          const sessionId = vendorString(data, 'session_id', dialect.envelope.vendor);
          const options: Json = {};
          if (body.disable_idle_timeout === true) options.idleTimeoutDisabled = true;
          else options.idleTimeout = typeof body.activity_idle_timeout === 'number' ? body.activity_idle_timeout : DEFAULT_IDLE_TIMEOUT_S;
          if (typeof data.session_duration_limit === 'number') options.sessionDurationLimit = data.session_duration_limit;
          const description: SessionDescription = {
            provider: dialect.provider,
            sessionId,
            transport: {
              kind: 'livekit',
              url: vendorString(data, 'url', dialect.envelope.vendor),
              token: vendorString(data, 'access_token', dialect.envelope.vendor),
            },
            sessionToken,
            apiBaseUrl: baseUrl,
            options,
          };
          const expires = expiresAt(now, data.session_duration_limit);
          if (expires) description.expiresAt = expires;
          return description;
        },
        (sessionId, stopHttp) => stop({ config, sessionId, http: stopHttp }),
      );
    },
  };
}

/** The server half the registry (server/registry.ts) names. */
export const heygen: Vendor<HeyGenProviderConfig> = heygenFamily(HEYGEN);
