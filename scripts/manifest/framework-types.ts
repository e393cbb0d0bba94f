/**
 * Writes src/frameworks/element-api.generated.ts: the element's settable attributes and properties and its
 * event props, as TypeScript. The React wrapper, the JSX typings and the Vue typings are built on it, so a
 * new attribute or event reaches all three through `npm run analyze`.
 */
import type { ElementApi } from './element-api.js';

export const FRAMEWORK_TYPES_PATH = 'src/frameworks/element-api.generated.ts';

const doc = (text: string, indent = '  ') => (text ? `${indent}/** ${text.replace(/\*\//g, '*\\/')} */\n` : '');
const key = (name: string) => (/^[A-Za-z_$][\w$]*$/.test(name) ? name : `'${name}'`);

export function renderFrameworkTypes(api: ElementApi): string {
  const settable = api.attributes.filter((a) => !a.readOnly && a.fieldName);
  const jsOnly = api.properties.filter((p) => !p.readOnly);
  const propertyNames = [...settable.map((a) => a.fieldName!), ...jsOnly.map((p) => p.name)];

  return `// Generated from custom-elements.json by scripts/generate-from-manifest.ts (\`npm run analyze\`). Do not edit.
import type { ${api.className} } from '../element/streaming-avatar-element.js';
import type { AvatarEventMap } from '../events/avatar-events.js';

/** The attributes a page may set, by attribute name, typed by the property each one sets. */
export interface StreamingAvatarAttributes {
${settable.map((a) => `${doc(a.description)}  ${key(a.name)}?: ${api.className}['${a.fieldName}'];`).join('\n')}
}

/** Settings that are JS properties only (objects and functions): no attribute. */
export interface StreamingAvatarJsProperties {
${jsOnly.map((p) => `${doc(p.description)}  ${key(p.name)}?: ${api.className}['${p.name}'];`).join('\n')}
}

/** Every settable property (attribute-backed or JS-only), by property name. */
export type StreamingAvatarPropertyName =
${propertyNames.map((name) => `  | '${name}'`).join('\n')};

/** Each event's handler prop (React wrapper, Vue) → the DOM event name. */
export const EVENT_PROPS = {
${api.events.map((e) => `${doc(e.description)}  ${e.propName}: '${e.name}',`).join('\n')}
} as const satisfies Record<\`on\${string}\`, keyof AvatarEventMap>;
`;
}
