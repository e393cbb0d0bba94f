import type { ProviderAdapter, ProviderContext } from './provider.js';
import { createHeygenProvider, KONPRO } from './heygen.js';

/** KonPro: the HeyGen adapter with KonPro's slash paths and host (see `KONPRO` in heygen.ts). */
export function createProvider(context: ProviderContext): ProviderAdapter {
  return createHeygenProvider(context, KONPRO);
}
