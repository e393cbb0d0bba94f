import { ENDED_REASONS, type EndedReason } from '../../src/session/session-types.js';

/**
 * The fake vendor's relay: REST commands the page sends to the Node fake vendor (HeyGen task, DeepBrain
 * talk, a stop) come back to the page's emulated avatar as server-sent events on
 * `GET /fake-vendor/<vendor>/_relay/<sessionId>`, one JSON object per `data:` line.
 */

export type RelayMessage =
  | { type: 'speak'; text: string; taskType?: 'repeat' | 'chat' | 'talk'; taskId?: string }
  | { type: 'interrupt' }
  | { type: 'stop'; reason?: string };

export interface RelayConnection {
  onmessage?: (message: RelayMessage) => void;
  close(): void;
}

/** Opens the relay at `url`. Injectable, so tests can relay in memory. */
export type RelayOpener = (url: string) => RelayConnection;

export function parseRelayMessage(data: string): RelayMessage | undefined {
  try {
    const value: unknown = JSON.parse(data);
    if (typeof value !== 'object' || value === null) return undefined;
    const message = value as { type?: unknown; text?: unknown };
    if (message.type === 'speak' && typeof message.text === 'string') return value as RelayMessage;
    if (message.type === 'interrupt' || message.type === 'stop') return value as RelayMessage;
  } catch {
    // Not ours.
  }
  return undefined;
}

export const openEventSourceRelay: RelayOpener = (url) => {
  const source = new EventSource(url);
  const connection: RelayConnection = {
    close: () => source.close(),
  };
  source.onmessage = (event: MessageEvent<string>) => {
    const message = parseRelayMessage(event.data);
    if (message) connection.onmessage?.(message);
  };
  return connection;
};

/**
 * How a relayed stop ends the element's session. A stop this page asked for arrives after the session
 * ended and is ignored; any other stop came from the vendor's side, so `user` becomes `vendor`.
 */
export function stopReason(reason: string | undefined): EndedReason {
  const known = ENDED_REASONS.find((r) => r === reason);
  return known && known !== 'user' ? known : 'vendor';
}
