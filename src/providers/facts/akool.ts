/**
 * What we know of Akool's Live Avatar API (v4): the one place the browser adapter (providers/akool.ts),
 * the server (server/vendors/akool.ts) and the fake vendor read it from. The browser bundle includes this
 * file, so it holds only what the browser may know: the REST host and paths (server-only) stay in
 * server/vendors/akool.ts.
 */

/** Akool answers HTTP 200 with `{code, msg}`; this code is success, for REST answers and command acks. */
export const AKOOL_SUCCESS_CODE = 1000;

/**
 * Which codes mean a bad key is not on a page we could read. UNCERTAIN (providers.md §4.1): 1101
 * ("invalid authorization / token expired") and 1102 ("authorization cannot be empty") are the commonly
 * seen ones, as are 1003 (parameter error) and 1008 (not found); extend these when more are confirmed.
 */
export const AKOOL_CODES = { invalid: 1003, notFound: 1008, unauthorized: 1101, missingAuth: 1102 } as const;

/** Akool pre-charges the whole duration; it takes at most an hour. */
export const AKOOL_MAX_DURATION_S = 3600;
