import { DEFAULT_IDLE_TIMEOUT_S, HEYGEN_FACTS, SESSION_NOT_ACTIVE_CODE, UNAUTHORIZED_CODE } from './facts.js';
import { fakeLivekit } from '../../fake-vendor/credentials.js';
import { bearer, check, firstProblem, isObject, json, newId, type Json, type RouteContext } from '../../fake-vendor/http.js';
import type { FakeSession } from '../../fake-vendor/sessions.js';
import type { FakeDeps, FakeVendorModule } from '../../fake-vendor/vendor.js';

/**
 * Fake HeyGen Interactive Avatar and KonPro (its clone; only this table differs). Mirrors the documented
 * flow: `create_token` (x-api-key) → one-time session token; `new` (Bearer token, or x-api-key) binds the
 * token to a session; `start` must come before `task`/`interrupt` (else 400006 "Session is not in correct
 * state"); `keep_alive` and tasks reset the `activity_idle_timeout`; `stop` closes.
 */
export interface Dialect {
  vendor: 'heygen' | 'konpro';
  paths: {
    createToken: string;
    newSession: string;
    start: string;
    task: string;
    interrupt: string;
    keepAlive: string;
    stop: string;
    startListening: string;
    stopListening: string;
  };
  /** `version` values `new` accepts (HeyGen: only the LiveKit "v2"; KonPro documents "v1", its default). */
  versions: readonly (string | undefined)[];
  sttProviders: readonly string[];
  /** `task_type` values `task` accepts: exactly what the adapter's facts send (vendors/heygen/facts.ts). */
  taskTypes: readonly string[];
  /** Whether `new` reads HeyGen's SDK-only fields (`avatar_name`, `ia_is_livekit_transport`). */
  sdkFields: boolean;
  /**
   * KonPro: its docs show `new` with `x-api-key` only, so a session token not bound by `new` binds to the
   * first session it drives (one session per token). UNCERTAIN (providers.md §2.1): a guess at how the
   * browser's Bearer token then works.
   */
  bindOnFirstUse: boolean;
  /** How the vendor wraps a failure. */
  failure(status: number, code: number, message: string): Response;
}

/**
 * HeyGen's codes as seen in public threads: 100 success, 400112 unauthorized (HTTP 401), 400006 for both
 * "Invalid params" and "Session is not in correct state". The code for an unknown session is not
 * documented (UNCERTAIN): 400006 with HTTP 404.
 */
export const HEYGEN_CODES = { success: HEYGEN_FACTS.successCodes[0]!, unauthorized: UNAUTHORIZED_CODE, invalid: SESSION_NOT_ACTIVE_CODE } as const;

export const dotPaths = (separator: string) => ({
  createToken: `/v1/streaming${separator}create_token`,
  newSession: `/v1/streaming${separator}new`,
  start: `/v1/streaming${separator}start`,
  task: `/v1/streaming${separator}task`,
  interrupt: `/v1/streaming${separator}interrupt`,
  keepAlive: `/v1/streaming${separator}keep_alive`,
  stop: `/v1/streaming${separator}stop`,
  startListening: `/v1/streaming${separator}start_listening`,
  stopListening: `/v1/streaming${separator}stop_listening`,
});

export const FAKE_HEYGEN: Dialect = {
  vendor: 'heygen',
  paths: dotPaths('.'),
  versions: ['v2'],
  sttProviders: ['deepgram', 'gladia'],
  // The SDK sends talk|repeat; whether `chat` is still accepted is UNCERTAIN (providers.md §1.3).
  taskTypes: ['talk', 'repeat'],
  sdkFields: true,
  bindOnFirstUse: false,
  failure: (status, code, message) => json(status, { code, message, data: null }),
};


interface TokenState {
  sessionId?: string;
}

export function createHeygenFake(deps: FakeDeps, dialect: Dialect): FakeVendorModule {
  const { store, relay } = deps;
  const apiKey = deps.keys[dialect.vendor];
  const tokens = new Map<string, TokenState>();
  const ok = (data: unknown) => json(200, { code: HEYGEN_CODES.success, message: 'success', data });
  const unauthorized = (message: string) => dialect.failure(401, HEYGEN_CODES.unauthorized, message);
  const invalid = (message: string) => dialect.failure(400, HEYGEN_CODES.invalid, `Invalid params: ${message}`);
  const wrongState = () => dialect.failure(400, HEYGEN_CODES.invalid, 'Session is not in correct state');

  /** Who is calling: the account (x-api-key) or a session token; a Response when neither is valid. */
  function caller(request: Request): { account: true } | { token: string; state: TokenState } | Response {
    const key = request.headers.get('x-api-key');
    if (key !== null) return key === apiKey ? { account: true } : unauthorized('Invalid API key');
    const token = bearer(request);
    if (!token) return unauthorized('Missing x-api-key or Authorization header');
    const state = tokens.get(token);
    return state ? { token, state } : unauthorized('Invalid session token');
  }

  /** The session a command names, checked against the caller; a Response when it cannot be used. */
  function sessionFor(context: RouteContext): FakeSession | Response {
    const who = caller(context.request);
    if (who instanceof Response) return who;
    const body = isObject(context.body) ? context.body : {};
    const problem = check.string(body, 'session_id', true);
    if (problem) return invalid(problem);
    const session = store.get(dialect.vendor, body.session_id);
    if ('token' in who && dialect.bindOnFirstUse && who.state.sessionId === undefined && session && session.token === undefined) {
      who.state.sessionId = session.id;
      session.token = who.token;
    }
    if ('token' in who && who.state.sessionId !== body.session_id) {
      return session ? unauthorized('The session token does not belong to this session') : dialect.failure(404, HEYGEN_CODES.invalid, 'Session not found');
    }
    return session ?? dialect.failure(404, HEYGEN_CODES.invalid, 'Session not found');
  }

  function validateNew(body: Json): string | undefined {
    const voice = isObject(body.voice) ? body.voice : {};
    const stt = isObject(body.stt_settings) ? body.stt_settings : {};
    return firstProblem(
      dialect.versions.includes(body.version as string | undefined)
        ? undefined
        : `version must be ${dialect.versions.filter(Boolean).join(' or ')} (got ${JSON.stringify(body.version)})`,
      check.string(body, 'avatar_id'),
      dialect.sdkFields ? check.string(body, 'avatar_name') : undefined,
      dialect.sdkFields ? check.oneOf(body, 'ia_is_livekit_transport', [true, false]) : undefined,
      check.oneOf(body, 'quality', ['high', 'medium', 'low']),
      check.oneOf(body, 'video_encoding', ['H264', 'VP8']),
      check.string(body, 'knowledge_base'),
      check.string(body, 'knowledge_base_id'),
      check.string(body, 'language'),
      check.number(body, 'activity_idle_timeout', 30, 3600, true),
      check.oneOf(body, 'disable_idle_timeout', [true, false]),
      check.object(body, 'voice'),
      check.string(voice, 'voice_id'),
      check.number(voice, 'rate', 0.5, 1.5),
      typeof voice.emotion === 'string' && !['excited', 'serious', 'friendly', 'soothing', 'broadcaster'].includes(voice.emotion.toLowerCase())
        ? 'voice.emotion is not a known emotion'
        : undefined,
      check.object(body, 'stt_settings'),
      check.oneOf(stt, 'provider', dialect.sttProviders),
      check.number(stt, 'confidence', 0, 1),
    );
  }

  const { paths } = dialect;
  const routes: Record<string, (context: RouteContext) => Response> = {
    [paths.createToken]({ request }) {
      const key = request.headers.get('x-api-key');
      if (key !== apiKey) {
        const message = key === null ? 'Missing x-api-key header' : 'Invalid API key';
        // create_token answers `{error, data}` (both vendors' docs show `{error: null, data: {token}}`).
        return json(401, { error: { code: HEYGEN_CODES.unauthorized, message }, data: null });
      }
      const token = newId(`${dialect.vendor}_st`);
      tokens.set(token, {});
      return json(200, { error: null, data: { token } });
    },

    [paths.newSession](context) {
      const who = caller(context.request);
      if (who instanceof Response) return who;
      if ('token' in who && who.state.sessionId !== undefined) return unauthorized('Session token has already been used');
      const body = isObject(context.body) ? context.body : {};
      const problem = validateNew(body);
      if (problem) return invalid(problem);

      const id = crypto.randomUUID();
      const idle = body.disable_idle_timeout === true ? undefined : ((body.activity_idle_timeout as number | undefined) ?? DEFAULT_IDLE_TIMEOUT_S);
      const session = store.add(dialect.vendor, id, body, { idleTimeoutS: idle, token: 'token' in who ? who.token : undefined });
      if ('token' in who) who.state.sessionId = id;
      store.touch(session);
      store.limitDuration(session, deps.sessionDurationLimitS);
      const livekit = fakeLivekit(context.wsOrigin, dialect.vendor, id);
      return ok({
        session_id: id,
        url: livekit.url,
        access_token: livekit.token,
        session_duration_limit: deps.sessionDurationLimitS,
        is_paid: false,
        sdp: null,
        ice_servers: null,
        ice_servers2: null,
        realtime_endpoint: null,
      });
    },

    [paths.start](context) {
      const session = sessionFor(context);
      if (session instanceof Response) return session;
      if (session.state !== 'new') return wrongState();
      session.state = 'started';
      store.touch(session);
      return ok(dialect.vendor === 'konpro' ? { status: 'success' } : null);
    },

    [paths.task](context) {
      const session = sessionFor(context);
      if (session instanceof Response) return session;
      if (session.state !== 'started') return wrongState();
      const body = context.body as Json;
      const problem = firstProblem(
        check.string(body, 'text', true),
        check.oneOf(body, 'task_type', dialect.taskTypes),
        check.oneOf(body, 'task_mode', ['sync', 'async']),
      );
      if (problem) return invalid(problem);
      const taskId = newId('task');
      const taskType = (body.task_type as 'repeat' | 'chat' | 'talk' | undefined) ?? (dialect.vendor === 'heygen' ? 'talk' : 'repeat');
      relay.publish(session.id, { type: 'speak', text: body.text as string, taskType, taskId });
      store.touch(session);
      // A rough speaking time, as the sync answer carries one.
      return ok({ task_id: taskId, duration_ms: Math.max(500, (body.text as string).length * 60) });
    },

    [paths.interrupt](context) {
      const session = sessionFor(context);
      if (session instanceof Response) return session;
      if (session.state !== 'started') return wrongState();
      relay.publish(session.id, { type: 'interrupt' });
      return ok(null);
    },

    [paths.keepAlive](context) {
      const session = sessionFor(context);
      if (session instanceof Response) return session;
      if (session.state === 'closed') return wrongState();
      store.touch(session);
      return json(200, { code: HEYGEN_CODES.success, message: 'success' });
    },

    [paths.startListening]: (context) => listening(context),
    [paths.stopListening]: (context) => listening(context),

    [paths.stop](context) {
      const session = sessionFor(context);
      if (session instanceof Response) return session;
      if (session.state === 'closed') return wrongState();
      store.end(session, 'user');
      return ok(dialect.vendor === 'konpro' ? { status: 'success' } : null);
    },
  };

  function listening(context: RouteContext): Response {
    const session = sessionFor(context);
    if (session instanceof Response) return session;
    return session.state === 'started' ? ok(null) : wrongState();
  }

  return {
    name: dialect.vendor,
    route: (context) => routes[context.path]?.(context),
    failure: (status, message) => dialect.failure(status, HEYGEN_CODES.invalid, message),
  };
}

export const createHeygenVendorFake = (deps: FakeDeps): FakeVendorModule => createHeygenFake(deps, FAKE_HEYGEN);
