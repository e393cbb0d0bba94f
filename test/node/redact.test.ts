// Redaction of every form a secret can take in a vendor's echo: as an object key, URL userinfo, URL-encoded,
// base64 and `Basic …` credentials; through the handler, in the answer and the log.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createSessionHandler } from '../../src/server/index.js';
import { Redactor } from '../../src/server/redact.js';
import { assertNoSecrets, KEYS, post, STOP_SECRET, useEnv } from './support/fake-env.js';

const SECRET = 'sk_live/Key+With=Odd&Chars 9';
const b64 = (text: string) => btoa(text);

describe('Redactor', () => {
  const redactor = new Redactor([SECRET]);

  it('cuts a secret out of text in its plain, URL-encoded (either hex case), base64 and base64url forms', () => {
    const encoded = encodeURIComponent(SECRET);
    const forms = [SECRET, encoded, b64(SECRET), b64(SECRET).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')];
    for (const form of forms) {
      const out = redactor.text(`vendor said: ${form}!`);
      assert.ok(!out.includes(form), `${form} → ${out}`);
      assert.match(out, /\[redacted\]/);
    }
    const lowered = encoded.replace(/%[0-9A-F]{2}/g, (hex) => hex.toLowerCase());
    assert.ok(!redactor.text(lowered).includes(lowered));
  });

  it('blanks Basic credentials and URL userinfo wherever they appear', () => {
    const out = redactor.text(`Authorization: Basic ${b64(`user:${SECRET}`)} for https://user:hunter2hunter2@api.example/v1 and http://token@h.example`);
    assert.equal(out, 'Authorization: Basic [redacted] for https://[redacted]@api.example/v1 and http://[redacted]@h.example');
  });

  it('cuts secrets used as object keys, and strips them from values sent on', () => {
    const value = { [SECRET]: 'x', [`prefix-${SECRET}`]: 1, fine: { [b64(SECRET)]: true } };
    const text = JSON.stringify(redactor.value(value));
    assert.ok(!text.includes(SECRET) && !text.includes(b64(SECRET)), text);
    assert.deepEqual(redactor.strip({ ...value, kept: 1 }), { fine: {}, kept: 1 });
  });

  it('learns URL credentials from a configuration (a baseUrl with a password)', () => {
    const learned = new Redactor();
    learned.addNamedIn({ heygen: { baseUrl: 'https://proxy-user:pr%40xy-pass-77@proxy.example/heygen' } });
    const out = learned.text('upstream rejected pr@xy-pass-77 and pr%40xy-pass-77 (proxy-user)');
    assert.equal(out, 'upstream rejected [redacted] and [redacted] ([redacted])');
  });
});

describe('redaction through the handler', () => {
  const env = useEnv();

  it('keeps every form of every secret out of answers and logs when a vendor echoes them', async () => {
    const proxied = `http://proxy-user:proxy-pass-secret-5@${new URL(env.baseUrl('akool')).host}${new URL(env.baseUrl('akool')).pathname}`;
    const handler = createSessionHandler({
      providers: { ...env.providers, akool: { apiKey: KEYS.akool, baseUrl: proxied } },
      secret: STOP_SECRET,
      logger: { warn: (line) => env.logs.push(line) },
    });
    const echo = [KEYS.akool, encodeURIComponent(KEYS.akool), b64(KEYS.akool), `Basic ${b64(`k:${KEYS.akool}`)}`, 'proxy-pass-secret-5', proxied].join(' | ');
    env.fake.vendor.failNext({
      vendor: 'akool',
      path: '/api/open/v4/liveAvatar/session/create',
      status: 200,
      body: { code: 1003, msg: `bad request: ${echo}`, data: { [KEYS.akool]: 'as a key', [b64(STOP_SECRET)]: 1 } },
    });
    const answer = await post(handler, { provider: 'akool', avatarId: 'a' });
    assert.equal(answer.status, 502, answer.text);
    assert.ok(env.logs.length > 0);
    assertNoSecrets([answer.text, ...env.logs], [encodeURIComponent(KEYS.akool), b64(KEYS.akool), b64(`k:${KEYS.akool}`), 'proxy-pass-secret-5', b64(STOP_SECRET)]);
  });
});
