/// <reference types="node" />
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { toNodeHandler } from '../server/node.js';
import { systemClock, type Clock } from './clock.js';
import { CORS_HEADERS, eventStream, json, type RouteContext } from './http.js';
import { FAKE_VENDORS } from './registry.js';
import type { LiveKitTestServer } from './rooms.js';
import { Relay, type RelayMessage } from './relay.js';
import { SessionStore, type FakeSession, type FakeVendorName } from './sessions.js';
import { DEFAULT_FAKE_KEYS, type FakeKeys, type FakeVendorModule } from './vendor.js';

/**
 * A local stand-in for HeyGen, KonPro, DeepBrain and Akool: each vendor's REST paths under
 * `/fake-vendor/<vendor>`, with the vendor's validation, envelopes and error codes, so the demo and the
 * tests exercise every request over real HTTP without an account. No SFU runs here: media of a fake
 * session is played in the page by the local transport, and REST commands reach the page through the relay.
 */

export { createManualClock, systemClock, type Clock, type ManualClock } from './clock.js';
export { FAKE_AGORA_APP_ID, FAKE_AGORA_UID, FAKE_AKOOL_AVATAR_IDENTITY, FAKE_TRTC_APP_ID } from './credentials.js';
export { DEFAULT_FAKE_KEYS, type FakeKeys } from './vendor.js';
export type { RelayMessage } from './relay.js';
export { openAvatarRoom, type FakeAvatarRoom } from './rooms.js';
export type { FakeSession, FakeSessionState, FakeVendorName } from './sessions.js';

export interface FakeVendorOptions {
  /** Keys the fake accepts; unset ones keep the defaults (`fake-heygen-key`, …). */
  keys?: Partial<FakeKeys>;
  /** Clock for idle and duration timers (tests pass `createManualClock()`). */
  clock?: Clock;
  /** HeyGen/KonPro `session_duration_limit` in seconds (default 600). */
  sessionDurationLimit?: number;
  /** TRTC credential names the fake Akool answers with: the demo's `trtc_app_id…` or the OpenAPI page's `trtc_sdk_app_id…`. */
  akoolTrtcFields?: 'demo' | 'openapi';
  /** Delay before every answer, in milliseconds (timeouts). */
  latencyMs?: number;
  /** The LiveKit test server for the sessions' rooms (see `FakeDeps.livekit`). */
  livekit?: LiveKitTestServer;
}

export interface RecordedRequest {
  vendor: string;
  method: string;
  /** Path after the vendor prefix, e.g. `/v1/streaming.new`. */
  path: string;
  url: string;
  /** Header names in lower case. */
  headers: Record<string, string>;
  /** Parsed JSON, else the text, else `undefined`. */
  body: unknown;
}

/** A prepared answer for the next request to one vendor path (statuses the fake never produces by itself). */
export interface FakeFault {
  vendor: FakeVendorName;
  path: string;
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface FakeVendorApi {
  /** Every request received (except CORS preflights), oldest first. */
  readonly requests: RecordedRequest[];
  sessions(vendor?: FakeVendorName): FakeSession[];
  session(id: string): FakeSession | undefined;
  /** Every relay message published for a session. */
  relayHistory(sessionId: string): readonly RelayMessage[];
  /** Answers the next request to `vendor` + `path` with the fault instead (once). */
  failNext(fault: FakeFault): void;
  /** Closes every session and relay stream. */
  close(): void;
  readonly clock: Clock;
}

export type FakeVendor = ((request: Request) => Promise<Response>) & FakeVendorApi;

const PATH = /^\/fake-vendor\/([^/]+)(\/.*)?$/;
const RELAY = /^\/_relay\/([^/]+)$/;

export function createFakeVendor(options: FakeVendorOptions = {}): FakeVendor {
  const clock = options.clock ?? systemClock;
  const keys: FakeKeys = { ...DEFAULT_FAKE_KEYS, ...options.keys };
  const relay = new Relay();
  const store = new SessionStore(clock, relay);
  const deps = {
    keys,
    store,
    relay,
    clock,
    sessionDurationLimitS: options.sessionDurationLimit ?? 600,
    akoolTrtcFields: options.akoolTrtcFields ?? 'demo',
    livekit: options.livekit,
  };
  const modules = Object.fromEntries(
    Object.entries(FAKE_VENDORS).map(([name, create]) => [name, create(deps)]),
  ) as Record<FakeVendorName, FakeVendorModule>;
  const requests: RecordedRequest[] = [];
  const faults: FakeFault[] = [];

  async function handle(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const match = PATH.exec(url.pathname);
    const vendor = match && Object.hasOwn(modules, match[1]!) ? modules[match[1] as FakeVendorName] : undefined;
    if (!match || !vendor) return json(404, { error: `Not a fake vendor path: ${url.pathname}` });
    if (request.method === 'OPTIONS') return new Response(null, { status: 204, headers: CORS_HEADERS });

    const path = match[2] ?? '/';
    const text = request.method === 'GET' || request.method === 'HEAD' ? '' : await request.text();
    let body: unknown = text || undefined;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // Kept as text; the vendor's validation will refuse it.
    }
    const headers: Record<string, string> = {};
    request.headers.forEach((value, name) => {
      headers[name] = value;
    });
    requests.push({ vendor: vendor.name, method: request.method, path, url: request.url, headers, body });

    if (options.latencyMs) await new Promise((resolve) => setTimeout(resolve, options.latencyMs));
    const faultIndex = faults.findIndex((fault) => fault.vendor === vendor.name && fault.path === path);
    if (faultIndex >= 0) {
      const [fault] = faults.splice(faultIndex, 1);
      return json(fault!.status, fault!.body, fault!.headers);
    }

    const relayMatch = RELAY.exec(path);
    if (relayMatch) {
      if (request.method !== 'GET') return vendor.failure(405, 'The relay is read with GET');
      const session = store.get(vendor.name, decodeURIComponent(relayMatch[1]!));
      if (!session) return vendor.failure(404, 'Session not found');
      return eventStream(relay.stream(session.id, () => vendor.onRelayConnect?.(session)));
    }
    if (path === '/livekit') {
      return json(501, { error: 'No LiveKit server runs here: the dev page plays fake-vendor sessions through the local transport.' });
    }
    if (request.method !== 'POST') return vendor.failure(405, `${request.method} ${path} is not supported`);

    const context: RouteContext = { request, path, body, wsOrigin: `${url.protocol === 'https:' ? 'wss:' : 'ws:'}//${url.host}` };
    return (await vendor.route(context)) ?? vendor.failure(404, `No such endpoint: POST ${path}`);
  }

  return Object.assign(handle, {
    requests,
    sessions: (vendor?: FakeVendorName) => store.all().filter((session) => !vendor || session.vendor === vendor),
    session: (id: string) => store.all().find((session) => session.id === id),
    relayHistory: (sessionId: string) => relay.history(sessionId),
    failNext: (fault: FakeFault) => void faults.push(fault),
    close() {
      store.endAll();
      relay.closeAll();
    },
    clock,
  });
}

export interface RunningFakeVendor {
  /** Origin of the server, e.g. `http://127.0.0.1:41234`; a vendor's baseUrl is `${url}/fake-vendor/<vendor>`. */
  url: string;
  vendor: FakeVendor;
  stop(): Promise<void>;
}

/** Serves a fake vendor over real HTTP (`port: 0` picks a free port). */
export async function startFakeVendor({ port = 0, host = '127.0.0.1', ...options }: FakeVendorOptions & { port?: number; host?: string } = {}): Promise<RunningFakeVendor> {
  const vendor = createFakeVendor(options);
  const server = createServer(toNodeHandler(vendor));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${host}:${address.port}`,
    vendor,
    async stop() {
      vendor.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** `${origin}/fake-vendor/${vendor}`: the baseUrl to configure for a vendor. */
export function fakeVendorBaseUrl(origin: string, vendor: FakeVendorName): string {
  return `${origin.replace(/\/+$/, '')}/fake-vendor/${vendor}`;
}
