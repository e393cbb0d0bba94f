// Types for minify-css-templates.mjs, which its test imports.
export function minifyCss(text: string): string;
export function minifyCssTemplates(): { name: string; transform(code: string, id: string): { code: string; map: null } | null };
