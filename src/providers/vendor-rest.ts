import { AvatarError, isAbortError, reasonOf, type AvatarErrorCode } from '../errors/avatar-error.js';
import type { EndedReason } from '../session/session-types.js';
import type { ProviderContext } from './provider.js';

/**
 * The browser side of a vendor's REST API, shared by the HeyGen, KonPro and DeepBrain adapters: a POST
 * with the session token as Bearer, the vendor's `{code, message, data}` envelope unwrapped, and every
 * failure (HTTP status, non-success code in a 200, network) turned into one AvatarError.
 */

/** The common shape of vendor answers. Fields differ by vendor: `message` or `msg`, `error` for KonPro. */
export interface VendorEnvelope {
  code?: unknown;
  message?: unknown;
  msg?: unknown;
  error?: unknown;
  data?: unknown;
}

export interface VendorApi {
  /** Vendor name for messages ("HeyGen"). */
  name: string;
  baseUrl: string;
  /** The session token, sent as `Authorization: Bearer`. */
  token?: string;
  /** Whether a parsed 2xx body is a success envelope. */
  succeeded(body: VendorEnvelope): boolean;
  /** A more precise error code for a vendor's code/status (a closed session → `not-started`). */
  errorCode?(status: number, body: unknown): AvatarErrorCode | undefined;
  /** What a vendor error code means, where the vendor's own message does not say. */
  explain?(body: unknown): string | undefined;
}

export interface VendorCallOptions {
  /** What the call is for, in messages ("streaming.task"). */
  what: string;
  /** Defaults to the session's signal. */
  signal?: AbortSignal;
  /** Code of a rejected call; default `command-failed`. */
  code?: AvatarErrorCode;
  /** Whether the failure ends the session (only calls made while starting); default false. */
  fatal?: boolean;
}

export function isEnvelope(value: unknown): value is VendorEnvelope {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The vendor's own reason: `message`, `msg` or a string `error`, with the vendor code in front. */
function vendorReason(body: unknown): string | undefined {
  if (typeof body === 'string') return body.trim().slice(0, 300) || undefined;
  if (!isEnvelope(body)) return undefined;
  const text = [body.message, body.msg, body.error].find((v): v is string => typeof v === 'string' && v !== '');
  const code = typeof body.code === 'number' || typeof body.code === 'string' ? String(body.code) : undefined;
  return [code, text].filter(Boolean).join(' ') || undefined;
}

/** The vendor's envelope code, where the body has one. */
export function envelopeCode(body: unknown): unknown {
  return isEnvelope(body) ? body.code : undefined;
}

/** POSTs `body` as JSON to `api.baseUrl + path`; resolves with the envelope's `data`. */
export async function postVendor(
  api: VendorApi,
  context: Pick<ProviderContext, 'fetch' | 'signal'>,
  path: string,
  body: unknown,
  options: VendorCallOptions,
): Promise<unknown> {
  const { what, fatal = false } = options;
  const signal = options.signal ?? context.signal;
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (api.token) headers.authorization = `Bearer ${api.token}`;
  let response: Response;
  let text: string;
  try {
    if (signal.aborted) throw new AvatarError('aborted', `${api.name} ${what}: the session has ended.`, { fatal: false });
    response = await context.fetch(joinUrl(api.baseUrl, path), {
      method: 'POST',
      headers,
      body: JSON.stringify(body),
      signal,
    });
    text = await response.text();
  } catch (error) {
    if (error instanceof AvatarError) throw error;
    if (isAbortError(error) || signal.aborted) {
      throw new AvatarError('aborted', `${api.name} ${what}: aborted.`, { fatal: false, cause: error });
    }
    throw new AvatarError(options.code ?? 'command-failed', `${api.name} ${what} could not be sent: ${reasonOf(error)}`, {
      fatal,
      cause: error,
    });
  }
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // Not JSON: keep the text as the vendor body.
  }
  const ok = response.ok && (!isEnvelope(parsed) || api.succeeded(parsed));
  if (ok) return isEnvelope(parsed) ? parsed.data : undefined;

  const reason = [vendorReason(parsed), api.explain?.(parsed)].filter(Boolean).join(', ');
  const code = api.errorCode?.(response.status, parsed) ?? options.code ?? 'command-failed';
  throw new AvatarError(
    code,
    `${api.name} rejected ${what}${reason ? `: ${reason}` : ''} (HTTP ${response.status}).`,
    { fatal, vendorStatus: response.status, vendorBody: parsed },
  );
}

function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}${path}`;
}

/**
 * Runs a command; when the vendor says the session is gone (`not-started`), ends the element's session
 * through `ended(reason, error)` as well as rejecting, since no later command can work either.
 */
export async function runCommand<T>(
  call: () => Promise<T>,
  ended: (reason: EndedReason, error: AvatarError) => void,
  reason: () => EndedReason,
): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof AvatarError && error.code === 'not-started') {
      ended(reason(), new AvatarError(error.code, error.message, { ...error, fatal: true, cause: error.cause }));
    }
    throw error;
  }
}

/** The description's `options.<key>` as a positive number of seconds, if it is one. */
export function optionSeconds(options: Record<string, unknown> | undefined, key: string): number | undefined {
  const value = options?.[key];
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;
}
