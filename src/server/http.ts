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
}

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

/**
 * POSTs JSON to a vendor and answers the parsed body of a successful call. Every failure is a VendorError
 * whose message and body are scrubbed of secrets.
 */
export async function callVendor(http: VendorHttp, call: VendorCall): Promise<Json> {
  const { envelope, what } = call;
  const { redactor } = http;
  const label = `${envelope.vendor} ${what}`;
  const signal = call.step ? http.signal : undefined;
  if (signal?.aborted) throw clientGone();
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, http.timeoutMs);
  const onClientGone = () => controller.abort();
  if (call.step === 'prepare') signal?.addEventListener('abort', onClientGone, { once: true });

  let response: Response;
  let text: string;
  try {
    response = await http.fetch(call.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...call.headers },
      body: JSON.stringify(call.body ?? {}),
      signal: controller.signal,
    });
    text = await response.text();
  } catch (error) {
    if (timedOut) {
      throw new VendorError('vendor-unavailable', `${label} did not answer within ${http.timeoutMs} ms.`, { status: 504 });
    }
    if (signal?.aborted) throw clientGone();
    throw new VendorError('vendor-unavailable', redactor.text(`${label} could not be reached: ${reasonOf(error)}`), {});
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onClientGone);
  }

  let body: unknown = text;
  let isJson = false;
  try {
    body = text ? JSON.parse(text) : undefined;
    isJson = true;
  } catch {
    // Kept as text: proxies and outages answer HTML.
  }

  if (response.ok && isJson && isObject(body) && envelope.isSuccess(body)) return body;

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
