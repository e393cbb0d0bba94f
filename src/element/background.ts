import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { AvatarError, reasonOf } from '../errors/avatar-error.js';
import type { AvatarState } from '../session/session-types.js';
import type { BackgroundView } from './background-view.js';

/** Fetches the lazy chunk; the element uses `import()`, tests pass one that fails. */
export type BackgroundViewLoader = () => Promise<Pick<typeof import('./background-view.js'), 'BackgroundView'>>;

let loadView: BackgroundViewLoader = () => import('./background-view.js');

/** Test seam: replaces the element's import of the chunk (e.g. with one that fails); returns the undo. */
export function replaceBackgroundImport(load: BackgroundViewLoader): () => void {
  const previous = loadView;
  loadView = load;
  return () => {
    loadView = previous;
  };
}

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
  /** A failure was reported: every update retries the import, and one event per streak of failures is enough. */
  #failureReported = false;
  readonly #host: BackgroundHost;
  readonly #video: HTMLVideoElement;
  readonly #load: BackgroundViewLoader;
  readonly #onLoadError?: (error: AvatarError) => void;

  /** `load` defaults to the chunk's import; `onLoadError` hears of each failed one (a non-fatal `background-load-failed`). */
  constructor(host: BackgroundHost, video: HTMLVideoElement, load?: BackgroundViewLoader, onLoadError?: (error: AvatarError) => void) {
    this.#host = host;
    this.#video = video;
    this.#load = load ?? (() => loadView());
    this.#onLoadError = onLoadError;
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
      this.#failureReported = false;
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
      (cause: unknown) => {
        // The chunk failed to load (offline, a bad deploy): the plain video is the fallback, and the
        // next update (an attribute change, a new session) tries the import again.
        this.#loading = false;
        if (!this.#host.hasAttribute('background')) return;
        this.#host.setAttribute('background-fallback', '');
        if (this.#failureReported) return;
        this.#failureReported = true;
        this.#onLoadError?.(new AvatarError('background-load-failed', `The background could not load (${reasonOf(cause)}); the plain video shows.`, { fatal: false, cause }));
      },
    );
  }
}
