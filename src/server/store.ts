/** The key-value store the session ledger keeps its records in (`store` option), and its in-memory default. */

/**
 * Four operations any shared key-value service can give (Redis, Upstash, DynamoDB, a Durable Object, a SQL
 * table). Every value is a string; every key is written with a time to live, so nothing the ledger writes
 * outlives the sessions it describes, whatever happens to the instance that wrote it.
 *
 * Needed of an implementation, across every instance that shares it: a `get` sees the latest `set`,
 * `delete` or `increment` of its key (no eventually consistent caches), and `increment` is atomic.
 */
export interface KeyValueStore {
  /** The value, or `undefined`/`null` when the key is absent or has expired. */
  get(key: string): Promise<string | undefined | null>;
  /** Writes the value, living `ttlMs` milliseconds (replacing any value and expiry the key had). */
  set(key: string, value: string, ttlMs: number): Promise<void>;
  delete(key: string): Promise<void>;
  /**
   * Adds 1 to the integer at `key` atomically and answers the new value. A missing key counts from 0; when
   * the increment creates it, it lives `ttlMs` milliseconds (an existing key keeps its expiry). Without
   * `ttlMs` the key does not expire.
   */
  increment(key: string, ttlMs?: number): Promise<number>;
}

export interface MemoryStoreOptions {
  /** Clock for expiries (tests); default `Date.now`. */
  now?: () => number;
  /** Most keys kept; past it the oldest are dropped first (default 100000). */
  maxEntries?: number;
}

interface Entry {
  value: string;
  expiresAt: number;
}

/**
 * A store in this process's memory: the default. Good for one instance; with several (serverless,
 * replicas), each has its own, so caps count per instance and a stop reaching another instance finds no
 * record there: use a shared store (`streaming-avatar/server/redis`, or your own `KeyValueStore`).
 */
export function memoryStore({ now = Date.now, maxEntries = 100_000 }: MemoryStoreOptions = {}): KeyValueStore {
  const entries = new Map<string, Entry>();
  let writes = 0;

  const live = (key: string): Entry | undefined => {
    const entry = entries.get(key);
    if (entry && entry.expiresAt <= now()) {
      entries.delete(key);
      return undefined;
    }
    return entry;
  };

  /** Drops expired keys now and then, and the oldest when over the bound (a flood of unknown stops). */
  const write = (key: string, entry: Entry) => {
    entries.delete(key);
    entries.set(key, entry);
    if (++writes % 1000 === 0) {
      const time = now();
      for (const [name, item] of entries) if (item.expiresAt <= time) entries.delete(name);
    }
    for (const name of entries.keys()) {
      if (entries.size <= maxEntries) break;
      entries.delete(name);
    }
  };

  return {
    async get(key) {
      return live(key)?.value;
    },
    async set(key, value, ttlMs) {
      write(key, { value, expiresAt: now() + ttlMs });
    },
    async delete(key) {
      entries.delete(key);
    },
    async increment(key, ttlMs) {
      const entry = live(key);
      const next = (entry ? Number.parseInt(entry.value, 10) || 0 : 0) + 1;
      // Written again (not changed in place) so a busy counter is never the oldest key, dropped first.
      write(key, { value: String(next), expiresAt: entry ? entry.expiresAt : ttlMs === undefined ? Infinity : now() + ttlMs });
      return next;
    },
  };
}
