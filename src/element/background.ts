import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { AvatarState } from '../session/session-types.js';
import type { ChromaKey, ChromaKeyOptions } from './chroma-key.js';
import { parseBackground, parseKeyColor, parseKeyTolerance, type Background } from './config.js';

type ChromaKeyModule = typeof import('./chroma-key.js');

interface Host extends ReactiveControllerHost, HTMLElement {
  readonly state: AvatarState;
}

/** States in which the `<video>` holds (or is about to hold) the session's frames. */
const KEYED_STATES: readonly AvatarState[] = ['connecting', 'connected', 'reconnecting'];

/**
 * The `background` attribute: paints the chosen colour or image on a layer behind the video and, while a
 * session runs, swaps the `<video>` on screen for a chroma-keyed canvas (the video keeps playing, and its
 * audio, underneath). The WebGL code is a separate chunk, imported once `background` is set. Without
 * WebGL the plain video shows over the background and the host gets `background-fallback`.
 */
export class BackgroundController implements ReactiveController {
  /** Put behind the `<video>` in the element's frame. */
  readonly layer: HTMLDivElement;
  #module?: ChromaKeyModule;
  #loading = false;
  #keyer?: ChromaKey;
  #keyOptions = '';
  #painted = '';
  #removalTimer?: ReturnType<typeof setTimeout>;
  private readonly host: Host;
  private readonly video: HTMLVideoElement;

  constructor(host: Host, video: HTMLVideoElement) {
    this.host = host;
    this.video = video;
    this.layer = document.createElement('div');
    this.layer.className = 'background-layer';
    this.layer.setAttribute('part', 'background');
    host.addController(this);
  }

  hostConnected(): void {
    clearTimeout(this.#removalTimer);
    this.#sync();
  }

  hostDisconnected(): void {
    // As the element does for its session: a move (remove and re-insert in one task) keeps the canvas.
    clearTimeout(this.#removalTimer);
    this.#removalTimer = setTimeout(() => {
      if (!this.host.isConnected) this.#sync();
    }, 0);
  }

  hostUpdated(): void {
    this.#sync();
  }

  #sync(): void {
    let background: Background | undefined;
    let options: ChromaKeyOptions | undefined;
    try {
      background = parseBackground(this.host.getAttribute('background'));
      options = { keyColor: parseKeyColor(this.host.getAttribute('key-color')), tolerance: parseKeyTolerance(this.host.getAttribute('key-tolerance')) };
    } catch {
      background = undefined; // A bad value is reported by the element's attribute check; show the plain video.
    }
    this.#paint(background);
    if (!background) this.host.removeAttribute('background-fallback');
    // Fetched as soon as `background` is set, so the canvas is ready by the session's first frame.
    if (background && !this.#module) this.#load();
    const wanted = background && options && this.host.isConnected && KEYED_STATES.includes(this.host.state);
    if (!wanted || !options) return this.#stopKeying();
    if (!this.#module) return;
    const key = `${options.keyColor}\u0000${options.tolerance}`;
    if (this.#keyer) {
      if (key !== this.#keyOptions) this.#keyer.update(options);
      this.#keyOptions = key;
      return;
    }
    if (this.host.hasAttribute('background-fallback')) return; // Known: no WebGL here.
    this.#keyer = this.#module.createChromaKey(this.video, options);
    this.#keyOptions = key;
    if (!this.#keyer) {
      this.host.setAttribute('background-fallback', '');
      return;
    }
    this.#keyer.canvas.setAttribute('part', 'video background-canvas');
    this.layer.append(this.#keyer.canvas);
    this.video.classList.add('keyed');
  }

  #load(): void {
    if (this.#loading) return;
    this.#loading = true;
    import('./chroma-key.js').then(
      (module) => {
        this.#module = module;
        this.#sync();
      },
      () => {
        // The chunk failed to load (offline, a bad deploy): the plain video is the fallback.
        this.host.setAttribute('background-fallback', '');
      },
    );
  }

  #stopKeying(): void {
    if (!this.#keyer) return;
    this.#keyer.dispose();
    this.#keyer.canvas.remove();
    this.#keyer = undefined;
    this.video.classList.remove('keyed');
  }

  /** The chosen colour or image, on the layer (CSSOM writes, which a strict style-src allows). */
  #paint(background: Background | undefined): void {
    const key = background ? `${background.kind}:${'value' in background ? background.value : ''}` : '';
    if (key === this.#painted) return;
    this.#painted = key;
    this.layer.style.backgroundColor = background?.kind === 'color' ? background.value : '';
    this.layer.style.backgroundImage = background?.kind === 'image' ? background.value : '';
  }
}
