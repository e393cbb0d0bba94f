import { expect } from '@open-wc/testing';
import '../../../define.js';
import { KONPRO_FACTS as KONPRO } from '../facts.js';
import { createProvider } from '../adapter.js';
import type { SessionDescription } from '../../../session/session-description.js';
import { nextEvent, recordEvents } from '../../../../test/helpers/events.js';
import { avatarWith, relayingVendor, setUpFakeVendor } from '../../../../test/helpers/fake-vendor.js';
import { encodeJson, livekitSession, rejection, restAdapter } from '../../../../test/helpers/provider-harness.js';
import { stubFetch } from '../../../../test/helpers/vendor-fetch.js';

const description = (extra: Partial<SessionDescription> = {}): SessionDescription =>
  livekitSession({
    provider: 'konpro',
    sessionId: 'kp-1',
    sessionToken: 'konpro-token',
    apiBaseUrl: 'https://vendor.test/konpro',
    options: { idleTimeout: 120 },
    ...extra,
  });

const adapter = (extra: Partial<SessionDescription> = {}, answer = stubFetch(() => ({ body: { code: 100, message: 'success' } }))) =>
  restAdapter(createProvider, description(extra), answer);

describe('KonPro adapter (the HeyGen adapter with slash paths)', () => {
  it('sends every command to its slash path with the Bearer session token', async () => {
    const { provider, requests, abort } = adapter();
    await provider.beforeConnect!();
    await provider.speak('Hello.', 'repeat');
    await provider.speak('Why?', 'chat');
    expect(await provider.interrupt()).to.equal('ok');
    await provider.keepAlive!();
    abort.abort();
    await provider.close!();
    expect(requests.map((r) => `${r.method} ${r.url}`)).to.deep.equal([
      'POST https://vendor.test/konpro/v1/streaming/start',
      'POST https://vendor.test/konpro/v1/streaming/task',
      'POST https://vendor.test/konpro/v1/streaming/task',
      'POST https://vendor.test/konpro/v1/streaming/interrupt',
      'POST https://vendor.test/konpro/v1/streaming/keep_alive',
      'POST https://vendor.test/konpro/v1/streaming/stop',
    ]);
    expect(requests.every((r) => r.headers.authorization === 'Bearer konpro-token')).to.equal(true);
    expect(requests[1].body).to.deep.equal({ session_id: 'kp-1', text: 'Hello.', task_type: 'repeat', task_mode: 'async' });
    expect(requests[2].body).to.deep.equal({ session_id: 'kp-1', text: 'Why?', task_type: 'chat', task_mode: 'async' });
    expect(requests[4].body).to.deep.equal({ session_id: 'kp-1' });
  });

  it('defaults to the KonPro production host', async () => {
    const { provider, requests } = adapter({ apiBaseUrl: undefined });
    await provider.keepAlive!();
    expect(requests[0].url).to.equal(`${KONPRO.defaultBaseUrl}/v1/streaming/keep_alive`);
  });

  it("rejects KonPro's {error} envelope in a 200 and HTTP errors as command-failed", async () => {
    const answer = stubFetch(() => ({ status: 200, body: { error: 'invalid session token', data: null } }));
    const { provider } = adapter({}, answer);
    const envelope = await rejection(provider.speak('Hi', 'repeat'));
    expect(envelope.code).to.equal('command-failed');
    expect(envelope.message).to.contain('invalid session token');
    expect(envelope.vendorBody).to.deep.equal({ error: 'invalid session token', data: null });

    answer.answer(() => ({ status: 500, body: { code: 500000, message: 'internal error' } }));
    const http = await rejection(provider.interrupt());
    expect(http.code).to.equal('command-failed');
    expect(http.vendorStatus).to.equal(500);
    expect(http.message).to.contain('internal error');
  });

  it('decodes the same data-channel events as HeyGen', () => {
    const { provider, recorder } = adapter();
    provider.receive(encodeJson({ type: 'avatar_start_talking', task_id: 'a' }));
    provider.receive(encodeJson({ type: 'avatar_talking_message', task_id: 'a', message: 'Hi' }));
    provider.receive(encodeJson({ type: 'avatar_end_message', task_id: 'a' }));
    provider.receive(encodeJson({ type: 'avatar_stop_talking', task_id: 'a' }));
    expect(recorder.types()).to.deep.equal(['speakStart', 'transcript', 'transcript', 'speakEnd']);
    expect(recorder.transcripts().at(-1)).to.deep.equal({ role: 'avatar', text: 'Hi', final: true });
  });

  describe('through <streaming-avatar> with the fake vendor emulation', () => {
    let fake: ReturnType<typeof setUpFakeVendor>;
    beforeEach(() => {
      fake = setUpFakeVendor(
        relayingVendor(
          { speak: '/v1/streaming/task', interrupt: '/v1/streaming/interrupt', stop: '/v1/streaming/stop' },
          { code: 100, message: 'success' },
          (request) => String((request.body as { session_id: string }).session_id),
        ),
      );
    });
    afterEach(() => fake.restore());

    it('start → ready → speak → speak start/end and transcript → stop', async () => {
      const { el } = await avatarWith({
        ...description({ sessionId: 'kp-e2e' }),
        transport: { kind: 'livekit', url: `ws://${location.host}/fake-vendor/konpro/livekit`, token: 'fake-livekit.kp-e2e' },
        apiBaseUrl: `${location.origin}/fake-vendor/konpro`,
      });
      const log = recordEvents(el, ['avatar-ready', 'avatar-speak-start', 'avatar-speak-end', 'avatar-transcript']);
      await el.start();
      expect(log.of('avatar-ready')[0].provider).to.equal('konpro');
      const spoken = nextEvent(el, 'avatar-speak-end');
      await el.speak('KonPro speaks.');
      await spoken;
      expect(log.types()).to.include('avatar-speak-start');
      expect(log.of('avatar-transcript').filter((t) => t.final).map((t) => t.text)).to.deep.equal(['KonPro speaks.']);
      await el.stop();
      expect(fake.requests.map((r) => r.path)).to.deep.equal([
        '/fake-vendor/konpro/v1/streaming/start',
        '/fake-vendor/konpro/v1/streaming/task',
        '/fake-vendor/konpro/v1/streaming/stop',
      ]);
    });
  });
});
