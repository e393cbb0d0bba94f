/**
 * `POST <mount>/stop`: a stop with the session's stop token, or, for a create still in flight (the
 * pagehide beacon), with only its requestId. A stop without a valid capability gets one answer, whatever
 * the reason, and makes no vendor call.
 */
import { AvatarError } from '../errors/avatar-error.js';
import { badRequest, jsonResponse } from './errors.js';
import { Core, isGone, VENDORS } from './handler-core.js';
import type { Json } from './http.js';
import type { Redactor } from './redact.js';
import { readProvider, readRequestId, runHook } from './requests.js';
import type { ServerProvider, StopRequest } from './types.js';
import { Fields } from './validation.js';
import type { Vendor } from './vendor.js';

/**
 * The one refusal: unknown, stopped, forged, expired and another session's ids all get it, so the stop
 * route tells a stranger nothing about which ids exist (Akool's are partly sequential).
 */
function refused(core: Core): AvatarError {
  core.warnOnce(
    'stop-refused',
    'a stop without a valid stop token for its session was refused (403). Expected for strangers and replays; if your own pages see it, check that every instance has the same `secret` and that the element passes the create answer\'s stopToken (a custom stopSession must send it).',
  );
  return new AvatarError('token-forbidden', 'This stop is not allowed.', { status: 403 });
}

async function askBeforeStop(core: Core, request: Request, body: StopRequest): Promise<void> {
  if (core.options.beforeStop) await runHook(Promise.resolve(core.options.beforeStop(request, body)), 'beforeStop', body);
}

export async function stopRoute(core: Core, request: Request, raw: Json, redactor: Redactor): Promise<Response> {
  const provider = readProvider(raw);
  const sessionId = new Fields(raw).string('sessionId', { maxLength: 200 });
  const requestId = readRequestId(raw);
  if (raw.stopToken === undefined) {
    // No token: the requestId is the capability (a create answer the page refused, or one still in flight).
    if (requestId) return stopByRequestId(core, request, provider, requestId, redactor, sessionId);
    if (sessionId === undefined) throw badRequest('A stop needs "sessionId" with its "stopToken", or the "requestId" of a create in flight.');
  }

  const claims = await core.tokens.verify(raw.stopToken);
  const valid =
    claims !== undefined &&
    claims.provider === provider &&
    claims.sessionId === sessionId &&
    (requestId === undefined || claims.requestId === requestId) &&
    claims.expiresAt > core.now();
  if (!valid) throw refused(core);
  const record = await core.ledger.get(claims.requestId);
  if (record && (record.state !== 'live' || record.sessionId !== sessionId || record.vendor !== provider)) throw refused(core);
  await askBeforeStop(core, request, { provider, sessionId, requestId: claims.requestId });

  if (record) {
    if (!(await core.stopRecord(record, redactor))) throw refused(core);
  } else {
    // A token this server signed, for a session this store never saw: another instance made it and keeps
    // its own memory. Stopped all the same (once), and said, since stops by requestId cannot work so.
    core.warnOnce(
      'stop-unrecorded',
      'a stop with a valid token named a session this instance has no record of (made by another instance with its own memory?): it was stopped. Give every instance one shared `store` (e.g. redisStore()), or stops by requestId and the caps see only one instance.',
    );
    if (!(await core.ledger.claimUnrecorded(claims.requestId))) throw refused(core);
    const config = core.configOf(provider, redactor);
    const vendor = VENDORS[provider] as Vendor<typeof config>;
    try {
      await vendor.stop({ config, sessionId, http: core.stopHttp(redactor) });
    } catch (error) {
      if (!isGone(error)) throw error;
    }
  }
  return jsonResponse({ provider, sessionId, stopped: true });
}

/**
 * The requestId is the capability (unguessable, known only to the page that made it): the session that
 * create made is stopped now, or as soon as its answer arrives; a create that arrives after it makes no
 * session. Always the same answer, 202: the page that sends it (a beacon) is gone, and a stranger learns nothing.
 */
async function stopByRequestId(
  core: Core,
  request: Request,
  provider: ServerProvider,
  requestId: string,
  redactor: Redactor,
  sessionId?: string,
): Promise<Response> {
  await askBeforeStop(core, request, { provider, requestId, ...(sessionId === undefined ? {} : { sessionId }) });
  // The mark first, then the read: a create that becomes live meanwhile reads the mark after its write.
  // A sessionId means the page had the answer: that create is no longer in flight, so no mark is left.
  if (sessionId === undefined) await core.ledger.askStop(requestId);
  const record = await core.ledger.get(requestId);
  // A sessionId beside the requestId must be that create's: it narrows, never widens, what is stopped.
  if (record?.state === 'live' && record.vendor === provider && (sessionId === undefined || record.sessionId === sessionId)) {
    try {
      await core.stopRecord(record, redactor);
    } catch (error) {
      await core.ledger.expire(record).catch(() => undefined);
      core.log(`${provider}: a stop by requestId could not stop session ${record.sessionId} yet (${error instanceof Error ? error.message : String(error)}); the reaper will retry.`, redactor);
    }
  }
  return jsonResponse({ provider, requestId, stopping: true }, 202);
}
