// Its own file (its own page): the control bar's chunk is loaded once per page, and these tests need it unloaded.
import { expect } from '@open-wc/testing';
import '../../src/define.js';
import { replaceControlsImport } from '../../src/element/controls-loader.js';
import type { StreamingAvatarElement } from '../../src/element/streaming-avatar-element.js';
import { recordEvents, waitFor } from '../helpers/events.js';

const bar = (el: StreamingAvatarElement) => el.shadowRoot!.querySelector('[part~="controls"] [part~="control-button"]');
const status = (el: StreamingAvatarElement) => el.shadowRoot!.querySelector('[part~="status"]')!.textContent!.trim();
/** What a chunk removed by a redeploy (or a dropped connection) looks like to `import()`. */
const missingChunk = () => Promise.reject(new TypeError('Failed to fetch dynamically imported module: controls.js'));

describe('the control bar chunk fails to load', () => {
  let el: StreamingAvatarElement | undefined;
  afterEach(async () => {
    await el?.stop();
    el?.remove();
  });

  it('fires one non-fatal controls-load-failed, shows it, keeps the session, and the bar appears once the chunk loads', async () => {
    let attempts = 0;
    const restore = replaceControlsImport(() => {
      attempts++;
      return missingChunk();
    });
    let log: ReturnType<typeof recordEvents> | undefined;
    try {
      el = document.createElement('streaming-avatar');
      log = recordEvents(el, ['avatar-error']);
      el.controls = true;
      document.body.append(el);
      await waitFor(() => log!.of('avatar-error').length > 0, 3000, 'avatar-error');
      const [detail] = log.of('avatar-error');
      expect(detail).to.include({ code: 'controls-load-failed', fatal: false });
      expect(detail.message).to.contain('control bar');
      await el.updateComplete;
      expect(el.state).to.equal('idle');
      expect(status(el)).to.contain('control bar');

      // The session is not affected; the element asks for the chunk again (silently: one event is enough).
      await el.start();
      await el.updateComplete;
      expect(el.state).to.equal('connected');
      expect(bar(el) === null, 'no control bar yet').to.equal(true);
      expect(attempts).to.be.greaterThan(1);
      expect(log.of('avatar-error')).to.have.length(1);
    } finally {
      restore();
    }
    // The chunk is back: the next update loads it and the bar shows in the live session.
    el.requestUpdate();
    await el.updateComplete;
    await waitFor(() => bar(el!) !== null, 3000, 'control bar');
    expect(log!.of('avatar-error')).to.have.length(1);
  });
});
