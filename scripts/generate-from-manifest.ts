/**
 * Makes everything that follows the element's API from custom-elements.json: the framework typings
 * (src/frameworks/element-api.generated.ts), VS Code custom data, and the README's API tables.
 * `npm run analyze` runs it after the analyzer; test/node/generated.test.ts fails when its output is stale.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readElementApi, type Manifest } from './manifest/element-api.js';
import { FRAMEWORK_TYPES_PATH, renderFrameworkTypes } from './manifest/framework-types.js';
import { fillReadme, README_PATH, renderReadmeTables } from './manifest/readme-tables.js';
import { renderVscodeCssData, renderVscodeHtmlData, VSCODE_CSS_PATH, VSCODE_HTML_PATH } from './manifest/vscode-data.js';

export const root = join(fileURLToPath(new URL('.', import.meta.url)), '..');

/** Each generated file's path (relative to the root) and the content it should have now. */
export function generatedFiles(base = root): Map<string, string> {
  const manifest = JSON.parse(readFileSync(join(base, 'custom-elements.json'), 'utf8')) as Manifest;
  const api = readElementApi(manifest);
  const readme = readFileSync(join(base, README_PATH), 'utf8');
  return new Map([
    [FRAMEWORK_TYPES_PATH, renderFrameworkTypes(api)],
    [VSCODE_HTML_PATH, renderVscodeHtmlData(api)],
    [VSCODE_CSS_PATH, renderVscodeCssData(api)],
    [README_PATH, fillReadme(readme, renderReadmeTables(api))],
  ]);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const [path, content] of generatedFiles()) {
    writeFileSync(join(root, path), content);
    console.log(`[generate] ${path}`);
  }
}
