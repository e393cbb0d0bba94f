/**
 * What we know of HeyGen's streaming API v1 and of KonPro, its clone with slash paths: the one place the
 * browser adapter (vendors/heygen/adapter.ts) and the server (vendors/heygen/server.ts) read them from. Each
 * guess is marked UNCERTAIN with its section in shared/providers.md. The browser bundle includes this
 * file, so it holds only what the browser may know: no key, header or server-only path (`create_token` and
 * `new` stay in vendors/heygen/server.ts).
 */
export interface HeygenFamilyFacts {
  provider: 'heygen' | 'konpro';
  name: string;
  /** Production REST host; tests and the fake vendor override it with `baseUrl`/`apiBaseUrl`. */
  defaultBaseUrl: string;
  /** The calls the browser makes with the session token (and the server's stop). */
  paths: {
    start: string;
    task: string;
    interrupt: string;
    keepAlive: string;
    stop: string;
  };
  /** Envelope codes that mean success. */
  successCodes: readonly number[];
  /** `version` sent to `new`. */
  version: string;
  sttProviders: readonly string[];
  /**
   * The `task_type` each speak mode sends. UNCERTAIN (providers.md §1.3): HeyGen's REST docs say `repeat|chat`
   * but its SDK sends `talk` for the LLM answer, so HeyGen follows the SDK; KonPro documents `repeat|chat`.
   */
  taskTypes: { readonly repeat: string; readonly chat: string };
}

/** The vendor's code for "Session is not in correct state": the session exists but has already ended. */
export const SESSION_NOT_ACTIVE_CODE = 400006;
/** HeyGen's "unauthorized" (seen as HTTP 401 on streaming.new). */
export const UNAUTHORIZED_CODE = 400112;
/** The vendor's idle timeout when none is asked for (docs: 120 s). */
export const DEFAULT_IDLE_TIMEOUT_S = 120;

const dotted = (name: string) => `/v1/streaming.${name}`;
export const pathsOf = (path: (name: string) => string): HeygenFamilyFacts['paths'] => ({
  start: path('start'),
  task: path('task'),
  interrupt: path('interrupt'),
  keepAlive: path('keep_alive'),
  stop: path('stop'),
});

export const HEYGEN_FACTS: HeygenFamilyFacts = {
  provider: 'heygen',
  name: 'HeyGen',
  defaultBaseUrl: 'https://api.heygen.com',
  paths: pathsOf(dotted),
  successCodes: [100],
  // HeyGen's LiveKit flavour.
  version: 'v2',
  sttProviders: ['deepgram', 'gladia'],
  taskTypes: { repeat: 'repeat', chat: 'talk' },
};


/**
 * Whether an envelope's `code` says success: absent (`create_token` answers `{error, data}`) or one of the
 * listed numbers. `""` or `"0"` is not KonPro's 0.
 */
export function hasSuccessCode(body: { code?: unknown }, successCodes: readonly number[]): boolean {
  const { code } = body;
  return code === undefined || code === null || (typeof code === 'number' && successCodes.includes(code));
}
