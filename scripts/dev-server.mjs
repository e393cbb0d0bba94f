// The demo server: serves demo/ and src/ (TypeScript compiled on the fly) with bare imports resolved.
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { startDevServer } from '@web/dev-server';
import { tsImport } from 'tsx/esm/api';
import { root } from './ensure.mjs';

/**
 * Starts the demo server. `middleware` lets callers add routes. With `fakeBackend` (the default) it also
 * mounts the local fake vendor at /fake-vendor/* and the session handler at /api/avatar, pointed at it
 * (demo/dev-backend.ts). Returns the URL and a `stop()` function.
 */
export async function startDemoServer({ port = 8080, middleware = [], fakeBackend = true } = {}) {
  // The backend is TypeScript; tsx compiles it in place. It needs the server's own origin, known once it listens.
  let backend;
  const { createDevBackend } = fakeBackend ? await tsImport('../demo/dev-backend.ts', import.meta.url) : {};
  const mountBackend = async (ctx, next) => {
    if (!backend?.owns(ctx.path)) return next();
    ctx.respond = false; // The backend writes the Node response itself (streams included).
    await backend.serve(ctx.req, ctx.res);
  };
  const server = await startDevServer({
    config: {
      rootDir: root,
      port,
      hostname: 'localhost',
      nodeResolve: { exportConditions: ['browser', 'development'] },
      appIndex: undefined,
      middleware: [
        (ctx, next) => {
          // The demo's relative URLs resolve against /demo/.
          if (ctx.path === '/' || ctx.path === '/index.html' || ctx.path === '/demo') return ctx.redirect('/demo/');
          return next();
        },
        ...(fakeBackend ? [mountBackend] : []),
        ...middleware,
      ],
      plugins: [esbuildPlugin({ ts: true, target: 'es2022', tsconfig: `${root}/tsconfig.json` })],
    },
    readCliArgs: false,
    readFileConfig: false,
    logStartMessage: false,
  });
  const address = server.server?.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  if (createDevBackend) backend = await createDevBackend(`http://localhost:${actualPort}`);
  return {
    url: `http://localhost:${actualPort}/`,
    stop: async () => {
      backend?.close();
      await server.stop();
    },
  };
}
