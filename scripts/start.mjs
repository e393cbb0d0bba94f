// `npm start`: installs what is missing, then serves the demo on localhost (no vendor account needed).
import { createServer } from 'node:net';
import { ensureDependencies } from './ensure.mjs';

/** `preferred` when it can be listened on, else 0 (the system picks one). */
function freePort(preferred) {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(0));
    probe.listen(preferred, 'localhost', () => probe.close(() => resolve(preferred)));
  });
}

ensureDependencies();
const { startDemoServer } = await import('./dev-server.mjs');
// 8080 unless it is taken (another dev server, say): then any free port; the URL is printed below.
const port = process.env.PORT ? Number(process.env.PORT) : await freePort(8080);
const { url } = await startDemoServer({ port });
console.log(
  [
    '',
    `  <streaming-avatar> demo: ${url}`,
    `  Session handler: ${url}api/avatar (and /api/avatar/stop), configured with fake keys.`,
    `  Vendor sessions (heygen, konpro, deepbrain, akool) come from the LOCAL FAKE VENDOR at ${url}fake-vendor/,`,
    '  not from the real vendors; their media is played in the page by the local transport (no SFU runs here).',
    '  provider="local" runs entirely in the page. Press Ctrl+C to stop.',
    '',
  ].join('\n'),
);
