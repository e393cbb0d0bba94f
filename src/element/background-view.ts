import type { AvatarState } from '../session/session-types.js';
import { backgroundStyles } from './background-styles.js';
import type { BackgroundHost } from './background.js';
import { createChromaKey, type ChromaKey, type ChromaKeyOptions } from './chroma-key.js';
import { parseBackground, parseKeyColor, parseKeyTolerance, type Background } from './config.js';

/** States in which the `<video>` holds (or is about to hold) the session's frames. */
const KEYED_STATES: readonly AvatarState[] = ['connecting', 'connected', 'reconnecting'];

/**
 * What `background` does, loaded once it is set: paints the chosen colour or image on the layer behind
 * the video and, while a session runs, swaps the `<video>` on screen for a chroma-keyed canvas (the video
 * keeps playing, and its audio, underneath). Without WebGL the plain video shows over the background and
 * the host gets `background-fallback`.
 */
export class BackgroundView {
  readonly #host: BackgroundHost;
  readonly #video: HTMLVideoElement;
  readonly #layer: HTMLElement;
  #keyer?: ChromaKey;
  #keyOptions = '';
  #painted = '';
  #removalTimer?: ReturnType<typeof setTimeout>;

  constructor(host: BackgroundHost, video: HTMLVideoElement, layer: HTMLElement) {
    this.#host = host;
    this.#video = video;
    this.#layer = layer;
    const root = host.shadowRoot;
    const sheet = backgroundStyles.styleSheet;
    if (root && sheet && !root.adoptedStyleSheets.includes(sheet)) root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
  }

  /** Brings the layer and the canvas in line with the attributes, the session state and the DOM. */
  sync(): void {
    clearTimeout(this.#removalTimer);
    if (!this.#host.isConnected && this.#keyer) {
      // As the element does for its session: a move (remove and re-insert in one task) keeps the canvas.
      this.#removalTimer = setTimeout(() => this.#apply(), 0);
      return;
    }
    this.#apply();
  }

  #apply(): void {
    let background: Background | undefined;
    let options: ChromaKeyOptions | undefined;
    try {
      background = parseBackground(this.#host.getAttribute('background'));
      options = { keyColor: parseKeyColor(this.#host.getAttribute('key-color')), tolerance: parseKeyTolerance(this.#host.getAttribute('key-tolerance')) };
    } catch {
      background = undefined; // A bad value is reported by the element's attribute check; show the plain video.
    }
    this.#paint(background);
    if (!background) this.#host.removeAttribute('background-fallback');
    if (!background || !options || !this.#host.isConnected || !KEYED_STATES.includes(this.#host.state)) return this.#stopKeying();
    const key = `${options.keyColor}\u0000${options.tolerance}`;
    if (this.#keyer) {
      if (key !== this.#keyOptions) this.#keyer.update(options);
      this.#keyOptions = key;
      return;
    }
    if (this.#host.hasAttribute('background-fallback')) return; // Known: no WebGL here.
    this.#keyer = createChromaKey(this.#video, options);
    this.#keyOptions = key;
    if (!this.#keyer) {
      this.#host.setAttribute('background-fallback', '');
      return;
    }
    this.#keyer.canvas.setAttribute('part', 'video background-canvas');
    this.#layer.append(this.#keyer.canvas);
    this.#video.classList.add('keyed');
  }

  #stopKeying(): void {
    if (!this.#keyer) return;
    this.#keyer.dispose();
    this.#keyer.canvas.remove();
    this.#keyer = undefined;
    this.#video.classList.remove('keyed');
  }

  /** The chosen colour or image, on the layer (CSSOM writes, which a strict style-src allows). */
  #paint(background: Background | undefined): void {
    const key = background ? `${background.kind}:${'value' in background ? background.value : ''}` : '';
    if (key === this.#painted) return;
    this.#painted = key;
    this.#layer.style.backgroundColor = background?.kind === 'color' ? background.value : '';
    this.#layer.style.backgroundImage = background?.kind === 'image' ? background.value : '';
  }
}
