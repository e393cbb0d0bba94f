/**
 * Keeps secrets out of what the handler answers and logs. Vendor bodies are echoed to the browser (so the
 * element can show the vendor's real reason), which makes every echoed field a possible leak: fields whose
 * name says "token/key/secret/…" are blanked, and every secret this handler knows is cut out of strings
 * and keys, in its plain, URL-encoded and base64 forms; so are URL passwords and `Basic …` credentials.
 */
import { base64, base64url } from './base64.js';

const SECRET_FIELD = /token|key|secret|sig|passw|authori[sz]ation|credential|cookie/i;
/** JWTs (LiveKit, DeepBrain session tokens) wherever they appear in free text. */
const JWT = /eyJ[\w-]{4,}\.[\w-]{4,}\.[\w-]{4,}/g;
/** `scheme://user:password@` (a baseUrl with credentials, quoted back by a vendor or a fetch error). */
const USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@"'<>]+@/gi;
/** HTTP Basic credentials: base64 of `user:password`, which holds no secret's own base64 form. */
const BASIC = /\b(Basic\s+)[A-Za-z0-9+/]{6,}={0,2}/gi;
const REDACTED = '[redacted]';
const MAX_STRING = 2000;
const MAX_DEPTH = 8;
const MAX_ITEMS = 50;
const encoder = new TextEncoder();

/** The forms a secret takes on the wire: as is, URL-encoded (either hex case), base64 and base64url. */
function formsOf(secret: string): string[] {
  const encoded = encodeURIComponent(secret);
  const bytes = encoder.encode(secret);
  return [secret, encoded, encoded.replace(/%[0-9A-F]{2}/g, (hex) => hex.toLowerCase()), base64(bytes), base64url(bytes)];
}

/** The password and user of a URL with credentials (`https://user:pass@host`), decoded and as written. */
function userinfoOf(value: string): string[] {
  if (!/^[a-z][a-z0-9+.-]*:\/\/[^/]*@/i.test(value)) return [];
  try {
    const url = new URL(value);
    return [url.password, url.username].filter(Boolean).flatMap((part) => {
      try {
        return [part, decodeURIComponent(part)];
      } catch {
        return [part];
      }
    });
  } catch {
    return [];
  }
}

export class Redactor {
  readonly #secrets = new Set<string>();

  constructor(secrets: Iterable<string | undefined> = []) {
    for (const secret of secrets) this.add(secret);
  }

  /** Remembers a secret learned during a request (a session token, an RTC token). */
  add(secret: string | undefined): void {
    // Very short values would blank ordinary words; real keys and tokens are long.
    if (typeof secret !== 'string' || secret.length < 6) return;
    for (const form of formsOf(secret)) this.#secrets.add(form);
  }

  /**
   * Remembers every string under a secret-looking name in `value` (a configuration, `vendorFields`): a
   * customer's ElevenLabs key, a LiveKit API secret, which the vendor may quote back in an error message;
   * and the credentials of any URL in it (a `baseUrl` with a password).
   */
  addNamedIn(value: unknown, depth = 0): void {
    if (value === null || typeof value !== 'object' || depth >= MAX_DEPTH) return;
    for (const [key, item] of Object.entries(value)) {
      if (typeof item === 'string') {
        if (SECRET_FIELD.test(key)) this.add(item);
        for (const part of userinfoOf(item)) this.add(part);
      } else {
        this.addNamedIn(item, depth + 1);
      }
    }
  }

  text(value: string): string {
    let out = value.replace(JWT, REDACTED).replace(USERINFO, `$1${REDACTED}@`).replace(BASIC, `$1${REDACTED}`);
    // Longest first, so a secret's form is never left half cut by a shorter one inside it.
    for (const secret of [...this.#secrets].sort((a, b) => b.length - a.length)) out = out.split(secret).join(REDACTED);
    return out.length > MAX_STRING ? `${out.slice(0, MAX_STRING)}…` : out;
  }

  /** A copy of a parsed vendor body with secret-looking fields blanked and known secrets cut out, keys included. */
  value(value: unknown, depth = 0): unknown {
    if (typeof value === 'string') return this.text(value);
    if (value === null || typeof value !== 'object') return value;
    if (depth >= MAX_DEPTH) return '[…]';
    if (Array.isArray(value)) return value.slice(0, MAX_ITEMS).map((item) => this.value(item, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value).slice(0, MAX_ITEMS)) {
      out[this.text(key)] = SECRET_FIELD.test(key) && item !== null && item !== undefined && item !== '' ? REDACTED : this.value(item, depth + 1);
    }
    return out;
  }

  /** A copy without secret-looking fields (or keys that hold a secret) at all: for values sent on again. */
  strip(value: unknown, depth = 0): unknown {
    if (value === null || typeof value !== 'object' || depth >= MAX_DEPTH) return value;
    if (Array.isArray(value)) return value.map((item) => this.strip(item, depth + 1));
    return Object.fromEntries(
      Object.entries(value)
        .filter(([key]) => !SECRET_FIELD.test(key) && this.text(key) === key)
        .map(([key, item]) => [key, this.strip(item, depth + 1)]),
    );
  }
}
