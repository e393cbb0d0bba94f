import type { AvatarErrorDetail } from '../errors/avatar-error.js';
import type { Transcript } from '../providers/provider.js';
import type { AvatarState, EndedReason, VoiceChatState } from '../session/session-types.js';
import type { TransportKind } from '../transports/transport.js';

/** The `detail` of each event the element fires. All bubble and are composed (they leave the shadow root). */
export interface AvatarEventDetailMap {
  'avatar-state-change': { state: AvatarState; previous: AvatarState };
  'avatar-ready': { provider: string; sessionId: string; transport: TransportKind };
  'avatar-speak-start': { sessionId: string };
  'avatar-speak-end': { sessionId: string };
  'avatar-transcript': Transcript;
  'avatar-autoplay-blocked': { sessionId: string };
  'avatar-error': AvatarErrorDetail;
  'avatar-ended': { reason: EndedReason; sessionId?: string };
  /** Sent shortly before the vendor's time limit (or the room credential) runs out. */
  'avatar-session-expiring': { remaining: number | null };
  'avatar-voice-chat-change': VoiceChatState;
}

export type AvatarEventName = keyof AvatarEventDetailMap;

export type AvatarEventMap = {
  [K in AvatarEventName]: CustomEvent<AvatarEventDetailMap[K]>;
};

export const AVATAR_EVENTS = [
  'avatar-state-change',
  'avatar-ready',
  'avatar-speak-start',
  'avatar-speak-end',
  'avatar-transcript',
  'avatar-autoplay-blocked',
  'avatar-error',
  'avatar-ended',
  'avatar-session-expiring',
  'avatar-voice-chat-change',
] as const satisfies readonly AvatarEventName[];

export function createAvatarEvent<K extends AvatarEventName>(
  name: K,
  detail: AvatarEventDetailMap[K],
): CustomEvent<AvatarEventDetailMap[K]> {
  return new CustomEvent(name, { detail, bubbles: true, composed: true });
}

declare global {
  // Typed `addEventListener('avatar-ready', e => e.detail.sessionId)` on any element, and on `document` and
  // `window`, where the events arrive too (they bubble and are composed): all three maps extend this one.
  // eslint-disable-next-line @typescript-eslint/no-empty-interface
  interface GlobalEventHandlersEventMap extends AvatarEventMap {}
}
