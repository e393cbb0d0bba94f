import { expect } from '@open-wc/testing';
import type { Transport, TransportCredentials, TransportOptions } from '../../src/transports/transport.js';
import { nextEvent, waitFor } from './events.js';
import { clickLikeAUser } from './gesture.js';
import { type Harness, startHarness } from './transport-harness.js';

export interface AutoplayCase {
  credentials: TransportCredentials;
  create(options: TransportOptions): Transport;
  /** How many times the plugin asked the SDK to resume audio. */
  resumed(): number;
}

/**
 * Under the browser's default autoplay policy (the `autoplay-blocked` group), the plugin's real remote audio
 * cannot start without a gesture: the avatar plays muted with `audio-blocked`, and a real click on "Tap to
 * unmute" brings the sound back and tells the SDK to resume. One page per transport: after the first real
 * click, a page may autoplay for good.
 */
export function describeBlockedAutoplay(name: string, c: AutoplayCase): void {
  describe(`${name} under the default autoplay policy`, () => {
    let harness: Harness | undefined;

    afterEach(async () => {
      await harness?.dispose();
    });

    it('plays muted with audio-blocked, and a real click restores sound', async () => {
      harness = startHarness({ credentials: c.credentials, create: c.create });
      const blocked = nextEvent(harness.el, 'avatar-autoplay-blocked');
      await harness.el.start();
      await blocked;
      expect(harness.el.state).to.equal('connected');
      expect(harness.el.audioBlocked).to.equal(true);
      const video = harness.video;
      expect(video.muted).to.equal(true);
      expect(video.paused).to.equal(false);
      expect(video.videoWidth).to.be.greaterThan(0);

      await harness.el.updateComplete;
      const button = harness.el.shadowRoot!.querySelector<HTMLButtonElement>('[part="unmute-button"]')!;
      expect(button.hidden).to.equal(false);
      await clickLikeAUser(button);
      await waitFor(() => !harness!.el.audioBlocked, 5000, 'audio unblocked');
      expect(video.muted).to.equal(false);
      expect(video.paused).to.equal(false);
      await waitFor(() => c.resumed() > 0, 2000, 'the SDK asked to resume');
    });
  });
}
