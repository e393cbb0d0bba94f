/**
 * What we know of DeepBrain AI Studios' v2 sessions API: the one place the browser adapter
 * (vendors/deepbrain/adapter.ts) and the server (vendors/deepbrain/server.ts) read it from. The browser bundle
 * includes this file, so it holds only what the browser may know: no key, header or server-only path
 * (`sessions/token`, `start`, `stop` stay in vendors/deepbrain/server.ts).
 */

/** Production host. UNCERTAIN (providers.md §3.1): the host and `/api/v2` prefix come from one docs page. */
export const DEEPBRAIN_DEFAULT_BASE_URL = 'https://ai-streamer.deepbrain.io';

/** The one call the browser makes (Bearer session token). */
export const DEEPBRAIN_TALK_PATH = (sessionId: string) => `/api/v2/sessions/${encodeURIComponent(sessionId)}/talk`;

/** The envelope `{code, message, data}`: 1000 is success. */
export const DEEPBRAIN_SUCCESS_CODE = 1000;

/** DeepBrain's documented error codes (providers.md §3.5) and what they mean. */
export const DEEPBRAIN_ERROR_MEANINGS: Readonly<Record<number, string>> = {
  4000: 'invalid request',
  4010: 'session token rejected',
  4030: 'forbidden',
  4040: 'session not found',
  4290: 'rate limited',
  5000: 'DeepBrain server error',
};

/**
 * Unit of `max_session_duration`: undocumented; the example value (20) reads like minutes. UNCERTAIN
 * (providers.md §3.2): correct it here if the vendor confirms seconds.
 */
export const DEEPBRAIN_DURATION_UNIT_S = 60;
