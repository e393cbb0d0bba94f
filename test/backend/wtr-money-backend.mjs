// Mounts test/backend/money-backend.ts (the real session handler + the fake vendor, in Node) on the test
// runner's dev server at /__money-backend/*, for browser tests that need a real server (sendBeacon).
import { tsImport } from 'tsx/esm/api';

export function moneyBackend() {
  let backend;
  const load = async () => {
    if (!backend) {
      const { createMoneyBackend } = await tsImport('./money-backend.ts', import.meta.url);
      backend ??= createMoneyBackend();
    }
    return backend;
  };
  return {
    /** Koa middleware: the backend writes the Node response itself (event streams included). */
    middleware: async (ctx, next) => {
      if (!ctx.path.startsWith('/__money-backend/')) return next();
      ctx.respond = false;
      await (await load()).serve(ctx.req, ctx.res);
    },
    /** Ends the fake vendor's sessions and their timers when the server stops. */
    plugin: { name: 'money-backend', serverStop: () => backend?.close() },
  };
}
