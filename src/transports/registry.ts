import { AvatarError, reasonOf } from '../errors/avatar-error.js';
import type { TransportKind, TransportModule } from './transport.js';

export type TransportLoader = () => Promise<TransportModule>;

/**
 * Each transport is its own module, imported only when a session names it, so a page whose session is
 * LiveKit never downloads Agora or TRTC code. The local transport needs no SDK and is always there. The
 * SDK transports are plugins a page installs (`streaming-avatar/transports/livekit`, which the CDN build
 * includes): their SDKs are optional peers, and a bundler cannot build an import of a package that is not
 * installed, so the core must not name them.
 */
const builtIn: Partial<Record<TransportKind, TransportLoader>> = {
  local: () => import('./local/local-transport.js'),
};

/** SDK transports that need an install entry, and the peer package each one imports. */
const SDK_PLUGINS: Record<string, string> = { livekit: 'livekit-client', agora: 'agora-rtc-sdk-ng', trtc: 'trtc-sdk-v5' };

const installed = new Map<string, TransportLoader>();

/**
 * Makes an SDK transport available to every element on the page. Called by the install entries
 * (`transports/install/*.ts`); the loader keeps the plugin and its SDK in their own lazy chunk.
 */
export function installTransportPlugin(kind: string, loader: TransportLoader): void {
  installed.set(kind, loader);
}

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
  return installed.get(kind) ?? (Object.hasOwn(builtIn, kind) ? builtIn[kind as TransportKind] : undefined);
}

/** Whether a loader exists for `kind` (an override, an installed plugin or a built-in), without loading it. */
export function hasTransport(kind: string): boolean {
  return overrides.has(kind) || builtInTransportLoader(kind) !== undefined;
}

/** The error for a transport nobody installed; it names the import and the package to add. */
export function missingTransport(kind: string): AvatarError {
  const sdk = Object.hasOwn(SDK_PLUGINS, kind) ? SDK_PLUGINS[kind] : undefined;
  return new AvatarError(
    'transport-load-failed',
    sdk
      ? `The "${kind}" transport is not installed: import streaming-avatar/transports/${kind} and install the ${sdk} package (the CDN build includes it).`
      : `No transport is available for "${kind}".`,
  );
}

/** Imports the transport module for `kind` (once per loader; a failed import is retried next time). */
export function loadTransport(kind: string): Promise<TransportModule> {
  const loader = overrides.get(kind) ?? builtInTransportLoader(kind);
  if (!loader) {
    return Promise.reject(missingTransport(kind));
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
        throw new AvatarError('transport-load-failed', `Could not load the "${kind}" transport: ${reasonOf(error)}`, {
          cause: error,
        });
      },
    );
    pending.set(loader, promise);
  }
  return promise;
}
