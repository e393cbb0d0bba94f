// This file runs in a Chromium with the default autoplay policy: audio without a user gesture is refused.
import { expect, fixture, html } from '@open-wc/testing';
import { sendMouse } from '@web/test-runner-commands';
import '../../../src/define.js';
import type { StreamingAvatarElement } from '../../../src/element/streaming-avatar-element.js';
import { nextEvent, recordEvents, waitFor } from '../../helpers/events.js';

function centre(element: Element): [number, number] {
  const box = element.getBoundingClientRect();
  return [Math.round(box.left + box.width / 2), Math.round(box.top + box.height / 2)];
}

describe('autoplay blocked (default browser policy)', () => {
  let el: StreamingAvatarElement;
  afterEach(async () => {
    await el?.stop();
    el?.remove();
  });

  it('autostart falls back to muted video, reports audio-blocked, and a click restores sound', async () => {
    el = await fixture<StreamingAvatarElement>(html`<streaming-avatar autostart></streaming-avatar>`);
    const log = recordEvents(el, ['avatar-autoplay-blocked', 'avatar-ready']);
    await waitFor(() => el.state === 'connected', 10000, 'connected');
    await waitFor(() => el.hasAttribute('audio-blocked'), 5000, 'audio-blocked');
    const video = el.shadowRoot!.querySelector('video')!;
    expect(video.paused).to.equal(false);
    expect(video.muted).to.equal(true);
    expect(el.muted).to.equal(false);
    expect(el.audioBlocked).to.equal(true);
    expect(log.types()).to.include('avatar-autoplay-blocked');
    expect(video.videoWidth).to.be.greaterThan(0);

    const unmute = el.shadowRoot!.querySelector<HTMLButtonElement>('[part~="unmute-button"]')!;
    expect(unmute.hidden).to.equal(false);
    await expect(el).to.be.accessible();
    // A real (trusted) click: user activation is what lifts the block.
    await sendMouse({ type: 'click', position: centre(unmute) });
    await waitFor(() => !el.hasAttribute('audio-blocked'), 5000, 'audio unblocked');
    expect(video.muted).to.equal(false);
    expect(video.paused).to.equal(false);
    expect(unmute.hidden).to.equal(true);
  });

  it('autostart="muted" starts muted without an autoplay block', async () => {
    el = await fixture<StreamingAvatarElement>(html`<streaming-avatar autostart="muted"></streaming-avatar>`);
    const log = recordEvents(el, ['avatar-autoplay-blocked']);
    await nextEvent(el, 'avatar-ready');
    const video = el.shadowRoot!.querySelector('video')!;
    expect(el.muted).to.equal(true);
    expect(el.hasAttribute('muted')).to.equal(true);
    expect(video.muted).to.equal(true);
    expect(el.hasAttribute('audio-blocked')).to.equal(false);
    expect(log.events.length).to.equal(0);
  });
});
