/**
 * KonPro's cost policy. Its `streaming/new` takes HeyGen's fields (docs.konpro.ai), so the table is
 * HeyGen's; `livekit_settings` (an own LiveKit instance) comes only from the config's `livekitSettings`.
 */
import type { VendorPolicy } from '../../server/policy.js';
import { HEYGEN_FIELDS, heygenBound } from '../heygen/policy.js';

export const KONPRO_FIELDS = { ...HEYGEN_FIELDS } as const;

export type KonproField = keyof typeof KONPRO_FIELDS;

export const KONPRO_POLICY: VendorPolicy<KonproField> = { fields: KONPRO_FIELDS, bound: heygenBound };
