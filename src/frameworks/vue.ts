/**
 * streaming-avatar/vue (types only): adds `<streaming-avatar>` to Vue's `GlobalComponents`, so Volar /
 * vue-tsc check its props (`avatar-id`, `:session-params`) and its events (`@avatar-ready`) in templates.
 * Load it once, e.g. `import type {} from 'streaming-avatar/vue'` in `env.d.ts`. Vue still needs
 * `isCustomElement` (see the README) to render the tag as an element rather than look for a component.
 */
import type { EmitFn, HTMLAttributes, PublicProps } from 'vue';
import type { StreamingAvatarElement } from '../element/streaming-avatar-element.js';
import type { AvatarEventMap } from '../events/avatar-events.js';
import type { StreamingAvatarPropertyName } from './element-api.generated.js';

/**
 * The shape Vue's template checker reads from a custom element (the pattern in Vue's "Web Components and
 * TypeScript" guide): props from `$props`, events from `$emit`. Neither exists on the element at runtime.
 */
export type StreamingAvatarVueComponent = new () => StreamingAvatarElement & {
  /** @deprecated Template typing only; not on the element. */
  $props: HTMLAttributes & Partial<Pick<StreamingAvatarElement, StreamingAvatarPropertyName>> & PublicProps;
  /** @deprecated Template typing only; not on the element. */
  $emit: EmitFn<{ [Name in keyof AvatarEventMap]: (event: AvatarEventMap[Name]) => void }>;
};

declare module 'vue' {
  interface GlobalComponents {
    'streaming-avatar': StreamingAvatarVueComponent;
  }
}
