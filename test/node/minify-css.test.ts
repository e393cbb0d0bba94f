// The CDN build's CSS minifier only drops whitespace and comments: Chromium parses the element's stylesheet
// into the same rules from the minified text as from the source, and the text does get shorter.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { minifyCss, minifyCssTemplates } from '../../scripts/minify-css-templates.mjs';
import { launchChromium } from '../helpers/chromium.js';

const root = new URL('../..', import.meta.url).pathname;
const source = readFileSync(join(root, 'src/element/element-styles.ts'), 'utf8');
const css = source.match(/css`([^`]*)`/)![1]!;

test('the minified element stylesheet parses to the same rules', { timeout: 60_000 }, async () => {
  const minified = minifyCss(css);
  assert.ok(minified.length < css.length * 0.85, `minified ${css.length} → ${minified.length} characters`);
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const rules = (text: string) =>
      page.evaluate((t) => {
        const sheet = new CSSStyleSheet();
        sheet.replaceSync(t);
        return [...sheet.cssRules].map((r) => r.cssText);
      }, text);
    const original = await rules(css);
    assert.ok(original.length > 10, 'the source stylesheet has its rules');
    assert.deepEqual(await rules(minified), original);
  } finally {
    await browser.close();
  }
});

test('the plugin rewrites css templates in our modules only, and leaves templates with ${} alone', () => {
  const plugin = minifyCssTemplates();
  const out = plugin.transform('const a = css `\n  :host {\n    color: red;\n  }\n`;', '/repo/src/x.ts');
  assert.equal(out?.code, 'const a = css`:host{color:red}`;');
  assert.equal(plugin.transform('const a = css`a { }`;', '/repo/node_modules/lit/x.js'), null);
  assert.equal(plugin.transform('const a = css`a { color: ${c}; }`;', '/repo/src/x.ts'), null);
});
