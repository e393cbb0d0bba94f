// Frameworks that set properties after inserting the element (@lit/react does, in a layout effect) must
// still get `autostart`, and only once.
import { expect } from '@open-wc/testing';
import '../../src/define.js';
import type { StreamingAvatarElement } from '../../src/element/streaming-avatar-element.js';
import { recordEvents, waitFor } from '../helpers/events.js';

describe('autostart set after insertion', () => {
  let el: StreamingAvatarElement | undefined;
  afterEach(async () => {
    await el?.stop();
    el?.remove();
    el = undefined;
  });

  it('autostart set as a property after connect starts one session', async () => {
    el = document.createElement('streaming-avatar');
    const events = recordEvents(el, ['avatar-state-change']);
    document.body.append(el);
    el.autostart = 'muted';
    await waitFor(() => el!.state === 'connected', 15000, 'connected');
    el.autostart = 'any'; // a later change does not start again
    await el.updateComplete;
    await new Promise((r) => setTimeout(r, 100));
    expect(events.of('avatar-state-change').filter((d) => d.state === 'connecting')).to.have.length(1);
    expect(el.muted).to.equal(true);
  });

  it('the autostart attribute added later by a script starts the element', async () => {
    el = document.createElement('streaming-avatar');
    document.body.append(el);
    await el.updateComplete;
    expect(el.state).to.equal('idle');
    el.setAttribute('autostart', 'muted');
    await waitFor(() => el!.state === 'connected', 15000, 'connected');
  });

  it('autostart on a detached element waits for insertion', async () => {
    el = document.createElement('streaming-avatar');
    el.autostart = 'muted';
    await new Promise((r) => setTimeout(r, 50));
    expect(el.state).to.equal('idle');
    document.body.append(el);
    await waitFor(() => el!.state === 'connected', 15000, 'connected');
  });
});
