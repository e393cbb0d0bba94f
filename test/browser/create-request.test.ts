import { expect, fixture, html } from '@open-wc/testing';
import sinon from 'sinon';
import '../../src/define.js';
import type { StreamingAvatarElement } from '../../src/element/streaming-avatar-element.js';
import { AVATAR_EVENTS } from '../../src/events/avatar-events.js';
import { longTimeout, MAX_TIMEOUT_MS } from '../../src/session/long-timeout.js';
import { parseSessionDescription } from '../../src/session/session-description.js';
import { newRequestId } from '../../src/session/session-request.js';
import { nextEvent, recordEvents, waitFor } from '../helpers/events.js';
import { openPeerConnections, trackPeerConnections } from '../helpers/resources.js';
import { registerTestProvider } from '../helpers/test-provider.js';
import { localDescription, stubTokenEndpoint, type TokenEndpoint } from '../helpers/token-endpoint.js';

/**
 * The element's half of the money contract (issue 13): every create carries a requestId, is never
 * aborted, and a session that comes back when nobody wants it is stopped at once; stops carry the
 * create answer's stopToken; a capacity refusal is calm; insecure URLs and far expiries are handled.
 */

trackPeerConnections();

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const STOP_TOKEN = 'stop-capability-Zq81xLp0';
const requestIdOf = (endpoint: TokenEndpoint, index = 0) => (endpoint.requests[index]!.body as { requestId: string }).requestId;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('requestId', () => {
  it('is a v4 UUID, also where crypto.randomUUID is missing (an insecure context)', () => {
    const ids = new Set(Array.from({ length: 50 }, () => newRequestId()));
    expect(ids.size).to.equal(50);
    for (const id of ids) expect(id).to.match(UUID_V4);
    const real = Object.getOwnPropertyDescriptor(Crypto.prototype, 'randomUUID')!;
    Object.defineProperty(Crypto.prototype, 'randomUUID', { value: undefined, configurable: true });
    try {
      const fallback = Array.from({ length: 50 }, () => newRequestId());
      expect(new Set(fallback).size).to.equal(50);
      for (const id of fallback) expect(id).to.match(UUID_V4);
    } finally {
      Object.defineProperty(Crypto.prototype, 'randomUUID', real);
    }
  });
});

describe('the create request and its stop', () => {
  let endpoint: TokenEndpoint;
  let unregister: () => void;
  let el: StreamingAvatarElement | undefined;

  beforeEach(() => {
    endpoint = stubTokenEndpoint('/api/avatar');
    unregister = registerTestProvider('test-server');
  });
  afterEach(async () => {
    await el?.stop();
    el?.remove();
    el = undefined;
    endpoint.release();
    await sleep(0);
    endpoint.restore();
    unregister();
  });

  const make = async (attributes = '') => {
    const host = await fixture<HTMLDivElement>(html`<div></div>`);
    host.innerHTML = `<streaming-avatar provider="test-server" token-url="/api/avatar" ${attributes}></streaming-avatar>`;
    el = host.querySelector('streaming-avatar')!;
    await el.updateComplete;
    return el;
  };
  const withToken = (sessionId: string) => ({ ...localDescription('test-server', sessionId), stopToken: STOP_TOKEN });

  it('each create has its own requestId; the stop sends {provider, sessionId, requestId, stopToken}, and the token is in no event', async () => {
    let n = 0;
    endpoint.reply(() => ({ json: withToken(`s${++n}`) }));
    const el = await make();
    const log = recordEvents(el, AVATAR_EVENTS);
    await el.start();
    await el.stop();
    await el.start();
    await el.stop();
    expect(requestIdOf(endpoint, 0)).to.match(UUID_V4);
    expect(requestIdOf(endpoint, 1)).to.match(UUID_V4).and.not.equal(requestIdOf(endpoint, 0));
    await waitFor(() => endpoint.stops.length === 2, 2000, 'two stops');
    expect(endpoint.stops.map((stop) => stop.body)).to.deep.equal([
      { provider: 'test-server', sessionId: 's1', requestId: requestIdOf(endpoint, 0), stopToken: STOP_TOKEN },
      { provider: 'test-server', sessionId: 's2', requestId: requestIdOf(endpoint, 1), stopToken: STOP_TOKEN },
    ]);
    expect(log.events.length).to.be.greaterThan(4);
    expect(JSON.stringify(log.events)).not.to.contain(STOP_TOKEN);
  });

  it('stop() during the create: state moves at once; the answer is read, and its session stopped with no join and no event', async () => {
    endpoint.reply({ json: withToken('late'), delayMs: 150 });
    const el = await make();
    const started = el.start().catch((e: { code: string }) => e.code);
    await waitFor(() => endpoint.requests.length === 1);
    const log = recordEvents(el, AVATAR_EVENTS);
    await el.stop();
    expect(el.state).to.equal('ended');
    expect(await started).to.equal('aborted');
    const afterStop = log.events.length;
    await waitFor(() => endpoint.stops.length === 1, 2000, 'the late session stopped');
    expect(endpoint.requests[0]!.signal!.aborted, 'the request was not aborted').to.equal(false);
    expect(endpoint.stops[0]!.body).to.deep.equal({ provider: 'test-server', sessionId: 'late', requestId: requestIdOf(endpoint), stopToken: STOP_TOKEN });
    await sleep(50);
    expect(log.events.length, 'no event for the late session').to.equal(afterStop);
    expect(openPeerConnections(), 'no transport joined').to.equal(0);
    expect(el.sessionId).to.equal(undefined);
    expect(el.state).to.equal('ended');
  });

  it('token-timeout fires on time; the answer that comes later is stopped', async () => {
    endpoint.reply({ json: withToken('slow'), delayMs: 250 });
    const el = await make('token-timeout="60"');
    const error = nextEvent(el, 'avatar-error');
    const begun = performance.now();
    const started = el.start().catch((e: { code: string }) => e.code);
    expect((await error).detail.code).to.equal('token-timeout');
    expect(performance.now() - begun).to.be.lessThan(200);
    expect(await started).to.equal('token-timeout');
    expect(el.state).to.equal('error');
    expect(endpoint.stops).to.have.length(0);
    await waitFor(() => endpoint.stops.length === 1, 2000, 'the slow session stopped');
    expect(endpoint.stops[0]!.body).to.include({ sessionId: 'slow', requestId: requestIdOf(endpoint) });
    expect(openPeerConnections()).to.equal(0);
    expect(el.state).to.equal('error');
  });

  it('a second session replacing a starting one: the first is stopped when it arrives, the second is the one shown', async () => {
    let n = 0;
    endpoint.reply(() => (++n === 1 ? { json: withToken('first'), delayMs: 200 } : { json: withToken('second'), delayMs: 10 }));
    const el = await make();
    const readies = recordEvents(el, ['avatar-ready']);
    void el.start().catch(() => undefined);
    await waitFor(() => endpoint.requests.length === 1);
    await el.stop();
    await el.start();
    await waitFor(() => endpoint.stops.length === 1, 2000, 'the first session stopped');
    expect(endpoint.stops[0]!.body).to.include({ sessionId: 'first', requestId: requestIdOf(endpoint, 0) });
    expect(readies.of('avatar-ready').map((r) => r.sessionId)).to.deep.equal(['second']);
    expect(el.sessionId).to.equal('second');
  });

  it('pagehide with a create in flight beacons {provider, requestId}; its session is stopped too if the page stays', async () => {
    endpoint.reply({ json: withToken('in-flight'), delayMs: 150 });
    const el = await make();
    const beacons: { url: string; body: unknown }[] = [];
    const realBeacon = navigator.sendBeacon.bind(navigator);
    navigator.sendBeacon = (url: string | URL, data?: BodyInit | null) => {
      void (data as Blob).text().then((body) => beacons.push({ url: String(url), body: JSON.parse(body) }));
      return true;
    };
    try {
      void el.start().catch(() => undefined);
      await waitFor(() => endpoint.requests.length === 1);
      window.dispatchEvent(new PageTransitionEvent('pagehide', { persisted: true }));
      await waitFor(() => beacons.length === 1);
      expect(new URL(beacons[0]!.url).pathname).to.equal('/api/avatar/stop');
      expect(beacons[0]!.body).to.deep.equal({ provider: 'test-server', requestId: requestIdOf(endpoint) });
      expect(el.state).to.equal('ended');
      // Back from the back/forward cache: the answer arrives, and nobody wants it.
      await waitFor(() => endpoint.stops.length === 1, 2000, 'the full stop');
      expect(endpoint.stops[0]!.body).to.deep.equal({ provider: 'test-server', sessionId: 'in-flight', requestId: requestIdOf(endpoint), stopToken: STOP_TOKEN });
      expect(beacons, 'one beacon per create').to.have.length(1);
    } finally {
      navigator.sendBeacon = realBeacon;
    }
  });

  it('an abandoned fetchSession that resolves later: stopSession gets that session', async () => {
    const el = await make();
    let resolveLate!: (value: unknown) => void;
    const signals: AbortSignal[] = [];
    el.fetchSession = (_request, { signal }) => {
      signals.push(signal);
      return new Promise((resolve) => (resolveLate = resolve));
    };
    const stops: unknown[] = [];
    el.stopSession = async (session) => void stops.push(session);
    const started = el.start().catch((e: { code: string }) => e.code);
    await el.stop();
    expect(await started).to.equal('aborted');
    expect(signals[0]!.aborted, 'the page is not told to abort').to.equal(false);
    expect(stops).to.have.length(0);
    resolveLate(withToken('from-page'));
    await waitFor(() => stops.length === 1);
    expect(stops[0]).to.deep.include({ provider: 'test-server', sessionId: 'from-page', stopToken: STOP_TOKEN }).and.to.have.property('requestId').that.match(UUID_V4);
    expect(openPeerConnections()).to.equal(0);
  });

  it('capacity (429 + Retry-After): a calm, retryable status, not a red alert', async () => {
    const errorColour = 'rgb(255, 180, 180)';
    let retryAfter: string | undefined = '30';
    endpoint.reply(() => ({
      status: 429,
      json: { error: { code: 'capacity', message: 'maxConcurrentSessions reached' } },
      headers: retryAfter ? { 'retry-after': retryAfter } : ({} as Record<string, string>),
    }));
    const el = await make();
    const error = nextEvent(el, 'avatar-error');
    expect(await el.start().catch((e: { code: string }) => e.code)).to.equal('capacity');
    const { detail } = await error;
    expect(detail).to.include({ code: 'capacity', status: 429, retryAfter: 30, message: 'All avatars are busy, try again in 30 seconds.' });
    await el.updateComplete;
    const status = el.shadowRoot!.querySelector<HTMLElement>('[part~="status"]')!;
    expect(status.textContent).to.equal('All avatars are busy, try again in 30 seconds.');
    expect(status.getAttribute('role')).to.equal('status');
    expect(status.getAttribute('aria-live')).to.equal('polite');
    expect(getComputedStyle(status).color).not.to.equal(errorColour);
    expect(el.shadowRoot!.querySelector('[part~="start-button"]')!.textContent!.trim()).to.equal('Try again');
    expect(endpoint.stops, 'an error status made no session').to.have.length(0);

    retryAfter = undefined;
    await el.start().catch(() => undefined);
    await el.updateComplete;
    expect(el.error?.message).to.equal('All avatars are busy, try again in a minute.');
    expect(el.error?.retryAfter).to.equal(undefined);

    // Any other failure is still an alert, in the error colour.
    endpoint.reply({ status: 500, json: {} });
    await el.start().catch(() => undefined);
    await el.updateComplete;
    expect(status.getAttribute('role')).to.equal('alert');
    expect(getComputedStyle(status).color).to.equal(errorColour);
  });

  it('an expiresAt weeks away does not end the session at once (no setTimeout overflow)', async () => {
    const days40 = new Date(Date.now() + 40 * 24 * 3600 * 1000).toISOString();
    endpoint.reply({ json: { ...localDescription('test-server', 'long'), expiresAt: days40 } });
    const el = await make();
    const log = recordEvents(el, ['avatar-ended', 'avatar-session-expiring']);
    await el.start();
    await sleep(100);
    expect(log.events).to.deep.equal([]);
    expect(el.state).to.equal('connected');
    expect(el.sessionRemaining).to.be.greaterThan(39 * 24 * 3600);
  });
});

describe('longTimeout', () => {
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => {
    clock = sinon.useFakeTimers();
  });
  afterEach(() => clock.restore());

  it('fires after a delay past 2^31 ms, not at once, and can be cancelled', async () => {
    const fired: number[] = [];
    const delay = MAX_TIMEOUT_MS * 2 + 1234;
    longTimeout(() => fired.push(Date.now()), delay);
    const cancel = longTimeout(() => fired.push(-1), delay);
    await clock.tickAsync(1000);
    cancel();
    expect(fired).to.deep.equal([]);
    await clock.tickAsync(delay - 1001);
    expect(fired).to.deep.equal([]);
    await clock.tickAsync(1);
    expect(fired).to.deep.equal([delay]);
    longTimeout(() => fired.push(0), -5);
    await clock.tickAsync(0);
    expect(fired).to.have.length(2);
  });
});

describe('insecure URLs in a session description', () => {
  const livekit = (url: string, extra: Record<string, unknown> = {}) => ({
    provider: 'heygen',
    sessionId: 's',
    transport: { kind: 'livekit', url, token: 't' },
    ...extra,
  });
  const refusal = (value: unknown, protocol: string) => {
    try {
      parseSessionDescription(value, 'heygen', protocol);
      return undefined;
    } catch (error) {
      return error as { code: string; message: string };
    }
  };

  it('an https: page refuses ws:/http: transport URLs and apiBaseUrl, naming the field', () => {
    const ws = refusal(livekit('ws://sfu.example/rtc'), 'https:');
    expect(ws?.code).to.equal('token-invalid-shape');
    expect(ws?.message).to.contain('transport.url');
    expect(refusal(livekit('http://sfu.example/rtc'), 'https:')?.message).to.contain('transport.url');
    const api = refusal(livekit('wss://sfu.example/rtc', { apiBaseUrl: 'http://api.example' }), 'https:');
    expect(api?.code).to.equal('token-invalid-shape');
    expect(api?.message).to.contain('session.apiBaseUrl');
    expect(refusal(livekit('wss://sfu.example/rtc', { apiBaseUrl: 'https://api.example' }), 'https:')).to.equal(undefined);
  });

  it('an http: page (local development) may use them; this page is one', () => {
    expect(location.protocol).to.equal('http:');
    expect(refusal(livekit('ws://localhost:7880', { apiBaseUrl: 'http://localhost:8080/fake' }), 'http:')).to.equal(undefined);
    // The default is the page's own protocol.
    expect(() => parseSessionDescription(livekit('ws://localhost:7880'), 'heygen')).not.to.throw();
  });
});
