import { AvatarError } from '../errors/avatar-error.js';
import { getProvider } from '../providers/registry.js';
import type { Quality, SessionConfig, VideoEncoding } from '../session/session-types.js';
import type { TransportKind } from '../transports/transport.js';

/** Attributes are strings (null when absent); numeric ones may be numbers when set as properties. */
type Raw = string | number | null | undefined;

/** The raw settings as the element holds them: the element itself is passed. */
export interface RawSettings {
  provider: Raw;
  avatarId?: Raw;
  voiceId?: Raw;
  voiceRate?: Raw;
  language?: Raw;
  streamType?: Raw;
  tokenUrl?: Raw;
  tokenTimeout?: Raw;
  connectTimeout?: Raw;
  idleTimeout?: Raw;
  voiceChat?: string | boolean | null | undefined;
  pushToTalkKey?: Raw;
  loading?: string | null | undefined;
  background?: Raw;
  keyColor?: Raw;
  keyTolerance?: Raw;
  autostart?: string | boolean | null | undefined;
  sessionParams?: unknown;
  fetchSession?: unknown;
  stopSession?: unknown;
}

const QUALITIES = ['high', 'medium', 'low'] as const;
const ENCODINGS = ['H264', 'VP8'] as const;
const STREAM_TYPES = ['agora', 'livekit', 'trtc'] as const;
export const AUTOSTART_VALUES = ['', 'any', 'muted'] as const;
export type Autostart = 'off' | 'any' | 'muted';
export type VoiceChatMode = 'off' | 'open' | 'push-to-talk';
export type Loading = 'eager' | 'lazy';

/** HeyGen/KonPro accept 30–3600 s; other vendors ignore it. */
const IDLE_TIMEOUT_MIN = 30;
const IDLE_TIMEOUT_MAX = 3600;

/** Voice speed accepted by the element; vendors narrow it further on the server. */
const VOICE_RATE_MIN = 0.5;
const VOICE_RATE_MAX = 2;
const DEFAULT_TOKEN_TIMEOUT = 15_000;

function bad(attribute: string, value: string, expected: string): AvatarError {
  return new AvatarError('invalid-attribute', `${attribute}="${value}" is not valid: expected ${expected}.`, { attribute });
}

function oneOf<T extends string>(attribute: string, value: string, allowed: readonly T[], normalise: (v: string) => string): T {
  const normalised = normalise(value.trim());
  const match = allowed.find((a) => a === normalised);
  if (!match) throw bad(attribute, value, allowed.join(', '));
  return match;
}

const present = (value: string | null | undefined): value is string => typeof value === 'string' && value.trim() !== '';
const text = (value: Raw) => (value == null ? undefined : String(value));

/** A numeric setting from `min` to `max` (`whole`: integers only); `expected` words the error. */
function numberIn(attribute: string, value: string, min: number, max: number, whole: boolean, expected: string): number {
  const n = Number(value);
  if (!(whole ? Number.isInteger(n) : Number.isFinite(n)) || n < min || n > max) throw bad(attribute, value, expected);
  return n;
}
const MS = 'a whole number of milliseconds';

/**
 * `autostart` and `voice-chat`: absent (or `false`) is off; bare, `true`, the attribute's own name or `on`
 * (`any`, `open`) is `on`; `other` is the one other value. `true`/`false` come from properties set by script
 * or a framework (`el.autostart = true`): present or absent.
 */
function flag<On extends string, Other extends string>(
  value: string | boolean | null | undefined,
  attribute: string,
  on: On,
  other: Other,
): 'off' | On | Other {
  if (value === null || value === undefined || value === false) return 'off';
  if (value === true) return on;
  const v = value.trim().toLowerCase();
  if (v === '' || v === on || v === attribute || v === 'true') return on;
  if (v === other) return other;
  throw bad(attribute, value, `no value, "${on}" or "${other}"`);
}

export const parseAutostart = (value: string | boolean | null | undefined): Autostart => flag(value, 'autostart', 'any', 'muted');

export const parseVoiceChat = (value: string | boolean | null | undefined): VoiceChatMode => flag(value, 'voice-chat', 'open', 'push-to-talk');

export function parseLoading(value: string | null | undefined): Loading {
  if (value === null || value === undefined || value.trim() === '' || value.trim().toLowerCase() === 'eager') return 'eager';
  if (value.trim().toLowerCase() === 'lazy') return 'lazy';
  throw bad('loading', value, '"eager" or "lazy"');
}

/** What shows through the keyed-out backdrop: nothing (`transparent`), a colour, or an image. */
export type Background = { kind: 'transparent' } | { kind: 'color'; value: string } | { kind: 'image'; value: string };

/** Vendors' digital green screens are pure green; the default tolerance also takes broadcast chroma green (#00b140). */
export const DEFAULT_KEY_COLOR = '#00ff00';
export const DEFAULT_KEY_TOLERANCE = 0.3;

/** `CSS.supports` where there is a CSS engine; SSR has none, and the browser checks again on upgrade. */
const cssAccepts = (property: string, value: string) => typeof CSS === 'undefined' || CSS.supports(property, value);

/** `background`: absent (no keying), `transparent`, a CSS colour, or a CSS image such as `url(...)`. */
export function parseBackground(value: string | null | undefined): Background | undefined {
  if (!present(value)) return undefined;
  const v = value.trim();
  if (v.toLowerCase() === 'transparent') return { kind: 'transparent' };
  if (cssAccepts('color', v)) return { kind: 'color', value: v };
  if (/^[a-z-]+\(/i.test(v) && cssAccepts('background-image', v)) return { kind: 'image', value: v };
  throw bad('background', value, '"transparent", a CSS colour or url(...)');
}

export function parseKeyColor(value: string | null | undefined): string {
  if (!present(value)) return DEFAULT_KEY_COLOR;
  const v = value.trim();
  // The shader needs the colour itself: var() and currentcolor have none outside a style context.
  if (/^(transparent|currentcolor)$|var\(/i.test(v) || !cssAccepts('color', v)) throw bad('key-color', value, 'a CSS colour such as #00ff00');
  return v;
}

export function parseKeyTolerance(value: string | null | undefined): number {
  if (!present(value)) return DEFAULT_KEY_TOLERANCE;
  return numberIn('key-tolerance', value, 0, 1, false, 'a number from 0 to 1');
}

/**
 * Checks every setting and builds the session config. Throws the first `invalid-attribute` (or
 * `unknown-provider`) error, naming the attribute and the values it takes.
 */
/** The settings that say which avatar session this is (a change while live starts another), checked first. */
export type SessionIdentity = Pick<SessionConfig, 'provider' | 'avatarId' | 'streamType' | 'tokenUrl'>;

export function readIdentity(raw: RawSettings): SessionIdentity {
  const get = (key: keyof RawSettings) => text(raw[key] as Raw);
  const provider = get('provider')?.trim() || 'local';
  getProvider(provider);
  const identity: SessionIdentity = { provider };
  const [avatarId, streamType, tokenUrl] = (['avatarId', 'streamType', 'tokenUrl'] as const).map(get);
  if (present(avatarId)) identity.avatarId = avatarId.trim();
  if (present(streamType)) {
    identity.streamType = oneOf<TransportKind & (typeof STREAM_TYPES)[number]>('stream-type', streamType, STREAM_TYPES, (v) => v.toLowerCase());
  }
  if (present(tokenUrl)) {
    let url: URL;
    try {
      url = new URL(tokenUrl, globalThis.document?.baseURI);
    } catch {
      throw bad('token-url', tokenUrl, 'a URL');
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw bad('token-url', tokenUrl, 'an http(s) URL');
    identity.tokenUrl = url.href;
  }
  return identity;
}

export function readConfig(raw: RawSettings, quality: Raw, videoEncoding: Raw): SessionConfig {
  const get = (key: keyof RawSettings) => text(raw[key] as Raw);
  const config: SessionConfig = { ...readIdentity(raw), tokenTimeout: DEFAULT_TOKEN_TIMEOUT };
  const [voiceId, voiceRate, language, tokenTimeout, connectTimeout, idleTimeout, pushToTalkKey] = (
    ['voiceId', 'voiceRate', 'language', 'tokenTimeout', 'connectTimeout', 'idleTimeout', 'pushToTalkKey'] as const
  ).map(get);
  const q = text(quality);
  const encoding = text(videoEncoding);
  if (present(q)) config.quality = oneOf<Quality>('quality', q, QUALITIES, (v) => v.toLowerCase());
  if (present(encoding)) config.videoEncoding = oneOf<VideoEncoding>('video-encoding', encoding, ENCODINGS, (v) => v.toUpperCase());
  if (present(voiceId)) config.voiceId = voiceId.trim();
  if (present(voiceRate)) {
    config.voiceRate = numberIn('voice-rate', voiceRate, VOICE_RATE_MIN, VOICE_RATE_MAX, false, `a number from ${VOICE_RATE_MIN} to ${VOICE_RATE_MAX}`);
  }
  if (present(language)) {
    if (!/^[a-z]{2,3}(-[a-z0-9]{2,8})*$/i.test(language.trim())) throw bad('language', language, 'a language tag such as "en" or "en-US"');
    config.language = language.trim();
  }
  if (present(tokenTimeout)) config.tokenTimeout = numberIn('token-timeout', tokenTimeout, 1, Infinity, true, MS);
  if (present(connectTimeout)) numberIn('connect-timeout', connectTimeout, 1, Infinity, true, MS);
  if (present(idleTimeout)) {
    config.idleTimeout = numberIn(
      'idle-timeout',
      idleTimeout,
      IDLE_TIMEOUT_MIN,
      IDLE_TIMEOUT_MAX,
      true,
      `whole seconds from ${IDLE_TIMEOUT_MIN} to ${IDLE_TIMEOUT_MAX}`,
    );
  }
  parseAutostart(raw.autostart);
  parseVoiceChat(raw.voiceChat);
  // A `KeyboardEvent.code` (`KeyT`, `Space`, `F2`), not a `key` (`t`, ` `), which would silently never match.
  if (present(pushToTalkKey) && !/^[A-Z][A-Za-z0-9]+$/.test(pushToTalkKey)) {
    throw bad('push-to-talk-key', pushToTalkKey, 'a KeyboardEvent.code such as "KeyT"');
  }
  parseLoading(raw.loading);
  parseBackground(get('background'));
  parseKeyColor(get('keyColor'));
  parseKeyTolerance(get('keyTolerance'));
  // Script-only settings: a plain object, and two functions.
  for (const key of ['sessionParams', 'fetchSession', 'stopSession'] as const) {
    const value = raw[key];
    if (value == null) continue;
    const object = key === 'sessionParams';
    if (object ? typeof value !== 'object' || Array.isArray(value) : typeof value !== 'function') {
      throw new AvatarError('invalid-attribute', `${key} must be ${object ? 'a plain object' : 'a function'}.`, { attribute: key });
    }
    (config as unknown as Record<string, unknown>)[key] = value;
  }
  return config;
}
