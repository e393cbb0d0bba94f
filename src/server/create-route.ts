/** `POST <mount>`: the page's request through the cost policy and hooks, into the ledger, to the vendor. */
import { AvatarError } from '../errors/avatar-error.js';
import type { SessionDescription } from '../session/session-description.js';
import type { SessionRequest } from '../session/session-types.js';
import { base64url } from './base64.js';
import { clientAddress } from './client-address.js';
import { badRequest, jsonResponse } from './errors.js';
import { CAPACITY_RETRY_S, Core, TOKEN_GRACE_MS, VENDORS, type WaitUntil } from './handler-core.js';
import { clientGone, isObject, VendorError, type Json } from './http.js';
import { CapacityReached, RequestIdUsed, StoppedBeforeCreate, type SessionRecord } from './ledger.js';
import { checkPage, checkStrings, droppedReason, withDefaults, type SitePolicy } from './policy.js';
import type { Redactor } from './redact.js';
import { readProvider, readRequestId, runHook } from './requests.js';
import type { ServerSessionRequest } from './types.js';
import { Fields, mergeVendorFields } from './validation.js';
import type { Vendor } from './vendor.js';

const encoder = new TextEncoder();

/** A client's identity as the ledger stores it: hashed, so no address or user id sits in the store. */
async function clientKey(client: string | undefined): Promise<string | undefined> {
  if (!client) return undefined;
  const digest = await globalThis.crypto.subtle.digest('SHA-256', encoder.encode(client));
  return base64url(new Uint8Array(digest).subarray(0, 16));
}

/** The page's body, as the policy of its provider leaves it, with the site's defaults under it. */
function policyChecked(core: Core, raw: Json): SessionRequest {
  const provider = readProvider(raw);
  const { requestId: _requestId, ...page } = raw;
  const site: SitePolicy = core.providers[provider] ?? {};
  const policy = VENDORS[provider].policy;
  const { body, dropped } = checkPage(page, policy, site, provider);
  if (dropped.length > 0 && core.options.strict) {
    throw badRequest(`${dropped.map((path) => droppedReason(policy, provider, path)).join('; ')}.`);
  }
  for (const path of dropped) {
    core.warnOnce(`dropped:${provider}:${path}`, `${provider}: dropped a page's field: ${droppedReason(policy, provider, path)}.`);
  }
  return withDefaults(site.defaults, body) as SessionRequest;
}

/** Creates the vendor session; every outcome after the ledger entry either answers it or stops it. */
export async function createRoute(core: Core, request: Request, raw: Json, redactor: Redactor, signal: AbortSignal | undefined, waitUntil: WaitUntil | undefined): Promise<Response> {
  const requestId = readRequestId(raw) ?? globalThis.crypto.randomUUID();
  let body: ServerSessionRequest = policyChecked(core, raw);
  if (core.options.beforeCreate) body = await runHook(Promise.resolve(core.options.beforeCreate(request, body)), 'beforeCreate', body);
  const provider = readProvider(body as Json);
  const config = core.configOf(provider, redactor);
  const { vendorFields: fromHook, clientId, ...sessionRequest } = body;
  const vendorFields = [config.vendorFields, fromHook].reduce<Json | undefined>((merged, extra) => (isObject(extra) ? { ...merged, ...extra } : merged), undefined);
  redactor.addNamedIn(vendorFields);
  const vendor = VENDORS[provider] as Vendor<typeof config>;

  const client = await clientKey(typeof clientId === 'string' && clientId ? clientId : clientAddress(request));
  const perClient = core.options.maxSessionsPerClient;
  if (perClient !== undefined && !client) {
    core.warnOnce('no-client', 'maxSessionsPerClient: a create had no client identity (no clientAddress from toNodeHandler, no clientId from beforeCreate), so that cap did not apply to it.');
  }
  let record: SessionRecord;
  try {
    record = await core.ledger.begin({ vendor: provider, requestId, client, caps: { vendor: core.capOf(provider), client: perClient } });
  } catch (error) {
    if (error instanceof CapacityReached) {
      core.warnOnce(`capacity:${error.scope}`, `${error.scope === 'vendor' ? `maxConcurrentSessions (${provider})` : 'maxSessionsPerClient'} reached: creates answer 429 capacity until a session ends.`);
      throw new VendorError('capacity', 'All avatars are busy; try again in a minute.', { status: 429, retryAfter: CAPACITY_RETRY_S });
    }
    if (error instanceof RequestIdUsed) throw badRequest('"requestId" has already made a session; make a new one for each create.');
    if (error instanceof StoppedBeforeCreate) throw new AvatarError('aborted', 'This request was stopped before it arrived; no session was made.', { status: 499 });
    throw error;
  }

  // A create call past the timeout is still read in the background: the record is settled when that ends
  // (stopped if a session came, else failed), so its slots stay held while a session may still appear.
  const http = core.createHttp(redactor, record, signal, waitUntil);
  let late = false;
  const background = http.background!;
  http.background = (task) => {
    late = true;
    background(task.finally(() => core.ledger.failed(record)));
  };
  let description: SessionDescription;
  try {
    description = await vendor.create({
      config,
      fields: new Fields(sessionRequest as Json),
      finish: (mapped) => {
        const final = mergeVendorFields(mapped, vendorFields);
        for (const note of vendor.policy.bound(final, core.limits)) core.warnOnce(`bound:${provider}:${note}`, `${provider}: ${note}.`);
        checkStrings(final);
        return final;
      },
      limits: core.limits,
      // A client that leaves stops what is still to come (no further vendor call, no session).
      http,
      now: core.now(),
    });
  } catch (error) {
    if (!late) await core.ledger.failed(record);
    throw error;
  }

  try {
    // The session ends at the vendor's limit or maxDurationS, whichever is first (the reaper holds it to that).
    const vendorEnd = description.expiresAt ? Date.parse(description.expiresAt) : NaN;
    const end = Math.min(Number.isFinite(vendorEnd) ? vendorEnd : Infinity, core.now() + core.limits.maxDurationS * 1000);
    description.expiresAt = new Date(end).toISOString();
    if (await core.ledger.live(record, description.sessionId, end)) {
      throw new AvatarError('aborted', 'The page stopped this request while its session was being made; the session was stopped.', { status: 499 });
    }
    description.stopToken = await core.tokens.sign({ provider, sessionId: description.sessionId, requestId, expiresAt: end + TOKEN_GRACE_MS });
    if (core.options.afterCreate) await core.options.afterCreate(request, description);
    if (signal?.aborted) throw clientGone();
    return jsonResponse(description);
  } catch (error) {
    // Nobody will get this session: stop it rather than let it run (and bill) until it times out.
    if (record.state === 'creating') Object.assign(record, { state: 'live', sessionId: description.sessionId });
    await core.stopRecord(record, redactor).catch((stopError: unknown) => {
      void core.ledger.expire(record).catch(() => undefined);
      core.log(`${provider}: session ${description.sessionId} could not be stopped after a failed answer (${stopError instanceof Error ? stopError.message : String(stopError)}); the reaper will retry.`, redactor);
    });
    throw error;
  }
}
