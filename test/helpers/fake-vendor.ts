import { fixture, html } from '@open-wc/testing';
import { installFakeVendorTransports, type FakeVendorOptions as EmulationOptions } from '../../demo/emulation/fake-transports.js';
import type { RelayMessage } from '../../demo/emulation/relay.js';
import type { StreamingAvatarElement } from '../../src/element/streaming-avatar-element.js';
import type { SessionDescription } from '../../src/session/session-description.js';
import { createMemoryRelay } from './memory-relay.js';
import { installFetch, stubFetch, type RecordedRequest, type StubAnswer } from './vendor-fetch.js';

type Relay = ReturnType<typeof createMemoryRelay>;

/**
 * The page side of the local fake vendor, without its Node half: the emulated avatars, the fake-vendor
 * transport routing, an in-memory relay, and a stubbed `fetch` that plays the vendor's REST API
 * (`handler` answers, and may publish on the relay as the Node fake vendor does).
 */
export function setUpFakeVendor(
  handler: (request: RecordedRequest, relay: Relay) => StubAnswer,
  options: Pick<EmulationOptions, 'akoolChat'> = {},
) {
  const relay = createMemoryRelay();
  const uninstall = installFakeVendorTransports({ ...options, openRelay: relay.open });
  let current = handler;
  const stub = stubFetch((request) => current(request, relay));
  const restoreFetch = installFetch(stub.fetch);
  return {
    relay,
    requests: stub.requests,
    /** Replaces the vendor's answers from now on. */
    answer(next: (request: RecordedRequest, relay: Relay) => StubAnswer) {
      current = next;
    },
    restore() {
      restoreFetch();
      uninstall();
    },
  };
}

/** A REST vendor that relays speak/interrupt/stop to the page, like the Node fake vendor. */
export function relayingVendor(
  routes: { speak: string; interrupt?: string; stop?: string },
  success: Record<string, unknown>,
  sessionIdOf: (request: RecordedRequest) => string,
) {
  let tasks = 0;
  return (request: RecordedRequest, relay: Relay): StubAnswer => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    let message: RelayMessage | undefined;
    if (request.path.endsWith(routes.speak)) {
      const taskType = (body.task_type ?? 'talk') as 'repeat' | 'chat' | 'talk';
      message = { type: 'speak', text: String(body.text ?? body.message), taskType, taskId: `task-${++tasks}` };
    } else if (routes.interrupt && request.path.endsWith(routes.interrupt)) {
      message = { type: 'interrupt' };
    } else if (routes.stop && request.path.endsWith(routes.stop)) {
      message = { type: 'stop', reason: 'user' };
    }
    // Answer first, relay after: the REST call returns before the avatar starts, as with the real vendor.
    if (message) setTimeout(() => relay.publish(sessionIdOf(request), message!), 0);
    return { body: success };
  };
}

/** A `<streaming-avatar>` whose session description comes from `description` (no token endpoint). */
export async function avatarWith(description: SessionDescription, attributes: { streamType?: string } = {}) {
  const el = await fixture<StreamingAvatarElement>(
    html`<streaming-avatar provider=${description.provider} stream-type=${attributes.streamType ?? ''}></streaming-avatar>`,
  );
  const stops: { provider: string; sessionId: string }[] = [];
  el.fetchSession = async () => structuredClone(description);
  // The vendor tests check what is stopped; the requestId a stop also carries is the token endpoint tests' concern.
  el.stopSession = async ({ provider, sessionId }) => {
    stops.push({ provider, sessionId });
  };
  return { el, stops };
}
