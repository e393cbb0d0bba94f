import '../../src/define.js';
import type { StreamingAvatarElement } from '../../src/element/streaming-avatar-element.js';
import { registerProvider } from '../../src/providers/registry.js';
import { createSessionHandler } from '../../src/server/session-handler.js';
import type { ProviderConfigs } from '../../src/server/types.js';
import type { SessionDescription } from '../../src/session/session-description.js';
import { createLiveKitTransport } from '../../src/transports/livekit.js';
import { registerTransport } from '../../src/transports/registry.js';
import { createFakeLiveKit, type FakeLiveKit, type LiveKitFakeOptions } from '../fakes/fake-livekit.js';
import { avatarWith } from './fake-vendor.js';
import type { Stage } from './fault-matrix.js';
import { census } from './media-census.js';
import { registerTestProvider } from './test-provider.js';
import { stubTokenEndpoint, type Reply, type TokenEndpoint } from './token-endpoint.js';
import { type Harness, type HarnessOptions, startHarness } from './transport-harness.js';
import { installFetch, stubFetch, type StubHandler } from './vendor-fetch.js';

/** The stages the fault rows are built on, each from the repo's existing helpers and fakes. */

export const TOKEN_URL = '/api/avatar';

/** A detached-until-now `<streaming-avatar>` with these attributes, put in the page. */
export function avatarElement(attributes: Record<string, string>): StreamingAvatarElement {
  const el = document.createElement('streaming-avatar');
  for (const [name, value] of Object.entries(attributes)) el.setAttribute(name, value);
  document.body.append(el);
  return el;
}

export interface TokenStage extends Stage {
  endpoint: TokenEndpoint;
  /** Peer connections the page had made before the row (a failed token request must make none). */
  peerConnectionsBefore: number;
}

/**
 * The site's token endpoint (stubbed `fetch`) answering `reply`, for a server-backed test provider whose
 * session plays over the real local transport (a real RTCPeerConnection loopback).
 */
export function tokenStage(reply: Reply | Parameters<TokenEndpoint['reply']>[0], attributes: Record<string, string> = {}, providers = ['fault-server']): TokenStage {
  const endpoint = stubTokenEndpoint(TOKEN_URL);
  endpoint.reply(reply);
  const unregister = providers.map((name) => registerTestProvider(name));
  const el = avatarElement({ provider: providers[0]!, 'token-url': TOKEN_URL, ...attributes });
  return {
    el,
    endpoint,
    peerConnectionsBefore: census().createdPeerConnections,
    restore: async () => {
      // A create still hanging is read on (bounded) by design; end it as a server going away would, and
      // let its stop by requestId reach the stub before it goes.
      endpoint.release();
      await new Promise((resolve) => setTimeout(resolve, 0));
      endpoint.restore();
      unregister.forEach((u) => u());
    },
  };
}

/** A key nobody could mistake for anything else: no avatar-error may ever carry it. */
export const FAKE_VENDOR_KEY = 'fault-matrix-key-Xq7Vb3Zr';

export interface ServerStage extends Stage {
  vendorCalls: string[];
}

/**
 * The real server session handler, running in the page behind the token URL, with a vendor that answers
 * `vendor` (its own error envelope): the element sees exactly what the handler relays.
 */
export function serverStage(provider: 'heygen' | 'konpro' | 'deepbrain' | 'akool', vendor: StubHandler): ServerStage {
  const base = `https://vendor.test/${provider}`;
  const providers: ProviderConfigs = {
    heygen: { apiKey: FAKE_VENDOR_KEY, baseUrl: base },
    konpro: { apiKey: FAKE_VENDOR_KEY, baseUrl: base },
    deepbrain: { appId: 'fault-app', userKey: FAKE_VENDOR_KEY, baseUrl: base },
    akool: { apiKey: FAKE_VENDOR_KEY, baseUrl: base },
  };
  // The element checks the vendor's transport is installed before it asks for a session; these rows fail
  // at the vendor, so the stand-ins are never created.
  const standIns = (['livekit', 'agora'] as const).map((kind) =>
    registerTransport(kind, async () => ({
      createTransport: () => {
        throw new Error(`a relay row never reaches the ${kind} transport`);
      },
    })),
  );
  const vendorApi = stubFetch(vendor);
  const handler = createSessionHandler({ providers, fetch: vendorApi.fetch, logger: false, timeoutMs: 2000 });
  const realFetch = window.fetch;
  const restoreFetch = installFetch(async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input), location.href);
    if (url.pathname !== TOKEN_URL && url.pathname !== `${TOKEN_URL}/stop`) return realFetch(input, init);
    return handler(new Request(url, init));
  });
  const el = avatarElement({ provider, 'token-url': TOKEN_URL, ...(provider === 'deepbrain' || provider === 'akool' ? { 'avatar-id': 'a-1' } : {}) });
  return {
    el,
    get vendorCalls() {
      return vendorApi.requests.map((r) => r.path);
    },
    restore: () => {
      restoreFetch();
      standIns.forEach((restore) => restore());
    },
  };
}

export interface HarnessStage extends Stage {
  harness: Harness;
}

/** A transport plugin over its fake SDK, through `startHarness` (a test provider that only listens). */
export function harnessStage(options: HarnessOptions, sdkListeners: () => number): HarnessStage {
  const harness = startHarness(options);
  return { el: harness.el, harness, sdkListeners, restore: () => harness.dispose() };
}

export interface LiveKitStage extends Stage {
  fake: FakeLiveKit;
  vendorCalls: string[];
  /** Replaces the vendor's answers from now on. */
  answer(next: StubHandler): void;
}

/**
 * A real provider adapter over the real LiveKit plugin with the fake `livekit-client`: the session comes
 * from `fetchSession`, the vendor's REST API (if the adapter calls one) is a stubbed `fetch`.
 */
export async function liveKitStage(
  description: SessionDescription,
  { fakeOptions = {}, vendor = () => ({ body: { code: 100, message: 'success', data: {} } }), load }: {
    fakeOptions?: LiveKitFakeOptions;
    vendor?: StubHandler;
    /** Registers `description.provider` with this adapter module (for adapters not in the registry). */
    load?: () => Promise<Pick<typeof import('../../src/providers/local.js'), 'createProvider'>>;
  } = {},
): Promise<LiveKitStage> {
  const fake = createFakeLiveKit(fakeOptions);
  const unregisterTransport = registerTransport('livekit', async () => ({
    createTransport: (options) => createLiveKitTransport(options, async () => fake.sdk),
  }));
  const unregisterProvider = load ? registerProvider(description.provider, { needsServer: true, expectedTransport: () => 'livekit', load }) : () => undefined;
  const vendorApi = stubFetch(vendor);
  const restoreFetch = installFetch(vendorApi.fetch);
  // Akool's stream type is the page's choice; the element checks that transport is there before it asks.
  const { el } = await avatarWith(description, description.provider === 'akool' ? { streamType: description.transport.kind } : {});
  return {
    el,
    fake,
    get vendorCalls() {
      return vendorApi.requests.map((r) => r.path);
    },
    answer: (next) => vendorApi.answer(next),
    sdkListeners: () => fake.rooms.reduce((sum, room) => sum + room.listenerCount(), 0),
    restore: () => {
      restoreFetch();
      unregisterProvider();
      unregisterTransport();
    },
  };
}

/** Replaces `getUserMedia` (and/or the secure context) for one row. */
export function stubMicrophone({ error, insecure = false }: { error?: string; insecure?: boolean }): () => void {
  const real = navigator.mediaDevices.getUserMedia;
  const secure = Object.getOwnPropertyDescriptor(window, 'isSecureContext');
  if (error) navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('Microphone unavailable', error));
  if (insecure) Object.defineProperty(window, 'isSecureContext', { value: false, configurable: true });
  return () => {
    navigator.mediaDevices.getUserMedia = real;
    if (insecure) {
      if (secure) Object.defineProperty(window, 'isSecureContext', secure);
      else delete (window as { isSecureContext?: boolean }).isSecureContext;
    }
  };
}
