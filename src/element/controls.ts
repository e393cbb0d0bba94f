import { css, html, nothing } from 'lit';
import type { VoiceChatState } from '../session/session-types.js';
import { icons } from './icons.js';

/** What the control bar shows and what its buttons do; the element supplies it. */
export interface ControlsView {
  voiceChat: VoiceChatState;
  muted: boolean;
  captions: boolean;
  fullscreen: boolean;
  fullscreenAvailable: boolean;
  toggleVoiceChat(): void;
  /** The shadow root the bar renders in (its styles are added there). */
  root: Node;
  /** Push-to-talk: pressed (`true`) or released (`false`). */
  talk(pressed: boolean): void;
  toggleMute(): void;
  toggleCaptions(): void;
  toggleFullscreen(): void;
  stop(): void;
}

/**
 * The buttons' styles travel with the bar, so pages without `controls` never download them: adopted into each
 * element's shadow root the first time its bar renders (a `<style>` where lit itself falls back to one).
 */
const controlsStyles = css`
  [part~=control-button] {
    display: inline-grid;
    place-items: center;
    width: 2.4em;
    height: 2.4em;
    padding: 0;
    border: 0;
    border-radius: 50%;
    color: var(--streaming-avatar-button-color,#fff);
    background: transparent;
    cursor: pointer;
  }
  [part~=control-button]:hover,[part~=control-button][aria-pressed=true] {
    background: rgb(255 255 255/18%);
  }
  [part~=control-button]:focus-visible {
    outline: 3px solid var(--streaming-avatar-focus-ring,#ffd43b);
    outline-offset: 1px;
  }
`;
const styled = new WeakSet<Node>();
function addStyles(root: Node): void {
  if (!(root instanceof ShadowRoot) || styled.has(root)) return;
  styled.add(root);
  const sheet = controlsStyles.styleSheet;
  if (sheet) {
    root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
    return;
  }
  const style = document.createElement('style');
  style.textContent = controlsStyles.cssText;
  root.append(style);
}

const isTalkKey = (event: KeyboardEvent) => event.key === ' ' || event.key === 'Enter';

/**
 * The minimal control bar: every control is a real `<button>` with an accessible name, reachable by
 * keyboard. The microphone button toggles voice chat, or in push-to-talk mode talks while held (pointer,
 * Space or Enter).
 */
export function renderControls(view: ControlsView) {
  addStyles(view.root);
  const { voiceChat } = view;
  const hold = voiceChat.active && voiceChat.pushToTalk;
  const micButton = hold
    ? html`<button
        part="control-button mic-button"
        type="button"
        aria-label="Hold to talk"
        aria-pressed=${String(!voiceChat.micMuted)}
        @pointerdown=${(e: PointerEvent) => {
          (e.currentTarget as HTMLElement).setPointerCapture?.(e.pointerId);
          view.talk(true);
        }}
        @pointerup=${() => view.talk(false)}
        @pointercancel=${() => view.talk(false)}
        @keydown=${(e: KeyboardEvent) => {
          if (!isTalkKey(e)) return;
          e.preventDefault();
          if (!e.repeat) view.talk(true);
        }}
        @keyup=${(e: KeyboardEvent) => {
          if (!isTalkKey(e)) return;
          e.preventDefault();
          view.talk(false);
        }}
        @blur=${() => view.talk(false)}
      >
        ${voiceChat.micMuted ? icons.micOff : icons.mic}
      </button>`
    : html`<button
        part="control-button mic-button"
        type="button"
        aria-label=${voiceChat.active ? 'Stop voice chat' : 'Start voice chat'}
        aria-pressed=${String(voiceChat.active)}
        @click=${view.toggleVoiceChat}
      >
        ${voiceChat.active ? icons.mic : icons.micOff}
      </button>`;
  return html`${micButton}
    <button part="control-button mute-button" type="button" aria-label=${view.muted ? 'Unmute' : 'Mute'} aria-pressed=${String(view.muted)} @click=${view.toggleMute}>
      ${view.muted ? icons.volumeOff : icons.volume}
    </button>
    <button part="control-button captions-button" type="button" aria-label="Captions" aria-pressed=${String(view.captions)} @click=${view.toggleCaptions}>
      ${icons.captions}
    </button>
    ${view.fullscreenAvailable
      ? html`<button
          part="control-button fullscreen-button"
          type="button"
          aria-label=${view.fullscreen ? 'Exit full screen' : 'Full screen'}
          aria-pressed=${String(view.fullscreen)}
          @click=${view.toggleFullscreen}
        >
          ${view.fullscreen ? icons.fullscreenExit : icons.fullscreen}
        </button>`
      : nothing}
    <button part="control-button stop-button" type="button" aria-label="End session" @click=${view.stop}>${icons.stop}</button>`;
}
