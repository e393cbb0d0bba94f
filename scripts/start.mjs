// `npm start`: installs what is missing, then serves the demo on localhost (no vendor account needed).
import { ensureDependencies } from './ensure.mjs';

ensureDependencies();
const { startDemoServer } = await import('./dev-server.mjs');
const port = Number(process.env.PORT ?? 8080);
const { url } = await startDemoServer({ port });
console.log(`\n  <streaming-avatar> demo: ${url}\n  (provider="local" runs in the page; press Ctrl+C to stop)\n`);
