// Keeps the README true: every attribute, property and event it names exists in custom-elements.json, and
// the CMS snippet loads this version's CDN build.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ERROR_CODES } from '../../src/errors/avatar-error.js';
import { readElementApi, type ElementApi, type Manifest } from '../../scripts/manifest/element-api.js';

const root = new URL('../..', import.meta.url).pathname;
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Record<string, Record<string, string> | string>;
const manifestText = readFileSync(join(root, 'custom-elements.json'), 'utf8');
const api = readElementApi(JSON.parse(manifestText) as Manifest);

/** Attributes every HTML element has; the README may use them on the tag. */
const GLOBAL_ATTRIBUTES = new Set(['id', 'class', 'style', 'slot', 'hidden', 'lang', 'dir', 'title', 'part']);
const camel = (name: string) => name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/** The opening tags named `tag` in `code`, as attribute source text (quotes and `{…}` may hold `>`). */
function openingTags(code: string, tag: string): string[] {
  const out: string[] = [];
  let from = 0;
  for (;;) {
    const start = code.indexOf(`<${tag}`, from);
    if (start < 0) return out;
    let i = start + tag.length + 1;
    let quote = '';
    let depth = 0;
    for (; i < code.length; i++) {
      const c = code[i]!;
      if (quote) quote = c === quote ? '' : quote;
      else if (c === '"' || c === "'") quote = c;
      else if (c === '{') depth++;
      else if (c === '}') depth--;
      else if (c === '>' && depth === 0) break;
    }
    out.push(code.slice(start + tag.length + 1, i));
    from = i;
  }
}

/** Attribute names in an opening tag's source, values dropped. */
function attributeNames(source: string): string[] {
  const withoutValues = source.replace(/"[^"]*"|'[^']*'/g, '').replace(/\{[^{}]*(\{[^{}]*\}[^{}]*)*\}/g, '');
  return [...withoutValues.matchAll(/[^\s=/]+/g)].map((m) => m[0]);
}

/** Everything in `markdown` that names an attribute, property or event the element does not have. */
function readmeProblems(markdown: string, element: ElementApi, otherNames: Set<string>): string[] {
  const attributes = new Set(element.attributes.map((a) => a.name));
  const events = new Set(element.events.map((e) => e.name));
  const eventProps = new Set(element.events.map((e) => e.propName));
  const properties = new Set([...element.attributes.flatMap((a) => (a.fieldName ? [a.fieldName] : [])), ...element.properties.map((p) => p.name)]);
  const known = new Set([
    element.tagName,
    ...attributes,
    ...events,
    ...element.cssParts.map((p) => p.name),
    ...element.slots.map((s) => s.name),
    ...element.cssProperties.map((p) => p.name),
    ...otherNames,
  ]);
  const problems: string[] = [];

  const prose = markdown.replace(/```[\s\S]*?```/g, '');
  const spans = [...prose.matchAll(/`([^`\n]+)`/g)].map((m) => m[1]!);
  for (const block of [...(markdown.match(/```[\s\S]*?```/g) ?? []), ...spans]) {
    for (const tag of openingTags(block, 'streaming-avatar')) {
      for (const name of attributeNames(tag)) {
        if (name.startsWith('@') || name.startsWith('(')) {
          const event = name.replace(/^@|^\(|\)$/g, '');
          if (!events.has(event)) problems.push(`event ${name}`);
        } else if (name.startsWith(':') || name.startsWith('[')) {
          const property = camel(name.replace(/^:|^\[|\]$|\.prop$/g, ''));
          if (!properties.has(property)) problems.push(`property ${name}`);
        } else if (/^on[a-z]+-/.test(name)) {
          if (!events.has(name.slice(2))) problems.push(`event prop ${name}`);
        } else if (!attributes.has(name) && !GLOBAL_ATTRIBUTES.has(name)) {
          problems.push(`attribute ${name}`);
        }
      }
    }
    for (const tag of openingTags(block, 'StreamingAvatar')) {
      for (const name of attributeNames(tag)) {
        if (name !== 'ref' && name !== 'key' && !properties.has(name) && !eventProps.has(name)) problems.push(`React prop ${name}`);
      }
    }
  }

  for (const span of spans) {
    const assignment = /^([a-z][\w-]*)="[^"]*"$/.exec(span);
    if (assignment && !attributes.has(assignment[1]!)) problems.push(`attribute ${span}`);
    if (/^[a-z][a-z0-9]*(-[a-z0-9]+)+$/.test(span) && !known.has(span)) problems.push(`name ${span}`);
    if (/^on[A-Z]\w*$/.test(span) && !eventProps.has(span)) problems.push(`event prop ${span}`);
  }
  return problems;
}

/** Kebab-case names in the README that are not the element's API: packages and the like. */
const dependencyNames = ['dependencies', 'peerDependencies', 'devDependencies'].flatMap((field) => Object.keys((pkg[field] as Record<string, string>) ?? {}));
/** Values and error codes the manifest's own descriptions document in backticks (`push-to-talk`, `mic-denied`). */
const documentedValues = [...manifestText.matchAll(/`([a-z][a-z0-9]*(?:-[a-z0-9]+)+)`/g)].map((m) => m[1]!);
const OTHER_NAMES = new Set<string>([...dependencyNames, ...documentedValues, ...ERROR_CODES]);

test('every attribute, property and event the README names exists in the manifest', () => {
  assert.deepEqual(readmeProblems(readme, api, OTHER_NAMES), []);
});

test('the README lists every error code, each once, in the order of ERROR_CODES', () => {
  const table = /<!-- error-codes -->([\s\S]*?)<!-- \/error-codes -->/.exec(readme)?.[1] ?? '';
  const codes = [...table.matchAll(/^\| `([a-z-]+)` \|/gm)].map((m) => m[1]);
  assert.deepEqual(codes, [...ERROR_CODES]);
});

test('the check finds names the element does not have', () => {
  const sample = [
    'Set `idle-minutes`, or `subtitles="on"`, and listen to `avatar-session-expired` with `onAvatarExpiring`.',
    'React 19: `<streaming-avatar avatar-id="x" onavatar-expired={f} />`.',
    '```html',
    '<streaming-avatar provider="local" control-bar @avatar-gone="x" :bogus-thing.prop="y"></streaming-avatar>',
    '```',
    '```tsx',
    '<StreamingAvatar provider="local" avatarID="x" onAvatarReady={(e) => e > 1} />',
    '```',
  ].join('\n');
  assert.deepEqual(readmeProblems(sample, api, OTHER_NAMES).sort(), [
    'React prop avatarID',
    'attribute control-bar',
    'attribute subtitles="on"',
    'event @avatar-gone',
    'event prop onAvatarExpiring',
    'event prop onavatar-expired',
    'name avatar-session-expired',
    'name idle-minutes',
    'property :bogus-thing.prop',
  ]);
});

test('the CMS snippet is one module script of this version of the CDN build, and the element', () => {
  const snippet = /<!-- snippet:cms -->\s*```html\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
  const scripts = [...snippet.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
  assert.equal(scripts.length, 1);
  assert.match(scripts[0]!, /type="module"/);
  assert.match(scripts[0]!, new RegExp(`src="[^"]*streaming-avatar@${String(pkg.version).replace(/\./g, '\\.')}/cdn/streaming-avatar\\.js"`));
  assert.match(snippet, /<streaming-avatar [^>]*><\/streaming-avatar>/);
});
