import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { test } from 'node:test';

const root = new URL('../..', import.meta.url).pathname;

test('custom-elements.json is what the analyzer makes from src/ now', () => {
  const out = mkdtempSync(join(tmpdir(), 'cem-'));
  try {
    // The analyzer joins --outdir onto the working directory, so pass it relative.
    execFileSync(join(root, 'node_modules/.bin/cem'), ['analyze', '--outdir', relative(root, out)], { cwd: root, stdio: 'pipe' });
    const fresh = readFileSync(join(out, 'custom-elements.json'), 'utf8');
    const committed = readFileSync(join(root, 'custom-elements.json'), 'utf8');
    assert.equal(committed, fresh, 'custom-elements.json is out of date: run `npm run analyze` and commit it');
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('the manifest documents the public API named in the issue', () => {
  const manifest = JSON.parse(readFileSync(join(root, 'custom-elements.json'), 'utf8'));
  const element = manifest.modules
    .flatMap((m: { declarations?: unknown[] }) => m.declarations ?? [])
    .find((d: { tagName?: string }) => d.tagName === 'streaming-avatar');
  assert.ok(element, 'streaming-avatar is declared');
  const names = (list: { name: string }[] = []) => list.map((x) => x.name);
  for (const attribute of ['provider', 'avatar-id', 'quality', 'video-encoding', 'voice-id', 'voice-rate', 'language', 'token-url', 'autostart', 'muted', 'poster', 'state', 'speaking', 'audio-blocked']) {
    assert.ok(names(element.attributes).includes(attribute), `attribute ${attribute}`);
  }
  for (const member of ['sessionParams', 'fetchSession', 'start', 'stop', 'speak', 'interrupt', 'mute', 'unmute']) {
    assert.ok(names(element.members).includes(member), `member ${member}`);
  }
  for (const event of ['avatar-state-change', 'avatar-ready', 'avatar-speak-start', 'avatar-speak-end', 'avatar-transcript', 'avatar-autoplay-blocked', 'avatar-error', 'avatar-ended']) {
    assert.ok(names(element.events).includes(event), `event ${event}`);
  }
  for (const part of ['video', 'poster', 'start-button', 'status']) assert.ok(names(element.cssParts).includes(part), `part ${part}`);
  assert.deepEqual(names(element.slots).sort(), ['controls', 'poster', 'start-button']);
  assert.ok(names(element.cssProperties).every((p: string) => p.startsWith('--streaming-avatar-')));
  for (const item of [...element.attributes, ...element.events, ...element.cssParts, ...element.cssProperties]) {
    assert.ok(item.description, `${item.name} has a description`);
  }
});

test('VERSION in src/version.ts matches package.json', async () => {
  const { VERSION } = await import('../../src/version.js');
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  assert.equal(VERSION, pkg.version);
});
