// Loads the CDN build (built by `npm test` before this suite) the way a script-tag page does.
import { expect } from '@open-wc/testing';
import { waitFor } from '../helpers/events.js';

type Avatar = HTMLElement & { start(): Promise<void>; stop(): Promise<void>; state: string };

describe('CDN build', () => {
  it('one module script defines the element, and the local transport arrives as its own chunk', async () => {
    const script = document.createElement('script');
    script.type = 'module';
    script.src = '/cdn/streaming-avatar.js';
    const loaded = new Promise((resolve, reject) => {
      script.onload = resolve;
      script.onerror = reject;
    });
    document.head.append(script);
    await loaded;
    await customElements.whenDefined('streaming-avatar');
    const chunkRequests = () =>
      performance
        .getEntriesByType('resource')
        .map((e) => e.name)
        .filter((name) => name.includes('/cdn/chunks/'));
    expect(chunkRequests().some((n) => n.includes('local-transport'))).to.equal(false);

    const el = document.createElement('streaming-avatar') as Avatar;
    document.body.append(el);
    await el.start();
    expect(el.state).to.equal('connected');
    const video = el.shadowRoot!.querySelector('video')!;
    await waitFor(() => video.videoWidth > 0);
    expect(chunkRequests().some((n) => n.includes('local-transport'))).to.equal(true);
    await el.stop();
    el.remove();
  });
});
