// Opens a built example app in Chromium and reports what the element and the framework did.
import type { Browser } from 'puppeteer-core';
import { newPage } from './chromium.js';
import { serveDirectory } from './static-server.js';

export interface AppRun {
  /** The element's `state` attribute once the app settled. */
  state: string | null;
  /** How many sessions began: `avatar-state-change` events to `connecting`, counted by the page itself. */
  sessionsStarted: number;
  /** What the framework rendered from its own `avatar-ready` handler (`#ready-events`). */
  readyEventsRendered: string | null;
  /** The element's `sessionParams` property, as the framework bound it (JSON). */
  sessionParams: unknown;
  errors: string[];
}

/**
 * Serves `dir`, opens it, waits until the element is `connected` and the framework rendered a ready
 * count, then waits a little longer so a second (unwanted) session would show in the count.
 */
export async function runExampleApp(browser: Browser, dir: string, timeoutMs = 30000): Promise<AppRun> {
  const server = await serveDirectory(dir);
  const { page, errors } = await newPage(browser);
  try {
    // Installed before any app script runs, so no event is missed; events are composed and bubble.
    await page.evaluateOnNewDocument(() => {
      const seen = { connecting: 0 };
      Object.defineProperty(window, '__avatarSeen', { value: seen });
      window.addEventListener(
        'avatar-state-change',
        (event) => {
          if ((event as CustomEvent<{ state: string }>).detail.state === 'connecting') seen.connecting += 1;
        },
        { capture: true },
      );
    });
    await page.goto(server.url);
    await page
      .waitForFunction(
        () =>
          document.querySelector('streaming-avatar')?.getAttribute('state') === 'connected' &&
          document.querySelector('#ready-events')?.textContent?.trim() === '1',
        { timeout: timeoutMs, polling: 100 },
      )
      .catch(() => undefined); // The assertions below say what was missing.
    await new Promise((resolve) => setTimeout(resolve, 300));
    return await page.evaluate(() => ({
      state: document.querySelector('streaming-avatar')?.getAttribute('state') ?? null,
      sessionsStarted: (window as unknown as { __avatarSeen: { connecting: number } }).__avatarSeen.connecting,
      readyEventsRendered: document.querySelector('#ready-events')?.textContent?.trim() ?? null,
      sessionParams: (document.querySelector('streaming-avatar') as (Element & { sessionParams?: unknown }) | null)?.sessionParams ?? null,
      errors: [] as string[],
    })).then((run) => ({ ...run, errors }));
  } finally {
    await page.close();
    await server.close();
  }
}
