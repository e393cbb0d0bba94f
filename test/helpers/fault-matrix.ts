import { expect } from '@open-wc/testing';
import type { StreamingAvatarElement } from '../../src/element/streaming-avatar-element.js';
import type { AvatarErrorCode } from '../../src/errors/avatar-error.js';
import type { AvatarState, EndedReason } from '../../src/session/session-types.js';
import { liveTracks as liveFakeTracks } from '../fakes/media.js';
import { recordEvents, waitFor } from './events.js';
import { census, installMediaCensus } from './media-census.js';
import { trackTimers } from './transport-harness.js';

/**
 * The fault matrix: each row is one fault, and every row is judged by the same three things (`checkFault`):
 * (a) the `avatar-error` codes it fired, (b) what the user sees (the reflected `state` attribute and the
 * `status` part's text), (c) a clean teardown (no peer connection, track, audio context, extra media
 * element, timer or page-level listener left behind).
 */

/** What one row set up: the element under test and how to undo the row's own stubs. */
export interface Stage {
  el: StreamingAvatarElement;
  /** Undoes the row's stubs and registrations (the element is stopped and removed by the runner). */
  restore(): void | Promise<void>;
  /** Listeners still registered on the fake SDK objects (must be 0 after teardown). */
  sdkListeners?(): number;
}

export interface FaultExpectation {
  /** The one `avatar-error` code the fault fires, or `null`: the row expects recovery and no error at all. */
  code: AvatarErrorCode | null;
  /** Whether that error is fatal (default: `state === 'error'`). */
  fatal?: boolean;
  /** The reflected `state` attribute once the fault has played out. */
  state: AvatarState;
  /** The `avatar-ended` reason the fault causes, if it ends the session (default: none). */
  ended?: EndedReason;
}

export interface FaultRow<S extends Stage = Stage> {
  name: string;
  /** Rows that need the browser's default autoplay policy run from test/browser/autoplay-blocked/. */
  group?: 'main' | 'autoplay-blocked';
  /** Builds the stage: element, stubs, fakes. Nothing may start yet (events are recorded from here on). */
  arrange(): Promise<S>;
  /** Causes the fault and waits until it has played out. */
  act(stage: S): Promise<void>;
  expect: FaultExpectation;
  /** Row-specific facts the three checks cannot see (a request aborted, one session only). */
  also?(stage: S): unknown;
}

/** Keeps each row's own stage type for its `act` and `also` (rows are stored as plain `FaultRow`s). */
export function fault<S extends Stage>(row: FaultRow<S>): FaultRow {
  return row as unknown as FaultRow;
}

/** What the `status` part says in each state without a notice (the error state shows the error's own message). */
const STATUS_TEXT: Partial<Record<AvatarState, string>> = {
  idle: '',
  connected: '',
  connecting: 'Connecting…',
  reconnecting: 'Reconnecting…',
  ended: 'The session ended.',
};

export const statusText = (el: StreamingAvatarElement) => el.shadowRoot!.querySelector('[part~="status"]')!.textContent!.trim();

/** Runs one row and makes the three checks. */
export async function checkFault(row: FaultRow): Promise<void> {
  installMediaCensus();
  const before = census();
  const timers = trackTimers();
  const listeners = trackPageListeners();
  let stage: Stage | undefined;
  try {
    stage = await row.arrange();
    const { el } = stage;
    const log = recordEvents(el, ['avatar-error', 'avatar-ended']);
    try {
      await row.act(stage);
      const { code, state, ended } = row.expect;

      // (a) the avatar-error code, or none where the row expects recovery
      const errors = log.of('avatar-error');
      expect(errors.map((e) => e.code), 'avatar-error codes').to.deep.equal(code === null ? [] : [code]);
      if (code !== null) expect(errors[0]!.fatal, 'avatar-error fatal').to.equal(row.expect.fatal ?? state === 'error');

      // (b) what the user sees
      await el.updateComplete;
      expect(el.getAttribute('state'), 'state attribute').to.equal(state);
      // A fatal error shows in the error state; a non-fatal one shows as a notice while the session goes on.
      const nonFatal = code !== null && errors[0]?.fatal === false;
      const expectedStatus = state === 'error' ? el.error?.message : nonFatal ? errors.at(-1)?.message : STATUS_TEXT[state];
      expect(expectedStatus, 'a status text for this state').to.be.a('string');
      if (state === 'error') expect(expectedStatus, 'the error shown is the one fired').to.equal(errors.at(-1)?.message);
      expect(statusText(el), 'status part').to.equal(expectedStatus);
      expect(log.of('avatar-ended').map((e) => e.reason), 'avatar-ended reasons').to.deep.equal(ended ? [ended] : []);

      await row.also?.(stage);
    } finally {
      log.stop();
      await el.stop();
      el.remove();
    }
  } finally {
    await stage?.restore();
  }

  // (c) a clean teardown, once the asynchronous closing (connections, audio contexts, the removal task) is done
  const leftovers = () => {
    const now = census();
    const problems: string[] = [];
    if (now.peerConnections > 0) problems.push(`${now.peerConnections} open RTCPeerConnection(s)`);
    if (now.liveTracks > 0) problems.push(`${now.liveTracks} live MediaStreamTrack(s)`);
    const fakeTracks = liveFakeTracks();
    if (fakeTracks.length > 0) problems.push(`${fakeTracks.length} live fake SDK track(s)`);
    if (now.openAudioContexts > 0) problems.push(`${now.openAudioContexts} open AudioContext(s)`);
    if (now.mediaElements !== before.mediaElements) problems.push(`${now.mediaElements - before.mediaElements} extra media element(s)`);
    // The test runner's own command channel (sendMouse for a real click) sets timers in the page too.
    const pending = timers.pending().filter((timer) => !timer.includes('/__web-dev-server__'));
    if (pending.length > 0) problems.push(`${pending.length} pending timer(s): ${pending.join(' ;; ')}`);
    const added = listeners.live();
    if (added.length > 0) problems.push(`${added.length} page listener(s) left: ${added.join(', ')}`);
    const sdk = stage?.sdkListeners?.() ?? 0;
    if (sdk > 0) problems.push(`${sdk} SDK listener(s) still registered`);
    return problems;
  };
  try {
    await waitFor(() => leftovers().length === 0, 5000, 'a clean teardown').catch(() => undefined);
    expect(leftovers(), 'left after teardown').to.deep.equal([]);
  } finally {
    timers.restore();
    listeners.restore();
  }
}

/**
 * Counts listeners added to `window` and `document` from now on and not removed (a `once` listener counts as
 * removed when its event fires), so a row can prove the element let go of the page.
 */
export function trackPageListeners() {
  const live = new Map<string, number>();
  const restores: (() => void)[] = [];
  const keyOf = (name: string, type: string, listener: unknown, options?: boolean | AddEventListenerOptions) => {
    const capture = typeof options === 'boolean' ? options : Boolean(options?.capture);
    return { key: `${name}:${type}${capture ? ':capture' : ''}`, id: listener, capture };
  };
  const ids = new Map<unknown, number>();
  const idOf = (listener: unknown) => {
    if (!ids.has(listener)) ids.set(listener, ids.size);
    return ids.get(listener)!;
  };
  for (const [name, target] of [
    ['window', window],
    ['document', document],
  ] as const) {
    const add = target.addEventListener;
    const remove = target.removeEventListener;
    const registered = new Set<string>();
    target.addEventListener = function (this: EventTarget, type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | AddEventListenerOptions) {
      add.call(this, type, listener as EventListenerOrEventListenerObject, options);
      if (!listener) return;
      const { key, capture } = keyOf(name, type, listener, options);
      const entry = `${key}#${idOf(listener)}`;
      if (registered.has(entry)) return;
      registered.add(entry);
      live.set(key, (live.get(key) ?? 0) + 1);
      if (typeof options === 'object' && options.once) {
        add.call(this, type, () => forget(entry, key), { once: true, capture });
      }
    } as typeof target.addEventListener;
    target.removeEventListener = function (this: EventTarget, type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | EventListenerOptions) {
      remove.call(this, type, listener as EventListenerOrEventListenerObject, options);
      if (!listener) return;
      const { key } = keyOf(name, type, listener, options);
      forget(`${key}#${idOf(listener)}`, key);
    } as typeof target.removeEventListener;
    const forget = (entry: string, key: string) => {
      if (!registered.delete(entry)) return;
      const count = (live.get(key) ?? 1) - 1;
      if (count > 0) live.set(key, count);
      else live.delete(key);
    };
    restores.push(() => {
      target.addEventListener = add;
      target.removeEventListener = remove;
    });
  }
  return {
    /** `target:type` of every listener still registered, with a count where there are several. */
    live: () => [...live].map(([key, count]) => (count > 1 ? `${key} ×${count}` : key)),
    restore: () => restores.forEach((restore) => restore()),
  };
}
