import { expect, fixture, html } from '@open-wc/testing';
import '../../src/define.js';
import type { StreamingAvatarElement } from '../../src/element/streaming-avatar-element.js';
import { nextEvent, recordEvents, waitFor } from '../helpers/events.js';
import { liveTracks, openPeerConnections, trackPeerConnections } from '../helpers/resources.js';
import { registerTestProvider } from '../helpers/test-provider.js';
import { localDescription, stubTokenEndpoint, type Reply, type TokenEndpoint } from '../helpers/token-endpoint.js';

trackPeerConnections();

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
/** The body without its requestId, after checking that it has one. */
const withoutRequestId = (body: unknown) => {
  const { requestId, ...rest } = body as { requestId?: unknown };
  expect(requestId).to.match(UUID_V4);
  return rest;
};

describe('the token endpoint contract', () => {
  let endpoint: TokenEndpoint;
  let unregister: () => void;
  let el: StreamingAvatarElement;

  beforeEach(() => {
    endpoint = stubTokenEndpoint('/api/avatar');
    unregister = registerTestProvider('test-server');
  });
  afterEach(async () => {
    await el?.stop();
    // Creates left hanging end (the element reads them on, bounded); their stops reach the stub first.
    endpoint.release();
    await new Promise((resolve) => setTimeout(resolve, 0));
    endpoint.restore();
    unregister();
  });

  it('POSTs the session request as JSON with same-origin credentials, and starts from the answer', async () => {
    endpoint.reply((request) => ({ json: localDescription((request.body as { provider: string }).provider, 'sess-1') }));
    el = await fixture<StreamingAvatarElement>(html`<streaming-avatar
      provider="test-server"
      avatar-id="anna"
      quality="low"
      video-encoding="H264"
      voice-id="v-9"
      voice-rate="1.25"
      language="de-DE"
      stream-type="livekit"
      token-url="/api/avatar"
    ></streaming-avatar>`);
    el.sessionParams = { knowledgeBaseId: 'kb-1', provider: 'ignored-override', requestId: 'ignored-override' };
    await el.start();
    expect(endpoint.requests).to.have.length(1);
    const [request] = endpoint.requests;
    expect(request.method).to.equal('POST');
    expect(request.credentials).to.equal('same-origin');
    expect(request.headers.get('content-type')).to.equal('application/json');
    expect(request.signal).to.be.instanceOf(AbortSignal);
    expect(withoutRequestId(request.body)).to.deep.equal({
      provider: 'test-server',
      avatarId: 'anna',
      quality: 'low',
      videoEncoding: 'H264',
      voice: { voiceId: 'v-9', rate: 1.25 },
      language: 'de-DE',
      streamType: 'livekit',
      knowledgeBaseId: 'kb-1',
    });
    expect(el.sessionId).to.equal('sess-1');
    expect(el.state).to.equal('connected');
  });

  it('sessionParams.voice adds to the voice attributes instead of replacing them', async () => {
    endpoint.reply({ json: localDescription('test-server', 'sess-voice') });
    el = await fixture<StreamingAvatarElement>(html`<streaming-avatar provider="test-server" voice-id="v-1" voice-rate="0.9" token-url="/api/avatar"></streaming-avatar>`);
    el.sessionParams = { voice: { rate: 1.1 } };
    await el.start();
    expect((endpoint.requests[0].body as { voice: unknown }).voice).to.deep.equal({ voiceId: 'v-1', rate: 1.1 });
  });

  it('stop() tells the server to stop the vendor session (POST <token-url>/stop)', async () => {
    endpoint.reply({ json: localDescription('test-server', 'sess-stop') });
    el = await fixture<StreamingAvatarElement>(html`<streaming-avatar provider="test-server" token-url="/api/avatar?site=7"></streaming-avatar>`);
    await el.start();
    await el.stop();
    await waitFor(() => endpoint.stops.length === 1, 2000, 'stop request');
    const stop = endpoint.stops[0];
    expect(new URL(stop.url).pathname).to.equal('/api/avatar/stop');
    expect(new URL(stop.url).search).to.equal('?site=7');
    const { requestId } = endpoint.requests[0].body as { requestId: string };
    expect(requestId).to.match(UUID_V4);
    expect(stop.body).to.deep.equal({ provider: 'test-server', sessionId: 'sess-stop', requestId });
  });

  it('fetchSession replaces the HTTP call and receives the request and an abort signal', async () => {
    const calls: { request: unknown; signal: AbortSignal }[] = [];
    el = await fixture<StreamingAvatarElement>(html`<streaming-avatar provider="test-server" avatar-id="x"></streaming-avatar>`);
    el.fetchSession = async (request, { signal }) => {
      calls.push({ request, signal });
      return localDescription('test-server', 'from-fetch-session');
    };
    const stops: unknown[] = [];
    el.stopSession = async (session) => {
      stops.push(session);
    };
    await el.start();
    expect(endpoint.requests).to.have.length(0);
    expect(calls).to.have.length(1);
    expect(withoutRequestId(calls[0].request)).to.deep.equal({ provider: 'test-server', avatarId: 'x' });
    const { requestId } = calls[0].request as { requestId: string };
    expect(calls[0].signal).to.be.instanceOf(AbortSignal);
    expect(el.sessionId).to.equal('from-fetch-session');
    await el.stop();
    expect(stops).to.deep.equal([{ provider: 'test-server', sessionId: 'from-fetch-session', requestId }]);
  });

  const failures: { name: string; reply: Reply; code: string; status?: number; check?: (detail: Record<string, unknown>) => void }[] = [
    { name: '401', reply: { status: 401, json: { message: 'who are you' } }, code: 'token-unauthorized', status: 401 },
    { name: '403', reply: { status: 403, json: {} }, code: 'token-forbidden', status: 403 },
    { name: '404', reply: { status: 404, text: 'Not Found' }, code: 'token-not-found', status: 404 },
    { name: '429', reply: { status: 429, json: {} }, code: 'token-rate-limited', status: 429 },
    { name: '500', reply: { status: 500, text: '<html>oops</html>' }, code: 'token-http-error', status: 500 },
    { name: '503', reply: { status: 503, json: {} }, code: 'token-http-error', status: 503 },
    {
      name: 'a vendor error envelope from the server handler',
      reply: {
        status: 502,
        json: { error: { code: 'vendor-error', message: 'avatar not allow', vendorStatus: 400, vendorBody: { code: 10013, message: 'avatar not allow' } } },
      },
      code: 'vendor-error',
      status: 502,
      check: (detail) => {
        expect(detail.message).to.contain('avatar not allow');
        expect(detail.vendorStatus).to.equal(400);
        expect(detail.vendorBody).to.deep.equal({ code: 10013, message: 'avatar not allow' });
      },
    },
    {
      name: 'an unknown server error code',
      reply: { status: 400, json: { error: { code: 'made-up', message: 'nope' } } },
      code: 'token-http-error',
      status: 400,
    },
    { name: 'a body that is not JSON', reply: { status: 200, text: '<!doctype html><p>login</p>' }, code: 'token-invalid-json' },
    { name: 'an empty body', reply: { status: 200, text: '' }, code: 'token-invalid-json' },
    { name: 'a JSON array', reply: { json: [] }, code: 'token-invalid-shape' },
    { name: 'a missing sessionId', reply: { json: { provider: 'test-server', transport: { kind: 'local' } } }, code: 'token-invalid-shape' },
    { name: 'another provider', reply: { json: localDescription('heygen') }, code: 'token-invalid-shape' },
    { name: 'an unknown transport', reply: { json: { provider: 'test-server', sessionId: 's', transport: { kind: 'webrtc' } } }, code: 'token-invalid-shape' },
    {
      name: 'livekit without a token',
      reply: { json: { provider: 'test-server', sessionId: 's', transport: { kind: 'livekit', url: 'wss://x.example' } } },
      code: 'token-invalid-shape',
      check: (detail) => expect(detail.message).to.contain('transport.token'),
    },
    {
      name: 'livekit with a javascript: url',
      reply: { json: { provider: 'test-server', sessionId: 's', transport: { kind: 'livekit', url: 'javascript:alert(1)', token: 't' } } },
      code: 'token-invalid-shape',
    },
    {
      name: 'agora with a fractional uid',
      reply: { json: { provider: 'test-server', sessionId: 's', transport: { kind: 'agora', appId: 'a', channel: 'c', token: 't', uid: 1.5 } } },
      code: 'token-invalid-shape',
    },
    {
      name: 'trtc without a userSig',
      reply: { json: { provider: 'test-server', sessionId: 's', transport: { kind: 'trtc', sdkAppId: 1400000001, roomId: 'r', userId: 'u' } } },
      code: 'token-invalid-shape',
    },
    { name: 'a bad expiresAt', reply: { json: { ...localDescription(), expiresAt: 'tomorrow' } }, code: 'token-invalid-shape' },
    { name: 'a network failure', reply: { networkError: true }, code: 'token-network' },
  ];

  for (const failure of failures) {
    it(`${failure.name} → avatar-error "${failure.code}", state error, nothing running`, async () => {
      const before = openPeerConnections();
      endpoint.reply(failure.reply);
      el = await fixture<StreamingAvatarElement>(html`<streaming-avatar provider="test-server" token-url="/api/avatar"></streaming-avatar>`);
      const log = recordEvents(el, ['avatar-error', 'avatar-ready', 'avatar-ended']);
      let rejected: { code?: string } | undefined;
      await el.start().catch((e: { code?: string }) => (rejected = e));
      expect(rejected?.code).to.equal(failure.code);
      const [detail] = log.of('avatar-error');
      expect(detail.code).to.equal(failure.code);
      expect(detail.fatal).to.equal(true);
      if (failure.status !== undefined) expect(detail.status).to.equal(failure.status);
      failure.check?.(detail as unknown as Record<string, unknown>);
      expect(el.state).to.equal('error');
      expect(el.shadowRoot!.querySelector('[part~="status"]')!.textContent).to.contain(detail.message.slice(0, 20));
      expect(log.of('avatar-ready')).to.have.length(0);
      expect(log.of('avatar-ended')[0]?.reason).to.equal('error');
      expect(openPeerConnections()).to.equal(before);
      expect(liveTracks(el.shadowRoot!.querySelector('video')!)).to.have.length(0);
    });
  }

  it('a token endpoint slower than token-timeout → token-timeout at once, and the request is not aborted (its answer is still read)', async () => {
    endpoint.reply({ hang: true });
    el = await fixture<StreamingAvatarElement>(html`<streaming-avatar provider="test-server" token-url="/api/avatar" token-timeout="150"></streaming-avatar>`);
    const error = nextEvent(el, 'avatar-error');
    const started = el.start().catch((e: { code?: string }) => e.code);
    expect((await error).detail.code).to.equal('token-timeout');
    expect(await started).to.equal('token-timeout');
    expect(endpoint.requests[0].signal!.aborted).to.equal(false);
    expect(el.state).to.equal('error');
  });

  it('fetchSession that throws → token-http-error with its message; one that returns garbage → token-invalid-shape', async () => {
    el = await fixture<StreamingAvatarElement>(html`<streaming-avatar provider="test-server"></streaming-avatar>`);
    el.fetchSession = async () => {
      throw new Error('backend said no');
    };
    const first = nextEvent(el, 'avatar-error');
    await el.start().catch(() => undefined);
    const { detail } = await first;
    expect(detail.code).to.equal('token-http-error');
    expect(detail.message).to.contain('backend said no');
    el.fetchSession = async () => ({ hello: 'world' });
    const second = nextEvent(el, 'avatar-error');
    await el.start().catch(() => undefined);
    expect((await second).detail.code).to.equal('token-invalid-shape');
  });

  it('a failed start can be retried, and the retry works', async () => {
    let calls = 0;
    endpoint.reply(() => (++calls === 1 ? { status: 500, json: {} } : { json: localDescription('test-server', 'second-try') }));
    el = await fixture<StreamingAvatarElement>(html`<streaming-avatar provider="test-server" token-url="/api/avatar"></streaming-avatar>`);
    await el.start().catch(() => undefined);
    expect(el.state).to.equal('error');
    expect(el.shadowRoot!.querySelector('[part~="start-button"]')!.textContent!.trim()).to.equal('Try again');
    await el.start();
    expect(el.state).to.equal('connected');
    expect(el.sessionId).to.equal('second-try');
  });
});
