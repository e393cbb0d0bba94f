// The README's CMS snippet, as a page with no build step gets it: only the CDN build (built by `npm test`
// before this suite) and the element with attributes. The CDN URL is pointed at this server's cdn/.
import { expect } from '@open-wc/testing';
import { waitFor } from '../helpers/events.js';

async function readmeSnippet(): Promise<string> {
  const readme = await (await fetch('/README.md')).text();
  const snippet = /<!-- snippet:cms -->\s*```html\n([\s\S]*?)```/.exec(readme)?.[1];
  if (!snippet) throw new Error('README.md has no <!-- snippet:cms --> html block');
  return snippet;
}

describe('CMS snippet', () => {
  it('pasted into a static page, it plays the local avatar from attributes alone', async () => {
    const snippet = await readmeSnippet();
    const local = snippet.replace(/src="https:\/\/[^"]*\/cdn\/streaming-avatar\.js"/, 'src="/cdn/streaming-avatar.js"');
    expect(local, 'the snippet loads cdn/streaming-avatar.js from a CDN').not.to.equal(snippet);

    const frame = document.createElement('iframe');
    frame.srcdoc = `<!doctype html><html><head><meta charset="utf-8"></head><body>${local}</body></html>`;
    document.body.append(frame);
    try {
      const avatar = () => frame.contentDocument?.querySelector('streaming-avatar');
      await waitFor(() => avatar()?.getAttribute('state') === 'connected', 20000, 'the snippet avatar to connect');
      const video = avatar()!.shadowRoot!.querySelector('video')!;
      await waitFor(() => video.videoWidth > 0, 5000, 'video frames');
      const scripts = frame
        .contentWindow!.performance.getEntriesByType('resource')
        .map((e) => new URL(e.name).pathname)
        .filter((path) => path.endsWith('.js'));
      expect(scripts[0]).to.equal('/cdn/streaming-avatar.js');
      expect(scripts.every((path) => path.startsWith('/cdn/')), scripts.join(', ')).to.equal(true);
    } finally {
      frame.remove();
    }
  });
});
