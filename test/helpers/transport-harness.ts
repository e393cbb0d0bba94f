import '../../src/define.js';
import type { StreamingAvatarElement } from '../../src/element/streaming-avatar-element.js';
import type { ProviderContext } from '../../src/providers/provider.js';
import { registerProvider } from '../../src/providers/registry.js';
import { registerTransport } from '../../src/transports/registry.js';
import type { DataInfo, Transport, TransportCredentials, TransportHost, TransportOptions } from '../../src/transports/transport.js';
import { liveTracks } from '../fakes/media.js';
import { recordEvents } from './events.js';

/**
 * Drives a real `<streaming-avatar>` through a transport plugin whose SDK is a fake: a test provider (which
 * records the data messages it receives) asks for a session of the given kind, and the plugin is created
 * through `registerTransport` with the fake SDK injected at its loader seam.
 */
export interface Harness {
  el: StreamingAvatarElement;
  /** The element's one `<video>`, in its shadow root. */
  readonly video: HTMLVideoElement;
  received: Uint8Array[];
  /** The topic and sender the transport gave with each received message (same order). */
  receivedInfo: DataInfo[];
  /** Every report the transport made to its host, by method name, in order. */
  hostCalls: string[];
  /** The transport the session created (through the provider's context). */
  transport(): Transport;
  /** The test provider's context (its `events` report speaking, as a vendor's messages would). */
  context(): ProviderContext;
  /** How many times the session asked the provider to interrupt the avatar. */
  readonly interrupts: number;
  events: ReturnType<typeof recordEvents>;
  /** How the session ended: the element's state, its error code and the `avatar-ended` reason. */
  outcome(): { state: string; code?: string; reason?: string };
  timers: TimerTracker;
  dispose(): Promise<void>;
}

export interface HarnessOptions {
  credentials: TransportCredentials;
  create(options: TransportOptions): Transport;
  joinTimeoutMs?: number;
  attributes?: Record<string, string>;
}

let counter = 0;

export function startHarness({ credentials, create, joinTimeoutMs, attributes = {} }: HarnessOptions): Harness {
  const timers = trackTimers();
  const kind = credentials.kind;
  const provider = `test-${kind}-${++counter}`;
  const received: Uint8Array[] = [];
  const receivedInfo: DataInfo[] = [];
  const hostCalls: string[] = [];
  let context: ProviderContext | undefined;
  let interrupts = 0;
  const unregisterTransport = registerTransport(kind, async () => ({
    createTransport: (options) =>
      create({ ...options, host: recordHost(options.host, hostCalls), joinTimeoutMs: joinTimeoutMs ?? options.joinTimeoutMs }),
  }));
  const unregisterProvider = registerProvider(provider, {
    needsServer: true,
    expectedTransport: () => kind,
    load: async () => ({
      createProvider(ctx) {
        context = ctx;
        return {
          receive: (payload, info) => {
            received.push(payload);
            receivedInfo.push(info ?? {});
          },
          speak: async () => undefined,
          interrupt: async () => {
            interrupts++;
            return 'ok';
          },
          dispose: () => undefined,
        };
      },
    }),
  });

  const el = document.createElement('streaming-avatar');
  el.setAttribute('provider', provider);
  for (const [name, value] of Object.entries(attributes)) el.setAttribute(name, value);
  el.fetchSession = async () => ({ provider, sessionId: `session-${counter}`, transport: credentials });
  el.stopSession = async () => undefined;
  document.body.append(el);
  const events = recordEvents(el, ['avatar-state-change', 'avatar-ready', 'avatar-error', 'avatar-ended', 'avatar-autoplay-blocked']);

  return {
    el,
    get video() {
      const video = el.shadowRoot?.querySelector('video');
      if (!video) throw new Error('No <video> in the shadow root yet');
      return video;
    },
    received,
    receivedInfo,
    hostCalls,
    events,
    outcome: () => ({ state: el.state, code: el.error?.code, reason: events.of('avatar-ended')[0]?.reason }),
    timers,
    transport() {
      return this.context().transport;
    },
    context() {
      if (!context) throw new Error('No session was created');
      return context;
    },
    get interrupts() {
      return interrupts;
    },
    async dispose() {
      await el.stop();
      el.remove();
      events.stop();
      unregisterTransport();
      unregisterProvider();
      timers.restore();
    },
  };
}

/** Passes every report on to the session's host, noting its name (the session ignores some, e.g. tokenExpiring). */
function recordHost(host: TransportHost, calls: string[]): TransportHost {
  const recorded = {} as TransportHost;
  for (const name of Object.keys(host) as (keyof TransportHost)[]) {
    (recorded as Record<keyof TransportHost, (...args: unknown[]) => void>)[name] = (...args: unknown[]) => {
      calls.push(name);
      (host[name] as (...a: unknown[]) => void)(...args);
    };
  }
  return recorded;
}

/** The tracks on the element's `<video>`, by kind. */
export function videoTracks(video: HTMLVideoElement): MediaStreamTrack[] {
  return video.srcObject instanceof MediaStream ? video.srcObject.getTracks() : [];
}

export interface TimerTracker {
  /** Timers created since `trackTimers()` that have neither fired nor been cleared. */
  pending(): string[];
  restore(): void;
}

/**
 * Counts the page's timers from now on, so a test can assert a torn-down transport left none behind.
 * (Mocha keeps its own references to the timer functions, so its timers are not counted.)
 */
export function trackTimers(): TimerTracker {
  // The browser's timer functions, typed as such (the Node typings in the program describe other ones).
  type Schedule = (handler: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => number;
  interface Timers {
    setTimeout: Schedule;
    setInterval: Schedule;
    clearTimeout(id?: number): void;
    clearInterval(id?: number): void;
  }
  const page = window as unknown as Timers;
  const original: Timers = {
    setTimeout: page.setTimeout,
    setInterval: page.setInterval,
    clearTimeout: page.clearTimeout,
    clearInterval: page.clearInterval,
  };
  const live = new Map<number, string>();
  const where = () => new Error().stack?.split('\n').slice(2, 5).join(' | ') ?? '';
  page.setTimeout = (handler, ms, ...args) => {
    const id = original.setTimeout.call(
      window,
      () => {
        live.delete(id);
        handler(...args);
      },
      ms,
    );
    live.set(id, `timeout ${ms ?? 0} ms at ${where()}`);
    return id;
  };
  page.setInterval = (handler, ms, ...args) => {
    const id = original.setInterval.call(window, handler, ms, ...args);
    live.set(id, `interval ${ms ?? 0} ms at ${where()}`);
    return id;
  };
  page.clearTimeout = (id) => {
    if (id !== undefined) live.delete(id);
    original.clearTimeout.call(window, id);
  };
  page.clearInterval = (id) => {
    if (id !== undefined) live.delete(id);
    original.clearInterval.call(window, id);
  };
  return {
    pending: () => [...live.values()],
    restore: () => Object.assign(page, original),
  };
}

/**
 * What every test checks after the session ends (call it after `el.stop()`, before `dispose()`): nothing of
 * the fake SDK is left running.
 */
export function leftovers(harness: Harness, sdkListeners: number): string[] {
  const problems: string[] = [];
  const live = liveTracks();
  if (live.length > 0) problems.push(`${live.length} live track(s): ${live.map((t) => t.kind).join(', ')}`);
  if (sdkListeners > 0) problems.push(`${sdkListeners} SDK listener(s) still registered`);
  const timers = harness.timers.pending();
  if (timers.length > 0) problems.push(`${timers.length} timer(s) pending: ${timers.join(' ;; ')}`);
  if (harness.video.srcObject !== null) problems.push('the <video> still has a srcObject');
  return problems;
}
