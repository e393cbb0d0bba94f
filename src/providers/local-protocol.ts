import { decodeText, encodeText } from '../transports/media.js';
import type { SpeakMode } from '../session/session-types.js';

/**
 * The data-channel protocol between the `local` provider and the in-page avatar. JSON, one message per
 * data packet, like the vendors' own protocols, so the same adapter code paths run.
 */
export type LocalCommand =
  | { type: 'speak'; id: number; text: string; mode: SpeakMode }
  | { type: 'interrupt' };

export type LocalEvent =
  | { type: 'speak-start'; id: number }
  | { type: 'speak-end'; id: number; interrupted: boolean }
  | { type: 'transcript'; role: 'avatar' | 'user'; text: string; final: boolean };

export function encodeMessage(message: LocalCommand | LocalEvent): Uint8Array {
  return encodeText(JSON.stringify(message));
}

/** Returns the message, or `undefined` for anything that is not a JSON object with a string `type`. */
export function decodeMessage<T extends { type: string }>(payload: Uint8Array): T | undefined {
  try {
    const value: unknown = JSON.parse(decodeText(payload));
    if (typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string') {
      return value as T;
    }
  } catch {
    // Not JSON: not ours.
  }
  return undefined;
}
