import { AvatarError, reasonOf, type AvatarErrorCode } from '../errors/avatar-error.js';
import type { Redactor } from './redact.js';

/**
 * The one place that talks HTTP to vendors: timeout, JSON parsing, the vendor's envelope (a 200 whose
 * `code` says failure is a failure), and the mapping of vendor failures to the shared error codes.
 */

export type Json = Record<string, unknown>;

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** How one vendor wraps its answers. */
export interface Envelope {
  /** Display name used in messages ("HeyGen"). */
  vendor: string;
  /** Whether a 2xx body is a success (vendors answer 200 with an error `code`). */
  isSuccess(body: unknown): boolean;
  /** Envelope codes that mean something more specific than "the vendor said no". */
  codes?: Readonly<Record<number, AvatarErrorCode>>;
}

export interface VendorHttp {
  fetch: typeof fetch;
  timeoutMs: number;
  redactor: Redactor;
  /** The browser's request signal: aborted when the client went away (Node adapter, Next.js, Deno, Bun). */
  signal?: AbortSignal;
  /**
   * A create call's answer was not usable but a session may exist (a late answer, HTML, an error code
   * with an id, a body that does not parse): the handler records it and stops it (`sessionId` undefined:
   * none could be found, only logged). Without it the session is stopped directly.
   */
  orphan?(sessionId: string | undefined, stop: StopWith, why: string): Promise<void>;
  /** Runs work that outlives the answer (the runtime's `waitUntil`); without it the promise just runs. */
  background?(task: Promise<unknown>): void;
}

/** Stops a session through the given HTTP settings (the handler's, for stops: no client signal, a longer timeout). */
export type StopWith = (sessionId: string, http: VendorHttp) => Promise<void>;

/** The call that makes the billed session: where its id is in an answer, and how to stop it. */
export interface CreatedSession {
  /** The session id in an answer, parsed (`body`) or only as text (a body that does not parse). */
  idOf(body: unknown, text: string): string | undefined;
  stop: StopWith;
}

export interface VendorCall {
  envelope: Envelope;
  /** What the call does, for messages ("create_token"). */
  what: string;
  url: string;
  headers: Record<string, string>;
  body: unknown;
  /**
   * Where the call stands when the browser's client goes away (`VendorHttp.signal`). `prepare` (a token
   * for the session to come): not sent, or aborted in flight. `start` (creates the billed session): not
   * sent, but never aborted in flight, since the vendor may have made the session already and we would
   * never learn its id to stop it; the handler stops it once it has the answer. Unset (stops): the client
   * does not matter, a pagehide beacon's client is gone by design.
   */
  step?: 'prepare' | 'start';
  /**
   * For `step: 'start'`: the session this call may make. Then the handler's timeout never abandons the
   * call: the page gets its 504 on time while the answer is read in the background (up to
   * `LATE_ANSWER_MS`) and any session it names is stopped; so is one named by a failed answer.
   */
  session?: CreatedSession;
}

/** The largest vendor answer read; past it the connection is dropped and the call fails (`vendor-error`). */
export const MAX_ANSWER_BYTES = 1024 * 1024;
/** How long a create call that passed the handler's timeout is still read in the background. */
export const LATE_ANSWER_MS = 60_000;

/** The browser's request was abandoned (client disconnected): nobody will read the answer. */
export function clientGone(): AvatarError {
  return new AvatarError('aborted', 'The client went away before the session was ready.', { status: 499 });
}

/** The vendor's own status/message fields, whatever the envelope calls them. */
function envelopeCode(body: unknown): number | undefined {
  if (!isObject(body)) return undefined;
  const code = isObject(body.error) ? body.error.code : body.code;
  return typeof code === 'number' ? code : typeof code === 'string' && /^\d+$/.test(code) ? Number(code) : undefined;
}

function envelopeMessage(body: unknown): string | undefined {
  if (typeof body === 'string') return body.trim().slice(0, 300) || undefined;
  if (!isObject(body)) return undefined;
  const error = body.error;
  for (const candidate of [body.message, body.msg, isObject(error) ? error.message : error, body.detail]) {
    if (typeof candidate === 'string' && candidate) return candidate;
  }
  return undefined;
}

function classify(status: number, code: number | undefined, envelope: Envelope): AvatarErrorCode {
  const byCode = code === undefined ? undefined : envelope.codes?.[code];
  if (byCode) return byCode;
  if (status === 401 || status === 403) return 'vendor-unauthorized';
  if (status === 429) return 'vendor-rate-limited';
  if (status >= 500) return 'vendor-unavailable';
  return 'vendor-error';
}

function retryAfterSeconds(response: Response): number | undefined {
  const value = response.headers.get('retry-after');
  if (!value) return undefined;
  const seconds = Number(value);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : undefined;
}

/** An error carrying the vendor's Retry-After, so the handler can pass it on. */
export class VendorError extends AvatarError {
  readonly retryAfter?: number;
  constructor(code: AvatarErrorCode, message: string, init: ConstructorParameters<typeof AvatarError>[2] & { retryAfter?: number }) {
    super(code, message, init);
    this.retryAfter = init?.retryAfter;
  }
}

const TIMED_OUT = Symbol('timed out');

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(TIMED_OUT), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

interface Exchange {
  response: Response;
  text: string;
  /** The answer passed `MAX_ANSWER_BYTES`: `text` is its start, the connection was dropped. */
  overflow: boolean;
}

/** Reads a vendor answer up to `MAX_ANSWER_BYTES`, counting while streaming (Content-Length may lie). */
async function readCapped(response: Response, controller: AbortController): Promise<Exchange> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  let overflow = false;
  const reader = response.body?.getReader();
  while (reader) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_ANSWER_BYTES) {
      // Keep what fits (an id may be in it), then drop the connection.
      chunks.push(value.subarray(0, value.byteLength - (size - MAX_ANSWER_BYTES)));
      overflow = true;
      controller.abort();
      await reader.cancel().catch(() => undefined);
      break;
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(Math.min(size, MAX_ANSWER_BYTES));
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return { response, text: new TextDecoder().decode(bytes), overflow };
}

function parseJson(text: string): { body: unknown; isJson: boolean } {
  try {
    return { body: text ? JSON.parse(text) : undefined, isJson: true };
  } catch {
    // Kept as text: proxies and outages answer HTML.
    return { body: text, isJson: false };
  }
}

/** Hands a possible session to the handler (or stops it directly, without one). */
function orphan(http: VendorHttp, session: CreatedSession, sessionId: string | undefined, why: string): Promise<void> {
  if (http.orphan) return http.orphan(sessionId, session.stop, why);
  return sessionId ? session.stop(sessionId, http).catch(() => undefined) : Promise.resolve();
}

/**
 * The create call passed the handler's timeout: the page has its 504, but the vendor may still make the
 * session. Read the answer in the background (bounded), and stop whatever session it names.
 */
function readLate(http: VendorHttp, call: VendorCall & { session: CreatedSession }, exchange: Promise<Exchange>, controller: AbortController, label: string): void {
  const bound = setTimeout(() => controller.abort(), LATE_ANSWER_MS);
  const task = exchange
    .then(
      ({ response, text }) => {
        const { body, isJson } = parseJson(text);
        const id = call.session.idOf(isJson ? body : undefined, text);
        // A clean refusal names no session: nothing was made.
        const refused = isJson && !(response.ok && isObject(body) && call.envelope.isSuccess(body));
        if (!id && refused) return undefined;
        return orphan(http, call.session, id, `${label} answered after the ${http.timeoutMs} ms timeout (HTTP ${response.status})`);
      },
      () => orphan(http, call.session, undefined, `${label} passed the ${http.timeoutMs} ms timeout and gave no answer within ${LATE_ANSWER_MS / 1000} s`),
    )
    .finally(() => clearTimeout(bound));
  if (http.background) http.background(task);
  else void task.catch(() => undefined);
}

/**
 * POSTs JSON to a vendor and answers the parsed body of a successful call. Every failure is a VendorError
 * whose message and body are scrubbed of secrets.
 */
export async function callVendor(http: VendorHttp, call: VendorCall): Promise<Json> {
  const { envelope, what, session } = call;
  const { redactor } = http;
  const label = `${envelope.vendor} ${what}`;
  const signal = call.step ? http.signal : undefined;
  if (signal?.aborted) throw clientGone();
  const controller = new AbortController();
  const onClientGone = () => controller.abort();
  if (call.step === 'prepare') signal?.addEventListener('abort', onClientGone, { once: true });

  const exchange = (async () => {
    const response = await http.fetch(call.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...call.headers },
      body: JSON.stringify(call.body ?? {}),
      signal: controller.signal,
    });
    return readCapped(response, controller);
  })();
  let outcome: Exchange;
  try {
    outcome = await withTimeout(exchange, http.timeoutMs);
  } catch (error) {
    if (error === TIMED_OUT) {
      // Only a call that cannot make a session is abandoned.
      if (session) readLate(http, { ...call, session }, exchange, controller, label);
      else controller.abort();
      throw new VendorError('vendor-unavailable', `${label} did not answer within ${http.timeoutMs} ms.`, { status: 504 });
    }
    if (signal?.aborted) throw clientGone();
    throw new VendorError('vendor-unavailable', redactor.text(`${label} could not be reached: ${reasonOf(error)}`), {});
  } finally {
    signal?.removeEventListener('abort', onClientGone);
  }

  const { response, text, overflow } = outcome;
  if (overflow) {
    if (session) await orphan(http, session, session.idOf(undefined, text), `${label} answered more than ${MAX_ANSWER_BYTES} bytes`);
    throw new VendorError('vendor-error', `${label} answered more than ${MAX_ANSWER_BYTES} bytes; the answer was dropped.`, { vendorStatus: response.status });
  }
  const { body, isJson } = parseJson(text);
  if (response.ok && isJson && isObject(body) && envelope.isSuccess(body)) return body;

  if (session) {
    // After a failed answer a session may still exist (a proxy's HTML over a made session, an error code with an id).
    const id = session.idOf(isJson ? body : undefined, text);
    if (id || !isJson) await orphan(http, session, id, `${label} failed (HTTP ${response.status}${isJson ? '' : ', not JSON'})`);
  }
  const code = envelopeCode(body);
  const errorCode = response.ok && !isJson ? 'vendor-error' : classify(response.status, code, envelope);
  const reason = envelopeMessage(body) ?? (response.ok && !isJson ? 'the answer is not JSON' : response.statusText);
  const detail = [`HTTP ${response.status}`, code === undefined ? '' : `code ${code}`].filter(Boolean).join(', ');
  throw new VendorError(errorCode, redactor.text(`${label} failed (${detail})${reason ? `: ${reason}` : ''}`), {
    vendorStatus: response.status,
    vendorBody: body === undefined ? undefined : redactor.value(body),
    retryAfter: retryAfterSeconds(response),
  });
}

/**
 * The session id at `path` (`data.session_id`) of a parsed answer, or, in an answer that does not parse
 * (cut short, or HTML around JSON), the first `"<last key>": "…"` in its text.
 */
export function findSessionId(body: unknown, text: string, path: string): string | undefined {
  let value: unknown = body;
  for (const key of path.split('.')) value = isObject(value) ? value[key] : undefined;
  if (typeof value === 'string' && value) return value.slice(0, 200);
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (body !== undefined) return undefined;
  const key = path.split('.').pop()!.replace(/[^\w]/g, '');
  return new RegExp(`"${key}"\\s*:\\s*"([^"\\\\]{1,200})"`).exec(text)?.[1];
}

/** Reads a required string out of a vendor answer; a missing one is the vendor's fault. */
export function vendorString(source: unknown, path: string, vendor: string): string {
  let value: unknown = source;
  for (const key of path.split('.')) value = isObject(value) ? value[key] : undefined;
  if (typeof value === 'string' && value) return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  throw new AvatarError('vendor-error', `${vendor} answered without ${path}.`);
}

export function joinUrl(baseUrl: string, path: string): string {
  return `${baseUrl.replace(/\/+$/, '')}${path}`;
}
