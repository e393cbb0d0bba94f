/**
 * Who decides what a session costs: the page may set only the fields its vendor's policy table
 * (src/vendors/<name>/policy.ts) gives it; everything that changes cost or behaviour is the site's, set in
 * config or admitted with `allow`. Hard maxima hold whatever the config says.
 */
import { badRequest } from './errors.js';
import { isObject, type Json } from './http.js';

/** `page`: the page may set it. `site`: only the server sets it (config, `beforeCreate`), unless `allow` names it. */
export type FieldOwner = 'page' | 'site';

export interface FieldRule {
  owner: FieldOwner;
  /** For a page-owned number: the most the page may ask for; more is the site's (HeyGen's idle timeout past its default). */
  pageMax?: number;
  /** What the field changes, for the docs and the log. */
  why: string;
}

/** A vendor's policy: its table of request fields, and how the hard maxima apply to its create body. */
export interface VendorPolicy<F extends string = string> {
  /** Every session request field the vendor reads, by the path a page writes (`voice.rate`). */
  fields: { readonly [K in F]: FieldRule };
  /** Applies the maxima to the final create body (vendor fields included), in place; answers what it changed. */
  bound(body: Json, limits: SessionLimits): string[];
}

/** The hard maxima, in seconds; options `maxDurationS` and `maxIdleTimeoutS`. */
export interface SessionLimits {
  maxDurationS: number;
  maxIdleTimeoutS: number;
}

export const DEFAULT_LIMITS: SessionLimits = { maxDurationS: 600, maxIdleTimeoutS: 300 };
/** The longest string a create body may carry, from any source. */
export const MAX_VENDOR_STRING = 20_000;

/** What a site sets per vendor, beside its keys (`providers.<vendor>`). */
export interface SitePolicy<F extends string = string> {
  /**
   * Session request fields the site sets (as a page writes them: `{idleTimeout: 300, knowledgeBaseId: 'kb'}`),
   * validated like the page's; a page-owned field the page sends wins over its default here.
   */
  defaults?: Record<string, unknown>;
  /** Site-owned fields the page may set too (e.g. `['knowledgeBaseId']`); `pageMax` no longer applies to them. */
  allow?: readonly F[];
  /** The only avatars a page may ask for (`avatarId`); another answers 400 `bad-request`. Unset: any. */
  avatars?: readonly string[];
}

/** Always the page's: which vendor (the handler takes `requestId` out before the policy). */
const META = new Set(['provider']);

const containersOf = (policy: VendorPolicy): Set<string> =>
  new Set(Object.keys(policy.fields).flatMap((path) => (path.includes('.') ? [path.slice(0, path.indexOf('.'))] : [])));

const ruleOf = (policy: VendorPolicy, path: string): FieldRule | undefined =>
  Object.hasOwn(policy.fields, path) ? (policy.fields as Record<string, FieldRule>)[path] : undefined;

/** Throws a TypeError (at handler creation) for a site policy naming fields the vendor does not have. */
export function checkSitePolicy(vendor: string, policy: VendorPolicy, site: SitePolicy): void {
  const where = `providers.${vendor}`;
  const containers = containersOf(policy);
  for (const name of site.allow ?? []) {
    if (!ruleOf(policy, name)) throw new TypeError(`${where}.allow: "${name}" is not a ${vendor} field (${Object.keys(policy.fields).join(', ')}).`);
  }
  if (site.avatars !== undefined && (!Array.isArray(site.avatars) || site.avatars.some((id) => typeof id !== 'string' || !id))) {
    throw new TypeError(`${where}.avatars must be a list of avatar ids.`);
  }
  if (site.defaults === undefined) return;
  if (!isObject(site.defaults)) throw new TypeError(`${where}.defaults must be an object of session request fields.`);
  for (const [key, value] of Object.entries(site.defaults)) {
    const known = ruleOf(policy, key) || (containers.has(key) && isObject(value) && Object.keys(value).every((name) => ruleOf(policy, `${key}.${name}`)));
    if (!known) throw new TypeError(`${where}.defaults: "${key}" is not a ${vendor} session request field; raw vendor fields go in vendorFields.`);
  }
}

/** The page's body with only what the policy gives the page, and the paths it dropped. */
export function checkPage(page: Json, policy: VendorPolicy, site: SitePolicy, vendor: string): { body: Json; dropped: string[] } {
  const allowed = new Set<string>(site.allow ?? []);
  const containers = containersOf(policy);
  const dropped: string[] = [];
  const admits = (path: string, value: unknown): boolean => {
    const rule = ruleOf(policy, path);
    if (!rule) return false;
    if (allowed.has(path)) return true;
    return rule.owner === 'page' && !(rule.pageMax !== undefined && typeof value === 'number' && value > rule.pageMax);
  };
  const body: Json = {};
  for (const [key, value] of Object.entries(page)) {
    if (META.has(key) || (containers.has(key) && !isObject(value))) {
      // A container that is not an object is left for the vendor's validation to name.
      body[key] = value;
    } else if (containers.has(key)) {
      const inner: Json = {};
      for (const [name, item] of Object.entries(value as Json)) {
        if (admits(`${key}.${name}`, item)) inner[name] = item;
        else dropped.push(`${key}.${name}`);
      }
      if (Object.keys(inner).length > 0) body[key] = inner;
    } else if (admits(key, value)) {
      body[key] = value;
    } else {
      dropped.push(key);
    }
  }
  if (site.avatars && body.avatarId !== undefined && !site.avatars.includes(body.avatarId as string)) {
    throw badRequest(`"avatarId" must be one of this site's ${vendor} avatars (got ${JSON.stringify(String(body.avatarId).slice(0, 100))}).`);
  }
  return { body, dropped };
}

/** Why a dropped field is not the page's, for the log line and the strict-mode 400. */
export function droppedReason(policy: VendorPolicy, vendor: string, path: string): string {
  const rule = ruleOf(policy, path);
  if (!rule) return `"${path}" is not a ${vendor} session field`;
  const what = rule.owner === 'page' ? `a ${path} above ${rule.pageMax}` : `"${path}" (${rule.why})`;
  return `${what} is the site's to set: providers.${vendor}.defaults, vendorFields or beforeCreate, or providers.${vendor}.allow: ["${path}"]`;
}

/** The site's defaults under the checked page body: objects merge, the page's values win. */
export function withDefaults(defaults: Json | undefined, body: Json): Json {
  if (!defaults) return body;
  const out: Json = { ...defaults };
  for (const [key, value] of Object.entries(body)) {
    const base = out[key];
    out[key] = isObject(base) && isObject(value) ? withDefaults(base, value) : value;
  }
  return out;
}

/** A number in a create body, also written as a numeric string (raw vendor fields). */
export function numberIn(body: Json, key: string): number | undefined {
  const value = body[key];
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof number === 'number' && Number.isFinite(number) ? number : undefined;
}

/** Lowers `body[key]` to `max` when it is above (or not a number while `required`); answers the note. */
export function clampField(body: Json, key: string, max: number, limit: string, required = false): string[] {
  const value = numberIn(body, key);
  if (value === undefined && !required && body[key] === undefined) return [];
  if (value !== undefined && value <= max) return [];
  const before = body[key];
  body[key] = max;
  return before === undefined ? [] : [`${key} ${JSON.stringify(before)} lowered to ${max} (${limit})`];
}

/** Throws (a server misconfiguration: 500, logged) when a create body carries a string past the cap. */
export function checkStrings(value: unknown, path = ''): void {
  if (typeof value === 'string' && value.length > MAX_VENDOR_STRING) {
    throw new TypeError(`The create body's ${path || 'value'} is ${value.length} characters; at most ${MAX_VENDOR_STRING} are sent to a vendor.`);
  }
  if (Array.isArray(value)) value.forEach((item, i) => checkStrings(item, `${path}[${i}]`));
  else if (isObject(value)) for (const [key, item] of Object.entries(value)) checkStrings(item, path ? `${path}.${key}` : key);
}
