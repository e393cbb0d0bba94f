import type { Clock } from './clock.js';
import type { LiveKitTestServer } from './rooms.js';
import type { RouteContext } from './http.js';
import type { Relay } from './relay.js';
import type { FakeSession, FakeVendorName, SessionStore } from './sessions.js';

/** Keys the fake vendor accepts (defaults: `fake-heygen-key`, …). */
export interface FakeKeys {
  heygen: string;
  konpro: string;
  deepbrain: { appId: string; userKey: string };
  akool: string;
}

export const DEFAULT_FAKE_KEYS: FakeKeys = {
  heygen: 'fake-heygen-key',
  konpro: 'fake-konpro-key',
  deepbrain: { appId: 'fake-deepbrain-app', userKey: 'fake-deepbrain-user-key' },
  akool: 'fake-akool-key',
};

/** What every fake vendor module gets. */
export interface FakeDeps {
  keys: FakeKeys;
  store: SessionStore;
  relay: Relay;
  clock: Clock;
  /** HeyGen/KonPro `session_duration_limit`, seconds. */
  sessionDurationLimitS: number;
  /** Which TRTC field names the fake Akool answers with. */
  akoolTrtcFields: 'demo' | 'openapi';
  /**
   * The LiveKit test server the fakes open their sessions' rooms on (src/fake-vendor/rooms.ts), so the real
   * livekit-client plays them. Unset (Node tests of REST alone): LiveKit credentials point at no server.
   */
  livekit?: LiveKitTestServer;
}

/** One fake vendor: its routes, and its own envelope for failures the router detects. */
export interface FakeVendorModule {
  name: FakeVendorName;
  /** Answers the route, or `undefined` for a path this vendor does not have. */
  route(context: RouteContext): Response | undefined | Promise<Response | undefined>;
  /** This vendor's envelope for a router-level failure (unknown path, unknown session on the relay, …). */
  failure(status: 404 | 405, message: string): Response;
  /** Runs when the page first listens on a session's relay (DeepBrain's greeting). */
  onRelayConnect?(session: FakeSession): void;
}
