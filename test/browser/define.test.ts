import { expect } from '@open-wc/testing';
import { defineStreamingAvatar, TAG_NAME } from '../../src/element/define-element.js';
import { StreamingAvatarElement } from '../../src/element/streaming-avatar-element.js';
import { VERSION } from '../../src/version.js';

function captureWarnings(run: () => void): string[] {
  const warnings: string[] = [];
  const real = console.warn;
  console.warn = (...args: unknown[]) => warnings.push(args.map(String).join(' '));
  try {
    run();
  } finally {
    console.warn = real;
  }
  return warnings;
}

describe('guarded registration', () => {
  it('importing the element module registers nothing; define() registers the tag', async () => {
    expect(customElements.get(TAG_NAME)).to.equal(undefined);
    defineStreamingAvatar();
    expect(customElements.get(TAG_NAME)).to.equal(StreamingAvatarElement);
    expect(document.createElement(TAG_NAME)).to.be.instanceOf(StreamingAvatarElement);
  });

  it('defining twice is silent', () => {
    const warnings = captureWarnings(() => {
      defineStreamingAvatar();
      defineStreamingAvatar();
    });
    expect(warnings).to.deep.equal([]);
  });

  it('the auto-define module is idempotent and exposes the class globally', async () => {
    await import('../../src/define.js');
    expect(customElements.get(TAG_NAME)).to.equal(StreamingAvatarElement);
    expect(globalThis.StreamingAvatarElement).to.equal(StreamingAvatarElement);
  });

  it('warns when a different version already holds the tag, and keeps the first', () => {
    class OtherCopy extends HTMLElement {
      static version = '0.0.1-other';
    }
    customElements.define('other-avatar', OtherCopy);
    const warnings = captureWarnings(() => defineStreamingAvatar('other-avatar'));
    expect(warnings).to.have.length(1);
    expect(warnings[0]).to.contain('0.0.1-other');
    expect(warnings[0]).to.contain(VERSION);
    expect(customElements.get('other-avatar')).to.equal(OtherCopy);
  });

  it('a same-version copy holding the tag is silent', () => {
    class SameVersion extends HTMLElement {
      static version = VERSION;
    }
    customElements.define('same-avatar', SameVersion);
    expect(captureWarnings(() => defineStreamingAvatar('same-avatar'))).to.deep.equal([]);
  });

  it('a custom tag name gets its own subclass', () => {
    defineStreamingAvatar('my-avatar');
    const Custom = customElements.get('my-avatar')!;
    expect(Custom).to.not.equal(StreamingAvatarElement);
    expect(document.createElement('my-avatar')).to.be.instanceOf(StreamingAvatarElement);
  });

  it('a second tag name works in a registry without getName (older browsers): a subclass, not a throw', () => {
    defineStreamingAvatar();
    const withoutGetName = {
      get: (name: string) => customElements.get(name),
      define: (name: string, constructor: CustomElementConstructor) => customElements.define(name, constructor),
    } as unknown as CustomElementRegistry;
    expect(() => defineStreamingAvatar('old-browser-avatar', withoutGetName)).to.not.throw();
    expect(customElements.get('old-browser-avatar')).to.not.equal(StreamingAvatarElement);
    expect(document.createElement('old-browser-avatar')).to.be.instanceOf(StreamingAvatarElement);
  });
});
