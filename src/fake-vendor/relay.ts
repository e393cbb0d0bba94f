/**
 * The relay: REST commands the browser sends to a fake vendor (speak, interrupt, stop) come back to the
 * page as server-sent events on `GET /fake-vendor/<vendor>/_relay/<sessionId>`, so the in-page avatar can
 * act on them. Messages published before anyone listens are kept and delivered to the first listener.
 */
export type RelayMessage =
  | { type: 'speak'; text: string; taskType: 'repeat' | 'chat' | 'talk'; taskId: string }
  | { type: 'interrupt' }
  | { type: 'stop'; reason: string };

const encoder = new TextEncoder();
const HEARTBEAT_MS = 15_000;

interface Channel {
  listeners: Set<ReadableStreamDefaultController<Uint8Array>>;
  backlog: RelayMessage[];
  closed: boolean;
  /** Whether anyone ever listened (the greeting goes to the first listener only). */
  connected: boolean;
  /** Every message ever published, for tests. */
  history: RelayMessage[];
}

export class Relay {
  readonly #channels = new Map<string, Channel>();

  #channel(sessionId: string): Channel {
    let channel = this.#channels.get(sessionId);
    if (!channel) {
      channel = { listeners: new Set(), backlog: [], closed: false, connected: false, history: [] };
      this.#channels.set(sessionId, channel);
    }
    return channel;
  }

  publish(sessionId: string, message: RelayMessage): void {
    const channel = this.#channel(sessionId);
    if (channel.closed) return;
    channel.history.push(message);
    if (channel.listeners.size === 0) {
      channel.backlog.push(message);
      return;
    }
    for (const listener of channel.listeners) send(listener, message);
  }

  /** Publishes `stop` and ends every stream of the session. */
  close(sessionId: string, reason: string): void {
    const channel = this.#channel(sessionId);
    if (channel.closed) return;
    this.publish(sessionId, { type: 'stop', reason });
    channel.closed = true;
    for (const listener of channel.listeners) end(listener);
    channel.listeners.clear();
  }

  history(sessionId: string): readonly RelayMessage[] {
    return this.#channels.get(sessionId)?.history ?? [];
  }

  /** An event stream for one session; `onFirstConnect` runs when the first listener ever attaches. */
  stream(sessionId: string, onFirstConnect?: () => void): ReadableStream<Uint8Array> {
    const channel = this.#channel(sessionId);
    let heartbeat: ReturnType<typeof setInterval> | undefined;
    let self: ReadableStreamDefaultController<Uint8Array> | undefined;
    return new ReadableStream<Uint8Array>({
      start: (controller) => {
        self = controller;
        controller.enqueue(encoder.encode(': relay\n\n'));
        const first = !channel.connected;
        channel.connected = true;
        if (channel.closed) {
          // A late listener still learns that the session is over (the backlog ends with the stop).
          for (const message of channel.backlog) send(controller, message);
          channel.backlog = [];
          if (!first) send(controller, [...channel.history].reverse().find((message) => message.type === 'stop') ?? { type: 'stop', reason: 'user' });
          end(controller);
          return;
        }
        channel.listeners.add(controller);
        if (first) onFirstConnect?.();
        for (const message of channel.backlog) send(controller, message);
        channel.backlog = [];
        heartbeat = setInterval(() => {
          try {
            controller.enqueue(encoder.encode(': ping\n\n'));
          } catch {
            clearInterval(heartbeat);
          }
        }, HEARTBEAT_MS);
        (heartbeat as { unref?: () => void }).unref?.();
      },
      cancel: () => {
        clearInterval(heartbeat);
        if (self) channel.listeners.delete(self);
      },
    });
  }

  /** Ends every stream (server shutdown). */
  closeAll(): void {
    for (const channel of this.#channels.values()) {
      for (const listener of channel.listeners) end(listener);
      channel.listeners.clear();
    }
  }
}

function send(controller: ReadableStreamDefaultController<Uint8Array>, message: RelayMessage): void {
  try {
    controller.enqueue(encoder.encode(`data: ${JSON.stringify(message)}\n\n`));
  } catch {
    // The listener went away.
  }
}

function end(controller: ReadableStreamDefaultController<Uint8Array>): void {
  try {
    controller.close();
  } catch {
    // Already closed.
  }
}
