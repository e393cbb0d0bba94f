/// <reference types="node" />
import type { ServerResponse } from 'node:http';
import { createSessionHandler, sendResponse, toRequest, type NodeRequest, type SessionHandler } from '../src/server/index.js';
import { sharedLiveKitServer, stopSharedLiveKitServer } from '../test/livekit-server/shared.js';
import { createFakeVendor, DEFAULT_FAKE_KEYS, fakeVendorBaseUrl, type FakeVendor } from '../src/fake-vendor/index.js';

/**
 * What `npm start` mounts next to the demo: the fake vendor at `/fake-vendor/*`, and the real session
 * handler at `/api/avatar` (+ `/api/avatar/stop`) holding the fake keys, with every vendor's baseUrl on
 * this same origin. The handler reaches the fake vendor over HTTP, like it would reach a real one.
 */
export const SESSION_PATH = '/api/avatar';

export interface DevBackend {
  vendor: FakeVendor;
  handler: SessionHandler;
  /** Whether a path belongs to the backend (everything else is the demo's static files). */
  owns(pathname: string): boolean;
  /** Answers a Node request (the dev server's koa middleware passes `ctx.req`/`ctx.res`). */
  serve(req: NodeRequest, res: ServerResponse): Promise<void>;
  close(): void;
}

/**
 * `origin` is where the dev server listens, e.g. `http://localhost:8080`. The fake vendors open their
 * LiveKit sessions' rooms on the project's LiveKit test server (test/livekit-server/), so the demo plays
 * them with the real livekit-client.
 */
export async function createDevBackend(origin: string): Promise<DevBackend> {
  const livekit = await sharedLiveKitServer();
  const vendor = createFakeVendor({ livekit });
  const keys = DEFAULT_FAKE_KEYS;
  const handler = createSessionHandler({
    providers: {
      heygen: { apiKey: keys.heygen, baseUrl: fakeVendorBaseUrl(origin, 'heygen') },
      konpro: { apiKey: keys.konpro, baseUrl: fakeVendorBaseUrl(origin, 'konpro') },
      deepbrain: { ...keys.deepbrain, baseUrl: fakeVendorBaseUrl(origin, 'deepbrain') },
      akool: { apiKey: keys.akool, baseUrl: fakeVendorBaseUrl(origin, 'akool') },
    },
    // Signs the stop tokens; a site sets its own (the same on every instance).
    secret: 'dev-backend-secret-only-for-the-fake-vendor',
  });
  const owns = (pathname: string) =>
    pathname.startsWith('/fake-vendor/') || pathname === SESSION_PATH || pathname === `${SESSION_PATH}/stop`;
  return {
    vendor,
    handler,
    owns,
    async serve(req, res) {
      const request = toRequest(req);
      const response = new URL(request.url).pathname.startsWith('/fake-vendor/') ? await vendor(request) : await handler(request);
      await sendResponse(response, res);
    },
    close: () => {
      vendor.close();
      void stopSharedLiveKitServer();
    },
  };
}
