// Issue 7's zero-leak promise: after many sessions nothing media-related is left alive.
import { expect, fixture, html } from '@open-wc/testing';
import '../../src/define.js';
import type { StreamingAvatarElement } from '../../src/element/streaming-avatar-element.js';
import { waitFor } from '../helpers/events.js';
import { census, installMediaCensus } from '../helpers/media-census.js';

installMediaCensus();

const settle = async () => {
  // Closing is asynchronous (contexts, connections): give it a moment.
  await waitFor(() => {
    const c = census();
    return c.peerConnections === 0 && c.liveTracks === 0 && c.openAudioContexts === 0;
  }, 5000, 'media released').catch(() => undefined);
};

describe('no leaks over many sessions', function () {
  this.timeout(180_000);

  it('100 start/stop cycles leave no peer connection, track, audio context or extra media element', async () => {
    const el = await fixture<StreamingAvatarElement>(html`<streaming-avatar></streaming-avatar>`);
    const before = census();
    for (let i = 0; i < 100; i++) {
      await el.start();
      await el.stop();
    }
    await settle();
    const after = census();
    expect(after.createdPeerConnections - before.createdPeerConnections).to.equal(200);
    expect(after.peerConnections).to.equal(0);
    expect(after.liveTracks).to.equal(0);
    expect(after.openAudioContexts).to.equal(0);
    expect(after.mediaElements).to.equal(before.mediaElements);
  });

  it('100 remove/re-insert cycles keep one session, and removal then releases everything', async () => {
    const host = await fixture<HTMLDivElement>(html`<div><streaming-avatar></streaming-avatar></div>`);
    const el = host.querySelector('streaming-avatar')!;
    await el.start();
    const sessionId = el.sessionId;
    const other = document.createElement('div');
    document.body.append(other);
    for (let i = 0; i < 100; i++) {
      el.remove();
      (i % 2 ? host : other).append(el);
      await new Promise((r) => setTimeout(r, 0));
    }
    expect(el.state).to.equal('connected');
    expect(el.sessionId).to.equal(sessionId);
    expect(census().peerConnections).to.equal(2);
    el.remove();
    await settle();
    expect(el.state).to.equal('ended');
    const after = census();
    expect(after.peerConnections).to.equal(0);
    expect(after.liveTracks).to.equal(0);
    expect(after.openAudioContexts).to.equal(0);
    other.remove();
  });

  it('20 start/remove cycles (removal mid-start and while live) leave nothing behind', async () => {
    for (let i = 0; i < 20; i++) {
      const el = document.createElement('streaming-avatar');
      document.body.append(el);
      const started = el.start().catch(() => undefined);
      if (i % 2) await started; // half while live, half while still connecting
      el.remove();
      await started;
    }
    await settle();
    const after = census();
    expect(after.peerConnections).to.equal(0);
    expect(after.liveTracks).to.equal(0);
    expect(after.openAudioContexts).to.equal(0);
    expect(document.querySelectorAll('streaming-avatar').length).to.equal(0);
  });
});
