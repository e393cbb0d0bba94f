import { expect } from '@open-wc/testing';
import type { AvatarError } from '../../src/errors/avatar-error.js';
import { encodeAkool } from '../../src/vendors/akool/messages.js';
import { registerProvider } from '../../src/providers/registry.js';
import type { SessionDescription } from '../../src/session/session-description.js';
import { createAgoraTransport } from '../../src/transports/agora.js';
import { createLiveKitTransport } from '../../src/transports/livekit.js';
import type { LiveKitCredentials, TransportKind } from '../../src/transports/transport.js';
import { createTrtcTransport } from '../../src/transports/trtc.js';
import { createFakeAgora } from '../fakes/fake-agora.js';
import { CONNECTION_TIMEOUT, createFakeLiveKit } from '../fakes/fake-livekit.js';
import { createFakeTrtc, ERROR_CODE, FakeRtcError } from '../fakes/fake-trtc.js';
import { waitFor } from './events.js';
import { fault, type FaultRow, statusText } from './fault-matrix.js';
import {
  avatarElement,
  FAKE_VENDOR_KEY,
  harnessStage,
  liveKitStage,
  serverStage,
  type ServerStage,
  stubMicrophone,
  tokenStage,
  type TokenStage,
} from './fault-stages.js';
import { clickLikeAUser } from './gesture.js';
import { census } from './media-census.js';
import { livekitSession, encodeJson } from './provider-harness.js';
import { localDescription } from './token-endpoint.js';

/**
 * Every fault the element must survive, one row each. A row arranges a stage, causes the fault, and says
 * what the three shared checks (test/helpers/fault-matrix.ts) must find: the `avatar-error` code (or none),
 * the visible state, and the `avatar-ended` reason; teardown is checked for every row alike.
 * Some rows repeat a case an older, more detailed test also has: the matrix is the index of faults.
 */

const failedStart = async (el: { start(): Promise<void> }) => {
  const error = (await el.start().then(
    () => undefined,
    (e: AvatarError) => e,
  )) as AvatarError | undefined;
  expect(error, 'start() rejects').to.not.equal(undefined);
  return error!;
};

const tokenFailure = (name: string, reply: Parameters<typeof tokenStage>[0], code: FaultRow['expect']['code'], status?: number) =>
  fault({
    name: `token endpoint: ${name}`,
    arrange: async () => tokenStage(reply),
    act: async (s: TokenStage) => void (await failedStart(s.el)),
    expect: { code, state: 'error', ended: 'error' },
    also: async (s: TokenStage) => {
      if (status !== undefined) expect(s.el.error?.status).to.equal(status);
      expect(census().createdPeerConnections, 'no transport was created').to.equal(s.peerConnectionsBefore);
      // No paid session left: a 2xx answer the element refuses may have made one, so it is stopped (by the
      // id it named, and by requestId); an error status made none, so there is nothing to stop.
      const { requestId } = s.endpoint.requests[0]!.body as { requestId: string };
      const answered = typeof reply === 'function' || !('json' in reply || 'text' in reply) ? undefined : reply;
      if (!answered) return;
      if ((answered.status ?? 200) >= 300) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        expect(s.endpoint.stops, 'no stop after an error status').to.have.length(0);
        return;
      }
      await waitFor(() => s.endpoint.stops.length > 0, 2000, 'the stop of the refused answer');
      const named = 'json' in answered ? (answered.json as { sessionId?: unknown } | null)?.sessionId : undefined;
      const expected = typeof named === 'string' ? { provider: 'fault-server', sessionId: named, requestId } : { provider: 'fault-server', requestId };
      expect(s.endpoint.stops.map((stop) => stop.body), 'one stop, naming the session').to.deep.equal([expected]);
    },
  });

/** The server handler's relay of a vendor's error envelope: the key the vendor echoes never reaches the page. */
const vendorEnvelope = (
  provider: 'heygen' | 'konpro' | 'deepbrain' | 'akool',
  what: string,
  answer: { status: number; body: unknown },
  code: FaultRow['expect']['code'],
  status: number,
) =>
  fault({
    name: `server handler relays ${provider}: ${what}`,
    arrange: async () => serverStage(provider, () => answer),
    act: async (s: ServerStage) => void (await failedStart(s.el)),
    expect: { code, state: 'error', ended: 'error' },
    also: (s: ServerStage) => {
      expect(s.vendorCalls.length, 'the handler called the vendor').to.be.greaterThan(0);
      expect(s.el.error?.status).to.equal(status);
      expect(s.el.error?.vendorStatus).to.equal(answer.status);
      expect(JSON.stringify(s.el.error)).not.to.contain(FAKE_VENDOR_KEY);
      expect(statusText(s.el)).not.to.contain(FAKE_VENDOR_KEY);
    },
  });

const lkCredentials: LiveKitCredentials = { kind: 'livekit', url: 'wss://sfu.invalid', token: 'lk-token-abcdefgh-1234' };

const restSession = (provider: 'heygen' | 'konpro' | 'deepbrain', sessionId: string) =>
  livekitSession({ provider, sessionId, sessionToken: `session-token-${sessionId}`, apiBaseUrl: `https://vendor.test/${provider}` });
const heygen = (sessionId: string) => restSession('heygen', sessionId);

/**
 * A live session whose next `speak()` the vendor's REST API refuses with `answer`: non-fatal `command-failed`,
 * or, where the vendor says the session is gone, `not-started` ending it (`ended`).
 */
const rejectedSpeak = (name: string, description: SessionDescription, answer: { status: number; body: unknown }, code: 'command-failed' | 'not-started', ended?: 'vendor') =>
  fault({
    name,
    arrange: () => liveKitStage(description),
    act: async (s) => {
      await s.el.start();
      s.answer(() => answer);
      const error = (await s.el.speak('Hi').catch((e: AvatarError) => e)) as AvatarError | undefined;
      expect(error?.code, 'speak() rejects').to.equal(code);
      expect(error?.vendorBody, 'the vendor envelope is kept').to.deep.equal(answer.body);
    },
    expect: { code, state: ended ? 'error' : 'connected', ended },
    also: (s) => expect(s.vendorCalls.at(-1), 'the speak call').to.match(/\/(streaming\.task|streaming\/task|talk)$/),
  });

export const FAULTS: FaultRow[] = [
  // ── The site's token endpoint ──────────────────────────────────────────────────────────────────────────
  tokenFailure('401', { status: 401, json: { message: 'who are you' } }, 'token-unauthorized', 401),
  tokenFailure('403', { status: 403, json: {} }, 'token-forbidden', 403),
  tokenFailure('404', { status: 404, text: 'Not Found' }, 'token-not-found', 404),
  tokenFailure('429', { status: 429, json: {} }, 'token-rate-limited', 429),
  tokenFailure(
    '429 capacity (every avatar taken; calm, retryable)',
    { status: 429, json: { error: { code: 'capacity', message: 'Too many sessions.' } }, headers: { 'retry-after': '30' } },
    'capacity',
    429,
  ),
  tokenFailure('500', { status: 500, text: '<html>oops</html>' }, 'token-http-error', 500),
  tokenFailure('a body that is not JSON', { status: 200, text: '<!doctype html><p>login</p>' }, 'token-invalid-json'),
  tokenFailure('the wrong shape (a JSON array)', { json: [] }, 'token-invalid-shape'),
  tokenFailure('the wrong shape (no sessionId)', { json: { provider: 'fault-server', transport: { kind: 'local' } } }, 'token-invalid-shape'),
  tokenFailure(
    'missing transport fields (LiveKit without a token)',
    { json: { provider: 'fault-server', sessionId: 's', transport: { kind: 'livekit', url: 'wss://x.invalid' } } },
    'token-invalid-shape',
  ),
  tokenFailure(
    'missing transport fields (TRTC without a userSig)',
    { json: { provider: 'fault-server', sessionId: 's', transport: { kind: 'trtc', sdkAppId: 1400000001, roomId: 'r', userId: 'u' } } },
    'token-invalid-shape',
  ),
  fault({
    name: 'token endpoint: slower than token-timeout (the request is not aborted: its answer is still read)',
    arrange: async () => tokenStage({ hang: true }, { 'token-timeout': '150' }),
    act: async (s) => void (await failedStart(s.el)),
    expect: { code: 'token-timeout', state: 'error', ended: 'error' },
    also: (s) => expect(s.endpoint.requests[0]!.signal!.aborted, 'request aborted').to.equal(false),
  }),

  fault({
    name: 'transport not installed: refused before the token request (no paid session is created)',
    arrange: async () => {
      const unregister = registerProvider('fault-uninstalled', {
        needsServer: true,
        // A kind no install entry registered in this page.
        expectedTransport: () => 'carrier-pigeon' as TransportKind,
        load: () => import('../../src/providers/local.js'),
      });
      const stage = tokenStage({ json: localDescription('fault-uninstalled', 's') }, { provider: 'fault-uninstalled' });
      return { ...stage, restore: () => (unregister(), stage.restore()) };
    },
    act: async (s: TokenStage) => {
      const error = await failedStart(s.el);
      expect(error.message).to.contain('carrier-pigeon');
    },
    expect: { code: 'transport-load-failed', state: 'error', ended: 'error' },
    also: (s: TokenStage) => expect(s.endpoint.requests, 'no session was requested').to.have.length(0),
  }),

  // ── Vendor error envelopes, as the server handler relays them (the real handler, in the page) ──────────
  vendorEnvelope('heygen', 'create_token 401 {error: {code: 400112}}', { status: 401, body: { error: { code: 400112, message: `Unauthorized: bad key ${FAKE_VENDOR_KEY}` }, data: null } }, 'vendor-unauthorized', 502),
  vendorEnvelope('konpro', 'create_token 429 {code: 429}', { status: 429, body: { code: 429, message: 'Concurrent session limit reached' } }, 'vendor-rate-limited', 429),
  vendorEnvelope('deepbrain', 'sessions/token 200 {code: 4010}', { status: 200, body: { code: 4010, message: `Invalid appId or userKey ${FAKE_VENDOR_KEY}`, data: null } }, 'vendor-unauthorized', 502),
  vendorEnvelope('deepbrain', 'sessions/token 500 {code: 5000}', { status: 500, body: { code: 5000, message: 'Internal error', data: null } }, 'vendor-unavailable', 502),
  vendorEnvelope('akool', 'session/create 200 {code: 1101}', { status: 200, body: { code: 1101, msg: `invalid token ${FAKE_VENDOR_KEY}` } }, 'vendor-unauthorized', 502),
  vendorEnvelope('akool', 'session/create 200 {code: 1003}', { status: 200, body: { code: 1003, msg: 'avatar_id is invalid' } }, 'vendor-error', 502),

  // ── Vendor error envelopes on the browser's own calls, as the adapters decode them ──────────────────────
  fault({
    name: 'HeyGen streaming.start rejected (400 {code: 10013}) fails the start',
    arrange: () => liveKitStage(heygen('hg-start'), { vendor: () => ({ status: 400, body: { code: 10013, message: 'avatar not allow' } }) }),
    act: async (s) => void (await failedStart(s.el)),
    expect: { code: 'vendor-error', state: 'error', ended: 'error' },
    also: (s) => {
      expect(s.el.error?.vendorBody).to.deep.equal({ code: 10013, message: 'avatar not allow' });
      expect(s.fake.rooms.every((room) => room.connected === undefined), 'the room was never joined').to.equal(true);
    },
  }),
  rejectedSpeak('HeyGen streaming.task failure ({code: 400500} in a 200) is non-fatal', heygen('hg-task'), { status: 200, body: { code: 400500, message: 'quota exceeded' } }, 'command-failed'),
  rejectedSpeak('HeyGen streaming.task {code: 400006} (the vendor closed the session) ends it', heygen('hg-closed'), { status: 400, body: { code: 400006, message: 'Session is not in correct state' } }, 'not-started', 'vendor'),
  rejectedSpeak('KonPro streaming/task {error} envelope in a 200 is non-fatal', restSession('konpro', 'kp-task'), { status: 200, body: { error: 'text too long', data: null } }, 'command-failed'),
  rejectedSpeak('DeepBrain talk {code: 4010} is a non-fatal command-failed', restSession('deepbrain', 'db-4010'), { status: 401, body: { code: 4010, message: 'Unauthorized', data: null } }, 'command-failed'),
  rejectedSpeak('DeepBrain talk {code: 4040} (session unknown) ends the session', restSession('deepbrain', 'db-4040'), { status: 404, body: { code: 4040, message: 'Session not found', data: null } }, 'not-started', 'vendor'),
  fault({
    name: 'Akool error ack on the data channel is a non-fatal command-failed',
    arrange: () =>
      liveKitStage({ provider: 'akool', sessionId: 'ak-ack', transport: { kind: 'livekit', url: 'wss://sfu.invalid', token: 'ak-lk-token' }, options: { modeType: 1 } }),
    act: async (s) => {
      await s.el.start();
      s.fake.room.receive(encodeAkool({ v: 2, type: 'command', mid: 'm-1', pld: { cmd: 'set-params', code: 1003, msg: 'bad params' } }));
    },
    expect: { code: 'command-failed', state: 'connected' },
  }),

  // ── The real-time transport (real plugins over their fake SDKs) ────────────────────────────────────────
  ...(['livekit', 'agora', 'trtc'] as const).flatMap((kind) => [
    fault({
      name: `${kind}: join rejected`,
      arrange: async () => transportStage(kind, 'rejected'),
      act: async (s) => void (await failedStart(s.el)),
      expect: { code: 'transport-join-failed', state: 'error', ended: 'error' },
      also: (s) => expect(statusText(s.el), 'the status never shows the token').not.to.contain('abcdefgh'),
    }),
    fault({
      name: `${kind}: token expired at join`,
      arrange: async () => transportStage(kind, 'token-expired'),
      act: async (s) => void (await failedStart(s.el)),
      expect: { code: 'transport-token-expired', state: 'error', ended: 'error' },
    }),
  ]),
  ...(
    [
      ['agora', 'token privilege expired mid-session'],
      ['trtc', 'userSig expired mid-session'],
    ] as const
  ).map(([kind, what]) =>
    fault({
      name: `${kind}: ${what}`,
      arrange: async () => transportStage(kind, 'ok'),
      act: async (s) => {
        await s.el.start();
        s.expireToken();
      },
      expect: { code: 'transport-token-expired', state: 'error', ended: 'timeout' },
    }),
  ),
  fault({
    name: 'livekit: connection lost while the avatar speaks (HeyGen)',
    arrange: () => liveKitStage(heygen('hg-speaking')),
    act: async (s) => {
      await s.el.start();
      await s.el.speak('Tell me a long story.');
      s.fake.room.receive(encodeJson({ type: 'avatar_start_talking', task_id: 't-1' }));
      await waitFor(() => s.el.hasAttribute('speaking'), 2000, 'speaking');
      s.fake.room.end(CONNECTION_TIMEOUT);
    },
    expect: { code: 'transport-disconnected', state: 'error', ended: 'network' },
    also: (s) => {
      expect(s.el.hasAttribute('speaking'), 'speaking cleared').to.equal(false);
      expect(s.el.shadowRoot!.querySelector('video')!.srcObject, 'the <video> emptied').to.equal(null);
    },
  }),
  fault({
    name: 'livekit: reconnecting, then reconnected: the session recovers',
    arrange: async () => liveKitHarness('ok'),
    act: async (s) => {
      await s.el.start();
      s.fake.room.emit('reconnecting');
      await s.el.updateComplete;
      expect([s.el.getAttribute('state'), statusText(s.el)], 'while reconnecting').to.deep.equal(['reconnecting', 'Reconnecting…']);
      s.fake.room.emit('reconnected');
    },
    expect: { code: null, state: 'connected' },
  }),
  fault({
    name: 'livekit: a data message over the 15 KiB limit is refused, the session goes on',
    arrange: () =>
      liveKitStage({ provider: 'fault-local-lk', sessionId: 'big', transport: lkCredentials }, { load: () => import('../../src/providers/local.js') }),
    act: async (s) => {
      await s.el.start();
      expect((await s.el.speak('x'.repeat(16 * 1024)).catch((e: AvatarError) => e))?.code).to.equal('transport-data-too-large');
    },
    expect: { code: 'transport-data-too-large', state: 'connected' },
    also: (s) => expect(s.fake.room.localParticipant.sent, 'nothing was sent').to.deep.equal([]),
  }),

  // ── The microphone (the built-in local provider over its real loopback) ───────────────────────────────
  ...(
    [
      ['microphone permission denied', { error: 'NotAllowedError' }, 'mic-denied'],
      ['no microphone', { error: 'NotFoundError' }, 'mic-not-found'],
      ['an insecure context', { insecure: true }, 'insecure-context'],
    ] as const
  ).map(([what, stub, code]) =>
    fault({
      name: `voice chat: ${what}`,
      arrange: async () => {
        const el = avatarElement({});
        let restore = () => undefined as void;
        return {
          el,
          stub: () => (restore = stubMicrophone(stub)),
          restore: () => restore(),
        };
      },
      act: async (s) => {
        await s.el.start();
        s.stub();
        expect((await s.el.startVoiceChat().catch((e: AvatarError) => e))?.code).to.equal(code);
      },
      expect: { code, state: 'connected' },
      also: (s) => expect(s.el.voiceChatState.active).to.equal(false),
    }),
  ),

  // ── Autoplay (runs in the autoplay-blocked group: the browser's default policy) ───────────────────────
  fault({
    name: 'autoplay blocked, then resumed by a real click on "Tap to unmute"',
    group: 'autoplay-blocked',
    arrange: async () => ({ el: avatarElement({}), restore: () => undefined }),
    act: async (s) => {
      await s.el.start();
      await waitFor(() => s.el.hasAttribute('audio-blocked'), 5000, 'audio-blocked');
      await s.el.updateComplete;
      const video = s.el.shadowRoot!.querySelector('video')!;
      expect([video.muted, video.paused], 'playing muted').to.deep.equal([true, false]);
      await clickLikeAUser(s.el.shadowRoot!.querySelector('[part~="unmute-button"]')!);
      await waitFor(() => !s.el.hasAttribute('audio-blocked'), 5000, 'audio unblocked');
    },
    expect: { code: null, state: 'connected' },
    also: (s) => {
      const video = s.el.shadowRoot!.querySelector('video')!;
      expect([video.muted, video.paused], 'playing with sound').to.deep.equal([false, false]);
      expect(s.el.shadowRoot!.querySelector<HTMLButtonElement>('[part~="unmute-button"]')!.hidden).to.equal(true);
    },
  }),

  // ── Races ─────────────────────────────────────────────────────────────────────────────────────────────
  fault({
    name: 'start() ×10 in one tick: one token request, one session',
    arrange: async () => tokenStage((request) => ({ json: localDescription('fault-server', `one-${request.url.length}`), delayMs: 50 })),
    act: async (s) => {
      const created = census().createdPeerConnections;
      const calls = Array.from({ length: 10 }, () => s.el.start());
      expect(new Set(calls).size, 'one start promise').to.equal(1);
      await Promise.all(calls);
      expect(census().createdPeerConnections - created, 'one loopback (two peer connections)').to.equal(2);
    },
    expect: { code: null, state: 'connected' },
    also: (s) => expect(s.endpoint.requests).to.have.length(1),
  }),
  fault({
    name: 'provider switched mid-start: the stale session never shows',
    arrange: async () =>
      tokenStage(
        (request) => {
          const { provider } = request.body as { provider: string };
          return provider === 'fault-server' ? { json: localDescription(provider, 'stale'), delayMs: 300 } : { json: localDescription(provider, 'fresh'), delayMs: 10 };
        },
        {},
        ['fault-server', 'fault-server-2'],
      ),
    act: async (s) => {
      const readies: string[] = [];
      s.el.addEventListener('avatar-ready', (e) => readies.push(e.detail.sessionId));
      const first = s.el.start().catch((e: AvatarError) => e.code);
      await waitFor(() => s.endpoint.requests.length === 1, 2000, 'first token request');
      s.el.provider = 'fault-server-2';
      await s.el.updateComplete;
      expect(await first, 'the first start').to.equal('aborted');
      await waitFor(() => s.el.state === 'connected', 5000, 'the new session');
      await new Promise((r) => setTimeout(r, 400)); // the stale answer arrives meanwhile
      expect(readies, 'avatar-ready').to.deep.equal(['fresh']);
      expect(census().peerConnections, 'one session on the page').to.equal(2);
    },
    // The replaced start ends as a stop() would (reason user), before the new session is ready.
    expect: { code: null, state: 'connected', ended: 'user' },
    also: (s) => {
      expect(s.el.sessionId).to.equal('fresh');
      // Not aborted: its answer is read, and its session stopped (the stale stop below).
      expect(s.endpoint.requests[0]!.signal!.aborted, 'the stale request aborted').to.equal(false);
      expect(s.endpoint.stops.map((stop) => (stop.body as { sessionId?: string }).sessionId), 'the stale session stopped').to.deep.equal(['stale']);
    },
  }),
  fault({
    name: 'removal during the token fetch: nothing started (the request goes on)',
    arrange: async () => tokenStage({ hang: true }),
    act: async (s) => {
      const created = census().createdPeerConnections;
      const started = s.el.start().catch((e: AvatarError) => e.code);
      await waitFor(() => s.endpoint.requests.length === 1, 2000, 'token request');
      s.el.remove();
      expect(await started).to.equal('aborted');
      expect(census().createdPeerConnections - created, 'no peer connection made').to.equal(0);
    },
    expect: { code: null, state: 'ended', ended: 'user' },
    also: (s) => expect(s.endpoint.requests[0]!.signal!.aborted, 'request aborted').to.equal(false),
  }),
];

type JoinFault = 'ok' | 'rejected' | 'token-expired';

/** The LiveKit plugin over the fake `livekit-client` (its "rejected" join is an unreachable server). */
function liveKitHarness(join: JoinFault) {
  const fake = createFakeLiveKit({ join: join === 'rejected' ? 'unreachable' : join });
  const listeners = () => fake.rooms.reduce((n, room) => n + room.listenerCount(), 0);
  return { ...harnessStage({ credentials: lkCredentials, create: (o) => createLiveKitTransport(o, async () => fake.sdk) }, listeners), fake };
}

/** A transport plugin over its fake SDK; `expireToken` fires the SDK's own "token expired" report. */
function transportStage(kind: 'livekit' | 'agora' | 'trtc', join: JoinFault) {
  if (kind === 'livekit') return { ...liveKitHarness(join), expireToken: () => expect.fail('LiveKit reports expiry only at join') };
  if (kind === 'agora') {
    const fake = createFakeAgora({ join });
    return {
      ...harnessStage(
        { credentials: { kind: 'agora', appId: 'app-id-0123', channel: 'room-9', token: 'token-abcdefgh-5678', uid: 42 }, create: (o) => createAgoraTransport(o, async () => fake.sdk) },
        () => fake.clients.reduce((n, client) => n + client.listenerCount(), fake.global.listenerCount()),
      ),
      expireToken: () => fake.client.emit('token-privilege-did-expire'),
    };
  }
  const fake = createFakeTrtc({ join });
  return {
    ...harnessStage(
      { credentials: { kind: 'trtc', sdkAppId: 1400000001, roomId: 'room-abc', userId: 'viewer-1', userSig: 'usersig-abcdefgh-9999' }, create: (o) => createTrtcTransport(o, async () => fake.sdk) },
      () => fake.clients.reduce((n, client) => n + client.listenerCount(), 0),
    ),
    expireToken: () => fake.client.emit('error', new FakeRtcError(ERROR_CODE.SERVER_ERROR, 70001, 'userSig expired')),
  };
}
