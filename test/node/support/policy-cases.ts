// The cost-policy tests every vendor runs (src/vendors/<name>/test/policy.node.test.ts): each field of its
// policy table from the page, by default, in strict mode and admitted with `allow`; the site's defaults.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createSessionHandler, type SessionHandlerOptions } from '../../../src/server/index.js';
import type { FieldRule } from '../../../src/server/policy.js';
import type { FakeVendorName } from '../../../src/fake-vendor/index.js';
import { post, STOP_SECRET, useEnv, type Env } from './fake-env.js';

/** One field's test value: what the page sends, where it lands in the vendor's create body, as what. */
export interface Sample {
  value: unknown;
  /** Dotted path in the vendor's create body. */
  at: string;
  /** What the vendor gets (default: `value`). */
  sent?: unknown;
  /** For a field with `pageMax`: a value above it (the site's), landing at the same path. */
  above?: unknown;
}

export interface PolicyCases {
  vendor: FakeVendorName;
  fields: Readonly<Record<string, FieldRule>>;
  /** The vendor path of the create call (`/v1/streaming.new`). */
  createPath: string;
  /** Fields every create needs (`avatarId` for DeepBrain and Akool). */
  base?: Record<string, unknown>;
  samples: Record<string, Sample>;
}

/** `voice.rate: 1.2` → `{voice: {rate: 1.2}}`. */
export function nested(path: string, value: unknown): Record<string, unknown> {
  const [head, ...rest] = path.split('.');
  return { [head!]: rest.length ? nested(rest.join('.'), value) : value };
}

export function at(body: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((value, key) => (value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined), body);
}

/** The body of the last create call the fake vendor got. */
export function lastCreate(env: Env, createPath: string): Record<string, unknown> {
  const call = env.fake.vendor.requests.filter((request) => request.path === createPath).at(-1);
  assert.ok(call, `a ${createPath} call was made`);
  return call.body as Record<string, unknown>;
}

export function policyCases({ vendor, fields, createPath, base = {}, samples }: PolicyCases): Env {
  const env = useEnv();
  const handlerWith = (site: Record<string, unknown> = {}, options: Partial<SessionHandlerOptions> = {}) =>
    createSessionHandler({
      providers: { [vendor]: { ...env.providers[vendor]!, ...site } },
      secret: STOP_SECRET,
      logger: { warn: (message) => env.logs.push(message) },
      ...options,
    });
  const create = (handler: ReturnType<typeof handlerWith>, page: Record<string, unknown>) => post(handler, { provider: vendor, ...base, ...page });
  const siteFields = Object.entries(fields).filter(([, rule]) => rule.owner === 'site').map(([path]) => path);
  const capped = Object.entries(fields).filter(([, rule]) => rule.pageMax !== undefined).map(([path]) => path);

  describe(`${vendor} cost policy`, () => {
    it('has a test value for every field of its policy table', () => {
      assert.deepEqual(Object.keys(samples).sort(), Object.keys(fields).sort());
      for (const path of capped) assert.ok(samples[path]!.above !== undefined, `${path} has a value above its pageMax`);
    });

    for (const [path, rule] of Object.entries(fields)) {
      const sample = samples[path]!;
      const sent = sample.sent ?? sample.value;
      if (rule.owner === 'page') {
        it(`lets the page set ${path}`, async () => {
          const answer = await create(handlerWith(), nested(path, sample.value));
          assert.equal(answer.status, 200, answer.text);
          assert.deepEqual(at(lastCreate(env, createPath), sample.at), sent);
          assert.ok(!env.logs.some((line) => line.includes('dropped')), env.logs.join('\n'));
        });
      }
      if (rule.owner === 'site' || rule.pageMax !== undefined) {
        const value = rule.owner === 'site' ? sample.value : sample.above;
        const expected = rule.owner === 'site' ? sent : sample.above;
        it(`drops ${path}${rule.pageMax !== undefined ? ` above ${rule.pageMax}` : ''} from the page, naming it once in the log`, async () => {
          const handler = handlerWith();
          for (let i = 0; i < 2; i++) {
            const answer = await create(handler, nested(path, value));
            assert.equal(answer.status, 200, answer.text);
            assert.notDeepEqual(at(lastCreate(env, createPath), sample.at), expected, `${path} did not reach the vendor`);
          }
          const lines = env.logs.filter((line) => line.includes(`${vendor}: dropped a page's field`) && line.includes(path));
          assert.equal(lines.length, 1, env.logs.join('\n'));
          assert.match(lines[0]!, new RegExp(`allow: \\["${path.replace('.', '\\.')}"\\]`));
        });

        it(`answers 400 naming ${path} in strict mode, without calling the vendor`, async () => {
          const answer = await create(handlerWith({}, { strict: true }), nested(path, value));
          assert.equal(answer.status, 400, answer.text);
          assert.equal(answer.json.error.code, 'bad-request');
          assert.ok(answer.json.error.message.includes(`"${path}"`) || answer.json.error.message.includes(` ${path} `), answer.json.error.message);
          assert.equal(env.fake.vendor.requests.length, 0);
        });

        it(`lets the page set ${path} when the site allows it`, async () => {
          const answer = await create(handlerWith({ allow: [path] }, { strict: true }), nested(path, value));
          assert.equal(answer.status, 200, answer.text);
          assert.deepEqual(at(lastCreate(env, createPath), sample.at), expected);
        });
      }
    }

    it('sends what the site sets in defaults, which the page cannot override', async () => {
      const defaults = Object.assign({}, ...siteFields.map((path) => nested(path, samples[path]!.value))) as Record<string, unknown>;
      const handler = handlerWith({ defaults });
      const page = Object.assign({}, ...siteFields.map((path) => nested(path, samples[path]!.above ?? 'from-the-page')));
      const answer = await create(handler, page);
      assert.equal(answer.status, 200, answer.text);
      const body = lastCreate(env, createPath);
      for (const path of siteFields) assert.deepEqual(at(body, samples[path]!.at), samples[path]!.sent ?? samples[path]!.value, path);
    });

    it('refuses a configuration naming a field the vendor does not have', () => {
      assert.throws(() => handlerWith({ allow: ['noSuchField'] }), /allow: "noSuchField" is not a/);
      assert.throws(() => handlerWith({ defaults: { noSuchField: 1 } }), /defaults: "noSuchField" is not a/);
    });

    it('checks avatarId against the avatars allow-list', async () => {
      const handler = handlerWith({ avatars: ['approved-1', 'approved-2'] });
      const refused = await create(handler, { avatarId: 'expensive-custom' });
      assert.equal(refused.status, 400);
      assert.equal(refused.json.error.code, 'bad-request');
      assert.match(refused.json.error.message, /"avatarId" must be one of this site's/);
      assert.equal(env.fake.vendor.requests.length, 0);
      assert.equal((await create(handler, { avatarId: 'approved-2' })).status, 200);
    });

    it('gives beforeCreate the checked body, and takes any field from it', async () => {
      const [site] = siteFields;
      const seen: unknown[] = [];
      const handler = handlerWith({}, {
        beforeCreate: (_request, body) => {
          seen.push(body);
          return { ...body, ...nested(site!, samples[site!]!.value) };
        },
      });
      const answer = await create(handler, { ...nested(site!, samples[site!]!.value), unknownField: 1 });
      assert.equal(answer.status, 200, answer.text);
      assert.deepEqual(seen, [{ provider: vendor, ...base }]);
      assert.deepEqual(at(lastCreate(env, createPath), samples[site!]!.at), samples[site!]!.sent ?? samples[site!]!.value);
    });
  });
  return env;
}
