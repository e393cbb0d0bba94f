import { expect, fixture, html } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../src/define.js';
import type { StreamingAvatarElement } from '../../src/element/streaming-avatar-element.js';
import { createAvatarEvent } from '../../src/events/avatar-events.js';
import { nextEvent, waitFor } from '../helpers/events.js';
import { installFakeMicrophone } from '../helpers/fake-microphone.js';
import { registerTestProvider } from '../helpers/test-provider.js';
import { stubTokenEndpoint } from '../helpers/token-endpoint.js';

const part = (el: StreamingAvatarElement, name: string) => el.shadowRoot!.querySelector<HTMLElement>(`[part~="${name}"]`);

/** Tabs until the shadow root's focused element has `partName`, or gives up. */
async function tabTo(el: StreamingAvatarElement, partName: string, max = 12): Promise<HTMLElement> {
  for (let i = 0; i < max; i++) {
    const active = el.shadowRoot!.activeElement as HTMLElement | null;
    if (active?.getAttribute('part')?.split(' ').includes(partName)) return active;
    await sendKeys({ press: 'Tab' });
  }
  throw new Error(`Could not tab to ${partName}`);
}

describe('control bar', () => {
  let el: StreamingAvatarElement;
  afterEach(async () => {
    await el?.stop();
  });

  it('is not there while idle, and appears (with named buttons) once connected', async () => {
    el = await fixture<StreamingAvatarElement>(html`<streaming-avatar controls></streaming-avatar>`);
    expect(part(el, 'controls')).to.equal(null);
    await el.start();
    await el.updateComplete;
    const bar = part(el, 'controls')!;
    expect(bar.getAttribute('role')).to.equal('toolbar');
    const names = [...bar.querySelectorAll('button')].map((b) => b.getAttribute('aria-label'));
    expect(names).to.deep.equal(['Start voice chat', 'Mute', 'Captions', 'Full screen', 'End session']);
    for (const button of bar.querySelectorAll('button')) expect(button.type).to.equal('button');
  });

  it('styles its buttons (the styles come with the bar\'s chunk), once per shadow root however often it renders', async () => {
    el = await fixture<StreamingAvatarElement>(html`<streaming-avatar controls></streaming-avatar>`);
    const sheets = el.shadowRoot!.adoptedStyleSheets.length;
    await el.start();
    await el.updateComplete;
    const button = part(el, 'mute-button')!;
    const style = getComputedStyle(button);
    expect([style.borderRadius, style.cursor, style.paddingTop]).to.deep.equal(['50%', 'pointer', '0px']);
    expect(el.shadowRoot!.adoptedStyleSheets.length).to.equal(sheets + 1);
    el.captions = true;
    await el.updateComplete;
    expect(el.shadowRoot!.adoptedStyleSheets.length).to.equal(sheets + 1);
  });

  it('is operable by keyboard: mute, captions, voice chat and stop', async () => {
    const mic = installFakeMicrophone();
    try {
      el = await fixture<StreamingAvatarElement>(html`<streaming-avatar controls></streaming-avatar>`);
      await el.start();
      await el.updateComplete;
      el.shadowRoot!.querySelector<HTMLElement>('[part~="control-button"]')!.focus();

      const mute = await tabTo(el, 'mute-button');
      await sendKeys({ press: 'Enter' });
      await el.updateComplete;
      expect(el.muted).to.equal(true);
      expect(mute.getAttribute('aria-pressed')).to.equal('true');
      expect(mute.getAttribute('aria-label')).to.equal('Unmute');
      await sendKeys({ press: 'Space' });
      await el.updateComplete;
      expect(el.muted).to.equal(false);

      await tabTo(el, 'captions-button');
      await sendKeys({ press: 'Enter' });
      await el.updateComplete;
      expect(el.captions).to.equal(true);
      expect(el.hasAttribute('captions')).to.equal(true);

      el.shadowRoot!.querySelector<HTMLElement>('[part~="mic-button"]')!.focus();
      const changed = nextEvent(el, 'avatar-voice-chat-change');
      await sendKeys({ press: 'Enter' });
      expect((await changed).detail.active).to.equal(true);

      const ended = nextEvent(el, 'avatar-ended');
      await tabTo(el, 'stop-button');
      await sendKeys({ press: 'Enter' });
      expect((await ended).detail.reason).to.equal('user');
      await el.updateComplete;
      expect(part(el, 'controls')).to.equal(null);
    } finally {
      mic.restore();
    }
  });

  it('push-to-talk: holding Space on the mic button opens the microphone, releasing closes it', async () => {
    const mic = installFakeMicrophone();
    try {
      el = await fixture<StreamingAvatarElement>(html`<streaming-avatar controls voice-chat="push-to-talk"></streaming-avatar>`);
      await el.start();
      await waitFor(() => el.voiceChatState.active, 3000, 'voice chat on');
      await el.updateComplete;
      const button = part(el, 'mic-button')!;
      expect(button.getAttribute('aria-label')).to.equal('Hold to talk');
      expect(button.getAttribute('aria-pressed')).to.equal('false');
      button.focus();
      await sendKeys({ down: 'Space' });
      await waitFor(() => !el.voiceChatState.micMuted, 2000, 'mic open while held');
      expect(el.hasAttribute('listening')).to.equal(true);
      await el.updateComplete;
      expect(part(el, 'mic-button')!.getAttribute('aria-pressed')).to.equal('true');
      await sendKeys({ up: 'Space' });
      await waitFor(() => el.voiceChatState.micMuted, 2000, 'mic closed on release');
      expect(el.hasAttribute('listening')).to.equal(false);
    } finally {
      mic.restore();
    }
  });

  it('push-to-talk-key talks while the key is held anywhere outside text fields', async () => {
    const mic = installFakeMicrophone();
    try {
      el = await fixture<StreamingAvatarElement>(html`<div>
        <input id="field" />
        <streaming-avatar voice-chat="push-to-talk" push-to-talk-key="KeyT"></streaming-avatar>
      </div>`).then((host) => host.querySelector('streaming-avatar')!);
      await el.start();
      await waitFor(() => el.voiceChatState.active, 3000, 'voice chat on');
      document.body.focus();
      await sendKeys({ down: 'KeyT' });
      await waitFor(() => !el.voiceChatState.micMuted, 2000, 'talking');
      await sendKeys({ up: 'KeyT' });
      await waitFor(() => el.voiceChatState.micMuted, 2000, 'released');
      document.querySelector<HTMLInputElement>('#field')!.focus();
      await sendKeys({ down: 'KeyT' });
      await new Promise((r) => setTimeout(r, 200));
      expect(el.voiceChatState.micMuted).to.equal(true);
      await sendKeys({ up: 'KeyT' });
    } finally {
      mic.restore();
    }
  });

  it('the fullscreen button puts the element in full screen and back', async () => {
    el = await fixture<StreamingAvatarElement>(html`<streaming-avatar controls></streaming-avatar>`);
    await el.start();
    await el.updateComplete;
    part(el, 'fullscreen-button')!.focus();
    await sendKeys({ press: 'Enter' });
    await waitFor(() => document.fullscreenElement === el, 3000, 'fullscreen');
    await waitFor(() => part(el, 'fullscreen-button')!.getAttribute('aria-label') === 'Exit full screen', 3000, 'label');
    expect(part(el, 'fullscreen-button')!.getAttribute('aria-pressed')).to.equal('true');
    part(el, 'fullscreen-button')!.focus();
    await sendKeys({ press: 'Enter' });
    await waitFor(() => document.fullscreenElement === null, 3000, 'fullscreen exit');
  });

  it('a slotted control bar replaces the default one', async () => {
    el = await fixture<StreamingAvatarElement>(html`<streaming-avatar controls><div slot="controls" id="mine">custom</div></streaming-avatar>`);
    await el.start();
    await el.updateComplete;
    const slot = el.shadowRoot!.querySelector<HTMLSlotElement>('slot[name="controls"]')!;
    expect(slot.assignedElements()[0].id).to.equal('mine');
  });
});

describe('captions', () => {
  const say = (el: HTMLElement, text: string, final: boolean) =>
    el.dispatchEvent(createAvatarEvent('avatar-transcript', { role: 'avatar', text, final }));

  it('show the avatar words over the video and announce complete sentences', async () => {
    const el = await fixture<StreamingAvatarElement>(html`<streaming-avatar captions></streaming-avatar>`);
    say(el, 'Hello', false);
    await el.updateComplete;
    expect(part(el, 'captions')!.textContent!.trim()).to.equal('Hello');
    const live = el.shadowRoot!.querySelector('.visually-hidden[aria-live="polite"]')!;
    expect(live.textContent!.trim()).to.equal('');
    say(el, 'Hello there.', true);
    await el.updateComplete;
    expect(part(el, 'captions')!.textContent!.trim()).to.equal('Hello there.');
    expect(live.textContent!.trim()).to.equal('Hello there.');
    // The user's words are not captions.
    el.dispatchEvent(createAvatarEvent('avatar-transcript', { role: 'user', text: 'me', final: true }));
    await el.updateComplete;
    expect(part(el, 'captions')!.textContent!.trim()).to.equal('Hello there.');
  });

  it('render untrusted text as text: markup stays inert', async () => {
    const el = await fixture<StreamingAvatarElement>(html`<streaming-avatar captions></streaming-avatar>`);
    const hostile = '<img src=x onerror="window.__pwned = true"><b>bold</b>';
    say(el, hostile, true);
    await el.updateComplete;
    await new Promise((r) => setTimeout(r, 50));
    const captions = part(el, 'captions')!;
    expect(captions.textContent!.trim()).to.equal(hostile);
    expect(captions.querySelector('img, b')).to.equal(null);
    expect(el.shadowRoot!.querySelector('img:not([part~="poster-image"])')).to.equal(null);
    expect((window as { __pwned?: boolean }).__pwned).to.equal(undefined);
  });

  it('are not shown without the captions attribute, and clear after the avatar stops', async () => {
    const el = await fixture<StreamingAvatarElement>(html`<streaming-avatar></streaming-avatar>`);
    say(el, 'Hidden words.', true);
    await el.updateComplete;
    expect(part(el, 'captions')).to.equal(null);
    el.captions = true;
    await el.updateComplete;
    expect(part(el, 'captions')!.textContent!.trim()).to.equal('Hidden words.');
    el.dispatchEvent(createAvatarEvent('avatar-ended', { reason: 'user' }));
    await el.updateComplete;
    expect(part(el, 'captions')).to.equal(null);
  });

  it('follow a real local session', async () => {
    const el = await fixture<StreamingAvatarElement>(html`<streaming-avatar captions></streaming-avatar>`);
    await el.start();
    const ended = nextEvent(el, 'avatar-speak-end');
    await el.speak('Captions from the local avatar.');
    await ended;
    await el.updateComplete;
    expect(part(el, 'captions')!.textContent!.trim()).to.equal('Captions from the local avatar.');
    await el.stop();
  });
});

describe('accessibility (axe) in every state', () => {
  let unregister: () => void;
  let endpoint: ReturnType<typeof stubTokenEndpoint>;
  beforeEach(() => {
    unregister = registerTestProvider('a11y-server');
    endpoint = stubTokenEndpoint('/api/avatar');
  });
  afterEach(() => {
    unregister();
    endpoint.restore();
  });

  it('idle, connecting, connected with controls and captions, ended, error', async () => {
    const el = await fixture<StreamingAvatarElement>(
      html`<streaming-avatar provider="a11y-server" token-url="/api/avatar" controls captions poster="data:image/gif;base64,R0lGODlhAQABAAAAACw="></streaming-avatar>`,
    );
    await expect(el).to.be.accessible();

    endpoint.reply({ hang: true });
    const starting = el.start().catch(() => undefined);
    await el.updateComplete;
    expect(el.state).to.equal('connecting');
    await expect(el).to.be.accessible();
    await el.stop();
    await starting;
    await el.updateComplete;
    expect(el.state).to.equal('ended');
    await expect(el).to.be.accessible();

    endpoint.reply({ json: { provider: 'a11y-server', sessionId: 'a', transport: { kind: 'local' } } });
    await el.start();
    say(el, 'Accessible captions.', true);
    await el.updateComplete;
    expect(part(el, 'controls')).to.not.equal(null);
    await expect(el).to.be.accessible();
    await el.stop();

    endpoint.reply({ status: 500, json: {} });
    await el.start().catch(() => undefined);
    await el.updateComplete;
    expect(el.state).to.equal('error');
    await expect(el).to.be.accessible();
  });

  function say(el: HTMLElement, text: string, final: boolean) {
    el.dispatchEvent(createAvatarEvent('avatar-transcript', { role: 'avatar', text, final }));
  }
});
