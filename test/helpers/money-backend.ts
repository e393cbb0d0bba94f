import { expect } from '@open-wc/testing';
import { installFakeVendorTransports } from '../../demo/emulation/fake-transports.js';
import { openEventSourceRelay } from '../../demo/emulation/relay.js';
import type { StreamingAvatarElement } from '../../src/element/streaming-avatar-element.js';
import type { Census } from '../backend/money-backend.js';
import { waitFor } from './events.js';

/**
 * The page side of test/backend/money-backend.ts: a namespace of the real session handler and the fake
 * vendor (in Node, behind the test runner's dev server), the fake-vendor emulation that plays its sessions
 * through the local transport, and the count that matters: vendor sessions still running.
 */

export interface Backend {
  /** The namespace's `token-url`. */
  tokenUrl: string;
  /** `/__money-backend/<ns>`, for pages (an iframe) that build their own URLs. */
  base: string;
  census(): Promise<Census>;
  /** Ids of the vendor sessions made and not stopped. */
  running(): Promise<string[]>;
  close(): Promise<void>;
}

/** `clientAbort: false`: the handler does not notice a page that leaves (test/backend/money-backend.ts). */
export function openBackend({ clientAbort = true }: { clientAbort?: boolean } = {}): Backend {
  const ns = `${clientAbort ? 'ns' : 'noabort'}-${crypto.randomUUID()}`;
  const base = `/__money-backend/${ns}`;
  // The fake vendor names its relay at `/fake-vendor/…` on its host; here that lives under the namespace.
  const uninstall = installFakeVendorTransports({
    openRelay: (url) => openEventSourceRelay(url.replace(`${location.origin}/fake-vendor/`, `${location.origin}${base}/fake-vendor/`)),
  });
  const census = async (): Promise<Census> => {
    const response = await fetch(`${base}/census`, { cache: 'no-store' });
    // Before the first create there is no namespace yet: nothing was made.
    return response.ok ? ((await response.json()) as Census) : { sessions: [], creates: [], stops: [] };
  };
  return {
    tokenUrl: `${base}/api/avatar`,
    base,
    census,
    running: async () => (await census()).sessions.filter((session) => session.state !== 'closed').map((session) => session.id),
    async close() {
      uninstall();
      await fetch(`${base}/close`, { method: 'POST' });
    },
  };
}

/** The vendor session the element holds: one while it is live, none otherwise. */
export function heldBy(el: StreamingAvatarElement): string[] {
  return el.state === 'connected' || el.state === 'reconnecting' ? [el.sessionId!] : [];
}

/**
 * Waits for the element to leave `connecting`, then for the vendor's running sessions to be exactly the
 * one it holds (stops and late answers take a few round trips), and asserts that they are.
 */
export async function expectOnlyHeld(backend: Backend, el: StreamingAvatarElement, round: string): Promise<void> {
  await waitFor(() => el.state !== 'connecting', 10_000, `${round}: the element to settle`);
  let running: string[] = [];
  const deadline = performance.now() + 3000;
  for (;;) {
    running = await backend.running();
    const held = heldBy(el);
    if (running.length === held.length && running.every((id) => held.includes(id))) break;
    if (performance.now() > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  expect(running, `${round}: vendor sessions running = the one the element holds (state ${el.state})`).to.have.members(heldBy(el));
}

/** Waits (up to `timeoutMs`) for no vendor session to be running, and asserts it. */
export async function expectNothingRunning(backend: Backend, label: string, timeoutMs = 5000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  let running = await backend.running();
  while (running.length > 0 && performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    running = await backend.running();
  }
  expect(running, `${label}: vendor sessions still running`).to.deep.equal([]);
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
export const randomInt = (min: number, max: number) => min + Math.floor(Math.random() * (max - min + 1));
