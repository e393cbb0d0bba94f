/** DeepBrain's cost policy: which session request fields the page may set, and the maxima on `sessions/start`. */
import { clampField, type FieldRule, type SessionLimits, type VendorPolicy } from '../../server/policy.js';
import { DEEPBRAIN_DURATION_UNIT_S } from './facts.js';

const page = (why: string): FieldRule => ({ owner: 'page', why });
const site = (why: string): FieldRule => ({ owner: 'site', why });

export const DEEPBRAIN_FIELDS = {
  avatarId: page('which avatar (checked against `avatars`)'),
  language: page('spoken language'),
  llm: site('which LLM answers, and its settings'),
  systemPrompt: site('the LLM prompt'),
  greetingText: site('what the avatar says first'),
  maxSessionDuration: site('how long the session bills'),
  lipAudioMode: site('how the avatar is driven'),
} as const satisfies Record<string, FieldRule>;

export type DeepbrainField = keyof typeof DEEPBRAIN_FIELDS;

/**
 * `max_session_duration` is always sent, at most `maxDurationS` in DeepBrain's unit (minutes, UNCERTAIN:
 * `DEEPBRAIN_DURATION_UNIT_S`), so no session runs to DeepBrain's own default, which is undocumented.
 */
export function deepbrainBound(body: Record<string, unknown>, { maxDurationS }: SessionLimits): string[] {
  const max = Math.max(1, Math.floor(maxDurationS / DEEPBRAIN_DURATION_UNIT_S));
  return clampField(body, 'max_session_duration', max, `maxDurationS ${maxDurationS} s`, true);
}

export const DEEPBRAIN_POLICY: VendorPolicy<DeepbrainField> = { fields: DEEPBRAIN_FIELDS, bound: deepbrainBound };
