import { expect, fixture, html } from '@open-wc/testing';
import '../../src/define.js';
import { Notice } from '../../src/element/notice.js';
import type { StreamingAvatarElement } from '../../src/element/streaming-avatar-element.js';
import { nextEvent } from '../helpers/events.js';

const status = (el: StreamingAvatarElement) => el.shadowRoot!.querySelector('[part~="status"]')!.textContent!.trim();

describe('notices for errors that leave the session running', () => {
  it('Notice shows a text, replaces it, and clears itself after its duration', async () => {
    let changes = 0;
    const notice = new Notice(() => changes++, 60);
    notice.show('first');
    notice.show('second');
    expect(notice.text).to.equal('second');
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(notice.text).to.equal('');
    expect(changes).to.equal(3);
    notice.clear();
    expect(changes, 'clearing nothing is no change').to.equal(3);
  });

  it('a refused microphone shows its message in the status part while connected; a state change clears it', async () => {
    const el = await fixture<StreamingAvatarElement>(html`<streaming-avatar provider="local"></streaming-avatar>`);
    await el.start();
    expect(status(el)).to.equal('');
    const real = navigator.mediaDevices.getUserMedia;
    navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));
    try {
      const error = nextEvent(el, 'avatar-error');
      await el.startVoiceChat().catch(() => undefined);
      const { detail } = await error;
      expect([detail.code, detail.fatal]).to.deep.equal(['mic-denied', false]);
      await el.updateComplete;
      expect(el.state).to.equal('connected');
      expect(status(el)).to.equal(detail.message);
    } finally {
      navigator.mediaDevices.getUserMedia = real;
    }
    await el.stop();
    await el.updateComplete;
    expect(status(el)).to.equal('The session ended.');
  });
});
