import { css } from 'lit';

/** Adopted stylesheets: no inline <style>, so pages with a strict `style-src 'self'` need nothing extra. */
// Written compactly (unquoted attribute values, selector lists on one line, no leading zeros): the build only
// strips whitespace, and these bytes ship in the entry.
export const elementStyles = css`
  :host {
    display: inline-block;
    position: relative;
    box-sizing: border-box;
    vertical-align: top;
    width: var(--streaming-avatar-width,480px);
    max-width: 100%;
    height: var(--streaming-avatar-height,auto);
    aspect-ratio: var(--streaming-avatar-aspect-ratio,16 / 9);
    min-width: 160px;
    min-height: 90px;
    overflow: hidden;
    border-radius: var(--streaming-avatar-radius,12px);
    background: var(--streaming-avatar-background,#0b1020);
    color: var(--streaming-avatar-color,#fff);
    font: var(--streaming-avatar-font,14px/1.4 system-ui, sans-serif);
    contain: layout paint;
  }
  :host([hidden]) {
    display: none;
  }
  .frame,video,.media-container,[part~=poster] {
    position: absolute;
    inset: 0;
    width: 100%;
    height: 100%;
  }
  video {
    display: block;
    object-fit: var(--streaming-avatar-object-fit,cover);
    background: transparent;
    /* Kept laid out (not display:none) while hidden: SDKs pause video attached to invisible elements. */
    opacity: 0;
    transition: opacity .25s ease;
  }
  :host([state=connected]) video,:host([state=reconnecting]) video {
    opacity: 1;
  }
  .media-container {
    pointer-events: none;
  }
  /* Focus lands here (not on <body>) when the start button hides; the frame itself is no control. */
  .frame:focus {
    outline: none;
  }
  [part~=poster] {
    display: grid;
    place-items: center;
    background: radial-gradient(circle at 50% 40%, #2a3b6e 0, #0b1020 70%);
    transition: opacity .25s ease;
  }
  ::slotted([slot=poster]),[part~=poster-image] {
    width: 100%;
    height: 100%;
    object-fit: var(--streaming-avatar-object-fit,cover);
  }
  .overlay {
    position: absolute;
    inset: 0;
    display: grid;
    place-items: center;
    pointer-events: none;
  }
  .overlay > * {
    pointer-events: auto;
  }
  [part~=start-button],[part~=unmute-button] {
    font: inherit;
    font-weight: 600;
    color: var(--streaming-avatar-button-color,#fff);
    background: var(--streaming-avatar-accent,#3b6cf6);
    border: 0;
    border-radius: 999px;
    padding: .6em 1.4em;
    cursor: pointer;
    box-shadow: 0 2px 10px rgb(0 0 0/35%);
  }
  [part~=start-button]:focus-visible,[part~=unmute-button]:focus-visible {
    outline: 3px solid var(--streaming-avatar-focus-ring,#ffd43b);
    outline-offset: 2px;
  }
  [part~=unmute-button] {
    position: absolute;
    top: .75em;
    right: .75em;
  }
  [hidden] {
    display: none !important;
  }
  [part~=status] {
    position: absolute;
    left: .75em;
    right: .75em;
    bottom: .75em;
    text-align: center;
    text-shadow: 0 1px 3px rgb(0 0 0/80%);
  }
  [part~=status]:empty {
    display: none;
  }
  :host([state=error]) [part~=status]:not(.calm) {
    color: var(--streaming-avatar-error-color,#ffb4b4);
  }
  [part~=badge] {
    position: absolute;
    top: .75em;
    left: .75em;
    padding: .15em .6em;
    border-radius: 999px;
    font-size: .8em;
    background: rgb(0 0 0/55%);
  }
  [part~=controls] {
    position: absolute;
    left: 50%;
    bottom: .75em;
    transform: translateX(-50%);
    display: flex;
    gap: .25em;
    padding: .3em;
    border-radius: 999px;
    background: var(--streaming-avatar-controls-background,rgb(0 0 0/55%));
    opacity: 0;
    transition: opacity .2s ease;
  }
  /* Shown on hover and whenever focus is inside (keyboard users), always on touch screens. */
  :host(:hover) [part~=controls],:host(:focus-within) [part~=controls] {
    opacity: 1;
  }
  @media (hover: none) {
    [part~=controls] {
      opacity: 1;
    }
  }
  [part~=captions] {
    position: absolute;
    left: 8%;
    right: 8%;
    bottom: 4.2em;
    text-align: center;
    pointer-events: none;
  }
  [part~=captions] span {
    display: inline;
    padding: .15em .45em;
    border-radius: 4px;
    font: var(--streaming-avatar-captions-font,600 1.1em/1.35 system-ui, sans-serif);
    background: var(--streaming-avatar-captions-background,rgb(0 0 0/70%));
    box-decoration-break: clone;
    -webkit-box-decoration-break: clone;
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
  .spinner {
    width: 2.2em;
    height: 2.2em;
    border-radius: 50%;
    border: 3px solid rgb(255 255 255/30%);
    border-top-color: #fff;
    animation: spin .9s linear infinite;
  }
  @keyframes spin {
    to {
      transform: rotate(1turn);
    }
  }
  @media (prefers-reduced-motion: reduce) {
    .spinner {
      animation-duration: 3s;
    }
    video,[part~=poster],[part~=controls] {
      transition: none;
    }
  }
`;
