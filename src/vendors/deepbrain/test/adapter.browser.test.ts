import { expect } from '@open-wc/testing';
import '../../../define.js';
import { createProvider, DEEPBRAIN_DEFAULT_BASE_URL } from '../adapter.js';
import { SpeechActivity } from '../../../providers/speech-activity.js';
import type { SessionDescription } from '../../../session/session-description.js';
import { nextEvent, recordEvents, waitFor } from '../../../../test/helpers/events.js';
import { avatarWith, relayingVendor, setUpFakeVendor } from '../../../../test/helpers/fake-vendor.js';
import { livekitSession, rejection, restAdapter } from '../../../../test/helpers/provider-harness.js';
import { stubFetch } from '../../../../test/helpers/vendor-fetch.js';

const ok = { code: 1000, data: null, message: 'Message has been sent' };
const description = (extra: Partial<SessionDescription> = {}): SessionDescription =>
  livekitSession({
    provider: 'deepbrain',
    sessionId: 'db/1',
    sessionToken: 'jwt-1',
    apiBaseUrl: 'https://vendor.test/deepbrain',
    options: { maxSessionDuration: 20 },
    ...extra,
  });

const adapter = (extra: Partial<SessionDescription> = {}, answer = stubFetch(() => ({ body: ok }))) =>
  restAdapter(createProvider, description(extra), answer);

/** A tone whose loudness the test sets, on a <video> like a transport attaches it. */
function toneOnVideo() {
  const context = new AudioContext();
  const oscillator = context.createOscillator();
  const gain = context.createGain();
  gain.gain.value = 0;
  const destination = context.createMediaStreamDestination();
  oscillator.connect(gain).connect(destination);
  oscillator.start();
  const video = document.createElement('video');
  video.muted = true;
  return {
    video,
    stream: destination.stream,
    attach: () => (video.srcObject = destination.stream),
    loud: (on: boolean) => gain.gain.setValueAtTime(on ? 0.3 : 0, context.currentTime),
    close: () => context.close(),
  };
}

/** Records the AudioContexts made until `restore()`, to check that they are released. */
function recordAudioContexts() {
  const Original = window.AudioContext;
  const contexts: AudioContext[] = [];
  window.AudioContext = class extends Original {
    constructor(options?: AudioContextOptions) {
      super(options);
      contexts.push(this);
    }
  };
  return { contexts, restore: () => (window.AudioContext = Original) };
}

describe('DeepBrain adapter: REST', () => {
  it('speaks with POST /api/v2/sessions/{id}/talk {message}, Bearer session token', async () => {
    const { provider, requests, recorder } = adapter();
    await provider.speak('Hello from DeepBrain.', 'repeat');
    expect(requests).to.have.length(1);
    expect(requests[0].url).to.equal('https://vendor.test/deepbrain/api/v2/sessions/db%2F1/talk');
    expect(requests[0].method).to.equal('POST');
    expect(requests[0].headers.authorization).to.equal('Bearer jwt-1');
    expect(requests[0].headers['content-type']).to.equal('application/json');
    expect(requests[0].body).to.deep.equal({ message: 'Hello from DeepBrain.' });
    // No transcript events from DeepBrain: the accepted text is reported.
    expect(recorder.transcripts()).to.deep.equal([{ role: 'avatar', text: 'Hello from DeepBrain.', final: true }]);
  });

  it('reports chat-mode text as the avatar\'s line too (the talk call has no LLM: the avatar says it)', async () => {
    const { provider, recorder } = adapter();
    await provider.speak('What is new?', 'chat');
    expect(recorder.transcripts()).to.deep.equal([{ role: 'avatar', text: 'What is new?', final: true }]);
  });

  it('defaults to the production host', async () => {
    const { provider, requests } = adapter({ apiBaseUrl: undefined });
    await provider.speak('Hi', 'repeat');
    expect(requests[0].url).to.equal(`${DEEPBRAIN_DEFAULT_BASE_URL}/api/v2/sessions/db%2F1/talk`);
  });

  it('has no interrupt: resolves unsupported without a request', async () => {
    const { provider, requests } = adapter();
    expect(await provider.interrupt()).to.equal('unsupported');
    expect(requests).to.have.length(0);
  });

  it('treats a non-1000 code in a 200 as a rejected command, naming the documented meaning', async () => {
    const body = { code: 4290, data: null, message: 'Too many requests' };
    const { provider, recorder } = adapter({}, stubFetch(() => ({ status: 200, body })));
    const error = await rejection(provider.speak('Hi', 'repeat'));
    expect(error.code).to.equal('command-failed');
    expect(error.fatal).to.equal(false);
    expect(error.message).to.contain('4290 Too many requests').and.contain('rate limited');
    expect(error.vendorStatus).to.equal(200);
    expect(error.vendorBody).to.deep.equal(body);
    expect(recorder.transcripts()).to.deep.equal([]);
  });

  it('maps HTTP 4xx/5xx with DeepBrain codes to command-failed with the vendor body', async () => {
    const answer = stubFetch(() => ({ status: 401, body: { code: 4010, message: 'Invalid token' } }));
    const { provider } = adapter({}, answer);
    const unauthorized = await rejection(provider.speak('Hi', 'repeat'));
    expect(unauthorized.code).to.equal('command-failed');
    expect(unauthorized.vendorStatus).to.equal(401);
    expect(unauthorized.message).to.contain('session token rejected');

    answer.answer(() => ({ status: 500, body: { code: 5000, message: 'Internal error' } }));
    const server = await rejection(provider.speak('Hi', 'repeat'));
    expect(server.code).to.equal('command-failed');
    expect(server.vendorStatus).to.equal(500);
    expect(server.vendorBody).to.deep.equal({ code: 5000, message: 'Internal error' });
  });

  it('ends the session when DeepBrain no longer knows it (4040)', async () => {
    const { provider, recorder } = adapter({}, stubFetch(() => ({ status: 404, body: { code: 4040, message: 'Session not found' } })));
    const error = await rejection(provider.speak('Hi', 'repeat'));
    expect(error.code).to.equal('not-started');
    expect(recorder.ended().map((e) => [e.reason, e.error?.code])).to.deep.equal([['vendor', 'not-started']]);
  });
});

describe('SpeechActivity: speaking from the audio level', () => {
  it('detects speech start and end on real audio, rides over short gaps, and closes its AudioContext', async () => {
    const tone = toneOnVideo();
    const { contexts, restore } = recordAudioContexts();
    const log: string[] = [];
    const activity = new SpeechActivity(tone.video, { onStart: () => log.push('start'), onEnd: () => log.push('end') });
    try {
      // The track arrives after the detector (as with a transport that subscribes late).
      tone.attach();
      await new Promise((r) => setTimeout(r, 400));
      expect(log, 'silence is not speech').to.deep.equal([]);

      tone.loud(true);
      await waitFor(() => log.length === 1, 2000, 'speech start');
      expect(activity.speaking).to.equal(true);
      expect(activity.level()).to.be.greaterThan(0.05);

      // A pause between words is not the end of speech.
      tone.loud(false);
      await new Promise((r) => setTimeout(r, 250));
      tone.loud(true);
      await new Promise((r) => setTimeout(r, 300));
      expect(log).to.deep.equal(['start']);

      tone.loud(false);
      await waitFor(() => log.length === 2, 3000, 'speech end');
      expect(log).to.deep.equal(['start', 'end']);
      expect(activity.speaking).to.equal(false);
    } finally {
      activity.dispose();
      restore();
      await tone.close();
    }
    expect(contexts).to.have.length(1);
    await waitFor(() => contexts[0].state === 'closed', 2000, 'AudioContext closed');
  });

  it('starts over with a fresh AudioContext after the first user gesture (one made before it stays suspended)', async () => {
    expect(navigator.userActivation.hasBeenActive, 'no gesture yet on this page').to.equal(false);
    const tone = toneOnVideo();
    tone.attach();
    const { contexts, restore } = recordAudioContexts();
    const activity = new SpeechActivity(tone.video, { onStart: () => undefined, onEnd: () => undefined });
    try {
      expect(contexts).to.have.length(1);
      document.dispatchEvent(new Event('pointerdown'));
      await waitFor(() => contexts.length === 2, 2000, 'a second AudioContext');
      await waitFor(() => contexts[0].state === 'closed', 2000, 'the first AudioContext closed');
      document.dispatchEvent(new Event('keydown'));
      await new Promise((r) => setTimeout(r, 100));
      expect(contexts, 'only the first gesture restarts').to.have.length(2);
    } finally {
      activity.dispose();
      restore();
      await tone.close();
    }
    await waitFor(() => contexts[1].state === 'closed', 2000, 'the second AudioContext closed');
  });

  it('reports nothing after dispose', async () => {
    const tone = toneOnVideo();
    tone.attach();
    const log: string[] = [];
    const activity = new SpeechActivity(tone.video, { onStart: () => log.push('start'), onEnd: () => log.push('end') });
    activity.dispose();
    tone.loud(true);
    await new Promise((r) => setTimeout(r, 400));
    expect(log).to.deep.equal([]);
    await tone.close();
  });
});

describe('DeepBrain through <streaming-avatar> with the fake vendor emulation', () => {
  let fake: ReturnType<typeof setUpFakeVendor>;
  beforeEach(() => {
    fake = setUpFakeVendor(
      relayingVendor({ speak: '/talk' }, ok, (request) => decodeURIComponent(request.path.split('/').at(-2)!)),
    );
  });
  afterEach(() => fake.restore());

  it('start → ready → speak → speaking detected from the avatar audio, transcript → stop', async () => {
    const { el, stops } = await avatarWith({
      ...description({ sessionId: 'db-e2e' }),
      transport: { kind: 'livekit', url: `ws://${location.host}/fake-vendor/deepbrain/livekit`, token: 'fake-livekit.db-e2e' },
      apiBaseUrl: `${location.origin}/fake-vendor/deepbrain`,
    });
    const log = recordEvents(el, ['avatar-ready', 'avatar-speak-start', 'avatar-speak-end', 'avatar-transcript']);
    await el.start();
    expect(log.of('avatar-ready')[0]).to.deep.equal({ provider: 'deepbrain', sessionId: 'db-e2e', transport: 'livekit' });
    expect(el.speaking).to.equal(false);

    const started = nextEvent(el, 'avatar-speak-start', 5000);
    await el.speak('DeepBrain has no speaking events, so the element listens.');
    expect(fake.requests.map((r) => r.path)).to.deep.equal(['/fake-vendor/deepbrain/api/v2/sessions/db-e2e/talk']);
    await started;
    expect(el.hasAttribute('speaking')).to.equal(true);
    await nextEvent(el, 'avatar-speak-end', 10000);
    expect(el.hasAttribute('speaking')).to.equal(false);
    // One utterance, one start and one end: word gaps do not flicker.
    expect(log.types().filter((t) => t.startsWith('avatar-speak'))).to.deep.equal(['avatar-speak-start', 'avatar-speak-end']);
    expect(log.of('avatar-transcript')).to.deep.equal([
      { role: 'avatar', text: 'DeepBrain has no speaking events, so the element listens.', final: true },
    ]);
    expect(await el.interrupt()).to.equal('unsupported');

    await el.stop();
    expect(el.state).to.equal('ended');
    expect(stops).to.deep.equal([{ provider: 'deepbrain', sessionId: 'db-e2e' }]);
  });
});
