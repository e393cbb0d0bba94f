// KonPro's cost policy (../policy.ts): HeyGen's table, on KonPro's paths.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createSessionHandler } from '../../../server/index.js';
import { post, STOP_SECRET } from '../../../../test/node/support/fake-env.js';
import { lastCreate, policyCases } from '../../../../test/node/support/policy-cases.js';
import { HEYGEN_SAMPLES } from '../../heygen/test/samples.js';
import { KONPRO_FIELDS } from '../policy.js';

const env = policyCases({ vendor: 'konpro', fields: KONPRO_FIELDS, createPath: '/v1/streaming/new', samples: HEYGEN_SAMPLES });

describe('KonPro maxima', () => {
  it('lowers an idle timeout past maxIdleTimeoutS; livekit_settings come only from the config', async () => {
    const handler = createSessionHandler({
      providers: { konpro: { ...env.providers.konpro!, defaults: { idleTimeout: 1200 }, livekitSettings: { url: 'wss://sfu.example' } } },
      secret: STOP_SECRET,
      logger: false,
    });
    const answer = await post(handler, { provider: 'konpro', livekitSettings: { url: 'wss://evil.example' }, livekit_settings: { url: 'wss://evil.example' } });
    assert.equal(answer.status, 200, answer.text);
    const body = lastCreate(env, '/v1/streaming/new');
    assert.equal(body.activity_idle_timeout, 300);
    assert.deepEqual(body.livekit_settings, { url: 'wss://sfu.example' });
  });
});
