import { AvatarError } from '../errors/avatar-error.js';
import { findProvider, providerNames } from '../providers/registry.js';
import type { FetchSession, Quality, SessionConfig, StopSession, VideoEncoding } from '../session/session-types.js';
import type { TransportKind } from '../transports/transport.js';

/** The raw settings as the element holds them (attributes are strings, or null when absent). */
export interface RawSettings {
  provider: string | null | undefined;
  avatarId: string | null | undefined;
  quality: string | null | undefined;
  videoEncoding: string | null | undefined;
  voiceId: string | null | undefined;
  voiceRate: string | null | undefined;
  language: string | null | undefined;
  streamType: string | null | undefined;
  tokenUrl: string | null | undefined;
  tokenTimeout: string | null | undefined;
  connectTimeout?: string | null | undefined;
  idleTimeout?: string | null | undefined;
  voiceChat?: string | boolean | null | undefined;
  pushToTalkKey?: string | null | undefined;
  loading?: string | null | undefined;
  background?: string | null | undefined;
  keyColor?: string | null | undefined;
  keyTolerance?: string | null | undefined;
  autostart: string | boolean | null | undefined;
  sessionParams: unknown;
  fetchSession: FetchSession | undefined;
  stopSession: StopSession | undefined;
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

// `true`/`false` come from properties set by script or a framework (`el.autostart = true`): present or absent.
export function parseAutostart(value: string | boolean | null | undefined): Autostart {
  if (value === null || value === undefined || value === false) return 'off';
  if (value === true) return 'any';
  const v = value.trim().toLowerCase();
  if (v === 'muted') return 'muted';
  if (v === '' || v === 'any' || v === 'autostart' || v === 'true') return 'any';
  throw bad('autostart', value, 'no value, "any" or "muted"');
}

export function parseVoiceChat(value: string | boolean | null | undefined): VoiceChatMode {
  if (value === null || value === undefined || value === false) return 'off';
  if (value === true) return 'open';
  const v = value.trim().toLowerCase();
  if (v === '' || v === 'open' || v === 'voice-chat' || v === 'true') return 'open';
  if (v === 'push-to-talk') return 'push-to-talk';
  throw bad('voice-chat', value, 'no value, "open" or "push-to-talk"');
}

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
  const tolerance = Number(value);
  if (!Number.isFinite(tolerance) || tolerance < 0 || tolerance > 1) throw bad('key-tolerance', value, 'a number from 0 to 1');
  return tolerance;
}

/**
 * Checks every setting and builds the session config. Throws the first `invalid-attribute` (or
 * `unknown-provider`) error, naming the attribute and the values it takes.
 */
export function readConfig(raw: RawSettings): SessionConfig {
  const provider = present(raw.provider) ? raw.provider.trim() : 'local';
  if (!findProvider(provider)) {
    throw new AvatarError('unknown-provider', `provider="${provider}" is not a known provider: use one of ${providerNames().join(', ')}.`, {
      attribute: 'provider',
    });
  }
  const config: SessionConfig = { provider, tokenTimeout: DEFAULT_TOKEN_TIMEOUT };
  if (present(raw.avatarId)) config.avatarId = raw.avatarId.trim();
  if (present(raw.quality)) config.quality = oneOf<Quality>('quality', raw.quality, QUALITIES, (v) => v.toLowerCase());
  if (present(raw.videoEncoding)) {
    config.videoEncoding = oneOf<VideoEncoding>('video-encoding', raw.videoEncoding, ENCODINGS, (v) => v.toUpperCase());
  }
  if (present(raw.voiceId)) config.voiceId = raw.voiceId.trim();
  if (present(raw.voiceRate)) {
    const rate = Number(raw.voiceRate);
    if (!Number.isFinite(rate) || rate < VOICE_RATE_MIN || rate > VOICE_RATE_MAX) {
      throw bad('voice-rate', raw.voiceRate, `a number from ${VOICE_RATE_MIN} to ${VOICE_RATE_MAX}`);
    }
    config.voiceRate = rate;
  }
  if (present(raw.language)) {
    if (!/^[a-z]{2,3}(-[a-z0-9]{2,8})*$/i.test(raw.language.trim())) {
      throw bad('language', raw.language, 'a language tag such as "en" or "en-US"');
    }
    config.language = raw.language.trim();
  }
  if (present(raw.streamType)) {
    config.streamType = oneOf<TransportKind & (typeof STREAM_TYPES)[number]>('stream-type', raw.streamType, STREAM_TYPES, (v) =>
      v.toLowerCase(),
    );
  }
  if (present(raw.tokenUrl)) {
    let url: URL;
    try {
      url = new URL(raw.tokenUrl, globalThis.document?.baseURI);
    } catch {
      throw bad('token-url', raw.tokenUrl, 'a URL');
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw bad('token-url', raw.tokenUrl, 'an http(s) URL');
    config.tokenUrl = url.href;
  }
  if (present(raw.tokenTimeout)) {
    const timeout = Number(raw.tokenTimeout);
    if (!Number.isInteger(timeout) || timeout <= 0) throw bad('token-timeout', raw.tokenTimeout, 'a whole number of milliseconds');
    config.tokenTimeout = timeout;
  }
  if (present(raw.connectTimeout)) {
    const timeout = Number(raw.connectTimeout);
    if (!Number.isInteger(timeout) || timeout <= 0) throw bad('connect-timeout', raw.connectTimeout, 'a whole number of milliseconds');
  }
  if (present(raw.idleTimeout)) {
    const seconds = Number(raw.idleTimeout);
    if (!Number.isInteger(seconds) || seconds < IDLE_TIMEOUT_MIN || seconds > IDLE_TIMEOUT_MAX) {
      throw bad('idle-timeout', raw.idleTimeout, `whole seconds from ${IDLE_TIMEOUT_MIN} to ${IDLE_TIMEOUT_MAX}`);
    }
    config.idleTimeout = seconds;
  }
  parseAutostart(raw.autostart);
  parseVoiceChat(raw.voiceChat);
  // A `KeyboardEvent.code` (`KeyT`, `Space`, `F2`), not a `key` (`t`, ` `), which would silently never match.
  if (present(raw.pushToTalkKey) && !/^[A-Z][A-Za-z0-9]+$/.test(raw.pushToTalkKey)) {
    throw bad('push-to-talk-key', raw.pushToTalkKey, 'a KeyboardEvent.code such as "KeyT"');
  }
  parseLoading(raw.loading);
  parseBackground(raw.background);
  parseKeyColor(raw.keyColor);
  parseKeyTolerance(raw.keyTolerance);
  if (raw.sessionParams !== undefined && raw.sessionParams !== null) {
    if (typeof raw.sessionParams !== 'object' || Array.isArray(raw.sessionParams)) {
      throw new AvatarError('invalid-attribute', 'sessionParams must be a plain object.', { attribute: 'sessionParams' });
    }
    config.sessionParams = raw.sessionParams as Record<string, unknown>;
  }
  if (raw.fetchSession !== undefined && raw.fetchSession !== null) {
    if (typeof raw.fetchSession !== 'function') {
      throw new AvatarError('invalid-attribute', 'fetchSession must be a function.', { attribute: 'fetchSession' });
    }
    config.fetchSession = raw.fetchSession;
  }
  if (raw.stopSession !== undefined && raw.stopSession !== null) {
    if (typeof raw.stopSession !== 'function') {
      throw new AvatarError('invalid-attribute', 'stopSession must be a function.', { attribute: 'stopSession' });
    }
    config.stopSession = raw.stopSession;
  }
  return config;
}
