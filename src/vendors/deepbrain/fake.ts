import { DEEPBRAIN_DURATION_UNIT_S } from './server.js';
import { fakeLivekit } from '../../fake-vendor/credentials.js';
import { bearer, check, firstProblem, isObject, json, newId, type Json, type RouteContext } from '../../fake-vendor/http.js';
import type { FakeSession } from '../../fake-vendor/sessions.js';
import type { FakeDeps, FakeVendorModule } from '../../fake-vendor/vendor.js';

/**
 * Fake DeepBrain AI Studios streaming API. Envelope `{code, message, data}`: 1000 success; failures carry
 * the documented code with the matching HTTP status.
 */
export const DEEPBRAIN_CODES = { success: 1000, invalid: 4000, unauthorized: 4010, forbidden: 4030, notFound: 4040, rateLimited: 4290, server: 5000 } as const;
const STATUS_OF: Record<number, number> = { 4000: 400, 4010: 401, 4030: 403, 4040: 404, 4290: 429, 5000: 500 };
const STOP_REASONS = ['USER_CLOSED', 'TIMEOUT', 'ERROR'];
/** The documented example's value, used when the start body sets none. */
const DEFAULT_MAX_SESSION_DURATION = 20;

export function deepbrainFailure(code: number, message: string): Response {
  return json(STATUS_OF[code] ?? 400, { code, message, data: null });
}

export function createDeepbrainFake(deps: FakeDeps): FakeVendorModule {
  const { store, relay } = deps;
  const { appId, userKey } = deps.keys.deepbrain;
  const tokens = new Set<string>();
  const ok = (message: string, data: unknown = null) => json(200, { code: DEEPBRAIN_CODES.success, message, data });
  const invalid = (message: string) => deepbrainFailure(DEEPBRAIN_CODES.invalid, message);
  const notFound = () => deepbrainFailure(DEEPBRAIN_CODES.notFound, 'Session not found');

  function tokenProblem(request: Request): Response | undefined {
    const token = bearer(request);
    if (!token) return deepbrainFailure(DEEPBRAIN_CODES.unauthorized, 'Missing Authorization: Bearer {session_token}');
    return tokens.has(token) ? undefined : deepbrainFailure(DEEPBRAIN_CODES.unauthorized, 'Invalid session token');
  }

  function studioKeyProblem(request: Request): Response | undefined {
    const key = request.headers.get('studio-api-key');
    if (key === null) return deepbrainFailure(DEEPBRAIN_CODES.unauthorized, 'Missing STUDIO-API-KEY header');
    return key === userKey ? undefined : deepbrainFailure(DEEPBRAIN_CODES.unauthorized, 'Invalid STUDIO-API-KEY');
  }

  function greetingOf(session: FakeSession): string | undefined {
    const body = session.body;
    if (body.lip_audio_mode !== undefined && body.lip_audio_mode !== null) return undefined;
    const persona = isObject(body.avatar_persona) ? body.avatar_persona : {};
    const llm = isObject(persona.llm_configurations) ? persona.llm_configurations : {};
    const custom = isObject(llm.custom_settings) ? llm.custom_settings : {};
    const text = body.greeting_text ?? custom.greeting_text;
    return typeof text === 'string' && text ? text : undefined;
  }

  function start(context: RouteContext): Response {
    const denied = tokenProblem(context.request);
    if (denied) return denied;
    const body = isObject(context.body) ? context.body : {};
    const persona = isObject(body.avatar_persona) ? body.avatar_persona : {};
    const llm = isObject(persona.llm_configurations) ? persona.llm_configurations : {};
    const custom = isObject(llm.custom_settings) ? llm.custom_settings : {};
    const problem = firstProblem(
      check.string(body, 'avatar_id', true),
      check.object(body, 'avatar_persona'),
      check.string(persona, 'language'),
      check.object(persona, 'llm_configurations'),
      check.string(llm, 'provider'),
      check.string(llm, 'model'),
      check.number(llm, 'temperature', 0, 2),
      check.object(llm, 'custom_settings'),
      check.string(custom, 'greeting_text'),
      check.string(custom, 'system_prompt'),
      check.number(body, 'max_session_duration', 1, 24 * 60, true),
      check.string(body, 'lip_audio_mode'),
      check.string(body, 'greeting_text'),
    );
    if (problem) return invalid(problem);
    const id = newId('db');
    const session = store.add('deepbrain', id, body, { token: bearer(context.request) });
    session.state = 'started';
    const maxDuration = (body.max_session_duration as number | undefined) ?? DEFAULT_MAX_SESSION_DURATION;
    store.limitDuration(session, maxDuration * DEEPBRAIN_DURATION_UNIT_S);
    const livekit = fakeLivekit(context.wsOrigin, 'deepbrain', id);
    return ok('Session has been started', {
      session_id: id,
      voice_id: 'fake-voice',
      max_session_duration: maxDuration,
      max_session_numbers: 10,
      livekit: { url: livekit.url, room_name: `room-${id}`, token: livekit.token },
    });
  }

  function talk(context: RouteContext, sessionId: string): Response {
    const denied = tokenProblem(context.request);
    if (denied) return denied;
    const session = store.get('deepbrain', sessionId);
    if (!session) return notFound();
    if (session.state === 'closed') return invalid('Session has ended');
    const body = isObject(context.body) ? context.body : {};
    const problem = check.string(body, 'message', true);
    if (problem) return invalid(problem);
    relay.publish(session.id, { type: 'speak', text: body.message as string, taskType: 'talk', taskId: newId('talk') });
    return ok('Message has been sent');
  }

  function stop(context: RouteContext): Response {
    const denied = studioKeyProblem(context.request);
    if (denied) return denied;
    const body: Json = isObject(context.body) ? context.body : {};
    const problem = firstProblem(check.string(body, 'session_id', true), check.oneOf(body, 'reason', STOP_REASONS));
    if (problem) return invalid(problem);
    const session = store.get('deepbrain', body.session_id);
    if (!session) return notFound();
    store.end(session, body.reason === 'TIMEOUT' ? 'timeout' : body.reason === 'ERROR' ? 'error' : 'user');
    return ok('Session has been stopped');
  }

  return {
    name: 'deepbrain',
    route(context) {
      switch (context.path) {
        case '/api/v2/sessions/token': {
          const body = isObject(context.body) ? context.body : {};
          const problem = firstProblem(check.string(body, 'appId', true), check.string(body, 'userKey', true));
          if (problem) return invalid(problem);
          if (body.appId !== appId || body.userKey !== userKey) {
            return deepbrainFailure(DEEPBRAIN_CODES.unauthorized, 'Invalid appId or userKey');
          }
          const token = newId('dbst');
          tokens.add(token);
          return ok('Token has been issued', { session_token: token });
        }
        case '/api/v2/sessions/start':
          return start(context);
        case '/api/v2/sessions/stop':
          return stop(context);
        default: {
          const match = /^\/api\/v2\/sessions\/([^/]+)\/talk$/.exec(context.path);
          return match ? talk(context, decodeURIComponent(match[1]!)) : undefined;
        }
      }
    },
    failure: (status, message) => deepbrainFailure(status === 404 ? DEEPBRAIN_CODES.notFound : DEEPBRAIN_CODES.invalid, message),
    onRelayConnect(session) {
      const greeting = greetingOf(session);
      if (greeting) relay.publish(session.id, { type: 'speak', text: greeting, taskType: 'repeat', taskId: 'greeting' });
    },
  };
}
