import { AvatarError } from '../../src/errors/avatar-error.js';
import { builtInTransportLoader, registerTransport, type TransportLoader } from '../../src/transports/registry.js';
import { LocalTransport } from '../../src/transports/local/local-transport.js';
import type { LocalCredentials, TransportCredentials, TransportModule } from '../../src/transports/transport.js';
import { registerFakeVendorProtocols, type FakeProtocolOptions } from './protocols.js';
import { openEventSourceRelay, type RelayOpener } from './relay.js';

/**
 * Routes the local fake vendor's sessions to the local transport. No SFU or vendor cloud runs here, so a
 * LiveKit/Agora/TRTC credential that the fake vendor handed out is played by the in-page avatar speaking
 * that vendor's protocol; any other credential goes to the real transport.
 */

export interface FakeSession {
  /** The local protocol to speak: the vendor's name. */
  vendor: string;
  sessionId: string;
  relayUrl: string;
}

const FAKE_AGORA_APP_ID = 'fake-agora-app';
const FAKE_TRTC_APP_ID = 1400000001;
const LIVEKIT_PATH = /^\/fake-vendor\/([a-z0-9-]+)\/livekit\/?$/;
const LIVEKIT_TOKEN = /^fake-livekit\.(.+)$/;

const relayUrl = (origin: string, vendor: string, sessionId: string) =>
  `${origin.replace(/\/+$/, '')}/fake-vendor/${vendor}/_relay/${encodeURIComponent(sessionId)}`;

/**
 * Recognises the fake vendor's credentials: LiveKit `ws(s)://<host>/fake-vendor/<vendor>/livekit` with
 * token `fake-livekit.<sessionId>`; Agora app `fake-agora-app` (channel = session); TRTC app 1400000001
 * (room = session). Agora and TRTC sessions are always Akool's.
 */
export function fakeSession(credentials: TransportCredentials, origin: string): FakeSession | undefined {
  switch (credentials.kind) {
    case 'livekit': {
      let url: URL;
      try {
        url = new URL(credentials.url);
      } catch {
        return undefined;
      }
      const vendor = LIVEKIT_PATH.exec(url.pathname)?.[1];
      const sessionId = LIVEKIT_TOKEN.exec(credentials.token)?.[1];
      if (!vendor || !sessionId) return undefined;
      const protocol = url.protocol === 'wss:' ? 'https:' : url.protocol === 'ws:' ? 'http:' : url.protocol;
      return { vendor, sessionId, relayUrl: relayUrl(`${protocol}//${url.host}`, vendor, sessionId) };
    }
    case 'agora':
      if (credentials.appId !== FAKE_AGORA_APP_ID) return undefined;
      return { vendor: 'akool', sessionId: credentials.channel, relayUrl: relayUrl(origin, 'akool', credentials.channel) };
    case 'trtc': {
      if (credentials.sdkAppId !== FAKE_TRTC_APP_ID) return undefined;
      const sessionId = String(credentials.roomId);
      return { vendor: 'akool', sessionId, relayUrl: relayUrl(origin, 'akool', sessionId) };
    }
    default:
      return undefined;
  }
}

export interface FakeVendorOptions extends FakeProtocolOptions {
  /** How the emulated avatar listens to the relay (default: EventSource). */
  openRelay?: RelayOpener;
  /** Where the relay lives for Agora/TRTC sessions, whose credentials carry no host (default: the page's origin). */
  relayOrigin?: string;
  /** The real transports to fall back to (default: the library's own, where it has one). */
  realLoaders?: Partial<Record<FakeKind, TransportLoader>>;
}

const KINDS = ['livekit', 'agora', 'trtc'] as const;
type FakeKind = (typeof KINDS)[number];

async function routingModule(kind: FakeKind, options: FakeVendorOptions): Promise<TransportModule> {
  const loader = options.realLoaders?.[kind] ?? builtInTransportLoader(kind);
  let real: TransportModule | undefined;
  let reason = `the library has no built-in ${kind} transport`;
  if (loader) {
    try {
      real = await loader();
    } catch (error) {
      reason = error instanceof Error ? error.message : String(error);
    }
  }
  return {
    createTransport(transportOptions) {
      const fake = fakeSession(transportOptions.credentials, options.relayOrigin ?? location.origin);
      if (fake) {
        const credentials: LocalCredentials = { kind: 'local', protocol: fake.vendor, relayUrl: fake.relayUrl, sessionId: fake.sessionId };
        return new LocalTransport({ ...transportOptions, credentials });
      }
      if (real) return real.createTransport(transportOptions);
      throw new AvatarError('transport-load-failed', `This session needs a real ${kind} transport, which could not be loaded: ${reason}.`);
    },
  };
}

/**
 * Plays fake-vendor sessions through the local transport: registers the vendor emulations and wraps the
 * `livekit`, `agora` and `trtc` transports. Returns a function that undoes both.
 */
export function installFakeVendorTransports(options: FakeVendorOptions = {}): () => void {
  const removeProtocols = registerFakeVendorProtocols(options.openRelay ?? openEventSourceRelay, { akoolChat: options.akoolChat });
  const restores = KINDS.map((kind) => registerTransport(kind, () => routingModule(kind, options)));
  return () => {
    restores.forEach((restore) => restore());
    removeProtocols();
  };
}
