// A web-test-runner plugin that starts Node-side test backends once for the run (the LiveKit test server,
// later fake vendors and the session handler) and lets browser tests drive them: `executeServerCommand(
// '<backend>:<command>', payload)` from @web/test-runner-commands, and HTTP routes on the test server's
// own origin for backends that serve some.
import { tsImport } from 'tsx/esm/api';

/**
 * @typedef {object} Backend
 * @property {Record<string, (payload: any, session: { id: string; testFile: string }) => unknown>} commands
 *   Each returns a JSON value; a thrown error reaches the test as `{ error }` (see test/helpers/backends.ts).
 * @property {(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => boolean | Promise<boolean>} [http]
 *   Answers a request it owns (returns true), or leaves it to the next (false).
 * @property {() => unknown} stop
 */

/**
 * @param {Record<string, string>} modules backend name → TypeScript module (path from the repo root) that
 *   exports `createBackend(): Promise<Backend>`.
 * @returns {{ plugin: object, middleware: (ctx: any, next: () => Promise<void>) => Promise<void> }} the plugin
 *   (start, stop, commands) and the middleware that serves the backends' HTTP routes: it goes in the config's
 *   `middleware`, which runs before the dev server's own (a plugin's `app.use` would run after its 404).
 */
export function testBackends(modules) {
  /** @type {Map<string, Backend>} */
  const backends = new Map();
  const root = new URL('../../', import.meta.url);
  const middleware = async (ctx, next) => {
    for (const backend of backends.values()) {
      if (backend.http && (await backend.http(ctx.req, ctx.res))) {
        ctx.respond = false;
        return;
      }
    }
    await next();
  };
  const plugin = {
    name: 'test-backends',
    async serverStart() {
      for (const [name, path] of Object.entries(modules)) {
        const module = await tsImport(new URL(path, root).href, import.meta.url);
        backends.set(name, await module.createBackend());
      }
    },
    async serverStop() {
      for (const backend of backends.values()) await backend.stop();
      backends.clear();
    },
    async executeCommand({ command, payload, session }) {
      const at = command.indexOf(':');
      const backend = at > 0 ? backends.get(command.slice(0, at)) : undefined;
      if (!backend) return undefined;
      const run = backend.commands[command.slice(at + 1)];
      if (!run) return { error: `The ${command.slice(0, at)} backend has no command "${command.slice(at + 1)}"` };
      try {
        return { value: (await run(payload ?? {}, { id: session.id, testFile: session.testFile })) ?? null };
      } catch (error) {
        return { error: error instanceof Error ? error.message : String(error) };
      }
    },
  };
  return { plugin, middleware };
}
