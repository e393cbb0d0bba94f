// A rollup plugin for the CDN build: minifies the CSS inside lit `css` tagged templates, which terser leaves
// as written (indentation, comments). Only templates without `${…}` are touched, and only whitespace and
// comments go: no rule is rewritten, so the stylesheet the browser parses is the same.

/** Whitespace-only CSS minification: comments, runs of whitespace, and spaces around `{ } ; >`, before `,` and after `:`. */
export function minifyCss(text) {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/\s+/g, ' ')
    .replace(/\s*([{};>])\s*/g, '$1')
    // Not after commas: inside var() fallbacks the browser keeps the tokens as written.
    .replace(/\s+,/g, ',')
    .replace(/:\s+/g, ':')
    .replace(/;}/g, '}')
    .trim();
}

// TypeScript's output writes the tag as `css `…``.
const TEMPLATE = /\bcss\s*`([^`\\$]*)`/g;

export function minifyCssTemplates() {
  return {
    name: 'minify-css-templates',
    transform(code, id) {
      if (id.includes('/node_modules/') || !/\bcss\s*`/.test(code)) return null;
      let changed = false;
      const out = code.replace(TEMPLATE, (_, body) => {
        changed = true;
        return `css\`${minifyCss(body)}\``;
      });
      return changed ? { code: out, map: null } : null;
    },
  };
}
