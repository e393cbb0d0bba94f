import { expect, fixture, html } from '@open-wc/testing';
import '../../src/define.js';
import type { StreamingAvatarElement } from '../../src/element/streaming-avatar-element.js';
import { nextEvent, recordEvents } from '../helpers/events.js';

async function make(markup: ReturnType<typeof html>) {
  return fixture<StreamingAvatarElement>(markup);
}

const status = (el: StreamingAvatarElement) => el.shadowRoot!.querySelector('[part~="status"]')!.textContent!.trim();

describe('attributes', () => {
  it('reflects settings between properties and attributes', async () => {
    const el = await make(html`<streaming-avatar></streaming-avatar>`);
    el.provider = 'local';
    el.avatarId = 'anna';
    el.quality = 'high';
    el.videoEncoding = 'H264';
    el.voiceId = 'v1';
    el.voiceRate = '1.2';
    el.language = 'en-US';
    el.tokenUrl = '/api/avatar';
    el.muted = true;
    el.poster = 'data:image/gif;base64,R0lGODlhAQABAAAAACw=';
    await el.updateComplete;
    expect(el.getAttribute('avatar-id')).to.equal('anna');
    expect(el.getAttribute('quality')).to.equal('high');
    expect(el.getAttribute('video-encoding')).to.equal('H264');
    expect(el.getAttribute('voice-id')).to.equal('v1');
    expect(el.getAttribute('voice-rate')).to.equal('1.2');
    expect(el.getAttribute('language')).to.equal('en-US');
    expect(el.getAttribute('token-url')).to.equal('/api/avatar');
    expect(el.hasAttribute('muted')).to.equal(true);
    expect(el.getAttribute('poster')).to.equal('data:image/gif;base64,R0lGODlhAQABAAAAACw=');

    el.setAttribute('avatar-id', 'bob');
    el.setAttribute('stream-type', 'trtc');
    el.removeAttribute('muted');
    await el.updateComplete;
    expect(el.avatarId).to.equal('bob');
    expect(el.streamType).to.equal('trtc');
    expect(el.muted).to.equal(false);
    expect(el.state).to.equal('idle');
  });

  it('exposes read-only state attributes that start idle', async () => {
    const el = await make(html`<streaming-avatar></streaming-avatar>`);
    expect(el.getAttribute('state')).to.equal('idle');
    expect(el.hasAttribute('speaking')).to.equal(false);
    expect(el.hasAttribute('audio-blocked')).to.equal(false);
    // Read-only: the property has no setter.
    expect(() => ((el as unknown as { state: string }).state = 'connected')).to.throw();
    expect(el.state).to.equal('idle');
  });

  const badValues: [string, string, string][] = [
    ['quality', 'ultra', 'quality'],
    ['video-encoding', 'AV1', 'video-encoding'],
    ['voice-rate', 'fast', 'voice-rate'],
    ['voice-rate', '9', 'voice-rate'],
    ['language', 'english please', 'language'],
    ['token-url', 'javascript:alert(1)', 'token-url'],
    ['token-timeout', '-5', 'token-timeout'],
    ['connect-timeout', 'soon', 'connect-timeout'],
    ['stream-type', 'webrtc', 'stream-type'],
    ['autostart', 'later', 'autostart'],
    // A `key`, not a `code`: it would never match a KeyboardEvent.code.
    ['push-to-talk-key', 't', 'push-to-talk-key'],
  ];
  for (const [attribute, value, named] of badValues) {
    it(`${attribute}="${value}" gives a typed invalid-attribute error and a visible error state`, async () => {
      const el = await make(html`<streaming-avatar></streaming-avatar>`);
      const error = nextEvent(el, 'avatar-error');
      el.setAttribute(attribute, value);
      const { detail } = await error;
      expect(detail.code).to.equal('invalid-attribute');
      expect(detail.attribute).to.equal(named);
      expect(detail.message).to.contain(value);
      expect(detail.fatal).to.equal(true);
      await el.updateComplete;
      expect(el.state).to.equal('error');
      expect(el.getAttribute('state')).to.equal('error');
      expect(status(el)).to.contain(value);
      let rejected: unknown;
      await el.start().catch((e: unknown) => (rejected = e));
      expect((rejected as { code?: string }).code).to.equal('invalid-attribute');

      // Fixing the value returns the element to idle.
      el.removeAttribute(attribute);
      await el.updateComplete;
      expect(el.state).to.equal('idle');
      expect(status(el)).to.equal('');
    });
  }

  it('accepts values case-insensitively where vendors do (quality, video-encoding)', async () => {
    const el = await make(html`<streaming-avatar quality="HIGH" video-encoding="vp8"></streaming-avatar>`);
    await el.updateComplete;
    expect(el.state).to.equal('idle');
  });

  it('an unknown provider is an unknown-provider error naming the known ones', async () => {
    const el = await make(html`<streaming-avatar></streaming-avatar>`);
    const error = nextEvent(el, 'avatar-error');
    el.provider = 'nosuchvendor';
    const { detail } = await error;
    expect(detail.code).to.equal('unknown-provider');
    expect(detail.attribute).to.equal('provider');
    expect(detail.message).to.contain('local');
    expect(el.state).to.equal('error');
  });

  it('sessionParams must be an object and fetchSession a function', async () => {
    const el = await make(html`<streaming-avatar></streaming-avatar>`);
    const log = recordEvents(el, ['avatar-error']);
    (el as unknown as { sessionParams: unknown }).sessionParams = ['not', 'an', 'object'];
    await el.updateComplete;
    expect(log.of('avatar-error')[0]?.attribute).to.equal('sessionParams');
    (el as unknown as { sessionParams: unknown }).sessionParams = undefined;
    (el as unknown as { fetchSession: unknown }).fetchSession = 'https://example.invalid';
    await el.updateComplete;
    expect(log.of('avatar-error')[1]?.attribute).to.equal('fetchSession');
  });

  it('a vendor provider without token-url fails on start with missing-token-url', async () => {
    const { registerTestProvider } = await import('../helpers/test-provider.js');
    const unregister = registerTestProvider('needs-server');
    try {
      const el = await make(html`<streaming-avatar provider="needs-server"></streaming-avatar>`);
      const error = nextEvent(el, 'avatar-error');
      await el.start().catch(() => undefined);
      expect((await error).detail.code).to.equal('missing-token-url');
      expect(el.state).to.equal('error');
    } finally {
      unregister();
    }
  });
});

describe('shadow DOM and styling', () => {
  it('renders the video, poster, start button and status parts, with slots', async () => {
    const el = await make(html`<streaming-avatar poster="data:image/gif;base64,R0lGODlhAQABAAAAACw="></streaming-avatar>`);
    const root = el.shadowRoot!;
    const video = root.querySelector('video[part~="video"]') as HTMLVideoElement;
    expect(video).to.exist;
    expect(video.hasAttribute('playsinline')).to.equal(true);
    expect(root.querySelector('[part~="poster"] img[part~="poster-image"]')).to.exist;
    expect(root.querySelector('slot[name="poster"]')).to.exist;
    const button = root.querySelector('slot[name="start-button"] button[part~="start-button"]') as HTMLButtonElement;
    expect(button.textContent!.trim()).to.equal('Start');
    expect(button.getAttribute('aria-label')).to.equal('Start avatar');
    expect(root.querySelector('[part~="status"][role="status"]')).to.exist;
    expect(root.querySelector('[part~="badge"]')!.textContent).to.contain('Local preview');
  });

  it('is never 0×0, even as an empty embed', async () => {
    const el = await make(html`<div style="width: 900px"><streaming-avatar></streaming-avatar></div>`);
    const avatar = el.querySelector('streaming-avatar')!;
    const box = avatar.getBoundingClientRect();
    expect(box.width).to.equal(480);
    expect(Math.round(box.height)).to.equal(270);
    const tiny = await make(html`<div style="display: flex; width: 0"><streaming-avatar></streaming-avatar></div>`);
    const tinyBox = tiny.querySelector('streaming-avatar')!.getBoundingClientRect();
    expect(tinyBox.width).to.be.greaterThan(0);
    expect(tinyBox.height).to.be.greaterThan(0);
  });

  it('takes its size, radius, background and object-fit from CSS custom properties', async () => {
    const el = await make(html`<streaming-avatar
      style="--streaming-avatar-width: 300px; --streaming-avatar-aspect-ratio: 1; --streaming-avatar-radius: 3px; --streaming-avatar-background: rgb(1, 2, 3); --streaming-avatar-object-fit: contain"
    ></streaming-avatar>`);
    const style = getComputedStyle(el);
    expect(el.getBoundingClientRect().width).to.equal(300);
    expect(el.getBoundingClientRect().height).to.equal(300);
    expect(style.borderTopLeftRadius).to.equal('3px');
    expect(style.backgroundColor).to.equal('rgb(1, 2, 3)');
    const video = el.shadowRoot!.querySelector('video')!;
    expect(getComputedStyle(video).objectFit).to.equal('contain');
  });

  it('a slotted start button starts the session', async () => {
    const el = await make(html`<streaming-avatar><button slot="start-button" id="mine">Talk to me</button></streaming-avatar>`);
    const ready = nextEvent(el, 'avatar-ready');
    el.querySelector<HTMLButtonElement>('#mine')!.click();
    await ready;
    expect(el.state).to.equal('connected');
    await el.stop();
  });
});
