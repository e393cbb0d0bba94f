import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { AvatarState } from '../session/session-types.js';
import type { BackgroundView } from './background-view.js';

export interface BackgroundHost extends ReactiveControllerHost, HTMLElement {
  readonly state: AvatarState;
}

/**
 * The `background` attribute's foothold in the core bundle: the layer it paints on (behind the `<video>`)
 * and a lazy import of everything else (`background-view.ts`: painting, the WebGL chroma key), made the
 * first time `background` is set. Pages that never set it load none of it.
 */
export class BackgroundController implements ReactiveController {
  readonly layer = document.createElement('div');
  #view?: BackgroundView;
  #loading = false;
  readonly #host: BackgroundHost;
  readonly #video: HTMLVideoElement;

  constructor(host: BackgroundHost, video: HTMLVideoElement) {
    this.#host = host;
    this.#video = video;
    this.layer.className = 'background-layer';
    this.layer.setAttribute('part', 'background');
    host.addController(this);
  }

  hostConnected(): void {
    this.#sync();
  }

  hostDisconnected(): void {
    this.#sync();
  }

  hostUpdated(): void {
    this.#sync();
  }

  #sync(): void {
    if (this.#view) return this.#view.sync();
    if (this.#loading || !this.#host.hasAttribute('background')) return;
    this.#loading = true;
    import('./background-view.js').then(
      ({ BackgroundView }) => {
        this.#view = new BackgroundView(this.#host, this.#video, this.layer);
        this.#view.sync();
      },
      // The chunk failed to load (offline, a bad deploy): the plain video is the fallback.
      () => this.#host.setAttribute('background-fallback', ''),
    );
  }
}
