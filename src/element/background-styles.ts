import { css } from 'lit';

/**
 * Styles for `background`, adopted into the element's shadow root by the lazily loaded background view
 * (so pages that never set `background` do not carry them in the core bundle).
 */
export const backgroundStyles = css`
  /* background: the host's own fill gives way to the layer (empty for transparent). */
  :host([background]) {
    background: transparent;
  }
  .background-layer {
    position: absolute;
    inset: 0;
    background-position: center;
    background-size: cover;
    background-repeat: no-repeat;
    pointer-events: none;
  }
  [part~='background-canvas'] {
    position: absolute;
    inset: 0;
    width: 100%;
    height: 100%;
    display: block;
    object-fit: var(--streaming-avatar-object-fit, cover);
    opacity: 0;
    transition: opacity 0.25s ease;
  }
  :host([state='connected']) [part~='background-canvas'],
  :host([state='reconnecting']) [part~='background-canvas'] {
    opacity: 1;
  }
  /* The keyed canvas is on screen: the video plays on (sound, frames) but unseen, whatever ::part(video) says. */
  video.keyed {
    opacity: 0 !important;
    transition: none;
  }
`;
