/**
 * The README's API tables. Each sits between `<!-- api:NAME -->` and `<!-- /api:NAME -->`; everything
 * outside the markers is hand-written prose and is left as it is.
 */
import type { ElementApi } from './element-api.js';

export const README_PATH = 'README.md';

const cell = (text = '') => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const code = (text?: string) => (text ? `\`${cell(text)}\`` : '');

function table(head: string[], rows: string[][]): string {
  if (rows.length === 0) return '_None._';
  return [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

export function renderReadmeTables(api: ElementApi): Record<string, string> {
  return {
    attributes: table(
      ['Attribute', 'Property', 'Type', 'Default', 'Description'],
      api.attributes.map((a) => [
        code(a.name),
        code(a.fieldName),
        code(a.type),
        code(a.default),
        cell(`${a.readOnly ? '(read-only) ' : ''}${a.description}`),
      ]),
    ),
    properties: table(
      ['Property', 'Type', 'Description'],
      api.properties.map((p) => [code(p.name), code(p.type), cell(`${p.readOnly ? '(read-only) ' : ''}${p.description}`)]),
    ),
    methods: table(
      ['Method', 'Returns', 'Description'],
      api.methods.map((m) => [code(m.signature), code(m.returns), cell(m.description)]),
    ),
    events: table(
      ['Event', 'React prop', 'Detail', 'Description'],
      api.events.map((e) => [code(e.name), code(e.propName), code(e.detail), cell(e.description)]),
    ),
    slots: table(
      ['Slot', 'Description'],
      api.slots.map((s) => [s.name ? code(s.name) : '(default)', cell(s.description)]),
    ),
    parts: table(
      ['Part', 'Description'],
      api.cssParts.map((p) => [code(p.name), cell(p.description)]),
    ),
    'css-properties': table(
      ['Property', 'Default', 'Description'],
      api.cssProperties.map((p) => [code(p.name), code(p.default), cell(p.description)]),
    ),
  };
}

/** Replaces the text between each pair of markers; a missing pair is an error, so no table goes unnoticed. */
export function fillReadme(readme: string, tables: Record<string, string>): string {
  let out = readme;
  for (const [name, body] of Object.entries(tables)) {
    const pattern = new RegExp(`(<!-- api:${name} -->)[\\s\\S]*?(<!-- /api:${name} -->)`);
    if (!pattern.test(out)) throw new Error(`README.md has no <!-- api:${name} --> … <!-- /api:${name} --> markers.`);
    out = out.replace(pattern, (_, open: string, close: string) => `${open}\n${body}\n${close}`);
  }
  return out;
}
