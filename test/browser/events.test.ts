import { expect, fixture, html } from '@open-wc/testing';
import '../../src/define.js';
import type { StreamingAvatarElement } from '../../src/element/streaming-avatar-element.js';
import { AVATAR_EVENTS } from '../../src/events/avatar-events.js';
import { nextEvent } from '../helpers/events.js';

/**
 * Frameworks listen on the element, but page code often listens higher up, and apps nest the element in
 * their own components' shadow roots: every event must bubble and be composed to reach them.
 */
describe('events leave the shadow roots they are fired in', () => {
  let el: StreamingAvatarElement | undefined;
  afterEach(async () => {
    await el?.stop();
    el = undefined;
  });

  it('reach document from an element nested in another shadow root, bubbling and composed', async () => {
    const host = await fixture<HTMLDivElement>(html`<div></div>`);
    const root = host.attachShadow({ mode: 'open' });
    root.innerHTML = '<streaming-avatar provider="local"></streaming-avatar>';
    el = root.querySelector('streaming-avatar') as StreamingAvatarElement;
    await el.updateComplete;

    const seen: { type: string; bubbles: boolean; composed: boolean; target: EventTarget | null }[] = [];
    const listener = (event: Event) => seen.push({ type: event.type, bubbles: event.bubbles, composed: event.composed, target: event.target });
    for (const name of AVATAR_EVENTS) document.addEventListener(name, listener);
    try {
      await el.start();
      const ended = nextEvent(el, 'avatar-speak-end');
      await el.speak('Events travel out.');
      await ended;
      await el.stop();
    } finally {
      for (const name of AVATAR_EVENTS) document.removeEventListener(name, listener);
    }

    const types = new Set(seen.map((event) => event.type));
    for (const name of ['avatar-state-change', 'avatar-ready', 'avatar-speak-start', 'avatar-speak-end', 'avatar-transcript', 'avatar-ended']) {
      expect(types.has(name), `${name} reached document`).to.equal(true);
    }
    for (const event of seen) {
      expect(event.bubbles, `${event.type} bubbles`).to.equal(true);
      expect(event.composed, `${event.type} is composed`).to.equal(true);
      // Retargeted to the outer host at document level: proof it crossed the shadow boundary.
      expect(event.target, `${event.type} target at document`).to.equal(host);
    }
  });
});
