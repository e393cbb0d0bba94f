import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { AvatarEventDetailMap } from '../events/avatar-events.js';

/** How long the last words stay on screen after the avatar stops speaking. */
const LINGER_MS = 3000;

/**
 * Follows the element's own transcript events and holds what to show: `text` for the caption overlay
 * (partial words as they come), `announcement` for the screen-reader live region (complete sentences
 * only, so assistive tech is not flooded with partials). Text only: it is rendered as text, never HTML.
 */
export class CaptionsController implements ReactiveController {
  text = '';
  announcement = '';
  private timer?: ReturnType<typeof setTimeout>;

  constructor(private readonly host: ReactiveControllerHost & HTMLElement) {
    host.addController(this);
  }

  hostConnected(): void {
    this.host.addEventListener('avatar-transcript', this.onTranscript);
    this.host.addEventListener('avatar-speak-start', this.onSpeakStart);
    this.host.addEventListener('avatar-speak-end', this.onSpeakEnd);
    this.host.addEventListener('avatar-ended', this.clear);
  }

  hostDisconnected(): void {
    this.host.removeEventListener('avatar-transcript', this.onTranscript);
    this.host.removeEventListener('avatar-speak-start', this.onSpeakStart);
    this.host.removeEventListener('avatar-speak-end', this.onSpeakEnd);
    this.host.removeEventListener('avatar-ended', this.clear);
    clearTimeout(this.timer);
  }

  private onTranscript = (event: CustomEvent<AvatarEventDetailMap['avatar-transcript']>) => {
    const { role, text, final } = event.detail;
    if (role !== 'avatar' || typeof text !== 'string') return;
    clearTimeout(this.timer);
    this.text = text;
    if (final) this.announcement = text;
    this.host.requestUpdate();
  };

  private onSpeakStart = () => {
    clearTimeout(this.timer);
  };

  private onSpeakEnd = () => {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.text = '';
      this.host.requestUpdate();
    }, LINGER_MS);
  };

  private clear = () => {
    clearTimeout(this.timer);
    this.text = '';
    this.host.requestUpdate();
  };
}
