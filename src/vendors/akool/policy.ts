/** Akool's cost policy: which session request fields the page may set, and the maxima on `session/create`. */
import { clampField, type FieldRule, type SessionLimits, type VendorPolicy } from '../../server/policy.js';

const page = (why: string): FieldRule => ({ owner: 'page', why });
const site = (why: string): FieldRule => ({ owner: 'site', why });

export const AKOOL_FIELDS = {
  avatarId: page('which avatar (checked against `avatars`)'),
  streamType: page('the transport (Agora, LiveKit, TRTC)'),
  'voice.voiceId': page('voice'),
  'voice.rate': page('speaking rate'),
  language: page('spoken language'),
  modeType: page('speaking mode: 1 repeats, 2 answers'),
  duration: site('Akool pre-charges the whole duration'),
  voiceUrl: site('a voice file the vendor fetches'),
  backgroundUrl: site('a background image the vendor fetches'),
  knowledgeId: site('which knowledge base (LLM) answers'),
  voiceParams: site('speech-to-text and turn detection settings'),
  elevenlabsSettings: site('the ElevenLabs voice model'),
} as const satisfies Record<string, FieldRule>;

export type AkoolField = keyof typeof AKOOL_FIELDS;

/** `duration` is always sent, at most `maxDurationS` (Akool charges it up front). */
export function akoolBound(body: Record<string, unknown>, { maxDurationS }: SessionLimits): string[] {
  return clampField(body, 'duration', maxDurationS, 'maxDurationS', true);
}

export const AKOOL_POLICY: VendorPolicy<AkoolField> = { fields: AKOOL_FIELDS, bound: akoolBound };
