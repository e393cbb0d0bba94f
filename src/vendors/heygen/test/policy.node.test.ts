// HeyGen's cost policy (../policy.ts) through the handler, and its maxima against the site's own config.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createSessionHandler } from '../../../server/index.js';
import { NOW, post, STOP_SECRET } from '../../../../test/node/support/fake-env.js';
import { lastCreate, policyCases } from '../../../../test/node/support/policy-cases.js';
import { HEYGEN_FIELDS } from '../policy.js';
import { HEYGEN_SAMPLES } from './samples.js';

const env = policyCases({ vendor: 'heygen', fields: HEYGEN_FIELDS, createPath: '/v1/streaming.new', samples: HEYGEN_SAMPLES });

describe('HeyGen maxima', () => {
  const handler = (options: Parameters<typeof createSessionHandler>[0]) => createSessionHandler({ secret: STOP_SECRET, logger: { warn: (line) => env.logs.push(line) }, now: () => NOW, ...options });

  it('lowers an idle timeout past maxIdleTimeoutS, from the config, a hook or raw vendor fields', async () => {
    const sources = [
      { defaults: { idleTimeout: 3600 } },
      { vendorFields: { activity_idle_timeout: 3600 } },
    ];
    for (const site of sources) {
      const answer = await post(handler({ providers: { heygen: { ...env.providers.heygen!, ...site } } }), { provider: 'heygen' });
      assert.equal(answer.status, 200, answer.text);
      assert.equal(lastCreate(env, '/v1/streaming.new').activity_idle_timeout, 300);
      assert.equal(answer.json.options.idleTimeout, 300, 'the answer shows the effective value');
    }
    const hooked = await post(handler({ providers: env.providers, maxIdleTimeoutS: 90, beforeCreate: (_r, body) => ({ ...body, idleTimeout: 1800 }) }), { provider: 'heygen' });
    assert.equal(hooked.status, 200, hooked.text);
    assert.equal(lastCreate(env, '/v1/streaming.new').activity_idle_timeout, 90);
    assert.ok(env.logs.some((line) => /activity_idle_timeout 1800 lowered to 90 \(maxIdleTimeoutS\)/.test(line)), env.logs.join('\n'));
  });

  it('ends the session at maxDurationS when HeyGen would let it run longer (expiresAt; the reaper holds it)', async () => {
    const answer = await post(handler({ providers: env.providers, maxDurationS: 120 }), { provider: 'heygen' });
    assert.equal(answer.status, 200, answer.text);
    // The fake's session_duration_limit is 600 s.
    assert.equal(answer.json.options.sessionDurationLimit, 600);
    assert.equal(answer.json.expiresAt, new Date(NOW + 120_000).toISOString());
  });

  it('refuses a create body with a string past the hard length limit, even from the site (500, logged)', async () => {
    const answer = await post(handler({ providers: { heygen: { ...env.providers.heygen!, vendorFields: { knowledge_base: 'x'.repeat(20_001) } } } }), { provider: 'heygen' });
    assert.equal(answer.status, 500);
    assert.equal(env.fake.vendor.requests.filter((r) => r.path === '/v1/streaming.new').length, 0);
    assert.ok(env.logs.some((line) => /knowledge_base is 20001 characters/.test(line)), env.logs.join('\n'));
  });
});
