import { AvatarError, reasonOf } from '../errors/avatar-error.js';
import type { renderControls } from './controls.js';

type RenderControls = typeof renderControls;
type ControlsModule = { renderControls: RenderControls };

/** Called when the bar's chunk lands (`error` absent) or fails to (a non-fatal `controls-load-failed`). */
export type ControlsLoaded = (error?: AvatarError) => void;

let importControls = (): Promise<ControlsModule> => import('./controls.js');
let loaded: RenderControls | undefined;
let loading: Promise<RenderControls> | undefined;
const waiting = new Set<ControlsLoaded>();

/**
 * The control bar is its own chunk: pages without `controls` never fetch it. Returns the renderer once it
 * is loaded; until then it starts the import (once; again after a failure) and calls `onDone` when it
 * lands or fails, which is long before a session is live, since the element asks as soon as `controls` is set.
 */
export function controlsRenderer(onDone: ControlsLoaded): RenderControls | undefined {
  if (loaded) return loaded;
  // One callback per element however often it renders meanwhile.
  waiting.add(onDone);
  loading ??= importControls().then(
    (module) => {
      loaded = module.renderControls;
      settle();
      return loaded;
    },
    (cause: unknown) => {
      // The next render asks again.
      loading = undefined;
      const error = new AvatarError('controls-load-failed', `The control bar could not load (${reasonOf(cause)}).`, { fatal: false, cause });
      settle(error);
      throw error;
    },
  );
  loading.catch(() => undefined);
  return undefined;
}

function settle(error?: AvatarError): void {
  const callbacks = [...waiting];
  waiting.clear();
  callbacks.forEach((callback) => callback(error));
}

/** The control bar's import while it is on its way (undefined once loaded, or before anyone asked). */
export function controlsPending(): Promise<unknown> | undefined {
  return loaded ? undefined : loading;
}

/** Test seam: replaces the chunk's import (e.g. with one that fails as a missing chunk does); returns the undo. */
export function replaceControlsImport(load: () => Promise<ControlsModule>): () => void {
  const previous = importControls;
  importControls = load;
  return () => {
    importControls = previous;
  };
}
