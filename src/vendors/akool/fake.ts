import { AKOOL_CODES as FACT_CODES, AKOOL_MAX_DURATION_S, AKOOL_SUCCESS_CODE } from './facts.js';
import { FAKE_AKOOL_AVATAR_IDENTITY, fakeAgora, fakeLivekit, fakeTrtc } from '../../fake-vendor/credentials.js';
import { bearer, check, firstProblem, isObject, json, newId, type Json, type RouteContext } from '../../fake-vendor/http.js';
import type { FakeDeps, FakeVendorModule } from '../../fake-vendor/vendor.js';

/**
 * Fake Akool Live Avatar. Akool answers HTTP 200 even for failures, with `{code, msg}`; 1000 is success.
 * Failure codes (UNCERTAIN, commonly seen): 1003 parameter error, 1008 not found, 1101 invalid
 * authorization, 1102 authorization missing.
 */
export const AKOOL_CODES = { success: AKOOL_SUCCESS_CODE, ...FACT_CODES } as const;
const MAX_DURATION_S = AKOOL_MAX_DURATION_S;
const DEFAULT_DURATION_S = 600;

export function akoolFailure(code: number, msg: string): Response {
  return json(200, { code, msg });
}

export function createAkoolFake(deps: FakeDeps): FakeVendorModule {
  const { store } = deps;
  const ok = (data: unknown) => json(200, { code: AKOOL_CODES.success, msg: 'OK', data });

  /** The docs: a Bearer value wins over x-api-key when both are sent. */
  function authProblem(request: Request): Response | undefined {
    const key = bearer(request) ?? request.headers.get('x-api-key');
    if (key === null || key === undefined || key === '') return akoolFailure(AKOOL_CODES.missingAuth, 'Authorization cannot be empty');
    return key === deps.keys.akool ? undefined : akoolFailure(AKOOL_CODES.unauthorized, 'Invalid authorization or the request token has expired');
  }

  function credentialsFor(streamType: string, sessionId: string, context: RouteContext): Json {
    switch (streamType) {
      case 'livekit': {
        const livekit = fakeLivekit(context.wsOrigin, 'akool', sessionId);
        return {
          livekit_url: livekit.url,
          livekit_token: livekit.token,
          livekit_room_name: `room-${sessionId}`,
          livekit_client_identity: `user-${sessionId}`,
          livekit_server_identity: FAKE_AKOOL_AVATAR_IDENTITY,
        };
      }
      case 'trtc': {
        const trtc = fakeTrtc(sessionId);
        const prefix = deps.akoolTrtcFields === 'openapi' ? 'trtc_sdk_' : 'trtc_';
        return {
          [`${prefix}app_id`]: trtc.sdkAppId,
          [`${prefix}room_id`]: trtc.roomId,
          [`${prefix}user_id`]: trtc.userId,
          [`${prefix}user_sig`]: trtc.userSig,
        };
      }
      default: {
        const agora = fakeAgora(sessionId);
        return { agora_uid: agora.uid, agora_app_id: agora.appId, agora_channel: agora.channel, agora_token: agora.token };
      }
    }
  }

  function create(context: RouteContext): Response {
    const denied = authProblem(context.request);
    if (denied) return denied;
    const body = isObject(context.body) ? context.body : {};
    const params = isObject(body.voice_params) ? body.voice_params : {};
    const problem = firstProblem(
      check.string(body, 'avatar_id', true),
      check.number(body, 'duration', 1, MAX_DURATION_S),
      check.oneOf(body, 'mode_type', [1, 2]),
      check.oneOf(body, 'stream_type', ['agora', 'livekit', 'trtc']),
      check.string(body, 'voice_id'),
      check.string(body, 'voice_url'),
      check.string(body, 'language'),
      check.string(body, 'knowledge_id'),
      check.string(body, 'background_url'),
      check.object(body, 'voice_params'),
      check.number(params, 'speed', 0.8, 1.2),
    );
    if (problem) return akoolFailure(AKOOL_CODES.invalid, problem);
    const id = newId('ak').slice(0, 27);
    const streamType = (body.stream_type as string | undefined) ?? 'agora';
    const session = store.add('akool', id, body);
    session.state = 'started';
    store.limitDuration(session, (body.duration as number | undefined) ?? DEFAULT_DURATION_S);
    return ok({ _id: id, uid: 1, type: 1, status: 1, stream_type: streamType, credentials: credentialsFor(streamType, id, context) });
  }

  function close(context: RouteContext): Response {
    const denied = authProblem(context.request);
    if (denied) return denied;
    const body = isObject(context.body) ? context.body : {};
    const problem = check.string(body, 'id', true);
    if (problem) return akoolFailure(AKOOL_CODES.invalid, problem);
    const session = store.get('akool', body.id);
    if (!session) return akoolFailure(AKOOL_CODES.notFound, 'Session not found');
    store.end(session, 'user');
    return ok(null);
  }

  return {
    name: 'akool',
    route(context) {
      if (context.path === '/api/open/v4/liveAvatar/session/create') return create(context);
      if (context.path === '/api/open/v4/liveAvatar/session/close') return close(context);
      return undefined;
    },
    // Unlike REST failures, the relay is ours: a real 404 lets the page's EventSource stop retrying.
    failure: (status, message) => json(status, { code: status === 404 ? AKOOL_CODES.notFound : AKOOL_CODES.invalid, msg: message }),
  };
}
