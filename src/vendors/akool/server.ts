import { AvatarError } from '../../errors/avatar-error.js';
import { AKOOL_CODES, AKOOL_MAX_DURATION_S, AKOOL_SUCCESS_CODE } from './facts.js';
import type { SessionDescription } from '../../session/session-description.js';
import type { TransportCredentials } from '../../transports/transport.js';
import { callVendor, findSessionId, isObject, joinUrl, vendorString, type Envelope, type Json } from '../../server/http.js';
import type { ApiKeyProviderConfig } from '../../server/types.js';
import { compact, type Fields } from '../../server/validation.js';
import { elevenlabsSettings } from '../../server/elevenlabs.js';
import { describeOrStop, expiresAt, requireSecret, type Vendor } from '../../server/vendor.js';
import { AKOOL_POLICY, type AkoolField } from './policy.js';

export interface AkoolProviderConfig extends ApiKeyProviderConfig<AkoolField> {
  /** Session length in seconds when none is set (`defaults.duration` wins). Default 600; at most `maxDurationS`. */
  defaultDuration?: number;
}

/**
 * Akool Live Avatar. The server creates the session with the API key and hands the browser only RTC
 * credentials for the transport the page chose (`streamType`: agora, livekit or trtc). There is no browser
 * token: closing needs the API key, so only the server can do it.
 */
const DEFAULT_BASE_URL = 'https://openapi.akool.com';
const PATHS = { create: '/api/open/v4/liveAvatar/session/create', close: '/api/open/v4/liveAvatar/session/close' };
const STREAM_TYPES = ['agora', 'livekit', 'trtc'] as const;
type StreamType = (typeof STREAM_TYPES)[number];
/** Akool pre-charges the whole duration, so the server always asks for a bounded one. */
const DEFAULT_DURATION_S = 600;
/** Session `status` 4 means the vendor could not start it (documented). */
const STATUS_FAILED = 4;

/** Akool's `{code, msg}` envelope (codes in facts/akool.ts). */
const ENVELOPE: Envelope = {
  vendor: 'Akool',
  isSuccess: (body) => isObject(body) && Number(body.code) === AKOOL_SUCCESS_CODE,
  codes: { [AKOOL_CODES.unauthorized]: 'vendor-unauthorized', [AKOOL_CODES.missingAuth]: 'vendor-unauthorized' },
};

/** The TRTC credential names differ between the vendor's demo and its OpenAPI page (UNCERTAIN): take either. */
function trtcField(credentials: Json, name: 'app_id' | 'room_id' | 'user_id' | 'user_sig'): unknown {
  return credentials[`trtc_${name}`] ?? credentials[`trtc_sdk_${name}`];
}

function transportOf(streamType: StreamType, credentials: Json): TransportCredentials {
  const missing = (field: string) => new AvatarError('vendor-error', `Akool answered without credentials.${field}.`);
  switch (streamType) {
    case 'agora': {
      const uid = credentials.agora_uid;
      if (typeof uid !== 'number' && typeof uid !== 'string') throw missing('agora_uid');
      const token = credentials.agora_token;
      return {
        kind: 'agora',
        appId: vendorString(credentials, 'agora_app_id', 'Akool'),
        channel: vendorString(credentials, 'agora_channel', 'Akool'),
        token: typeof token === 'string' && token ? token : null,
        uid,
      };
    }
    case 'livekit': {
      const transport: TransportCredentials = {
        kind: 'livekit',
        url: vendorString(credentials, 'livekit_url', 'Akool'),
        token: vendorString(credentials, 'livekit_token', 'Akool'),
      };
      // The avatar's identity, inferred from the field name (UNCERTAIN).
      if (typeof credentials.livekit_server_identity === 'string' && credentials.livekit_server_identity) {
        transport.avatarIdentity = credentials.livekit_server_identity;
      }
      return transport;
    }
    case 'trtc': {
      const sdkAppId = Number(trtcField(credentials, 'app_id'));
      if (!Number.isInteger(sdkAppId) || sdkAppId <= 0) throw missing('trtc_app_id');
      const roomId = trtcField(credentials, 'room_id');
      if ((typeof roomId !== 'string' && typeof roomId !== 'number') || roomId === '') throw missing('trtc_room_id');
      const userId = trtcField(credentials, 'user_id');
      const userSig = trtcField(credentials, 'user_sig');
      if (typeof userId !== 'string' || !userId) throw missing('trtc_user_id');
      if (typeof userSig !== 'string' || !userSig) throw missing('trtc_user_sig');
      // A string room id joins with `strRoomId`; Akool's are strings.
      return { kind: 'trtc', sdkAppId, roomId: String(roomId), userId, userSig };
    }
  }
}

function voiceParams(fields: Fields) {
  const params = fields.object('voiceParams');
  const turn = params?.object('turnDetection');
  return {
    speed: params?.number('speed', { min: 0.8, max: 1.2 }) ?? fields.object('voice')?.number('rate', { min: 0.8, max: 1.2 }),
    stt_language: params?.string('sttLanguage', { maxLength: 35 }),
    stt_type: params?.string('sttType', { maxLength: 50 }),
    pron_map: params?.stringMap('pronMap'),
    turn_detection: turn && {
      type: turn.oneOf('type', ['server_vad', 'semantic_vad'] as const),
      threshold: turn.number('threshold', { min: 0, max: 1 }),
      prefix_padding_ms: turn.number('prefixPaddingMs', { min: 0, max: 10000, integer: true }),
      silence_duration_ms: turn.number('silenceDurationMs', { min: 0, max: 10000, integer: true }),
    },
    elevenlabs_settings: elevenlabsSettings(fields.object('elevenlabsSettings')),
  };
}

function redactCredentials(http: { redactor: { add(secret: string | undefined): void } }, credentials: Json): void {
  for (const key of ['agora_token', 'livekit_token', 'trtc_user_sig', 'trtc_sdk_user_sig']) {
    const value = credentials[key];
    if (typeof value === 'string') http.redactor.add(value);
  }
}

export const akool: Vendor<AkoolProviderConfig> = {
  secrets: (config) => [requireSecret('akool', config, 'apiKey')],
  policy: AKOOL_POLICY,

  async stop({ config, sessionId, http }) {
    await callVendor(http, {
      envelope: ENVELOPE,
      what: 'session/close',
      url: joinUrl(config.baseUrl ?? DEFAULT_BASE_URL, PATHS.close),
      headers: { 'x-api-key': config.apiKey },
      body: { id: sessionId },
    });
  },

  async create({ config, fields, finish, http, now }) {
    const streamType = fields.oneOf('streamType', STREAM_TYPES) ?? 'agora';
    // AKOOL_POLICY bounds `duration` by maxDurationS.
    const body = finish(
      compact({
        avatar_id: fields.string('avatarId', { required: true, maxLength: 200 }),
        duration: fields.number('duration', { min: 1, max: AKOOL_MAX_DURATION_S }) ?? config.defaultDuration ?? DEFAULT_DURATION_S,
        voice_id: fields.object('voice')?.string('voiceId', { maxLength: 200 }),
        voice_url: fields.string('voiceUrl', { maxLength: 2000 }),
        language: fields.string('language', { maxLength: 35 }),
        mode_type: fields.oneOf('modeType', [1, 2] as const) ?? 2,
        knowledge_id: fields.string('knowledgeId', { maxLength: 200 }),
        background_url: fields.string('backgroundUrl', { maxLength: 2000 }),
        voice_params: voiceParams(fields),
        stream_type: streamType,
      }),
    );

    const answer = await callVendor(http, {
      envelope: ENVELOPE,
      what: 'session/create',
      step: 'start',
      url: joinUrl(config.baseUrl ?? DEFAULT_BASE_URL, PATHS.create),
      headers: { 'x-api-key': config.apiKey },
      body,
      session: { idOf: (answer, text) => findSessionId(answer, text, 'data._id'), stop: (sessionId, stopHttp) => akool.stop({ config, sessionId, http: stopHttp }) },
    });
    const data: Json = isObject(answer.data) ? answer.data : {};
    const credentials: Json = isObject(data.credentials) ? data.credentials : {};
    redactCredentials(http, credentials);

    return describeOrStop(
      http,
      typeof data._id === 'string' ? data._id : undefined,
      () => {
        const sessionId = vendorString(data, '_id', ENVELOPE.vendor);
        if (data.status === STATUS_FAILED) {
          throw new AvatarError('vendor-error', `Akool could not start session ${sessionId} (status ${STATUS_FAILED}).`, {
            vendorBody: http.redactor.value(answer),
          });
        }
        const used = STREAM_TYPES.find((type) => type === data.stream_type) ?? (body.stream_type as StreamType);
        const options: Json = { modeType: body.mode_type, duration: body.duration };
        if (body.language !== undefined) options.language = body.language;
        // With the customer's own ElevenLabs voice, the create call has set the voice already. The browser's
        // set-params would re-send it without the key (stripped below), and Akool may replace voice params
        // on set-params (UNCERTAIN: not documented): the key would be lost mid-session. So the browser gets no voice.
        const ownVoice = isObject(body.voice_params) && body.voice_params.elevenlabs_settings !== undefined;
        if (body.voice_id !== undefined && !ownVoice) options.voiceId = body.voice_id;
        if (body.voice_url !== undefined) options.voiceUrl = body.voice_url;
        if (body.background_url !== undefined) options.backgroundUrl = body.background_url;
        // The vendor's own spelling: the browser sends it unchanged as set-params `vparams`. Never a key.
        if (isObject(body.voice_params) && !ownVoice) options.voiceParams = http.redactor.strip(body.voice_params);
        const description: SessionDescription = {
          provider: 'akool',
          sessionId,
          transport: transportOf(used, credentials),
          options,
        };
        const expires = expiresAt(now, body.duration);
        if (expires) description.expiresAt = expires;
        return description;
      },
      (sessionId, stopHttp) => akool.stop({ config, sessionId, http: stopHttp }),
    );
  },
};
