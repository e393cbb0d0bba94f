/** HeyGen's cost policy: which session request fields the page may set, and the maxima on `streaming.new`. */
import { clampField, type FieldRule, type VendorPolicy } from '../../server/policy.js';
import { DEFAULT_IDLE_TIMEOUT_S } from './facts.js';

const page = (why: string): FieldRule => ({ owner: 'page', why });
const site = (why: string): FieldRule => ({ owner: 'site', why });

/**
 * HeyGen has no session-length field: `maxDurationS` holds through the answer's `expiresAt` (the element
 * ends the session then) and the ledger's reaper. The idle timeout is the page's only below the vendor's
 * default; longer, or disabled, keeps an idle visitor's session billing.
 */
export const HEYGEN_FIELDS = {
  avatarId: page('which avatar (checked against `avatars`)'),
  quality: page('video quality'),
  videoEncoding: page('video codec'),
  language: page('spoken language'),
  'voice.voiceId': page('voice'),
  'voice.rate': page('speaking rate'),
  'voice.emotion': page('voice emotion'),
  emotion: page('voice emotion'),
  idleTimeout: { owner: 'page', pageMax: DEFAULT_IDLE_TIMEOUT_S, why: 'seconds an idle session keeps billing' },
  disableIdleTimeout: site('an idle session bills until its time limit'),
  knowledgeBase: site('the LLM prompt the avatar answers with'),
  knowledgeBaseId: site('which knowledge base (LLM) answers'),
  elevenlabsSettings: site('the ElevenLabs voice model'),
  sttSettings: site('the speech-to-text provider'),
} as const satisfies Record<string, FieldRule>;

export type HeygenField = keyof typeof HEYGEN_FIELDS;

/** The maxima on a HeyGen-family `new` body (KonPro's too). */
export function heygenBound(body: Record<string, unknown>, { maxIdleTimeoutS }: { maxIdleTimeoutS: number }): string[] {
  return clampField(body, 'activity_idle_timeout', maxIdleTimeoutS, 'maxIdleTimeoutS');
}

export const HEYGEN_POLICY: VendorPolicy<HeygenField> = { fields: HEYGEN_FIELDS, bound: heygenBound };
