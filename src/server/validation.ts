import { badRequest } from './errors.js';
import { isObject, type Json } from './http.js';

/**
 * Typed reads of the browser's session request. Every bad value is a 400 `bad-request` naming the field
 * (as the page wrote it, e.g. `voice.rate`), so a page author sees which attribute or sessionParam to fix.
 * Fields nobody reads are never forwarded.
 */
export class Fields {
  constructor(
    private readonly source: Json,
    private readonly prefix = '',
  ) {}

  private name(key: string): string {
    return `${this.prefix}${key}`;
  }

  private present(key: string): boolean {
    const value = this.source[key];
    return value !== undefined && value !== null;
  }

  string(key: string, { required = false, maxLength = 4000 }: { required?: boolean; maxLength?: number } = {}): string | undefined {
    if (!this.present(key)) {
      if (required) throw badRequest(`"${this.name(key)}" is required.`);
      return undefined;
    }
    const value = this.source[key];
    if (typeof value !== 'string' || value.trim() === '') throw badRequest(`"${this.name(key)}" must be a non-empty string.`);
    if (value.length > maxLength) throw badRequest(`"${this.name(key)}" must be at most ${maxLength} characters.`);
    return value;
  }

  number(key: string, { min, max, integer = false }: { min?: number; max?: number; integer?: boolean } = {}): number | undefined {
    if (!this.present(key)) return undefined;
    const value = this.source[key];
    if (typeof value !== 'number' || !Number.isFinite(value) || (integer && !Number.isInteger(value))) {
      throw badRequest(`"${this.name(key)}" must be ${integer ? 'an integer' : 'a number'}.`);
    }
    if ((min !== undefined && value < min) || (max !== undefined && value > max)) {
      const range = min !== undefined && max !== undefined ? `between ${min} and ${max}` : min !== undefined ? `at least ${min}` : `at most ${max}`;
      throw badRequest(`"${this.name(key)}" must be ${range} (got ${value}).`);
    }
    return value;
  }

  boolean(key: string): boolean | undefined {
    if (!this.present(key)) return undefined;
    const value = this.source[key];
    if (typeof value !== 'boolean') throw badRequest(`"${this.name(key)}" must be true or false.`);
    return value;
  }

  /** One of a fixed set; strings match case-insensitively and come back in the set's spelling. */
  oneOf<T extends string | number>(key: string, allowed: readonly T[]): T | undefined {
    if (!this.present(key)) return undefined;
    const value = this.source[key];
    const match = allowed.find(
      (option) => option === value || (typeof option === 'string' && typeof value === 'string' && option.toLowerCase() === value.toLowerCase()),
    );
    if (match === undefined) {
      throw badRequest(`"${this.name(key)}" must be one of ${allowed.map((option) => JSON.stringify(option)).join(', ')} (got ${JSON.stringify(value)}).`);
    }
    return match;
  }

  /** A nested object, read with the same rules; `undefined` when absent. */
  object(key: string): Fields | undefined {
    if (!this.present(key)) return undefined;
    const value = this.source[key];
    if (!isObject(value)) throw badRequest(`"${this.name(key)}" must be an object.`);
    return new Fields(value, `${this.name(key)}.`);
  }

  /** A flat map of string → string (e.g. a pronunciation map). */
  stringMap(key: string, maxEntries = 200): Record<string, string> | undefined {
    const fields = this.object(key);
    if (!fields) return undefined;
    const value = this.source[key] as Json;
    const entries = Object.entries(value);
    if (entries.length > maxEntries) throw badRequest(`"${this.name(key)}" has more than ${maxEntries} entries.`);
    for (const [name] of entries) fields.string(name);
    return Object.fromEntries(entries) as Record<string, string>;
  }
}

/** Drops `undefined` values and objects left empty, so vendors see only what was asked for. */
export function compact<T extends Json>(value: T): Partial<T> {
  const out: Json = {};
  for (const [key, item] of Object.entries(value)) {
    if (item === undefined) continue;
    if (isObject(item)) {
      const inner = compact(item);
      if (Object.keys(inner).length === 0) continue;
      out[key] = inner;
    } else {
      out[key] = item;
    }
  }
  return out as Partial<T>;
}

/** Merges server-chosen vendor fields over the mapped body (objects merge, anything else replaces). */
export function mergeVendorFields(body: Json, extra: Json | undefined): Json {
  if (!extra) return body;
  const out: Json = { ...body };
  for (const [key, value] of Object.entries(extra)) {
    const current = out[key];
    out[key] = isObject(current) && isObject(value) ? mergeVendorFields(current, value) : value;
  }
  return out;
}
