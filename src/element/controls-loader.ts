import type { renderControls } from './controls.js';

type RenderControls = typeof renderControls;

let loaded: RenderControls | undefined;
let loading: Promise<RenderControls> | undefined;

/**
 * The control bar is its own chunk: pages without `controls` never fetch it. Returns the renderer once it
 * is loaded; until then it starts the import (once; again after a failure) and calls `onLoad` when it lands,
 * which is long before a session is live, since the element asks as soon as `controls` is set.
 */
export function controlsRenderer(onLoad: () => void): RenderControls | undefined {
  if (loaded) return loaded;
  // One callback per element however often it renders meanwhile.
  waiting.add(onLoad);
  loading ??= import('./controls.js').then(
    (module) => {
      loaded = module.renderControls;
      const callbacks = [...waiting];
      waiting.clear();
      callbacks.forEach((callback) => callback());
      return loaded;
    },
    (error: unknown) => {
      // The next render asks again.
      loading = undefined;
      throw error;
    },
  );
  loading.catch(() => undefined);
  return undefined;
}

const waiting = new Set<() => void>();

/** The control bar's import while it is on its way (undefined once loaded, or before anyone asked). */
export function controlsPending(): Promise<unknown> | undefined {
  return loaded ? undefined : loading;
}
