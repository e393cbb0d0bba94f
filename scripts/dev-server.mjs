// The demo server: serves demo/ and src/ (TypeScript compiled on the fly) with bare imports resolved.
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { startDevServer } from '@web/dev-server';
import { root } from './ensure.mjs';

/**
 * Starts the demo server. `middleware` lets callers add routes (the session handler and the fake vendor
 * are mounted here); returns the URL and a `stop()` function.
 */
export async function startDemoServer({ port = 8080, middleware = [] } = {}) {
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
  return { url: `http://localhost:${actualPort}/`, stop: () => server.stop() };
}
