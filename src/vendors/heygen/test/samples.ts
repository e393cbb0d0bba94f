// Test values for every field of HeyGen's policy table (../policy.ts), shared with KonPro, whose table it is too.
import type { Sample } from '../../../../test/node/support/policy-cases.js';
import type { HEYGEN_FIELDS } from '../policy.js';

export const HEYGEN_SAMPLES: Record<keyof typeof HEYGEN_FIELDS, Sample> = {
  avatarId: { value: 'Anna_public', at: 'avatar_id' },
  quality: { value: 'low', at: 'quality' },
  videoEncoding: { value: 'VP8', at: 'video_encoding' },
  language: { value: 'de', at: 'language' },
  'voice.voiceId': { value: 'voice-1', at: 'voice.voice_id' },
  'voice.rate': { value: 1.25, at: 'voice.rate' },
  'voice.emotion': { value: 'serious', at: 'voice.emotion' },
  emotion: { value: 'friendly', at: 'voice.emotion' },
  idleTimeout: { value: 60, at: 'activity_idle_timeout', above: 240 },
  disableIdleTimeout: { value: true, at: 'disable_idle_timeout' },
  knowledgeBase: { value: 'You sell bikes.', at: 'knowledge_base' },
  knowledgeBaseId: { value: 'kb-1', at: 'knowledge_base_id' },
  elevenlabsSettings: { value: { modelId: 'eleven_flash_v2_5' }, at: 'voice.elevenlabs_settings', sent: { model_id: 'eleven_flash_v2_5' } },
  sttSettings: { value: { provider: 'deepgram' }, at: 'stt_settings', sent: { provider: 'deepgram' } },
};

