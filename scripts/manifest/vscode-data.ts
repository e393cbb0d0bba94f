/**
 * VS Code custom data (`html.customData` / `css.customData` settings): completions and hover docs for the
 * tag, its attributes and values, its CSS custom properties and `::part()` names.
 */
import { literalValues, type ElementApi } from './element-api.js';

export const VSCODE_HTML_PATH = 'vscode.html-custom-data.json';
export const VSCODE_CSS_PATH = 'vscode.css-custom-data.json';

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

export function renderVscodeHtmlData(api: ElementApi): string {
  return json({
    version: 1.1,
    tags: [
      {
        name: api.tagName,
        description: [api.summary, api.description].filter(Boolean).join('\n\n'),
        attributes: api.attributes.map((a) => {
          const notes = [a.readOnly ? '(read-only)' : '', a.description, a.default !== undefined ? `Default: \`${a.default}\`.` : ''];
          const values = literalValues(a.type);
          return {
            name: a.name,
            description: notes.filter(Boolean).join(' '),
            ...(a.type === 'boolean' ? { valueSet: 'v' } : {}),
            ...(values.length ? { values: values.map((name) => ({ name })) } : {}),
          };
        }),
      },
    ],
  });
}

export function renderVscodeCssData(api: ElementApi): string {
  return json({
    version: 1.1,
    properties: api.cssProperties.map((p) => ({
      name: p.name,
      description: `<${api.tagName}>: ${p.description}${p.default !== undefined ? ` Default: \`${p.default}\`.` : ''}`,
    })),
    pseudoElements: api.cssParts.map((p) => ({ name: `::part(${p.name})`, description: `<${api.tagName}>: ${p.description}` })),
  });
}
