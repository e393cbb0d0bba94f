import type { RelayConnection, RelayMessage, RelayOpener } from '../../demo/emulation/relay.js';

/** The fake vendor's relay, in memory: tests publish what the Node fake vendor would send. */
export function createMemoryRelay() {
  const open = new Map<string, Set<RelayConnection>>();
  const opener: RelayOpener = (url) => {
    const connections = open.get(url) ?? new Set<RelayConnection>();
    open.set(url, connections);
    const connection: RelayConnection = { close: () => connections.delete(connection) };
    connections.add(connection);
    return connection;
  };
  return {
    open: opener,
    /** Relay URLs the page has opened and not closed. */
    urls: () => [...open].filter(([, connections]) => connections.size > 0).map(([url]) => url),
    /** Sends `message` to every open relay of `sessionId`; returns how many received it. */
    publish(sessionId: string, message: RelayMessage): number {
      let count = 0;
      for (const [url, connections] of open) {
        if (!url.endsWith(`/_relay/${encodeURIComponent(sessionId)}`)) continue;
        for (const connection of connections) {
          connection.onmessage?.(message);
          count++;
        }
      }
      return count;
    },
  };
}
