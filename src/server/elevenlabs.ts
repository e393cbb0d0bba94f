import type { Fields } from './validation.js';

/**
 * `elevenlabsSettings` (camelCase, from the page) → the `elevenlabs_settings` object HeyGen, KonPro and
 * Akool take. An ElevenLabs API key is never read from the page; a server adds it with `vendorFields`.
 */
export function elevenlabsSettings(fields: Fields | undefined) {
  if (!fields) return undefined;
  return {
    model_id: fields.string('modelId', { maxLength: 100 }),
    stability: fields.number('stability', { min: 0, max: 1 }),
    similarity_boost: fields.number('similarityBoost', { min: 0, max: 1 }),
    style: fields.number('style', { min: 0, max: 1 }),
    use_speaker_boost: fields.boolean('useSpeakerBoost'),
  };
}
