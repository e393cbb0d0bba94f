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
  #timer?: ReturnType<typeof setTimeout>;
  readonly #host: ReactiveControllerHost & HTMLElement;
  /** The element's own events this follows, and what each does. */
  readonly #listeners: [string, (event: Event) => void][] = [
    [
      'avatar-transcript',
      (event) => {
        const { role, text, final } = (event as CustomEvent<AvatarEventDetailMap['avatar-transcript']>).detail;
        if (role !== 'avatar' || typeof text !== 'string') return;
        this.#show(text);
        if (final) this.announcement = text;
      },
    ],
    ['avatar-speak-start', () => clearTimeout(this.#timer)],
    [
      'avatar-speak-end',
      () => {
        clearTimeout(this.#timer);
        this.#timer = setTimeout(() => this.#show(''), LINGER_MS);
      },
    ],
    ['avatar-ended', () => this.#show('')],
  ];

  constructor(host: ReactiveControllerHost & HTMLElement) {
    this.#host = host;
    host.addController(this);
  }

  hostConnected(): void {
    for (const [type, listener] of this.#listeners) this.#host.addEventListener(type, listener);
  }

  hostDisconnected(): void {
    for (const [type, listener] of this.#listeners) this.#host.removeEventListener(type, listener);
    clearTimeout(this.#timer);
  }

  #show(text: string): void {
    clearTimeout(this.#timer);
    this.text = text;
    this.#host.requestUpdate();
  }
}
