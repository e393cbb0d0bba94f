/**
 * Binds the stop route to the browser that created the session. Without it, anyone who learns a session
 * id can have this server stop that session with the account key (no vendor documents its ids as
 * unguessable; Akool's `_id` has the shape of a partly sequential database object id). The create answer
 * sets an HttpOnly cookie whose name is an HMAC of the session; a stop must carry it. Same-origin only:
 * the element sends cookies to its own origin, not across origins.
 */
const PREFIX = 'sa-stop-';
const encoder = new TextEncoder();

function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/**
 * `Path=/`: the path this handler sees may not be the one the browser used (a proxy or framework
 * rewrote it), and a cookie the stop route never gets would leave sessions running. The name is per
 * session, so cookies of several sessions or handlers do not collide.
 */
function cookieAttributes(request: Request, maxAgeS: number): string {
  const secure = new URL(request.url).protocol === 'https:' ? '; Secure' : '';
  return `Path=/; Max-Age=${Math.max(0, Math.ceil(maxAgeS))}; HttpOnly; SameSite=Strict${secure}`;
}

export class StopBinding {
  readonly #key: Promise<CryptoKey>;

  constructor(secret: string) {
    const subtle = globalThis.crypto?.subtle;
    if (!subtle) throw new TypeError('stopSecret needs Web Crypto (globalThis.crypto.subtle): Node 19+, Deno, Bun or an edge runtime.');
    if (secret.length < 16) throw new TypeError('stopSecret must be at least 16 characters.');
    this.#key = subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  }

  async #name(provider: string, sessionId: string): Promise<string> {
    const mac = await globalThis.crypto.subtle.sign('HMAC', await this.#key, encoder.encode(`${provider}\n${sessionId}`));
    return PREFIX + base64url(new Uint8Array(mac).subarray(0, 18));
  }

  /** The `Set-Cookie` value for a new session, living as long as the session may. */
  async issue(request: Request, provider: string, sessionId: string, maxAgeS: number): Promise<string> {
    return `${await this.#name(provider, sessionId)}=1; ${cookieAttributes(request, maxAgeS)}`;
  }

  /** Whether the stop request carries the session's cookie; if so, the `Set-Cookie` value that clears it. */
  async check(request: Request, provider: string, sessionId: string): Promise<string | undefined> {
    const name = await this.#name(provider, sessionId);
    const cookies = (request.headers.get('cookie') ?? '').split(';').map((part) => part.trim().split('=')[0]);
    return cookies.includes(name) ? `${name}=; ${cookieAttributes(request, 0)}` : undefined;
  }
}
