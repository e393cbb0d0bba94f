import { expect, fixture, html } from '@open-wc/testing';
import '../../src/define.js';
import type { StreamingAvatarElement } from '../../src/element/streaming-avatar-element.js';
import { AvatarError } from '../../src/errors/avatar-error.js';
import { registerProvider } from '../../src/providers/registry.js';
import { nextEvent, recordEvents, waitFor } from '../helpers/events.js';
import { liveTracks, openPeerConnections, trackPeerConnections } from '../helpers/resources.js';
import { installScriptedTransport } from '../helpers/scripted-transport.js';
import { registerTestProvider } from '../helpers/test-provider.js';
import { stubTokenEndpoint, type TokenEndpoint } from '../helpers/token-endpoint.js';

trackPeerConnections();

const video = (el: StreamingAvatarElement) => el.shadowRoot!.querySelector('video')!;
const lk = (provider: string, sessionId: string) => ({ provider, sessionId, transport: { kind: 'livekit', url: 'wss://room.test', token: 't' } });

describe('session lifecycle', () => {
  let endpoint: TokenEndpoint;
  let scripted: ReturnType<typeof installScriptedTransport>;
  const cleanups: (() => void)[] = [];
  let el: StreamingAvatarElement | undefined;

  beforeEach(() => {
    endpoint = stubTokenEndpoint('/api/avatar');
    scripted = installScriptedTransport('livekit');
    let n = 0;
    endpoint.reply((request) => ({ json: lk((request.body as { provider: string }).provider, `s${++n}`), delayMs: 30 }));
    for (const name of ['alpha', 'beta']) {
      cleanups.push(
        registerProvider(name, { needsServer: true, expectedTransport: () => 'livekit', load: () => import('../../src/providers/local.js') }),
      );
    }
  });
  afterEach(async () => {
    await el?.stop();
    el?.remove();
    el = undefined;
    // Creates left hanging end (the element reads them on, bounded); their stops reach the stub first.
    endpoint.release();
    await new Promise((resolve) => setTimeout(resolve, 0));
    endpoint.restore();
    scripted.restore();
    cleanups.splice(0).forEach((c) => c());
  });

  const make = async (attrs = 'provider="alpha" token-url="/api/avatar"') => {
    const host = await fixture<HTMLDivElement>(html`<div></div>`);
    host.innerHTML = `<streaming-avatar ${attrs}></streaming-avatar>`;
    el = host.querySelector('streaming-avatar')!;
    await el.updateComplete;
    return el;
  };

  it('moves idle → connecting → connected, firing each change once, and ends on stop()', async () => {
    const el = await make();
    const log = recordEvents(el, ['avatar-state-change', 'avatar-ready', 'avatar-ended']);
    await el.start();
    await el.stop();
    expect(log.of('avatar-state-change')).to.deep.equal([
      { state: 'connecting', previous: 'idle' },
      { state: 'connected', previous: 'connecting' },
      { state: 'ended', previous: 'connected' },
    ]);
    expect(log.of('avatar-ready')).to.deep.equal([{ provider: 'alpha', sessionId: 's1', transport: 'livekit' }]);
    expect(log.of('avatar-ended')).to.deep.equal([{ reason: 'user', sessionId: 's1' }]);
    expect(scripted.instances[0].disconnected).to.equal(true);
  });

  it('imports the transport, and starts its SDK download, while the token request is in flight', async () => {
    const el = await make();
    endpoint.reply({ json: lk('alpha', 'slow'), delayMs: 300 });
    await el.start();
    // Order, not elapsed time (a loaded machine stretches any time limit): both happened before the answer.
    expect(endpoint.answeredAt).to.have.length(1);
    expect(scripted.loadTimes).to.have.length(1);
    expect(scripted.loadTimes[0]).to.be.lessThan(endpoint.answeredAt[0]);
    expect(scripted.preloadTimes).to.have.length(1);
    expect(scripted.preloadTimes[0]).to.be.lessThan(endpoint.answeredAt[0]);
  });

  it('start() twice while starting returns the same promise: one token request, one session', async () => {
    const el = await make();
    const first = el.start();
    const second = el.start();
    expect(second).to.equal(first);
    await first;
    const again = await Promise.all(Array.from({ length: 10 }, () => el.start()));
    expect(again).to.have.length(10);
    expect(endpoint.requests).to.have.length(1);
    expect(scripted.instances).to.have.length(1);
  });

  it('start() ×10 in one tick starts exactly one session', async () => {
    const el = await make();
    const calls = Array.from({ length: 10 }, () => el.start());
    expect(new Set(calls).size).to.equal(1);
    await Promise.all(calls);
    expect(endpoint.requests).to.have.length(1);
    expect(scripted.instances).to.have.length(1);
  });

  it('stop() during the token request ends at once and starts nothing; the request goes on (not aborted)', async () => {
    const el = await make();
    endpoint.reply({ hang: true });
    const log = recordEvents(el, ['avatar-error', 'avatar-ended']);
    const started = el.start().catch((e: AvatarError) => e.code);
    await waitFor(() => endpoint.requests.length === 1);
    await el.stop();
    expect(await started).to.equal('aborted');
    expect(endpoint.requests[0].signal!.aborted).to.equal(false);
    expect(el.state).to.equal('ended');
    expect(log.of('avatar-error')).to.have.length(0);
    expect(log.of('avatar-ended')[0].reason).to.equal('user');
    expect(scripted.instances).to.have.length(0);
  });

  it('removal during the token request ends the start after one task, and nothing starts (the request goes on)', async () => {
    const el = await make();
    endpoint.reply({ hang: true });
    const started = el.start().catch((e: AvatarError) => e.code);
    await waitFor(() => endpoint.requests.length === 1);
    el.remove();
    expect(await started).to.equal('aborted');
    expect(endpoint.requests[0].signal!.aborted).to.equal(false);
    expect(scripted.instances).to.have.length(0);
    expect(el.state).to.equal('ended');
  });

  it('remove + re-insert in the same task keeps the one session', async () => {
    const el = await make();
    await el.start();
    const log = recordEvents(el, ['avatar-ended', 'avatar-state-change']);
    const parent = el.parentElement!;
    const other = document.createElement('section');
    document.body.append(other);
    el.remove();
    other.append(el); // A DOM move
    await new Promise((r) => setTimeout(r, 50));
    expect(el.state).to.equal('connected');
    expect(el.sessionId).to.equal('s1');
    expect(log.events).to.have.length(0);
    expect(scripted.instances[0].disconnected).to.equal(false);
    expect(liveTracks(video(el))).to.have.length(1);
    parent.append(el);
    other.remove();
  });

  it('removal stops the session and releases every track and peer connection', async () => {
    const el = await make('provider="local"');
    await el.start();
    expect(openPeerConnections()).to.equal(2);
    const ended = nextEvent(el, 'avatar-ended');
    el.remove();
    expect((await ended).detail.reason).to.equal('user');
    await waitFor(() => openPeerConnections() === 0, 2000, 'peer connections closed');
    expect(liveTracks(video(el))).to.have.length(0);
    expect(video(el).srcObject).to.equal(null);
  });

  it('changing provider mid-session ends the old session before the new one starts', async () => {
    const el = await make();
    await el.start();
    const oldTransport = scripted.instances[0];
    const log = recordEvents(el, ['avatar-ended', 'avatar-ready', 'avatar-state-change']);
    el.provider = 'beta';
    await nextEvent(el, 'avatar-ready');
    expect(log.of('avatar-ended')).to.deep.equal([{ reason: 'user', sessionId: 's1' }]);
    expect(oldTransport.disconnected).to.equal(true);
    expect(el.sessionId).to.equal('s2');
    expect((endpoint.requests[1].body as { provider: string }).provider).to.equal('beta');
    expect(log.types().indexOf('avatar-ended')).to.be.lessThan(log.types().indexOf('avatar-ready'));
    // Only the new session's track is on the <video>.
    const tracks = liveTracks(video(el));
    expect(tracks).to.have.length(1);
    expect(tracks[0]).to.equal(scripted.instances[1].tracks[0]);
    await waitFor(() => endpoint.stops.length === 1);
    expect(endpoint.stops[0].body).to.deep.equal({ provider: 'alpha', sessionId: 's1', requestId: (endpoint.requests[0].body as { requestId: string }).requestId });
  });

  it('changing avatar-id mid-start: the stale session never shows', async () => {
    const el = await make();
    endpoint.reply((request) => {
      const body = request.body as { avatarId?: string };
      return body.avatarId === 'new' ? { json: lk('alpha', 'fresh'), delayMs: 10 } : { json: lk('alpha', 'stale'), delayMs: 200 };
    });
    el.avatarId = 'old';
    await el.updateComplete;
    const log = recordEvents(el, ['avatar-ready']);
    const first = el.start().catch((e: AvatarError) => e.code);
    await waitFor(() => endpoint.requests.length === 1);
    el.avatarId = 'new';
    await el.updateComplete;
    expect(await first).to.equal('aborted');
    await waitFor(() => el.state === 'connected');
    await new Promise((r) => setTimeout(r, 300)); // the stale answer arrives meanwhile
    expect(el.sessionId).to.equal('fresh');
    expect(log.of('avatar-ready').map((r) => r.sessionId)).to.deep.equal(['fresh']);
    expect(scripted.instances).to.have.length(1);
    // The stale session was made all the same: it is stopped as soon as its answer arrives.
    expect(endpoint.stops.map((stop) => (stop.body as { sessionId: string }).sessionId)).to.deep.equal(['stale']);
  });

  it('speak() before start() is rejected with not-started; during connecting it waits for ready', async () => {
    const el = await make();
    let rejected: AvatarError | undefined;
    await el.speak('too early').catch((e: AvatarError) => (rejected = e));
    expect(rejected?.code).to.equal('not-started');
    endpoint.reply({ json: lk('alpha', 'q'), delayMs: 150 });
    const started = el.start();
    const spoken = el.speak('queued words');
    expect(scripted.instances).to.have.length(0);
    await started;
    await spoken;
    const sent = scripted.instances[0].sent.map((b) => JSON.parse(new TextDecoder().decode(b)));
    expect(sent).to.deep.equal([{ type: 'speak', id: 1, text: 'queued words', mode: 'repeat' }]);
  });

  it('queued speech is rejected (not lost silently) when the session stops first', async () => {
    const el = await make();
    endpoint.reply({ hang: true });
    void el.start().catch(() => undefined);
    const spoken = el.speak('never said').catch((e: AvatarError) => e.code);
    await waitFor(() => endpoint.requests.length === 1);
    await el.stop();
    expect(await spoken).to.equal('aborted');
  });

  it('speak() rejects bad input', async () => {
    const el = await make();
    await el.start();
    const codes = await Promise.all([
      el.speak('').catch((e: AvatarError) => e.code),
      el.speak('hi', { mode: 'sing' as 'chat' }).catch((e: AvatarError) => e.code),
    ]);
    expect(codes).to.deep.equal(['command-failed', 'command-failed']);
  });

  it('a transport over its data limit gives a non-fatal typed error; the session goes on', async () => {
    const el = await make();
    await el.start();
    const error = nextEvent(el, 'avatar-error');
    const code = await el.speak('x'.repeat(2000)).catch((e: AvatarError) => e.code);
    expect(code).to.equal('transport-data-too-large');
    expect((await error).detail.fatal).to.equal(false);
    expect(el.state).to.equal('connected');
  });

  it('reconnecting and reconnected move the state; an unasked disconnect ends with a clear reason', async () => {
    const el = await make();
    await el.start();
    const { host } = scripted.instances[0];
    host.reconnecting();
    expect(el.state).to.equal('reconnecting');
    expect(el.shadowRoot!.querySelector('[part~="status"]')!.textContent).to.be.empty;
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[part~="status"]')!.textContent).to.contain('Reconnecting');
    host.reconnected();
    expect(el.state).to.equal('connected');
    const log = recordEvents(el, ['avatar-error', 'avatar-ended']);
    host.disconnected('network');
    expect(el.state).to.equal('error');
    expect(log.of('avatar-error')[0].code).to.equal('transport-disconnected');
    expect(log.of('avatar-ended')[0].reason).to.equal('network');
    expect(liveTracks(video(el))).to.have.length(0);
    await waitFor(() => scripted.instances[0].disconnected);
    // Reports from the dead transport are ignored.
    host.reconnecting();
    expect(el.state).to.equal('error');
  });

  it('a transport warning is a non-fatal avatar-error that leaves the state alone; ignored once the session ended', async () => {
    const el = await make();
    await el.start();
    const { host } = scripted.instances[0];
    const log = recordEvents(el, ['avatar-error', 'avatar-state-change']);
    // Whatever `fatal` the transport's error says, a warning never ends the session.
    host.warning(new AvatarError('transport-send-failed', 'The data channel hiccuped.'));
    expect(log.of('avatar-error')).to.deep.equal([{ code: 'transport-send-failed', message: 'The data channel hiccuped.', fatal: false }]);
    expect(el.state).to.equal('connected');
    expect(log.of('avatar-state-change')).to.deep.equal([]);
    // A microphone problem while no microphone is in use (voice chat off) is nobody's concern.
    host.warning(new AvatarError('mic-failed', 'The microphone stopped.'));
    expect(log.of('avatar-error')).to.have.length(1);
    await el.stop();
    host.warning(new AvatarError('mic-failed', 'Too late.'));
    expect(log.of('avatar-error')).to.have.length(1);
  });

  it('a vendor-ended session (no error) ends with its reason and state ended', async () => {
    const el = await make();
    await el.start();
    const ended = nextEvent(el, 'avatar-ended');
    scripted.instances[0].host.disconnected('idle');
    expect((await ended).detail.reason).to.equal('idle');
    expect(el.state).to.equal('ended');
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[part~="start-button"]')!.textContent!.trim()).to.equal('Start again');
  });

  it('join rejected → transport-join-failed; join too slow → transport-join-timeout', async () => {
    const el = await make('provider="alpha" token-url="/api/avatar" connect-timeout="200"');
    scripted.script.join = 'reject';
    expect(await el.start().catch((e: AvatarError) => e.code)).to.equal('transport-join-failed');
    expect(el.state).to.equal('error');
    expect(scripted.instances[0].disconnected).to.equal(true);
    scripted.script.join = 'ok';
    scripted.script.media = false;
    expect(await el.start().catch((e: AvatarError) => e.code)).to.equal('media-timeout');
    expect(el.error?.message).to.contain('firewall');
    expect(scripted.instances[1].disconnected).to.equal(true);
  });

  it('a transport that cannot be loaded → transport-load-failed', async () => {
    scripted.restore();
    const { registerTransport } = await import('../../src/transports/registry.js');
    const restore = registerTransport('livekit', () => Promise.reject(new Error('chunk 404')));
    try {
      const el = await make();
      const code = await el.start().catch((e: AvatarError) => e.code);
      expect(code).to.equal('transport-load-failed');
      expect(el.error?.message).to.contain('chunk 404');
    } finally {
      restore();
    }
  });

  it('a provider adapter that cannot be loaded → provider-load-failed', async () => {
    cleanups.push(
      registerProvider('broken', { needsServer: true, expectedTransport: () => 'livekit', load: () => Promise.reject(new Error('no chunk')) }),
    );
    const el = await make('provider="broken" token-url="/api/avatar"');
    endpoint.reply({ json: lk('broken', 'b') });
    expect(await el.start().catch((e: AvatarError) => e.code)).to.equal('provider-load-failed');
  });

  it('restarts after ended, and pagehide stops the session with a beacon', async () => {
    const el = await make();
    await el.start();
    await el.stop();
    await el.start();
    expect(el.state).to.equal('connected');
    expect(el.sessionId).to.equal('s2');
    const beacons: { url: string; body: string; type: string }[] = [];
    const realBeacon = navigator.sendBeacon.bind(navigator);
    navigator.sendBeacon = (url: string | URL, data?: BodyInit | null) => {
      void (data as Blob).text().then((body) => beacons.push({ url: String(url), body, type: (data as Blob).type }));
      return true;
    };
    try {
      const ended = nextEvent(el, 'avatar-ended');
      window.dispatchEvent(new PageTransitionEvent('pagehide', { persisted: false }));
      await ended;
      // Earlier tests' creates that still hang get their own beacon ({provider, requestId}); this one names s2.
      const ours = () => beacons.filter((beacon) => (JSON.parse(beacon.body) as { sessionId?: string }).sessionId);
      await waitFor(() => ours().length === 1);
      expect(new URL(ours()[0].url).pathname).to.equal('/api/avatar/stop');
      expect(JSON.parse(ours()[0].body)).to.deep.equal({ provider: 'alpha', sessionId: 's2', requestId: (endpoint.requests[1].body as { requestId: string }).requestId });
      // A CORS-safelisted type, so a cross-origin embed's beacon needs no preflight.
      expect(ours()[0].type).to.equal('text/plain;charset=utf-8');
      expect(el.state).to.equal('ended');
      // One stop per session: the teardown did not send a second one.
      expect(endpoint.stops.filter((s) => (s.body as { sessionId: string }).sessionId === 's2')).to.have.length(0);
    } finally {
      navigator.sendBeacon = realBeacon;
    }
  });

  it('interrupt() without a session is rejected; the local provider is registered by default', async () => {
    const el = await make();
    expect(await el.interrupt().catch((e: AvatarError) => e.code)).to.equal('not-started');
    const unregister = registerTestProvider('gamma');
    unregister();
    expect(el.provider).to.equal('alpha');
  });
});
