import { AvatarError } from '../errors/avatar-error.js';
import type { TransportKind, TransportModule } from './transport.js';

export type TransportLoader = () => Promise<TransportModule>;

/**
 * Each transport is its own module, imported only when a session names it, so a page whose session is
 * LiveKit never downloads Agora or TRTC code. Literal `import()` paths let bundlers split one chunk each.
 */
const builtIn: Record<TransportKind, TransportLoader> = {
  local: () => import('./local/local-transport.js'),
  livekit: () => import('./livekit.js'),
  agora: () => import('./agora.js'),
  trtc: () => import('./trtc.js'),
};

const overrides = new Map<string, TransportLoader>();
const pending = new Map<TransportLoader, Promise<TransportModule>>();

/**
 * Replaces the loader for a transport kind: tests inject fakes here, and the dev server plays fake-vendor
 * sessions through the local transport. Returns a function that restores the previous loader.
 */
export function registerTransport(kind: string, loader: TransportLoader): () => void {
  const previous = overrides.get(kind);
  overrides.set(kind, loader);
  return () => {
    if (overrides.get(kind) !== loader) return;
    if (previous) overrides.set(kind, previous);
    else overrides.delete(kind);
  };
}

/**
 * The library's own loader for `kind`, ignoring `registerTransport()` overrides: an override that wraps
 * the real transport (the demo's fake-vendor router) falls back to it.
 */
export function builtInTransportLoader(kind: string): TransportLoader | undefined {
  return Object.hasOwn(builtIn, kind) ? builtIn[kind as TransportKind] : undefined;
}

/** Imports the transport module for `kind` (once per loader; a failed import is retried next time). */
export function loadTransport(kind: string): Promise<TransportModule> {
  const loader = overrides.get(kind) ?? builtInTransportLoader(kind);
  if (!loader) {
    return Promise.reject(new AvatarError('transport-load-failed', `No transport is available for "${kind}".`));
  }
  let promise = pending.get(loader);
  if (!promise) {
    promise = loader().then(
      (module) => {
        if (typeof module?.createTransport !== 'function') {
          throw new AvatarError('transport-load-failed', `The "${kind}" transport module has no createTransport().`);
        }
        return module;
      },
      (error: unknown) => {
        pending.delete(loader);
        const reason = error instanceof Error ? error.message : String(error);
        throw new AvatarError('transport-load-failed', `Could not load the "${kind}" transport: ${reason}`, {
          cause: error,
        });
      },
    );
    pending.set(loader, promise);
  }
  return promise;
}
