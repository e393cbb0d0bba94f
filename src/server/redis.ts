/**
 * `streaming-avatar/server/redis`: the session ledger's store in Redis, so several handler instances share
 * one ledger (stops by requestId reach the instance that created the session, caps count every instance).
 * It takes a connected client you made: the `redis` npm client (v4 and later, `createClient()`), or any
 * client with ioredis' `call()`. Nothing is imported here, so the entry loads wherever the client does.
 */
import type { KeyValueStore } from './store.js';

/** What is used of a client: node-redis' `sendCommand(args)` or ioredis' `call(command, ...args)`. */
export type RedisClientLike =
  | { sendCommand(args: string[]): Promise<unknown> }
  | { call(command: string, ...args: string[]): Promise<unknown> };

export interface RedisStoreOptions {
  /** Prefix of every key (default `streaming-avatar:`), so one Redis can serve other things too. */
  prefix?: string;
}

/**
 * INCR that gives a key it creates an expiry, in one step: with INCR then PEXPIRE, an instance that dies
 * between the two would leave a key (a concurrency slot) that never expires.
 */
const INCREMENT = `local n = redis.call('INCR', KEYS[1])
if tonumber(ARGV[1]) > 0 and redis.call('PTTL', KEYS[1]) == -1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return n`;

export function redisStore(client: RedisClientLike, { prefix = 'streaming-avatar:' }: RedisStoreOptions = {}): KeyValueStore {
  const send = (args: string[]): Promise<unknown> =>
    'sendCommand' in client ? client.sendCommand(args) : client.call(args[0]!, ...args.slice(1));
  const ms = (ttlMs: number) => String(Math.max(1, Math.ceil(ttlMs)));

  return {
    async get(key) {
      const value = await send(['GET', prefix + key]);
      return value === null || value === undefined ? undefined : String(value);
    },
    async set(key, value, ttlMs) {
      await send(['SET', prefix + key, value, 'PX', ms(ttlMs)]);
    },
    async delete(key) {
      await send(['DEL', prefix + key]);
    },
    async increment(key, ttlMs) {
      const value = await send(['EVAL', INCREMENT, '1', prefix + key, ttlMs === undefined ? '0' : ms(ttlMs)]);
      const count = Number(value);
      if (!Number.isInteger(count)) throw new TypeError(`Redis answered ${String(value)} to an increment.`);
      return count;
    },
  };
}

export type { KeyValueStore } from './store.js';
