import { expect, fixture, html } from '@open-wc/testing';
import { emulateMedia, sendKeys } from '@web/test-runner-commands';
import '../../src/define.js';
import { defineStreamingAvatar } from '../../src/element/define-element.js';
import { replaceBackgroundImport } from '../../src/element/background.js';
import type { StreamingAvatarElement } from '../../src/element/streaming-avatar-element.js';
import { nextEvent, recordEvents, waitFor } from '../helpers/events.js';
import { installFakeMicrophone } from '../helpers/fake-microphone.js';

const part = (el: StreamingAvatarElement, name: string) => el.shadowRoot!.querySelector<HTMLElement>(`[part~="${name}"]`);
const status = (el: StreamingAvatarElement) => part(el, 'status')!.textContent!.trim();

describe('element behaviour a page relies on', () => {
  let el: StreamingAvatarElement | undefined;
  afterEach(async () => {
    await el?.stop();
    el = undefined;
  });

  it('read-only state attributes copied into the markup (a CMS paste of a live page) are corrected on upgrade', async () => {
    el = await fixture<StreamingAvatarElement>(html`<streaming-avatar state="connected" speaking audio-blocked listening></streaming-avatar>`);
    expect(el.getAttribute('state')).to.equal('idle');
    expect(el.hasAttribute('speaking')).to.equal(false);
    expect(el.hasAttribute('audio-blocked')).to.equal(false);
    expect(el.hasAttribute('listening')).to.equal(false);
  });

  it('a bad value set while live fires a non-fatal typed error and shows it; the session goes on', async () => {
    el = await fixture<StreamingAvatarElement>(html`<streaming-avatar></streaming-avatar>`);
    await el.start();
    const log = recordEvents(el, ['avatar-error', 'avatar-state-change']);
    el.setAttribute('quality', 'ultra');
    await el.updateComplete;
    expect(log.of('avatar-error')).to.have.length(1);
    expect(log.of('avatar-error')[0]).to.include({ code: 'invalid-attribute', attribute: 'quality', fatal: false });
    expect(status(el)).to.contain('ultra');
    expect(el.state).to.equal('connected');
    // Later updates (captions, voice chat) do not repeat it.
    el.requestUpdate();
    await el.updateComplete;
    expect(log.of('avatar-error')).to.have.length(1);
    expect(log.types()).to.not.include('avatar-state-change');
  });

  for (const [attribute, value, code] of [
    ['provider', 'nosuchvendor', 'unknown-provider'],
    ['token-url', 'javascript:alert(1)', 'invalid-attribute'],
  ] as const) {
    for (const when of ['connecting', 'connected'] as const) {
      it(`${attribute} set to a bad value while ${when} ends that session with a fatal ${code}`, async () => {
        el = await fixture<StreamingAvatarElement>(html`<streaming-avatar></streaming-avatar>`);
        const starting = el.start().catch((error: { code?: string }) => error.code);
        if (when === 'connected') await starting;
        expect(el.state).to.equal(when);
        const log = recordEvents(el, ['avatar-error', 'avatar-ended']);
        el.setAttribute(attribute, value);
        await el.updateComplete;
        expect(log.of('avatar-ended').map((d) => d.reason)).to.deep.equal(['user']);
        expect(log.of('avatar-error')).to.have.length(1);
        expect(log.of('avatar-error')[0]).to.include({ code, attribute, fatal: true });
        expect(el.state).to.equal('error');
        expect(status(el)).to.contain(value);
        if (when === 'connecting') expect(await starting).to.equal('aborted');
      });
    }
  }

  it('a bad token-url set together with another bad value still ends the live session (identity is checked first)', async () => {
    el = await fixture<StreamingAvatarElement>(html`<streaming-avatar></streaming-avatar>`);
    await el.start();
    const log = recordEvents(el, ['avatar-error', 'avatar-ended']);
    el.setAttribute('quality', 'ultra');
    el.setAttribute('token-url', 'javascript:alert(1)');
    await el.updateComplete;
    expect(log.of('avatar-ended').map((d) => d.reason)).to.deep.equal(['user']);
    expect(log.of('avatar-error')).to.have.length(1);
    expect(log.of('avatar-error')[0]).to.include({ code: 'invalid-attribute', attribute: 'token-url', fatal: true });
    expect(el.state).to.equal('error');
  });

  it('another avatar-id while another setting is bad ends the old session; the new one cannot start and says why', async () => {
    el = await fixture<StreamingAvatarElement>(html`<streaming-avatar avatar-id="first"></streaming-avatar>`);
    await el.start();
    const log = recordEvents(el, ['avatar-error', 'avatar-ended']);
    el.setAttribute('quality', 'ultra');
    await el.updateComplete;
    expect(log.of('avatar-error')[0]).to.include({ attribute: 'quality', fatal: false });
    el.setAttribute('avatar-id', 'second');
    await el.updateComplete;
    expect(log.of('avatar-ended').map((d) => d.reason)).to.deep.equal(['user']);
    expect(log.of('avatar-error')).to.have.length(2);
    expect(log.of('avatar-error')[1]).to.include({ code: 'invalid-attribute', attribute: 'quality', fatal: true });
    expect(el.state).to.equal('error');
  });

  it('starting from the keyboard keeps focus inside the element while the start button hides', async () => {
    el = await fixture<StreamingAvatarElement>(html`<streaming-avatar></streaming-avatar>`);
    part(el, 'start-button')!.focus();
    const connected = nextEvent(el, 'avatar-ready');
    await sendKeys({ press: 'Enter' });
    await el.updateComplete;
    expect(el.state).to.equal('connecting');
    expect(el.matches(':focus-within'), 'focus stays inside while connecting').to.equal(true);
    await connected;
    await el.updateComplete;
    expect(el.matches(':focus-within'), 'and once connected').to.equal(true);
  });

  it('a slotted start button keeps focus inside the element too', async () => {
    el = await fixture<StreamingAvatarElement>(html`<streaming-avatar><button slot="start-button">Talk</button></streaming-avatar>`);
    el.querySelector('button')!.focus();
    await sendKeys({ press: 'Enter' });
    await el.updateComplete;
    expect(el.state).to.equal('connecting');
    expect(el.matches(':focus-within')).to.equal(true);
  });

  for (const how of ['ends', 'fails'] as const) {
    it(`focus the frame held while connecting returns to the start button when the session ${how}`, async () => {
      el = await fixture<StreamingAvatarElement>(html`<streaming-avatar></streaming-avatar>`);
      part(el, 'start-button')!.focus();
      const connected = nextEvent(el, 'avatar-ready');
      await sendKeys({ press: 'Enter' });
      await connected;
      await el.updateComplete;
      expect(el.shadowRoot!.activeElement?.classList.contains('frame'), 'the frame holds focus while live').to.equal(true);
      if (how === 'ends') await el.stop();
      else el.setAttribute('provider', 'nosuchvendor');
      await el.updateComplete;
      expect(el.state).to.equal(how === 'ends' ? 'ended' : 'error');
      expect(el.shadowRoot!.activeElement === part(el, 'start-button'), 'the start button has focus').to.equal(true);
    });
  }

  it('a slotted start button gets focus back too, and focus elsewhere on the page is left alone', async () => {
    el = await fixture<StreamingAvatarElement>(html`<streaming-avatar><button slot="start-button">Talk</button></streaming-avatar>`);
    const button = el.querySelector('button')!;
    button.focus();
    const connected = nextEvent(el, 'avatar-ready');
    await sendKeys({ press: 'Enter' });
    await connected;
    await el.stop();
    await el.updateComplete;
    expect(document.activeElement === button, 'the slotted button has focus').to.equal(true);
    const other = document.createElement('input');
    document.body.append(other);
    try {
      await el.start();
      other.focus();
      await el.stop();
      await el.updateComplete;
      expect(document.activeElement === other, 'the input keeps focus').to.equal(true);
    } finally {
      other.remove();
    }
  });

  it('a fatal error is announced assertively (role="alert"); ordinary state changes stay polite', async () => {
    el = await fixture<StreamingAvatarElement>(html`<streaming-avatar></streaming-avatar>`);
    const region = part(el, 'status')!;
    expect([region.getAttribute('role'), region.getAttribute('aria-live')]).to.deep.equal(['status', 'polite']);
    el.setAttribute('token-url', 'javascript:alert(1)');
    await el.updateComplete;
    expect(el.state).to.equal('error');
    expect(part(el, 'status') === region, 'the same region').to.equal(true);
    expect([region.getAttribute('role'), region.getAttribute('aria-live')]).to.deep.equal(['alert', 'assertive']);
    expect(status(el)).to.contain('token-url');
    el.removeAttribute('token-url');
    await el.updateComplete;
    expect(el.state).to.equal('idle');
    expect([region.getAttribute('role'), region.getAttribute('aria-live')]).to.deep.equal(['status', 'polite']);
  });

  it('the start button\'s accessible name reads naturally and begins with its visible text (label-in-name)', async () => {
    el = await fixture<StreamingAvatarElement>(html`<streaming-avatar></streaming-avatar>`);
    const names: [string, string][] = [];
    const read = async () => {
      await el!.updateComplete;
      const button = part(el!, 'start-button')!;
      names.push([button.textContent!.trim(), button.getAttribute('aria-label')!]);
    };
    await read();
    await el.start();
    await el.stop();
    await read();
    el.setAttribute('token-url', 'javascript:alert(1)');
    await read();
    expect(names).to.deep.equal([
      ['Start', 'Start avatar'],
      ['Start again', 'Start again: new avatar session'],
      ['Try again', 'Try again to start the avatar'],
    ]);
    for (const [visible, name] of names) expect(name.startsWith(visible), name).to.equal(true);
  });

  it('prefers-reduced-motion: the control bar, video and poster change without transitions', async () => {
    await emulateMedia({ reducedMotion: 'reduce' });
    try {
      el = await fixture<StreamingAvatarElement>(html`<streaming-avatar controls></streaming-avatar>`);
      await el.start();
      await el.updateComplete;
      for (const name of ['controls', 'video', 'poster']) {
        expect(getComputedStyle(part(el, name)!).transitionDuration, name).to.equal('0s');
      }
    } finally {
      await emulateMedia({ reducedMotion: 'no-preference' });
    }
  });

  it('push-to-talk-key: the window losing focus while the key is held closes the microphone (its keyup never comes)', async () => {
    const mic = installFakeMicrophone();
    let held = false;
    try {
      el = await fixture<StreamingAvatarElement>(html`<streaming-avatar voice-chat="push-to-talk" push-to-talk-key="KeyT"></streaming-avatar>`);
      await el.start();
      await waitFor(() => el!.voiceChatState.active, 3000, 'voice chat on');
      document.body.focus();
      await sendKeys({ down: 'KeyT' });
      held = true;
      await waitFor(() => !el!.voiceChatState.micMuted, 2000, 'talking');
      window.dispatchEvent(new FocusEvent('blur'));
      await waitFor(() => el!.voiceChatState.micMuted, 2000, 'microphone closed on blur');
      expect(el.hasAttribute('listening')).to.equal(false);
    } finally {
      if (held) await sendKeys({ up: 'KeyT' });
      mic.restore();
    }
  });

  it('the control bar has no fullscreen button where fullscreen is unavailable (an iframe without allow="fullscreen")', async () => {
    Object.defineProperty(document, 'fullscreenEnabled', { value: false, configurable: true });
    try {
      el = await fixture<StreamingAvatarElement>(html`<streaming-avatar controls></streaming-avatar>`);
      await el.start();
      await el.updateComplete;
      expect(part(el, 'mute-button') !== null, 'the bar is there').to.equal(true);
      expect(part(el, 'fullscreen-button') === null, 'no fullscreen button').to.equal(true);
    } finally {
      delete (document as { fullscreenEnabled?: boolean }).fullscreenEnabled;
    }
    expect(document.fullscreenEnabled).to.equal(true);
  });

  it('autostart and voiceChat set to true as properties (script, Angular, Vue bindings) mean the bare attribute', async () => {
    const mic = installFakeMicrophone();
    try {
      el = await fixture<StreamingAvatarElement>(html`<streaming-avatar></streaming-avatar>`);
      const log = recordEvents(el, ['avatar-error']);
      el.voiceChat = true;
      el.autostart = true;
      await el.updateComplete;
      expect(el.getAttribute('autostart')).to.equal('');
      expect(el.getAttribute('voice-chat')).to.equal('');
      await waitFor(() => el!.state === 'connected', 5000, 'autostarted');
      await waitFor(() => el!.voiceChatState.active, 3000, 'voice chat on');
      expect(el.voiceChatState.pushToTalk).to.equal(false);
      expect(log.of('avatar-error')).to.deep.equal([]);
      el.autostart = false;
      el.voiceChat = false;
      await el.updateComplete;
      expect(el.hasAttribute('autostart')).to.equal(false);
      expect(el.hasAttribute('voice-chat')).to.equal(false);
      expect(log.of('avatar-error')).to.deep.equal([]);
    } finally {
      mic.restore();
    }
  });

  it('inside another shadow root, the fullscreen button knows the element is full screen and exits', async () => {
    const host = await fixture<HTMLDivElement>(html`<div></div>`);
    const root = host.attachShadow({ mode: 'open' });
    el = document.createElement('streaming-avatar');
    el.controls = true;
    root.append(el);
    await el.start();
    await el.updateComplete;
    part(el, 'fullscreen-button')!.focus();
    await sendKeys({ press: 'Enter' });
    await waitFor(() => root.fullscreenElement === el, 3000, 'fullscreen');
    await waitFor(() => part(el!, 'fullscreen-button')!.getAttribute('aria-label') === 'Exit full screen', 3000, 'label');
    expect(part(el, 'fullscreen-button')!.getAttribute('aria-pressed')).to.equal('true');
    part(el, 'fullscreen-button')!.focus();
    await sendKeys({ press: 'Enter' });
    await waitFor(() => document.fullscreenElement === null, 3000, 'fullscreen exit');
  });
});

describe('declarative shadow DOM', () => {
  it('a pre-rendered shadow root (a poster-first shell) is replaced by the element, not duplicated', async () => {
    const host = await fixture<HTMLDivElement>(html`<div></div>`);
    host.setHTMLUnsafe(
      '<streaming-avatar><template shadowrootmode="open"><div part="poster">shell</div><button part="start-button">Start</button></template></streaming-avatar>',
    );
    const el = host.querySelector('streaming-avatar')!;
    await el.updateComplete;
    expect(el.shadowRoot!.querySelectorAll('[part~="poster"]')).to.have.length(1);
    expect(el.shadowRoot!.querySelectorAll('[part~="start-button"]')).to.have.length(1);
    expect(el.shadowRoot!.textContent).to.not.contain('shell');
    expect(el.shadowRoot!.querySelector('video')).to.not.equal(null);
  });
});

describe('background chunk that fails to load', () => {
  it('fires a non-fatal background-load-failed beside background-fallback, and the session goes on', async () => {
    const restore = replaceBackgroundImport(() => Promise.reject(new TypeError('Failed to fetch dynamically imported module: background-view.js')));
    const el = await fixture<StreamingAvatarElement>(html`<streaming-avatar></streaming-avatar>`);
    try {
      const log = recordEvents(el, ['avatar-error']);
      el.setAttribute('background', 'rgb(1, 2, 3)');
      await waitFor(() => el.hasAttribute('background-fallback'), 3000, 'background-fallback');
      await waitFor(() => log.of('avatar-error').length > 0, 3000, 'avatar-error');
      expect(log.of('avatar-error')).to.have.length(1);
      expect(log.of('avatar-error')[0]).to.include({ code: 'background-load-failed', fatal: false });
      // Every update retries the import (silently: one event per streak of failures).
      await el.start();
      await el.updateComplete;
      expect(el.state).to.equal('connected');
      expect(log.of('avatar-error')).to.have.length(1);
    } finally {
      restore();
      await el.stop();
    }
  });
});

describe('upgrade order', () => {
  it('properties set before the tag is defined (the lazy-property pattern) are kept and reflected', async () => {
    const el = document.createElement('lazy-props-avatar') as StreamingAvatarElement;
    const fetchSession = () => Promise.reject(new Error('not called'));
    Object.assign(el, { avatarId: 'anna', muted: true, controls: true, fetchSession });
    (await fixture<HTMLDivElement>(html`<div></div>`)).append(el);
    defineStreamingAvatar('lazy-props-avatar');
    await el.updateComplete;
    expect(el.getAttribute('avatar-id')).to.equal('anna');
    expect(el.hasAttribute('muted')).to.equal(true);
    expect(el.hasAttribute('controls')).to.equal(true);
    expect(el.fetchSession).to.equal(fetchSession);
    expect(Object.prototype.hasOwnProperty.call(el, 'avatarId'), 'the accessor, not an own property, holds it').to.equal(false);
    expect(el.getAttribute('state')).to.equal('idle');
  });
});
