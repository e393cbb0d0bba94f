// Akool's cost policy (../policy.ts) through the handler, and its pre-charged duration's bound.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createSessionHandler } from '../../../server/index.js';
import { NOW, post, STOP_SECRET } from '../../../../test/node/support/fake-env.js';
import { lastCreate, policyCases } from '../../../../test/node/support/policy-cases.js';
import { AKOOL_FIELDS } from '../policy.js';

const CREATE = '/api/open/v4/liveAvatar/session/create';

const env = policyCases({
  vendor: 'akool',
  fields: AKOOL_FIELDS,
  createPath: CREATE,
  base: { avatarId: 'dvp_Tristan' },
  samples: {
    avatarId: { value: 'dvp_Alinna', at: 'avatar_id' },
    streamType: { value: 'livekit', at: 'stream_type' },
    'voice.voiceId': { value: 'v-1', at: 'voice_id' },
    'voice.rate': { value: 1.1, at: 'voice_params.speed' },
    language: { value: 'fr', at: 'language' },
    modeType: { value: 1, at: 'mode_type' },
    duration: { value: 300, at: 'duration' },
    voiceUrl: { value: 'https://voices.example/v.mp3', at: 'voice_url' },
    backgroundUrl: { value: 'https://img.example/bg.jpg', at: 'background_url' },
    knowledgeId: { value: 'kb-9', at: 'knowledge_id' },
    voiceParams: { value: { sttLanguage: 'fr' }, at: 'voice_params.stt_language', sent: 'fr' },
    elevenlabsSettings: { value: { stability: 0.4 }, at: 'voice_params.elevenlabs_settings', sent: { stability: 0.4 } },
  },
});

describe('Akool maxima', () => {
  const handler = (options: Partial<Parameters<typeof createSessionHandler>[0]> = {}, site: Record<string, unknown> = {}) =>
    createSessionHandler({ providers: { akool: { ...env.providers.akool!, ...site } }, secret: STOP_SECRET, logger: { warn: (line) => env.logs.push(line) }, now: () => NOW, ...options });

  it('never asks for more than maxDurationS (Akool pre-charges the whole duration), whatever the config says', async () => {
    const sources = [{ defaults: { duration: 3600 } }, { defaultDuration: 3600 }, { vendorFields: { duration: 3600 } }];
    for (const site of sources) {
      const answer = await post(handler({}, site), { provider: 'akool', avatarId: 'a' });
      assert.equal(answer.status, 200, answer.text);
      assert.equal(lastCreate(env, CREATE).duration, 600, JSON.stringify(site));
      assert.equal(answer.json.options.duration, 600);
      assert.equal(answer.json.expiresAt, new Date(NOW + 600_000).toISOString());
    }
    const lower = await post(handler({ maxDurationS: 120 }, { allow: ['duration'] }), { provider: 'akool', avatarId: 'a', duration: 3000 });
    assert.equal(lower.status, 200, lower.text);
    assert.equal(lastCreate(env, CREATE).duration, 120);
    const hooked = await post(handler({ beforeCreate: (_r, body) => ({ ...body, duration: 3600 }) }), { provider: 'akool', avatarId: 'a' });
    assert.equal(hooked.status, 200, hooked.text);
    assert.equal(lastCreate(env, CREATE).duration, 600);
  });
});
