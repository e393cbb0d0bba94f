import { expect, fixture, html } from '@open-wc/testing';
import '../../src/define.js';
import type { StreamingAvatarElement } from '../../src/element/streaming-avatar-element.js';
import { nextEvent, recordEvents, waitFor } from '../helpers/events.js';

describe('provider="local" end to end', () => {
  let el: StreamingAvatarElement;

  afterEach(async () => {
    await el?.stop();
  });

  it('starts, shows real decoded frames in the shadow <video>, speaks and stops', async () => {
    el = await fixture<StreamingAvatarElement>(html`<streaming-avatar provider="local"></streaming-avatar>`);
    expect(el.state).to.equal('idle');
    expect(el.getAttribute('state')).to.equal('idle');
    const log = recordEvents(el, ['avatar-state-change', 'avatar-ready', 'avatar-speak-start', 'avatar-speak-end', 'avatar-transcript', 'avatar-ended']);

    await el.start();
    expect(el.state).to.equal('connected');
    const video = el.shadowRoot!.querySelector('video')!;
    expect(video.getAttribute('part')).to.equal('video');
    expect(video.playsInline).to.equal(true);
    expect(video.videoWidth).to.be.greaterThan(0);
    expect(video.srcObject).to.be.instanceOf(MediaStream);
    const tracks = (video.srcObject as MediaStream).getTracks().map((t) => t.kind).sort();
    expect(tracks).to.deep.equal(['audio', 'video']);
    expect(log.types().slice(0, 3)).to.deep.equal(['avatar-state-change', 'avatar-state-change', 'avatar-ready']);
    expect(log.of('avatar-ready')[0].transport).to.equal('local');

    const ended = nextEvent(el, 'avatar-speak-end');
    await el.speak('Hello there, world.');
    await ended;
    expect(log.types()).to.include('avatar-speak-start');
    const finalAvatar = log.of('avatar-transcript').filter((t) => t.role === 'avatar' && t.final);
    expect(finalAvatar.map((t) => t.text)).to.deep.equal(['Hello there, world.']);
    expect(el.hasAttribute('speaking')).to.equal(false);

    await el.stop();
    expect(el.state).to.equal('ended');
    expect(log.of('avatar-ended')[0].reason).to.equal('user');
    expect(video.srcObject).to.equal(null);
  });

  it('sets the speaking attribute while talking and answers chat mode by quoting the user', async () => {
    el = await fixture<StreamingAvatarElement>(html`<streaming-avatar></streaming-avatar>`);
    await el.start();
    const log = recordEvents(el, ['avatar-transcript']);
    const started = nextEvent(el, 'avatar-speak-start');
    await el.speak('What is the weather?', { mode: 'chat' });
    await started;
    expect(el.hasAttribute('speaking')).to.equal(true);
    expect(el.speaking).to.equal(true);
    await nextEvent(el, 'avatar-speak-end');
    const user = log.of('avatar-transcript').find((t) => t.role === 'user');
    expect(user).to.deep.equal({ role: 'user', text: 'What is the weather?', final: true });
    const reply = log.of('avatar-transcript').find((t) => t.role === 'avatar' && t.final);
    expect(reply?.text).to.contain('"What is the weather?"');
  });

  it('interrupt() cuts the current utterance short', async () => {
    el = await fixture<StreamingAvatarElement>(html`<streaming-avatar></streaming-avatar>`);
    await el.start();
    const started = nextEvent(el, 'avatar-speak-start');
    await el.speak('This is a rather long sentence that would take several seconds to say out loud in full.');
    await started;
    const ended = nextEvent(el, 'avatar-speak-end', 2000);
    expect(await el.interrupt()).to.equal('ok');
    await ended;
    expect(el.speaking).to.equal(false);
  });

  it('carries audio that is not silence while speaking', async () => {
    el = await fixture<StreamingAvatarElement>(html`<streaming-avatar></streaming-avatar>`);
    await el.start();
    const video = el.shadowRoot!.querySelector('video')!;
    const stream = video.srcObject as MediaStream;
    const ctx = new AudioContext();
    const analyser = ctx.createAnalyser();
    ctx.createMediaStreamSource(new MediaStream(stream.getAudioTracks())).connect(analyser);
    await el.speak('Testing the audio level of the local voice, one two three four five.');
    const samples = new Float32Array(analyser.fftSize);
    let peak = 0;
    await waitFor(
      () => {
        analyser.getFloatTimeDomainData(samples);
        peak = Math.max(peak, ...samples.map(Math.abs));
        return peak > 0.01;
      },
      5000,
      'audible avatar audio',
    );
    expect(peak).to.be.greaterThan(0.01);
    await ctx.close();
  });
});
