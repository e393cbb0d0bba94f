// One LiveKit test server per process, shared by the web-test-runner backends (the LiveKit tests and the
// fake vendors' rooms) and by `npm start`: each room is its own, so they never meet.
import { startLiveKitTestServer, type LiveKitTestServer, type LiveKitTestServerOptions } from './server.js';

let shared: Promise<LiveKitTestServer> | undefined;

/** The process's server, started on first use (options apply to that first call only). */
export function sharedLiveKitServer(options?: LiveKitTestServerOptions): Promise<LiveKitTestServer> {
  shared ??= startLiveKitTestServer(options);
  return shared;
}

/** Stops the shared server (the next call starts a new one). */
export async function stopSharedLiveKitServer(): Promise<void> {
  const current = shared;
  shared = undefined;
  await (await current)?.stop();
}
