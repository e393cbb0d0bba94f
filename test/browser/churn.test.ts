import { expect } from '@open-wc/testing';
import '../../src/define.js';
import type { StreamingAvatarElement } from '../../src/element/streaming-avatar-element.js';
import { waitFor } from '../helpers/events.js';
import { expectOnlyHeld, openBackend, randomInt, sleep, type Backend } from '../helpers/money-backend.js';

/**
 * Page churn against the real session handler and the fake vendor (in Node, test/backend/), whose vendor
 * makes the session when the request arrives and answers 0–80 ms later. After every round, the vendor
 * sessions still running must be exactly the one the element holds (0 or 1): none is lost.
 */

const ROUNDS = 20;

describe('churn: no vendor session is left running', function () {
  this.timeout(120_000);
  let backend: Backend;
  let el: StreamingAvatarElement;
  let host: HTMLElement;

  beforeEach(async () => {
    backend = openBackend();
    host = document.createElement('div');
    document.body.append(host);
    el = document.createElement('streaming-avatar');
    el.setAttribute('provider', 'heygen');
    el.setAttribute('avatar-id', 'avatar-a');
    el.setAttribute('token-url', backend.tokenUrl);
    host.append(el);
    await el.updateComplete;
  });
  afterEach(async () => {
    await el.stop();
    el.remove();
    host.remove();
    await backend.close();
  });

  /** Nothing runs once the element is gone, whatever the rounds did; and the rounds did make sessions. */
  async function finish(): Promise<void> {
    await el.stop();
    el.remove();
    await expectOnlyHeld(backend, el, 'after the scenario');
    const { creates, sessions } = await backend.census();
    expect(creates.length, 'creates sent').to.be.greaterThan(0);
    expect(sessions.length, 'vendor sessions made').to.be.greaterThan(0);
  }

  const start = () => void el.start().catch(() => undefined);

  it('remove and re-insert while starting (same task, next task, later)', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      if (!el.isConnected) host.append(el);
      start();
      await sleep(randomInt(0, 150));
      el.remove();
      const when = round % 3;
      // 0: the same task (a DOM move, React StrictMode): the session goes on. 1, 2: it ends, then a new start.
      if (when === 0) host.append(el);
      else {
        await sleep(when === 1 ? 0 : randomInt(5, 60));
        host.append(el);
        if (round % 2 === 0) start();
      }
      await expectOnlyHeld(backend, el, `round ${round}`);
    }
    await finish();
  });

  it('avatar-id flips while starting and while live', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const flip = async () => {
        el.avatarId = el.avatarId === 'avatar-a' ? 'avatar-b' : 'avatar-a';
        await el.updateComplete;
      };
      start();
      // While starting: the create is at the vendor for two calls of 0–80 ms each.
      for (let flips = randomInt(2, 4); flips > 0; flips--) {
        await sleep(randomInt(20, 160));
        await flip();
      }
      // While live, and again while the replacement starts.
      await waitFor(() => el.state !== 'connecting', 10_000, 'live');
      await flip();
      await sleep(randomInt(20, 160));
      await flip();
      await expectOnlyHeld(backend, el, `round ${round}`);
    }
    await finish();
  });

  it('stop() right after start()', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      start();
      // At once, after a microtask, after a task, or a little later (the request is on the wire then).
      const wait = round % 4;
      if (wait === 1) await Promise.resolve();
      else if (wait === 2) await sleep(0);
      else if (wait === 3) await sleep(randomInt(1, 60));
      await el.stop();
      expect(el.state, `round ${round}: the state moves at once`).to.equal('ended');
      await expectOnlyHeld(backend, el, `round ${round}`);
    }
    await finish();
  });

  it('removal just as the answer arrives (before and after its body is read)', async () => {
    const realFetch = window.fetch;
    let variant = 0;
    window.fetch = async (input, init) => {
      const response = await realFetch(input, init);
      if (new URL(String(input), location.href).pathname !== backend.tokenUrl) return response;
      if (variant === 0) {
        el.remove();
        return response;
      }
      // After the body is read, before the element parses it.
      const text = response.text.bind(response);
      Object.defineProperty(response, 'text', {
        value: async () => {
          const body = await text();
          el.remove();
          return body;
        },
      });
      return response;
    };
    try {
      for (let round = 0; round < ROUNDS; round++) {
        variant = round % 2;
        host.append(el);
        start();
        await waitFor(() => !el.isConnected, 10_000, `round ${round}: the answer`);
        await expectOnlyHeld(backend, el, `round ${round}`);
        expect(el.state, `round ${round}`).to.equal('ended');
      }
    } finally {
      window.fetch = realFetch;
      host.append(el);
    }
    await finish();
  });

  it('token-timeout while the vendor is still answering', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      el.setAttribute('token-timeout', String(randomInt(20, 120)));
      await el.updateComplete;
      start();
      await expectOnlyHeld(backend, el, `round ${round}`);
      await el.stop();
    }
    await finish();
  });
});
