import { expect } from '@open-wc/testing';
import '../../../define.js';
import { createProvider, HEYGEN } from '../adapter.js';
import type { SessionDescription } from '../../../session/session-description.js';
import { nextEvent, recordEvents, waitFor } from '../../../../test/helpers/events.js';
import { avatarWith, relayingVendor, setUpFakeVendor } from '../../../../test/helpers/fake-vendor.js';
import { encodeJson, livekitSession, rejection, restAdapter } from '../../../../test/helpers/provider-harness.js';
import { stubFetch } from '../../../../test/helpers/vendor-fetch.js';

const base = 'https://vendor.test/heygen';
const description = (extra: Partial<SessionDescription> = {}): SessionDescription =>
  livekitSession({
    provider: 'heygen',
    sessionId: 'sess-1',
    sessionToken: 'session-token-1',
    apiBaseUrl: base,
    options: { idleTimeout: 120 },
    ...extra,
  });

const adapter = (extra: Partial<SessionDescription> = {}, answer = stubFetch()) =>
  restAdapter(createProvider, description(extra), answer);

describe('HeyGen adapter: REST commands', () => {
  it('starts the session before joining: POST /v1/streaming.start with the Bearer session token', async () => {
    const { provider, requests } = adapter();
    await provider.beforeConnect!();
    expect(requests).to.have.length(1);
    const [start] = requests;
    expect(start.url).to.equal(`${base}/v1/streaming.start`);
    expect(start.method).to.equal('POST');
    expect(start.headers.authorization).to.equal('Bearer session-token-1');
    expect(start.headers['content-type']).to.equal('application/json');
    expect(start.body).to.deep.equal({ session_id: 'sess-1' });
  });

  it('uses the production host when the description has no apiBaseUrl', async () => {
    const { provider, requests } = adapter({ apiBaseUrl: undefined });
    await provider.beforeConnect!();
    expect(requests[0].url).to.equal(`${HEYGEN.defaultBaseUrl}/v1/streaming.start`);
  });

  it('speaks with streaming.task: task_type repeat, or talk for chat (as the SDK sends), task_mode async, session_id', async () => {
    const { provider, requests } = adapter();
    await provider.speak('Hello there.', 'repeat');
    await provider.speak('What can you do?', 'chat');
    expect(requests.map((r) => r.path)).to.deep.equal(['/heygen/v1/streaming.task', '/heygen/v1/streaming.task']);
    expect(requests[0].headers.authorization).to.equal('Bearer session-token-1');
    expect(requests[0].body).to.deep.equal({ session_id: 'sess-1', text: 'Hello there.', task_type: 'repeat', task_mode: 'async' });
    expect(requests[1].body).to.deep.equal({ session_id: 'sess-1', text: 'What can you do?', task_type: 'talk', task_mode: 'async' });
  });

  it('interrupts with streaming.interrupt and resolves ok', async () => {
    const { provider, requests } = adapter();
    expect(await provider.interrupt()).to.equal('ok');
    expect(requests[0].url).to.equal(`${base}/v1/streaming.interrupt`);
    expect(requests[0].body).to.deep.equal({ session_id: 'sess-1' });
  });

  it('keeps the session alive with streaming.keep_alive', async () => {
    const { provider, requests } = adapter();
    await provider.keepAlive!();
    expect(requests[0].url).to.equal(`${base}/v1/streaming.keep_alive`);
    expect(requests[0].method).to.equal('POST');
    expect(requests[0].headers.authorization).to.equal('Bearer session-token-1');
    expect(requests[0].body).to.deep.equal({ session_id: 'sess-1' });
  });

  it('has no keep-alive for a session created with disableIdleTimeout (the vendor never ends it for idling)', async () => {
    const { provider } = adapter({ options: { idleTimeoutDisabled: true } });
    expect(provider.keepAlive).to.equal(undefined);
    expect(adapter().provider.keepAlive).to.be.a('function');
  });

  it('stops with streaming.stop on close, even though the session signal is already aborted', async () => {
    const { provider, requests, abort } = adapter();
    abort.abort();
    await provider.close!();
    expect(requests.map((r) => r.url)).to.deep.equal([`${base}/v1/streaming.stop`]);
    expect(requests[0].body).to.deep.equal({ session_id: 'sess-1' });
  });

  it('treats a non-success code in a 200 answer as a rejected command', async () => {
    const answer = stubFetch(() => ({ status: 200, body: { code: 400100, message: 'text is too long' } }));
    const { provider } = adapter({}, answer);
    const error = await rejection(provider.speak('Hi', 'repeat'));
    expect(error.code).to.equal('command-failed');
    expect(error.fatal).to.equal(false);
    expect(error.message).to.contain('text is too long');
    expect(error.vendorStatus).to.equal(200);
    expect(error.vendorBody).to.deep.equal({ code: 400100, message: 'text is too long' });
  });

  it('maps HTTP 4xx and 5xx answers to command-failed with the vendor body', async () => {
    const answer = stubFetch(() => ({ status: 401, body: { code: 400112, message: 'Unauthorized' } }));
    const { provider } = adapter({}, answer);
    const unauthorized = await rejection(provider.interrupt());
    expect(unauthorized.code).to.equal('command-failed');
    expect(unauthorized.vendorStatus).to.equal(401);
    expect(unauthorized.message).to.contain('400112 Unauthorized');

    answer.answer(() => ({ status: 502, body: 'upstream down' }));
    const down = await rejection(provider.speak('Hi', 'repeat'));
    expect(down.code).to.equal('command-failed');
    expect(down.vendorStatus).to.equal(502);
    expect(down.vendorBody).to.equal('upstream down');
  });

  it('fails the start with a fatal vendor-error when streaming.start is rejected', async () => {
    const answer = stubFetch(() => ({ status: 400, body: { code: 10003, message: 'avatar version is deprecated' } }));
    const { provider } = adapter({}, answer);
    const error = await rejection(provider.beforeConnect!());
    expect(error.code).to.equal('vendor-error');
    expect(error.fatal).to.equal(true);
    expect(error.message).to.contain('avatar version is deprecated');
  });

  it('ends the session when the vendor says 400006 (closed), as idle once the idle timeout has passed', async () => {
    const closed = { code: 400006, message: 'Session is not in correct state' };
    const answer = stubFetch(() => ({ status: 400, body: closed }));
    const { provider, recorder, requests } = adapter({ options: { idleTimeout: 0.5 } }, answer);
    await new Promise((r) => setTimeout(r, 600));
    const error = await rejection(provider.speak('Anyone there?', 'repeat'));
    expect(error.code).to.equal('not-started');
    expect(error.vendorBody).to.deep.equal(closed);
    const [ended] = recorder.ended();
    expect(ended.reason).to.equal('idle');
    expect(ended.error?.code).to.equal('not-started');
    expect(ended.error?.fatal).to.equal(true);
    // The vendor already closed it: no stop call.
    await provider.close!();
    expect(requests.map((r) => r.path)).to.deep.equal(['/heygen/v1/streaming.task']);
  });

  it('reports a 400006 before the idle timeout as closed by the vendor', async () => {
    const answer = stubFetch(() => ({ status: 400, body: { code: 400006, message: 'Session is not in correct state' } }));
    const { provider, recorder } = adapter({}, answer);
    await rejection(provider.keepAlive!());
    expect(recorder.ended().map((e) => e.reason)).to.deep.equal(['vendor']);
  });
});

describe('HeyGen adapter: data-channel events', () => {
  it('maps each event type onto speaking and transcripts (partials so far, then the whole text)', () => {
    const { provider, recorder } = adapter();
    const receive = (event: Record<string, unknown>) => provider.receive(encodeJson(event));
    receive({ type: 'user_talking_message', task_id: 'u1', message: 'How are' });
    receive({ type: 'user_talking_message', task_id: 'u1', message: ' you?' });
    receive({ type: 'user_end_message', task_id: 'u1' });
    receive({ type: 'avatar_start_talking', task_id: 't1' });
    receive({ type: 'avatar_talking_message', task_id: 't1', message: 'I am' });
    receive({ type: 'avatar_talking_message', task_id: 't1', message: ' fine.' });
    receive({ type: 'avatar_end_message', task_id: 't1' });
    receive({ type: 'avatar_stop_talking', task_id: 't1', duration_ms: 900 });
    expect(recorder.log).to.deep.equal([
      { type: 'transcript', transcript: { role: 'user', text: 'How are', final: false } },
      { type: 'transcript', transcript: { role: 'user', text: 'How are you?', final: false } },
      { type: 'transcript', transcript: { role: 'user', text: 'How are you?', final: true } },
      { type: 'speakStart' },
      { type: 'transcript', transcript: { role: 'avatar', text: 'I am', final: false } },
      { type: 'transcript', transcript: { role: 'avatar', text: 'I am fine.', final: false } },
      { type: 'transcript', transcript: { role: 'avatar', text: 'I am fine.', final: true } },
      { type: 'speakEnd' },
    ]);
  });

  it('closes an interrupted task with what was said, and ignores what is not an event', () => {
    const { provider, recorder } = adapter();
    provider.receive(new TextEncoder().encode('"push_to_talk:start"'));
    provider.receive(new TextEncoder().encode('not json'));
    provider.receive(encodeJson({ type: 'something_new', task_id: 'x' }));
    provider.receive(encodeJson({ type: 'avatar_start_talking', task_id: 't2' }));
    provider.receive(encodeJson({ type: 'avatar_talking_message', task_id: 't2', message: 'Once upon' }));
    provider.receive(encodeJson({ type: 'avatar_stop_talking', task_id: 't2' }));
    expect(recorder.types()).to.deep.equal(['speakStart', 'transcript', 'transcript', 'speakEnd']);
    expect(recorder.transcripts().at(-1)).to.deep.equal({ role: 'avatar', text: 'Once upon', final: true });
  });
});

describe('HeyGen through <streaming-avatar> with the fake vendor emulation', () => {
  let fake: ReturnType<typeof setUpFakeVendor>;
  const e2e = (): SessionDescription => ({
    ...description({ sessionId: 'hg-e2e' }),
    transport: { kind: 'livekit', url: `ws://${location.host}/fake-vendor/heygen/livekit`, token: 'fake-livekit.hg-e2e' },
    apiBaseUrl: `${location.origin}/fake-vendor/heygen`,
  });

  beforeEach(() => {
    fake = setUpFakeVendor(
      relayingVendor(
        { speak: '/v1/streaming.task', interrupt: '/v1/streaming.interrupt', stop: '/v1/streaming.stop' },
        { code: 100, message: 'success', data: {} },
        (request) => String((request.body as { session_id: string }).session_id),
      ),
    );
  });
  afterEach(() => fake.restore());

  it('start → ready → speak → speak start/end and transcripts → stop', async () => {
    const { el, stops } = await avatarWith(e2e());
    const log = recordEvents(el, ['avatar-ready', 'avatar-speak-start', 'avatar-speak-end', 'avatar-transcript', 'avatar-ended']);
    await el.start();
    expect(el.state).to.equal('connected');
    expect(log.of('avatar-ready')[0]).to.deep.equal({ provider: 'heygen', sessionId: 'hg-e2e', transport: 'livekit' });
    expect(fake.requests.map((r) => r.path)).to.deep.equal(['/fake-vendor/heygen/v1/streaming.start']);

    const spoken = nextEvent(el, 'avatar-speak-end');
    await el.speak('Hello from the fake HeyGen.');
    await nextEvent(el, 'avatar-speak-start');
    expect(el.hasAttribute('speaking')).to.equal(true);
    await spoken;
    expect(el.hasAttribute('speaking')).to.equal(false);
    const avatar = log.of('avatar-transcript').filter((t) => t.role === 'avatar');
    expect(avatar.some((t) => !t.final)).to.equal(true);
    expect(avatar.filter((t) => t.final).map((t) => t.text)).to.deep.equal(['Hello from the fake HeyGen.']);

    await el.stop();
    expect(el.state).to.equal('ended');
    expect(fake.requests.at(-1)?.path).to.equal('/fake-vendor/heygen/v1/streaming.stop');
    expect(stops).to.deep.equal([{ provider: 'heygen', sessionId: 'hg-e2e' }]);
    expect(fake.relay.urls()).to.deep.equal([]);
  });

  it('chat mode shows the user turn and a reply; interrupt cuts the reply short', async () => {
    const { el } = await avatarWith(e2e());
    await el.start();
    const log = recordEvents(el, ['avatar-transcript', 'avatar-speak-end']);
    const started = nextEvent(el, 'avatar-speak-start');
    await el.speak('Tell me a long story about the sea, please.', { mode: 'chat' });
    await started;
    // HeyGen's chat is the SDK's talk; the fake vendor refuses chat for HeyGen.
    expect(fake.requests.at(-1)?.body).to.include({ task_type: 'talk' });
    const user = log.of('avatar-transcript').filter((t) => t.role === 'user');
    expect(user.at(-1)).to.deep.equal({ role: 'user', text: 'Tell me a long story about the sea, please.', final: true });
    const ended = nextEvent(el, 'avatar-speak-end', 2000);
    expect(await el.interrupt()).to.equal('ok');
    await ended;
    expect(fake.requests.at(-1)?.path).to.equal('/fake-vendor/heygen/v1/streaming.interrupt');
    await el.stop();
  });

  it('a rejected speak fires a non-fatal avatar-error and keeps the session', async () => {
    const { el } = await avatarWith(e2e());
    await el.start();
    fake.answer(() => ({ status: 200, body: { code: 400500, message: 'quota exceeded' } }));
    const errorEvent = nextEvent(el, 'avatar-error');
    const error = await rejection(el.speak('Hi'));
    expect(error.code).to.equal('command-failed');
    const { detail } = await errorEvent;
    expect(detail).to.include({ code: 'command-failed', fatal: false, vendorStatus: 200 });
    expect(detail.vendorBody).to.deep.equal({ code: 400500, message: 'quota exceeded' });
    expect(el.state).to.equal('connected');
    await el.stop();
  });

  it('a stop relayed by the vendor ends the element with its reason', async () => {
    const { el } = await avatarWith(e2e());
    await el.start();
    const ended = nextEvent(el, 'avatar-ended');
    await waitFor(() => fake.relay.publish('hg-e2e', { type: 'stop', reason: 'idle' }) > 0);
    expect((await ended).detail).to.deep.equal({ reason: 'idle', sessionId: 'hg-e2e' });
    expect(el.state).to.equal('ended');
  });
});
