// The files generated from custom-elements.json (scripts/generate-from-manifest.ts) must match what the
// generator makes from the manifest now; the manifest itself is checked against src/ in manifest.test.ts.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { generatedFiles, root } from '../../scripts/generate-from-manifest.js';
import { readElementApi, type Manifest } from '../../scripts/manifest/element-api.js';
import { TAG_NAME } from '../../src/element/define-element.js';
import { AVATAR_EVENTS } from '../../src/events/avatar-events.js';
import { EVENT_PROPS } from '../../src/frameworks/element-api.generated.js';

const api = readElementApi(JSON.parse(readFileSync(join(root, 'custom-elements.json'), 'utf8')) as Manifest);

for (const [path, expected] of generatedFiles()) {
  test(`${path} is up to date with custom-elements.json`, () => {
    assert.equal(readFileSync(join(root, path), 'utf8'), expected, `${path} is stale: run \`npm run analyze\` and commit it`);
  });
}

test('the manifest documents every event the element can fire, and no other', () => {
  assert.deepEqual(api.events.map((e) => e.name).sort(), [...AVATAR_EVENTS].sort());
  assert.deepEqual(Object.values(EVENT_PROPS).sort(), [...AVATAR_EVENTS].sort());
});

test('the manifest describes the tag the package registers', () => {
  assert.equal(api.tagName, TAG_NAME);
});

test('the React event props follow the event names', () => {
  assert.equal(EVENT_PROPS.onAvatarReady, 'avatar-ready');
  assert.equal(EVENT_PROPS.onAvatarAutoplayBlocked, 'avatar-autoplay-blocked');
});
