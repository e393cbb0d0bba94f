// `npm start`: installs what is missing, then serves the demo on localhost (no vendor account needed).
import { ensureDependencies } from './ensure.mjs';

ensureDependencies();
const { startDemoServer } = await import('./dev-server.mjs');
const port = Number(process.env.PORT ?? 8080);
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
