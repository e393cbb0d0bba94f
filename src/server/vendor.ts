import { AvatarError } from '../errors/avatar-error.js';
import type { SessionDescription } from '../session/session-description.js';
import type { Json, StopWith, VendorHttp } from './http.js';
import type { SessionLimits, VendorPolicy } from './policy.js';
import { Fields } from './validation.js';

/** What every vendor module implements; the handler knows nothing vendor-specific beyond this. */
export interface Vendor<C> {
  /** Checks the configuration and returns its secrets (for scrubbing); throws `provider-not-configured`. */
  secrets(config: C): string[];
  /** Which request fields the page may set, and the maxima on the create body (src/vendors/<name>/policy.ts). */
  policy: VendorPolicy;
  create(input: CreateInput<C>): Promise<SessionDescription>;
  stop(input: StopInput<C>): Promise<void>;
}

export interface CreateInput<C> {
  config: C;
  /** The session request (policy-checked, the site's defaults under it, then `beforeCreate`'s), read through typed accessors. */
  fields: Fields;
  /**
   * The create body as sent: the mapped fields, the server's raw `vendorFields` merged over them, then the
   * hard maxima (`policy.bound`) applied. Every vendor passes its body through it last.
   */
  finish(mapped: Json): Json;
  limits: SessionLimits;
  http: VendorHttp;
  now: number;
}

export interface StopInput<C> {
  config: C;
  sessionId: string;
  http: VendorHttp;
}

/** A required, non-empty string in a provider's configuration. */
export function requireSecret(provider: string, config: object, key: string): string {
  const value = (config as Record<string, unknown>)[key];
  if (typeof value !== 'string' || value.trim() === '') {
    throw new AvatarError('provider-not-configured', `providers.${provider}.${key} is not set on the server.`, { status: 400 });
  }
  return value;
}

/**
 * Builds the answer from a vendor session that already exists; if the vendor's answer is unusable the
 * session goes to the handler to be stopped (`http.orphan`), because it would otherwise run, and bill,
 * until it times out.
 */
export async function describeOrStop(
  http: VendorHttp,
  sessionId: string | undefined,
  describe: () => SessionDescription,
  stop: StopWith,
): Promise<SessionDescription> {
  try {
    return describe();
  } catch (error) {
    const why = `the answer was not usable (${error instanceof Error ? error.message : String(error)})`;
    if (http.orphan) await http.orphan(sessionId, stop, why);
    else if (sessionId) await stop(sessionId, http).catch(() => undefined);
    throw error;
  }
}

export function expiresAt(now: number, seconds: unknown): string | undefined {
  return typeof seconds === 'number' && Number.isFinite(seconds) && seconds > 0 ? new Date(now + seconds * 1000).toISOString() : undefined;
}
