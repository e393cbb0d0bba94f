import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { AvatarState } from '../session/session-types.js';
import type { BackgroundView } from './background-view.js';

/** Fetches the lazy chunk; the element uses `import()`, tests pass one that fails. */
export type BackgroundViewLoader = () => Promise<Pick<typeof import('./background-view.js'), 'BackgroundView'>>;

const loadView: BackgroundViewLoader = () => import('./background-view.js');

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
  readonly #load: BackgroundViewLoader;

  constructor(host: BackgroundHost, video: HTMLVideoElement, load = loadView) {
    this.#host = host;
    this.#video = video;
    this.#load = load;
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
    if (this.#loading) return;
    if (!this.#host.hasAttribute('background')) {
      // Left by a failed load (below): with no background there is nothing to fall back from.
      this.#host.removeAttribute('background-fallback');
      return;
    }
    this.#loading = true;
    this.#load().then(
      ({ BackgroundView }) => {
        this.#loading = false;
        // A retry after a failure: the flag was about the chunk, and the view sets its own (no WebGL).
        this.#host.removeAttribute('background-fallback');
        this.#view = new BackgroundView(this.#host, this.#video, this.layer);
        this.#view.sync();
      },
      () => {
        // The chunk failed to load (offline, a bad deploy): the plain video is the fallback, and the
        // next update (an attribute change, a new session) tries the import again.
        this.#loading = false;
        if (this.#host.hasAttribute('background')) this.#host.setAttribute('background-fallback', '');
      },
    );
  }
}
