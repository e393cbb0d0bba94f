/**
 * Every failure the element reports carries one of these codes. They are part of the public API:
 * pages switch on them, so a code is never renamed, only added.
 */
export const ERROR_CODES = [
  // Configuration (attributes and properties)
  'invalid-attribute',
  'unknown-provider',
  'missing-token-url',
  // The site's token endpoint (or `fetchSession`)
  'token-unauthorized',
  'token-forbidden',
  'token-not-found',
  'token-rate-limited',
  'token-http-error',
  'token-timeout',
  'token-network',
  'token-invalid-json',
  'token-invalid-shape',
  // Errors the server handler reports on behalf of a vendor (see src/server)
  'vendor-error',
  'vendor-unauthorized',
  'vendor-rate-limited',
  'vendor-unavailable',
  'provider-not-configured',
  'bad-request',
  'origin-not-allowed',
  'rate-limited',
  'capacity',
  // Loading code
  'transport-load-failed',
  'provider-load-failed',
  'controls-load-failed',
  'background-load-failed',
  // The real-time transport
  'transport-join-failed',
  'transport-join-timeout',
  'transport-token-expired',
  'transport-disconnected',
  'transport-data-too-large',
  'transport-send-failed',
  'media-timeout',
  // Microphone
  'mic-denied',
  'mic-not-found',
  'mic-failed',
  'insecure-context',
  // Commands
  'not-started',
  'command-failed',
  'unsupported',
  'aborted',
] as const;

export type AvatarErrorCode = (typeof ERROR_CODES)[number];

export function isAvatarErrorCode(value: unknown): value is AvatarErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}

/** The `detail` of an `avatar-error` event. */
export interface AvatarErrorDetail {
  /** Stable, documented code. */
  code: AvatarErrorCode;
  /** Human-readable reason. Never contains a key or token. */
  message: string;
  /** HTTP status of the token endpoint, where the error came from it. */
  status?: number;
  /** HTTP status the vendor answered the server with, where known. */
  vendorStatus?: number;
  /** The vendor's response body, where there is one (parsed JSON or text). */
  vendorBody?: unknown;
  /** The attribute that holds a bad value (`invalid-attribute`). */
  attribute?: string;
  /** Seconds the server asked to wait before trying again (`Retry-After` of a 429: `capacity`, `token-rate-limited`). */
  retryAfter?: number;
  /** Whether the session can no longer continue (`true` for errors that move the state to `error`). */
  fatal: boolean;
}

export interface AvatarErrorInit {
  status?: number;
  vendorStatus?: number;
  vendorBody?: unknown;
  attribute?: string;
  fatal?: boolean;
  cause?: unknown;
}

export class AvatarError extends Error {
  override readonly name = 'AvatarError';
  readonly code: AvatarErrorCode;
  readonly status?: number;
  readonly vendorStatus?: number;
  readonly vendorBody?: unknown;
  readonly attribute?: string;
  readonly fatal: boolean;

  constructor(code: AvatarErrorCode, message: string, init: AvatarErrorInit = {}) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.code = code;
    for (const key of OPTIONAL) (this as Record<string, unknown>)[key] = init[key];
    this.fatal = init.fatal ?? true;
  }

  toDetail(): AvatarErrorDetail {
    const detail: AvatarErrorDetail = { code: this.code, message: this.message, fatal: this.fatal };
    for (const key of OPTIONAL) if (this[key] !== undefined) (detail as unknown as Record<string, unknown>)[key] = this[key];
    return detail;
  }
}

/** The detail fields an error carries only where they apply (left out of `toDetail()` otherwise). */
const OPTIONAL = ['status', 'vendorStatus', 'vendorBody', 'attribute'] as const;

/** The message of anything thrown. */
export const reasonOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** Wraps anything thrown into an AvatarError, keeping AvatarErrors as they are. */
export function toAvatarError(error: unknown, fallback: AvatarErrorCode, context: string): AvatarError {
  if (error instanceof AvatarError) return error;
  if (isAbortError(error)) return new AvatarError('aborted', `${context}: aborted`, { cause: error });
  return new AvatarError(fallback, `${context}: ${reasonOf(error)}`, { cause: error });
}

export function isAbortError(error: unknown): boolean {
  return (
    (error instanceof DOMException && error.name === 'AbortError') ||
    (error instanceof AvatarError && error.code === 'aborted')
  );
}
