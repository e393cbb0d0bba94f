/**
 * Keeps secrets out of what the handler answers and logs. Vendor bodies are echoed to the browser (so the
 * element can show the vendor's real reason), which makes every echoed field a possible leak: fields whose
 * name says "token/key/secret/…" are blanked, and every secret this handler knows is cut out of strings.
 */

const SECRET_FIELD = /token|key|secret|sig|passw|authori[sz]ation|credential|cookie/i;
/** JWTs (LiveKit, DeepBrain session tokens) wherever they appear in free text. */
const JWT = /eyJ[\w-]{4,}\.[\w-]{4,}\.[\w-]{4,}/g;
const REDACTED = '[redacted]';
const MAX_STRING = 2000;
const MAX_DEPTH = 8;
const MAX_ITEMS = 50;

export class Redactor {
  readonly #secrets = new Set<string>();

  constructor(secrets: Iterable<string | undefined> = []) {
    for (const secret of secrets) this.add(secret);
  }

  /** Remembers a secret learned during a request (a session token, an RTC token). */
  add(secret: string | undefined): void {
    // Very short values would blank ordinary words; real keys and tokens are long.
    if (typeof secret === 'string' && secret.length >= 6) this.#secrets.add(secret);
  }

  /**
   * Remembers every string under a secret-looking name in `value` (a configuration, `vendorFields`): a
   * customer's ElevenLabs key, a LiveKit API secret, which the vendor may quote back in an error message.
   */
  addNamedIn(value: unknown, depth = 0): void {
    if (value === null || typeof value !== 'object' || depth >= MAX_DEPTH) return;
    for (const [key, item] of Object.entries(value)) {
      if (typeof item === 'string' && SECRET_FIELD.test(key)) this.add(item);
      else this.addNamedIn(item, depth + 1);
    }
  }

  text(value: string): string {
    let out = value.replace(JWT, REDACTED);
    for (const secret of this.#secrets) out = out.split(secret).join(REDACTED);
    return out.length > MAX_STRING ? `${out.slice(0, MAX_STRING)}…` : out;
  }

  /** A copy of a parsed vendor body with secret-looking fields blanked and known secrets cut out. */
  value(value: unknown, depth = 0): unknown {
    if (typeof value === 'string') return this.text(value);
    if (value === null || typeof value !== 'object') return value;
    if (depth >= MAX_DEPTH) return '[…]';
    if (Array.isArray(value)) return value.slice(0, MAX_ITEMS).map((item) => this.value(item, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value).slice(0, MAX_ITEMS)) {
      out[key] = SECRET_FIELD.test(key) && item !== null && item !== undefined && item !== '' ? REDACTED : this.value(item, depth + 1);
    }
    return out;
  }

  /** A copy without secret-looking fields at all: for values that are sent on to the vendor again. */
  strip(value: unknown, depth = 0): unknown {
    if (value === null || typeof value !== 'object' || depth >= MAX_DEPTH) return value;
    if (Array.isArray(value)) return value.map((item) => this.strip(item, depth + 1));
    return Object.fromEntries(
      Object.entries(value)
        .filter(([key]) => !SECRET_FIELD.test(key))
        .map(([key, item]) => [key, this.strip(item, depth + 1)]),
    );
  }
}
