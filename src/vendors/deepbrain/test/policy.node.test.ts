// DeepBrain's cost policy (../policy.ts) through the handler, and its session-length bound in its own unit.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createSessionHandler } from '../../../server/index.js';
import { NOW, post, STOP_SECRET } from '../../../../test/node/support/fake-env.js';
import { lastCreate, policyCases } from '../../../../test/node/support/policy-cases.js';
import { DEEPBRAIN_DURATION_UNIT_S } from '../facts.js';
import { DEEPBRAIN_FIELDS } from '../policy.js';

const START = '/api/v2/sessions/start';

const env = policyCases({
  vendor: 'deepbrain',
  fields: DEEPBRAIN_FIELDS,
  createPath: START,
  base: { avatarId: 'db-avatar' },
  samples: {
    avatarId: { value: 'db-avatar-2', at: 'avatar_id' },
    language: { value: 'ko', at: 'avatar_persona.language' },
    llm: { value: { model: 'gpt-4o' }, at: 'avatar_persona.llm_configurations.model', sent: 'gpt-4o' },
    systemPrompt: { value: 'Be brief.', at: 'avatar_persona.llm_configurations.custom_settings.system_prompt' },
    greetingText: { value: 'Welcome!', at: 'greeting_text' },
    maxSessionDuration: { value: 3, at: 'max_session_duration' },
    lipAudioMode: { value: 'audio', at: 'lip_audio_mode' },
  },
});

describe('DeepBrain maxima', () => {
  const handler = (options: Partial<Parameters<typeof createSessionHandler>[0]> = {}, site: Record<string, unknown> = {}) =>
    createSessionHandler({ providers: { deepbrain: { ...env.providers.deepbrain!, ...site } }, secret: STOP_SECRET, logger: { warn: (line) => env.logs.push(line) }, now: () => NOW, ...options });

  it(`always sends max_session_duration, at most maxDurationS in DeepBrain's unit (${DEEPBRAIN_DURATION_UNIT_S} s)`, async () => {
    const plain = await post(handler(), { provider: 'deepbrain', avatarId: 'a' });
    assert.equal(plain.status, 200, plain.text);
    assert.equal(lastCreate(env, START).max_session_duration, 600 / DEEPBRAIN_DURATION_UNIT_S);
    assert.equal(plain.json.options.maxSessionDuration, 600 / DEEPBRAIN_DURATION_UNIT_S);
    assert.equal(plain.json.expiresAt, new Date(NOW + 600_000).toISOString());

    for (const site of [{ defaults: { maxSessionDuration: 1441 } }, { vendorFields: { max_session_duration: 2 ** 31 } }]) {
      const answer = await post(handler({ maxDurationS: 300 }, site), { provider: 'deepbrain', avatarId: 'a' });
      assert.equal(answer.status, 200, answer.text);
      assert.equal(lastCreate(env, START).max_session_duration, 300 / DEEPBRAIN_DURATION_UNIT_S, JSON.stringify(site));
    }
    assert.ok(env.logs.some((line) => /max_session_duration 1441 lowered to 5/.test(line)), env.logs.join('\n'));
  });

  it('keeps a shorter duration the site asks for', async () => {
    const answer = await post(handler({}, { defaults: { maxSessionDuration: 2 } }), { provider: 'deepbrain', avatarId: 'a' });
    assert.equal(answer.status, 200, answer.text);
    assert.equal(lastCreate(env, START).max_session_duration, 2);
  });
});
