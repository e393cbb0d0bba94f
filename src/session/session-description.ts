import { AvatarError } from '../errors/avatar-error.js';
import type { TransportCredentials } from '../transports/transport.js';
import type { SessionConfig } from './session-types.js';

/**
 * The one normalized answer of every token endpoint, whatever the vendor:
 * `{provider, sessionId, transport, sessionToken?, expiresAt?}`. The server half (src/server) produces it.
 */
export interface SessionDescription {
  provider: string;
  sessionId: string;
  transport: TransportCredentials;
  /** The vendor's short-lived browser token (HeyGen, KonPro, DeepBrain REST calls). */
  sessionToken?: string;
  /** ISO 8601 time at which the vendor ends the session. */
  expiresAt?: string;
  /** Base URL of the vendor REST API that takes `sessionToken` (set by the server, e.g. to a fake vendor). */
  apiBaseUrl?: string;
  /** Vendor-specific extras the server passes through for the provider adapter. */
  options?: Record<string, unknown>;
  /** The stop capability from the bundled server handler: opaque, sent back with every stop of this session. */
  stopToken?: string;
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalid(message: string): AvatarError {
  return new AvatarError('token-invalid-shape', `The session description is not valid: ${message}.`);
}

/** `where`: the object's name in messages (`session` or `transport`). */
function requireString(source: Json, key: string, where = 'transport'): string {
  const value = source[key];
  if (typeof value !== 'string' || value.length === 0) throw invalid(`${where}.${key} must be a non-empty string`);
  return value;
}

function optionalString(source: Json, key: string, where = 'transport'): string | undefined {
  const value = source[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalid(`${where}.${key} must be a string`);
  return value;
}

/** An id vendors send as either an integer or a non-empty string. */
function integerOrString(source: Json, key: string): number | string {
  const value = source[key];
  if (!(typeof value === 'number' && Number.isInteger(value)) && !(typeof value === 'string' && value.length > 0)) {
    throw invalid(`transport.${key} must be an integer or a non-empty string`);
  }
  return value;
}

/**
 * A page served over `https:` takes no plain-text transport or API URL: a token or the media would cross
 * the network in clear (and the browser would block most of it as mixed content anyway). An `http:` page
 * (local development) may use them.
 */
function requireSecure(url: string, field: string, pageProtocol: string | undefined): void {
  if (pageProtocol === 'https:' && /^(ws|http):/i.test(url)) {
    throw invalid(`${field} must be a secure URL (wss:// or https://) on an https: page, not ${url.split(':')[0]}://`);
  }
}

function parseTransport(value: unknown, pageProtocol: string | undefined): TransportCredentials {
  if (!isObject(value)) throw invalid('transport must be an object');
  const kind = value.kind;
  switch (kind) {
    case 'livekit': {
      const url = requireString(value, 'url');
      if (!/^(wss?|https?):\/\//i.test(url)) throw invalid('transport.url must be a ws(s):// or http(s):// URL');
      requireSecure(url, 'transport.url', pageProtocol);
      const credentials: TransportCredentials = { kind, url, token: requireString(value, 'token') };
      const avatarIdentity = optionalString(value, 'avatarIdentity');
      if (avatarIdentity) credentials.avatarIdentity = avatarIdentity;
      return credentials;
    }
    case 'agora': {
      const uid = integerOrString(value, 'uid');
      const token = value.token;
      if (token !== null && token !== undefined && typeof token !== 'string') {
        throw invalid('transport.token must be a string or null');
      }
      const credentials: TransportCredentials = {
        kind,
        appId: requireString(value, 'appId'),
        channel: requireString(value, 'channel'),
        token: token ?? null,
        uid,
      };
      const avatarUid = value.avatarUid;
      if (typeof avatarUid === 'number' || typeof avatarUid === 'string') credentials.avatarUid = avatarUid;
      return credentials;
    }
    case 'trtc': {
      // Vendors send the app id as a number or a numeric string; the SDK needs a number.
      const sdkAppId = typeof value.sdkAppId === 'string' ? Number(value.sdkAppId) : value.sdkAppId;
      if (typeof sdkAppId !== 'number' || !Number.isInteger(sdkAppId) || sdkAppId <= 0) {
        throw invalid('transport.sdkAppId must be a positive integer');
      }
      const roomId = integerOrString(value, 'roomId');
      const credentials: TransportCredentials = {
        kind,
        sdkAppId,
        roomId,
        userId: requireString(value, 'userId'),
        userSig: requireString(value, 'userSig'),
      };
      const avatarUserId = optionalString(value, 'avatarUserId');
      if (avatarUserId) credentials.avatarUserId = avatarUserId;
      return credentials;
    }
    case 'local':
      return { ...value, kind };
    default:
      throw invalid(`transport.kind must be one of livekit, agora, trtc, local (got ${JSON.stringify(kind)})`);
  }
}

/**
 * Checks a token endpoint answer and returns it typed; throws `token-invalid-shape` naming the bad field.
 * `pageProtocol` (default: the page's) decides whether plain `ws:`/`http:` URLs are refused.
 */
export function parseSessionDescription(
  value: unknown,
  expectedProvider: string,
  pageProtocol: string | undefined = globalThis.location?.protocol,
): SessionDescription {
  if (!isObject(value)) throw invalid('expected a JSON object');
  const provider = requireString(value, 'provider', 'session');
  if (provider !== expectedProvider) {
    throw invalid(`session.provider is "${provider}" but "${expectedProvider}" was requested`);
  }
  const description: SessionDescription = {
    provider,
    sessionId: requireString(value, 'sessionId', 'session'),
    transport: parseTransport(value.transport, pageProtocol),
  };
  const sessionToken = optionalString(value, 'sessionToken', 'session');
  if (sessionToken) description.sessionToken = sessionToken;
  const expiresAt = optionalString(value, 'expiresAt', 'session');
  if (expiresAt) {
    if (Number.isNaN(Date.parse(expiresAt))) throw invalid('session.expiresAt must be an ISO 8601 date');
    description.expiresAt = expiresAt;
  }
  const apiBaseUrl = optionalString(value, 'apiBaseUrl', 'session');
  if (apiBaseUrl) {
    if (!/^https?:\/\//i.test(apiBaseUrl)) throw invalid('session.apiBaseUrl must be an http(s) URL');
    requireSecure(apiBaseUrl, 'session.apiBaseUrl', pageProtocol);
    description.apiBaseUrl = apiBaseUrl;
  }
  const stopToken = optionalString(value, 'stopToken', 'session');
  if (stopToken) description.stopToken = stopToken;
  if (value.options !== undefined) {
    if (!isObject(value.options)) throw invalid('session.options must be an object');
    description.options = value.options;
  }
  return description;
}

/** `provider="local"` needs no server: the session is made in the page. */
export function localDescription(config: SessionConfig): SessionDescription {
  const id = globalThis.crypto?.randomUUID?.() ?? `local-${Date.now()}-${Math.random().toString(36).slice(2)}`;
  return {
    provider: config.provider,
    sessionId: id,
    transport: { kind: 'local', protocol: 'local', ...(config.language ? { language: config.language } : {}) },
  };
}
