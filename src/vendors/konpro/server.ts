/** KonPro's server half: HeyGen's implementation (../heygen/server.ts) with KonPro's facts and auth. */
import { familyEnvelope, heygenFamily, type Dialect } from '../heygen/server.js';
import type { ApiKeyProviderConfig } from '../../server/types.js';
import { KONPRO_FACTS } from './facts.js';
import { KONPRO_POLICY, type KonproField } from './policy.js';

export interface KonProProviderConfig extends ApiKeyProviderConfig<KonproField> {
  /** KonPro `livekit_settings` (own LiveKit instance, beta), forwarded as is. */
  livekitSettings?: Record<string, unknown>;
}

export const KONPRO: Dialect = {
  ...KONPRO_FACTS,
  envelope: familyEnvelope(KONPRO_FACTS),
  serverPaths: { createToken: '/v1/streaming/create_token', newSession: '/v1/streaming/new' },
  newAuth: 'api-key',
  policy: KONPRO_POLICY,
};

/** The server half the registry (server/registry.ts) names. */
export const konpro = heygenFamily(KONPRO);
