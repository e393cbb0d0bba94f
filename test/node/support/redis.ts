// A real redis-server for the ledger tests: the one `npm test` started (REDIS_URL), or one this process
// starts on a free loopback port (scripts/ensure.mjs, which installs Debian's package where apt-get can
// run). Never skipped: without redis-server the tests fail, saying how to get it.
import { after, before } from 'node:test';
import { createClient } from 'redis';
import { startRedis } from '../../../scripts/ensure.mjs';
import { redisStore } from '../../../src/server/redis.js';
import type { KeyValueStore } from '../../../src/server/store.js';

type Client = ReturnType<typeof createClient>;

export interface RedisEnv {
  url: string;
  client: Client;
  /** A store on this Redis under a prefix of its own (tests never see each other's keys). */
  store(): KeyValueStore;
}

/** One Redis for a whole `describe()`; the object is filled in before its tests run. */
export function useRedis(): RedisEnv {
  const env = {} as RedisEnv;
  let server: Awaited<ReturnType<typeof startRedis>> | undefined;
  before(async () => {
    let url = process.env.REDIS_URL;
    if (!url) {
      server = await startRedis();
      url = server.url;
    }
    const client = createClient({ url });
    client.on('error', () => undefined);
    await client.connect();
    Object.assign(env, { url, client, store: () => redisStore(client, { prefix: `test-${crypto.randomUUID()}:` }) });
  });
  after(async () => {
    await env.client?.close();
    await server?.stop();
  });
  return env;
}
