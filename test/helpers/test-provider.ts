import { registerProvider } from '../../src/providers/registry.js';

/**
 * A provider that needs a server (so the token endpoint is used) but whose sessions are played by the
 * local transport with the local protocol: the real media path, with a stubbed backend.
 */
export function registerTestProvider(name = 'test-server'): () => void {
  return registerProvider(name, {
    needsServer: true,
    expectedTransport: () => 'local',
    load: () => import('../../src/providers/local.js'),
  });
}
