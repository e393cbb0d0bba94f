// A real redis-server for the ledger tests: the one `npm test` started (REDIS_URL), or one this process
// starts on a free loopback port. Never skipped: without redis-server the tests fail, saying how to get it.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { after, before } from 'node:test';
import { createClient } from 'redis';
import { redisStore } from '../../../src/server/redis.js';
import type { KeyValueStore } from '../../../src/server/store.js';

type Client = ReturnType<typeof createClient>;

export interface RedisEnv {
  url: string;
  client: Client;
  /** A store on this Redis under a prefix of its own (tests never see each other's keys). */
  store(): KeyValueStore;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function binary(): string {
  const found = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).stdout.trim();
  if (!found) {
    throw new Error("redis-server is not installed. `npm test` installs Debian's package where apt-get can run; elsewhere install redis-server, or set REDIS_URL to a Redis to use.");
  }
  return found;
}

/** Starts redis-server on a free loopback port, in memory only; resolves once it accepts connections. */
export async function startRedisServer(): Promise<{ url: string; process: ChildProcess; stop(): Promise<void> }> {
  const port = await freePort();
  const child = spawn(binary(), ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'yes'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`redis-server did not start within 10 s: ${output.slice(-500)}`)), 10_000);
    const check = () => {
      if (/Ready to accept connections/i.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited (${code}): ${output.slice(-500)}`));
    });
  });
  return {
    url: `redis://127.0.0.1:${port}`,
    process: child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** One Redis for a whole `describe()`; the object is filled in before its tests run. */
export function useRedis(): RedisEnv {
  const env = {} as RedisEnv;
  let server: Awaited<ReturnType<typeof startRedisServer>> | undefined;
  before(async () => {
    let url = process.env.REDIS_URL;
    if (!url) {
      server = await startRedisServer();
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
