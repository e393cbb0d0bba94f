import { AvatarError } from '../errors/avatar-error.js';
import type { ProviderEntry } from './provider.js';

/** A vendor: its sessions come from the token endpoint (the server holds the key). */
function vendor(load: ProviderEntry['load'], expectedTransport: ProviderEntry['expectedTransport'] = () => 'livekit'): ProviderEntry {
  return { needsServer: true, expectedTransport, load };
}

/**
 * Vendors the element knows. Each adapter is its own module, loaded only when a session names it; the entry
 * only says which transport to start importing while the token request is in flight.
 */
const builtIn: Record<string, ProviderEntry> = {
  local: {
    needsServer: false,
    expectedTransport: () => 'local',
    load: () => import('./local.js'),
  },
  heygen: vendor(() => import('../vendors/heygen/adapter.js')),
  konpro: vendor(() => import('../vendors/konpro/adapter.js')),
  deepbrain: vendor(() => import('../vendors/deepbrain/adapter.js')),
  // Akool's own default stream type is Agora.
  akool: vendor(() => import('../vendors/akool/adapter.js'), (config) => config.streamType ?? 'agora'),
};

const custom = new Map<string, ProviderEntry>();

/** Adds or replaces a provider (a new vendor, or a test double). Returns a function that removes it. */
export function registerProvider(name: string, entry: ProviderEntry): () => void {
  const previous = custom.get(name);
  custom.set(name, entry);
  return () => {
    if (custom.get(name) !== entry) return;
    if (previous) custom.set(name, previous);
    else custom.delete(name);
  };
}

export function findProvider(name: string): ProviderEntry | undefined {
  return custom.get(name) ?? (Object.hasOwn(builtIn, name) ? builtIn[name] : undefined);
}

export function providerNames(): string[] {
  return [...new Set([...Object.keys(builtIn), ...custom.keys()])].sort();
}

export function getProvider(name: string): ProviderEntry {
  const entry = findProvider(name);
  if (!entry) {
    throw new AvatarError('unknown-provider', `provider="${name}" is not a known provider: use one of ${providerNames().join(', ')}.`, {
      attribute: 'provider',
    });
  }
  return entry;
}
