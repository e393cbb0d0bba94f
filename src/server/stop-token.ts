/**
 * The stop capability: a token the create answer carries, HMAC-SHA256 (Web Crypto) with the server's
 * `secret` over the vendor, the session id, the requestId and an expiry. A stop must bring it, so only the
 * page that got the session can stop it, from any origin, without cookies.
 */
import { base64url, fromBase64url } from './base64.js';

const encoder = new TextEncoder();

/** What a token says. */
export interface StopClaims {
  provider: string;
  sessionId: string;
  requestId: string;
  /** Milliseconds since the epoch after which the token is refused. */
  expiresAt: number;
}

/** One random key per process, for handlers without a `secret`: their tokens work on this instance only. */
let processKey: Uint8Array<ArrayBuffer> | undefined;

function subtle(): SubtleCrypto {
  const value = globalThis.crypto?.subtle;
  if (!value) throw new TypeError('The session handler needs Web Crypto (globalThis.crypto.subtle): Node 20+, Deno, Bun or an edge runtime.');
  return value;
}

export class StopTokens {
  /** Signing key first; the others still verify (rotation: put the new secret first, drop the old later). */
  readonly #keys: Promise<CryptoKey[]>;
  /** Whether the key was made up for this process (no `secret` configured). */
  readonly ephemeral: boolean;

  constructor(secret: string | readonly string[] | undefined) {
    const secrets = secret === undefined ? [] : typeof secret === 'string' ? [secret] : [...secret];
    for (const value of secrets) {
      if (typeof value !== 'string' || value.length < 16) throw new TypeError('secret must be at least 16 characters (32 random bytes, base64, is a good one).');
    }
    this.ephemeral = secrets.length === 0;
    const raw = this.ephemeral ? [(processKey ??= globalThis.crypto.getRandomValues(new Uint8Array(32)))] : secrets.map((value) => encoder.encode(value));
    const api = subtle();
    this.#keys = Promise.all(raw.map((bytes) => api.importKey('raw', bytes, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify'])));
  }

  async sign(claims: StopClaims): Promise<string> {
    const payload = base64url(encoder.encode(JSON.stringify([claims.provider, claims.sessionId, claims.requestId, claims.expiresAt])));
    const [key] = await this.#keys;
    const mac = new Uint8Array(await subtle().sign('HMAC', key!, encoder.encode(payload)));
    return `${payload}.${base64url(mac)}`;
  }

  /** The claims of a token this server signed, or `undefined` (forged, malformed, or not a string). */
  async verify(token: unknown): Promise<StopClaims | undefined> {
    if (typeof token !== 'string' || token.length > 2000) return undefined;
    const [payload, mac, extra] = token.split('.');
    if (!payload || !mac || extra !== undefined) return undefined;
    const signature = fromBase64url(mac);
    if (!signature) return undefined;
    let valid = false;
    for (const key of await this.#keys) {
      // verify() compares in constant time.
      if (await subtle().verify('HMAC', key, signature, encoder.encode(payload))) valid = true;
    }
    if (!valid) return undefined;
    try {
      const bytes = fromBase64url(payload);
      const value: unknown = bytes && JSON.parse(new TextDecoder().decode(bytes));
      if (!Array.isArray(value) || value.length !== 4) return undefined;
      const [provider, sessionId, requestId, expiresAt] = value as unknown[];
      if (typeof provider !== 'string' || typeof sessionId !== 'string' || typeof requestId !== 'string' || typeof expiresAt !== 'number') return undefined;
      return { provider, sessionId, requestId, expiresAt };
    } catch {
      return undefined;
    }
  }
}
