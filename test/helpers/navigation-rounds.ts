import { expect } from '@open-wc/testing';
import { expectNothingRunning, randomInt, sleep, type Backend } from './money-backend.js';

/**
 * Navigation away while a create is in flight: a framed page (test/fixtures/navigation/) starts a
 * session against the test backend and is navigated away 0–200 ms after its create went out, mostly
 * before the answer. Its pagehide beacon must name the create's requestId.
 */

export interface NavigationRound {
  requestId: string;
  /** The stop the backend received for that create. */
  stop: { provider?: unknown; sessionId?: unknown; requestId?: unknown; stopToken?: unknown };
  /** Whether the page had the session id when it left (else it left mid-create). */
  sawSession: boolean;
}

export async function navigateAwayMidCreate(backend: Backend, round: number): Promise<NavigationRound> {
  const iframe = document.createElement('iframe');
  const sent = new Promise<string>((resolve) => {
    const onMessage = (event: MessageEvent<{ type?: string; requestId?: string }>) => {
      if (event.source !== iframe.contentWindow || event.data?.type !== 'create-sent') return;
      window.removeEventListener('message', onMessage);
      resolve(event.data.requestId ?? '');
    };
    window.addEventListener('message', onMessage);
  });
  iframe.src = `/test/fixtures/navigation/frame.html?base=${encodeURIComponent(backend.base)}`;
  document.body.append(iframe);
  try {
    const requestId = await sent;
    expect(requestId, `round ${round}: the create's requestId`).to.match(/^[0-9a-f-]{36}$/);
    // Most rounds leave while the vendor is still answering (two calls of 0–80 ms); some just after.
    await sleep(round % 4 === 3 ? randomInt(150, 300) : randomInt(0, 60));
    const left = new Promise((resolve) => iframe.addEventListener('load', resolve, { once: true }));
    iframe.contentWindow!.location.replace('about:blank');
    await left;
    let stop: NavigationRound['stop'] | undefined;
    for (let tries = 0; !stop && tries < 100; tries++) {
      const census = await backend.census();
      stop = census.stops.map((s) => s.body as NavigationRound['stop']).find((body) => body?.requestId === requestId);
      if (!stop) await sleep(50);
    }
    expect(stop, `round ${round}: a stop (the pagehide beacon) names requestId ${requestId}`).to.not.equal(undefined);
    return { requestId, stop: stop!, sawSession: typeof stop!.sessionId === 'string' };
  } finally {
    iframe.remove();
  }
}

export { expectNothingRunning };
