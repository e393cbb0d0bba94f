/**
 * What we know of Akool's Live Avatar API (v4): the one place the browser adapter (vendors/akool/adapter.ts),
 * the server (vendors/akool/server.ts) and the fake vendor read it from. The browser bundle includes this
 * file, so it holds only what the browser may know: the REST host and paths (server-only) stay in
 * vendors/akool/server.ts.
 */

/** Akool answers HTTP 200 with `{code, msg}`; this code is success, for REST answers and command acks. */
export const AKOOL_SUCCESS_CODE = 1000;

/**
 * Which codes mean what. UNCERTAIN: none of 1101 ("invalid authorization / token expired"), 1102
 * ("authorization cannot be empty"), 1003 (parameter error) or 1008 (not found) is on any page we read
 * (providers.md names only 1000); they are the commonly seen ones. Extend these when more are confirmed.
 */
export const AKOOL_CODES = { invalid: 1003, notFound: 1008, unauthorized: 1101, missingAuth: 1102 } as const;

/** Akool pre-charges the whole duration; it takes at most an hour. */
export const AKOOL_MAX_DURATION_S = 3600;

/**
 * Bytes per second the data stream takes, by transport. Agora: 6 KB/s (its documented limit). TRTC: its SDK
 * allows 8,000 B per fixed 1-second window but counts a message's size before the check, so 960-byte
 * chunks at 8,000 B/s put a 9th message in the first window, which fails; 6,000 B/s plus one message stays
 * under 8,000. LiveKit: UNCERTAIN, no Akool limit is documented; Akool's demo paces it like Agora.
 */
export const AKOOL_BYTES_PER_SECOND: Readonly<Record<string, number>> = { agora: 6000, livekit: 6000, trtc: 6000 };
/** Any other transport (the local loopback): Agora's rate, the strictest documented. */
export const AKOOL_DEFAULT_BYTES_PER_SECOND = 6000;

/**
 * Shortest gap between two messages, whatever their size. TRTC's SDK takes 30 custom messages per fixed
 * 1-second window; Agora also counts messages (too many forces a reconnection) but documents no number:
 * UNCERTAIN, under 30 per second is our guess for it.
 */
export const AKOOL_MIN_MESSAGE_GAP_MS = 35;

/**
 * `set-params` right after joining may find the data stream not ready yet: retry that many times, that
 * far apart (UNCERTAIN: Akool's demo does 3 × 100 ms; no page says when the stream is ready).
 */
export const AKOOL_SET_PARAMS_RETRIES = 3;
export const AKOOL_SET_PARAMS_RETRY_MS = 100;

/**
 * How to read a bot/user `chat` message without `idx` and `fin`. UNCERTAIN (providers.md §4.5): whether
 * Akool sends them at all is not documented, and Akool's demo appends text per `mid`. So we take such
 * messages as pieces of one streamed text: appended per `mid`, reported as not final, and final when the
 * speaker's text is over: `audio_end` for the bot, `audio_start` (the avatar answers) for the user, or a
 * new `mid` from the same speaker. `false` would take each such message as whole and final.
 */
export const AKOOL_UNMARKED_CHAT_IS_STREAMED = true;
