// Its own file (its own page): a user gesture gives the page sticky activation, after which autoplay
// with sound is allowed, so this test needs a page no earlier test has clicked in.
import { expect, fixture, html } from '@open-wc/testing';
import { sendMouse } from '@web/test-runner-commands';
import '../../../src/define.js';
import type { StreamingAvatarElement } from '../../../src/element/streaming-avatar-element.js';
import { waitFor } from '../../helpers/events.js';

describe('autoplay blocked: a gesture anywhere on the page', () => {
  let el: StreamingAvatarElement;
  afterEach(async () => {
    await el?.stop();
  });

  it('any later user gesture on the page lifts the block', async () => {
    el = await fixture<StreamingAvatarElement>(html`<streaming-avatar autostart></streaming-avatar>`);
    await waitFor(() => el.hasAttribute('audio-blocked'), 10000, 'audio-blocked');
    const elsewhere = document.createElement('button');
    elsewhere.textContent = 'somewhere else';
    document.body.append(elsewhere);
    const box = elsewhere.getBoundingClientRect();
    await sendMouse({ type: 'click', position: [Math.round(box.left + 5), Math.round(box.top + 5)] });
    await waitFor(() => !el.hasAttribute('audio-blocked'), 5000, 'audio unblocked');
    expect(el.shadowRoot!.querySelector('video')!.muted).to.equal(false);
    elsewhere.remove();
  });
});
