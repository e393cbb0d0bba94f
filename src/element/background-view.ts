import { supportsAdoptingStyleSheets } from 'lit';
import type { AvatarState } from '../session/session-types.js';
import { backgroundStyles } from './background-styles.js';
import type { BackgroundHost } from './background.js';
import { createChromaKey, type ChromaKey, type ChromaKeyOptions } from './chroma-key.js';
import { parseBackground, parseKeyColor, parseKeyTolerance, type Background } from './config.js';

export interface BackgroundViewOptions {
  /** Adopt the styles as a constructed stylesheet (lit's `supportsAdoptingStyleSheets`, the default) or add a `<style>`. */
  adoptStyleSheets?: boolean;
}

/** States in which the `<video>` holds (or is about to hold) the session's frames. */
const KEYED_STATES: readonly AvatarState[] = ['connecting', 'connected', 'reconnecting'];

/**
 * What `background` does, loaded once it is set: paints the chosen colour or image on the layer behind
 * the video and, while a session runs, swaps the `<video>` on screen for a chroma-keyed canvas (the video
 * keeps playing, and its audio, underneath). Without WebGL, or once the browser takes the GL context
 * away, the plain video shows over the background and the host gets `background-fallback`.
 */
export class BackgroundView {
  readonly #host: BackgroundHost;
  readonly #video: HTMLVideoElement;
  readonly #layer: HTMLElement;
  #keyer?: ChromaKey;
  #keyOptions = '';
  #painted = '';
  #removalTimer?: ReturnType<typeof setTimeout>;
  /** The styles' `<style>`, where they could not be adopted. */
  #style?: HTMLStyleElement;
  #adopted?: CSSStyleSheet;

  constructor(host: BackgroundHost, video: HTMLVideoElement, layer: HTMLElement, { adoptStyleSheets = supportsAdoptingStyleSheets }: BackgroundViewOptions = {}) {
    this.#host = host;
    this.#video = video;
    this.#layer = layer;
    const root = host.shadowRoot;
    if (!root) return;
    const sheet = adoptStyleSheets ? backgroundStyles.styleSheet : undefined;
    if (sheet) {
      if (!root.adoptedStyleSheets.includes(sheet)) root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
      this.#adopted = sheet;
      return;
    }
    // Where lit itself falls back to <style> tags (no constructable stylesheets, `styleSheet` undefined),
    // do as it does, with the page's nonce, if it set one for lit (CSP style-src).
    this.#style = document.createElement('style');
    const nonce = (globalThis as { litNonce?: string }).litNonce;
    if (nonce !== undefined) this.#style.setAttribute('nonce', nonce);
    this.#style.textContent = backgroundStyles.cssText;
    root.append(this.#style);
  }

  /** Undoes all of it: no canvas, no paint, and the styles leave the shadow root. */
  dispose(): void {
    clearTimeout(this.#removalTimer);
    this.#stopKeying();
    this.#paint(undefined);
    this.#style?.remove();
    const sheet = this.#adopted;
    const root = this.#host.shadowRoot;
    if (sheet && root) root.adoptedStyleSheets = root.adoptedStyleSheets.filter((adopted) => adopted !== sheet);
    this.#style = this.#adopted = undefined;
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
    const keyer = createChromaKey(this.#video, options, () => {
      // The browser took the context (its per-page cap, a GPU reset): plain video, as without WebGL.
      if (this.#keyer !== keyer) return;
      this.#stopKeying();
      this.#host.setAttribute('background-fallback', '');
    });
    this.#keyer = keyer;
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
