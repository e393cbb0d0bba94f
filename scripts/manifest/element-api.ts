/**
 * Reads the element's public API out of custom-elements.json, in the shape the generators need. The
 * manifest is the single source: it comes from the JSDoc in src/element, so everything made from it
 * (framework typings, VS Code data, README tables) follows the element without hand edits.
 */

/** The parts of the custom-elements-manifest schema the generators read. */
interface TypeRef {
  text: string;
}
interface Named {
  name: string;
  description?: string;
}
interface ManifestAttribute extends Named {
  type?: TypeRef;
  default?: string;
  fieldName?: string;
}
interface ManifestMember extends Named {
  kind: 'field' | 'method';
  type?: TypeRef;
  default?: string;
  static?: boolean;
  readonly?: boolean;
  privacy?: 'public' | 'private' | 'protected';
  attribute?: string;
  parameters?: (Named & { type?: TypeRef; default?: string; optional?: boolean })[];
  return?: { type?: TypeRef };
}
interface ManifestDeclaration extends Named {
  kind: string;
  tagName?: string;
  customElement?: boolean;
  summary?: string;
  attributes?: ManifestAttribute[];
  members?: ManifestMember[];
  events?: (Named & { type?: TypeRef })[];
  slots?: Named[];
  cssParts?: Named[];
  cssProperties?: (Named & { default?: string })[];
}
export interface Manifest {
  modules: { path: string; declarations?: ManifestDeclaration[] }[];
}

export interface Attribute {
  name: string;
  /** The property the attribute sets; absent for read-only state attributes. */
  fieldName?: string;
  type: string;
  default?: string;
  description: string;
  readOnly: boolean;
}
export interface Property {
  name: string;
  type: string;
  description: string;
  readOnly: boolean;
}
export interface Method {
  name: string;
  signature: string;
  returns: string;
  description: string;
}
export interface ElementEvent {
  name: string;
  /** The handler prop in the React wrapper and in Vue's typings: `avatar-ready` → `onAvatarReady`. */
  propName: string;
  detail: string;
  description: string;
}
export interface ElementApi {
  tagName: string;
  className: string;
  summary: string;
  description: string;
  attributes: Attribute[];
  /** Properties with no attribute: JS-only settings (objects, functions) and read-only state. */
  properties: Property[];
  methods: Method[];
  events: ElementEvent[];
  slots: Named[];
  cssParts: Named[];
  cssProperties: (Named & { default?: string })[];
}

/** The JSDoc convention for state the element sets itself: the description starts with "(read-only)". */
const READ_ONLY = /^\(read-only\)\s*/i;

const clean = (text = '') => text.replace(/\s+/g, ' ').trim();
/** `string | undefined` → `string`: optional-ness is said by the table, not the type. */
const stripOptional = (text = '') =>
  text
    .split('|')
    .map((part) => part.trim())
    .filter((part) => part !== 'undefined' && part !== 'null')
    .join(' | ');
const isPublic = (member: ManifestMember) => !member.static && (member.privacy ?? 'public') === 'public' && !member.name.startsWith('#');

export function eventPropName(eventName: string): string {
  return `on${eventName.replace(/(^|-)([a-z])/g, (_, __, letter: string) => letter.toUpperCase())}`;
}

/** `'a' | 'b'` → `['a', 'b']`; anything else (a named type, `string`) → `[]`. */
export function literalValues(type: string): string[] {
  const parts = stripOptional(type)
    .split('|')
    .map((part) => part.trim());
  return parts.every((part) => /^'[^']*'$/.test(part)) ? parts.map((part) => part.slice(1, -1)) : [];
}

export function readElementApi(manifest: Manifest): ElementApi {
  const elements = manifest.modules.flatMap((m) => m.declarations ?? []).filter((d) => d.customElement && d.tagName);
  if (elements.length !== 1) throw new Error(`Expected one custom element in the manifest, found ${elements.length}.`);
  const element = elements[0]!;
  const members = (element.members ?? []).filter(isPublic);
  const attributeFields = new Set((element.attributes ?? []).map((a) => a.fieldName).filter(Boolean));

  const attributes = (element.attributes ?? []).map((a): Attribute => {
    const field = members.find((m) => m.name === a.fieldName);
    const attribute: Attribute = {
      name: a.name,
      type: stripOptional(a.type?.text ?? field?.type?.text ?? 'string'),
      description: clean(a.description ?? field?.description).replace(READ_ONLY, ''),
      readOnly: READ_ONLY.test(a.description ?? ''),
    };
    if (a.fieldName) attribute.fieldName = a.fieldName;
    const fallback = a.default ?? field?.default;
    if (fallback !== undefined) attribute.default = fallback;
    return attribute;
  });

  const properties = members
    .filter((m) => m.kind === 'field' && !attributeFields.has(m.name))
    .map(
      (m): Property => ({
        name: m.name,
        type: stripOptional(m.type?.text ?? 'unknown'),
        description: clean(m.description).replace(READ_ONLY, ''),
        readOnly: Boolean(m.readonly) || READ_ONLY.test(m.description ?? ''),
      }),
    );

  const methods = members
    .filter((m) => m.kind === 'method')
    .map((m): Method => {
      const parameters = (m.parameters ?? []).map((p) => {
        const optional = p.optional || p.default !== undefined ? '?' : '';
        return `${p.name}${optional}${p.type ? `: ${p.type.text}` : ''}`;
      });
      return { name: m.name, signature: `${m.name}(${parameters.join(', ')})`, returns: m.return?.type?.text ?? 'void', description: clean(m.description) };
    });

  const events = (element.events ?? []).map(
    (e): ElementEvent => ({
      name: e.name,
      propName: eventPropName(e.name),
      detail: clean(e.type?.text.replace(/^CustomEvent<([\s\S]*)>$/, '$1')),
      description: clean(e.description),
    }),
  );

  return {
    tagName: element.tagName!,
    className: element.name,
    summary: clean(element.summary),
    description: clean(element.description),
    attributes,
    properties,
    methods,
    events,
    slots: (element.slots ?? []).map((s) => ({ name: s.name, description: clean(s.description) })),
    cssParts: (element.cssParts ?? []).map((p) => ({ name: p.name, description: clean(p.description) })),
    cssProperties: (element.cssProperties ?? []).map((p) => ({ ...p, description: clean(p.description) })),
  };
}
