import { AvatarError } from '../errors/avatar-error.js';
import type { SessionDescription } from '../session/session-description.js';
import type { VendorHttp, Json } from './http.js';
import { Fields } from './validation.js';

/** What every vendor module implements; the handler knows nothing vendor-specific beyond this. */
export interface Vendor<C> {
  /** Checks the configuration and returns its secrets (for scrubbing); throws `provider-not-configured`. */
  secrets(config: C): string[];
  create(input: CreateInput<C>): Promise<SessionDescription>;
  stop(input: StopInput<C>): Promise<void>;
}

export interface CreateInput<C> {
  config: C;
  /** The session request (after `beforeCreate`), read through typed accessors. */
  fields: Fields;
  /** Raw vendor fields the server added (config `vendorFields`, then `beforeCreate`'s). */
  vendorFields?: Json;
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
 * session is stopped again (best effort), because it would otherwise run, and bill, until it times out.
 */
export async function describeOrStop(describe: () => SessionDescription, stop: () => Promise<void>): Promise<SessionDescription> {
  try {
    return describe();
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
}

export function expiresAt(now: number, seconds: unknown): string | undefined {
  return typeof seconds === 'number' && Number.isFinite(seconds) && seconds > 0 ? new Date(now + seconds * 1000).toISOString() : undefined;
}
