/** KonPro's browser adapter: HeyGen's (../heygen/adapter.ts) with KonPro's slash paths and host. */
import type { ProviderAdapter, ProviderContext } from '../../providers/provider.js';
import { createHeygenProvider } from '../heygen/adapter.js';
import { KONPRO_FACTS } from './facts.js';

export function createProvider(context: ProviderContext): ProviderAdapter {
  return createHeygenProvider(context, KONPRO_FACTS);
}
