import { VERSION } from '../version.js';
import { StreamingAvatarElement } from './streaming-avatar-element.js';

export const TAG_NAME = 'streaming-avatar';

/**
 * Registers the element. Safe to call many times; when another copy of the library already holds the
 * tag, the first one wins and a different version gets a console warning (two bundles on one page).
 * A custom tag name gets its own subclass, since one class can be defined only once per registry.
 */
export function defineStreamingAvatar(tagName: string = TAG_NAME, registry: CustomElementRegistry = customElements): void {
  const existing = registry.get(tagName) as (CustomElementConstructor & { version?: string }) | undefined;
  if (existing) {
    if (existing !== StreamingAvatarElement && existing.version !== VERSION) {
      console.warn(
        `<${tagName}> is already defined${existing.version ? ` by streaming-avatar ${existing.version}` : ' by another element'}; ` +
          `streaming-avatar ${VERSION} did not register it. Load one copy of the library per page.`,
      );
    }
    return;
  }
  const subclass = () => registry.define(tagName, class extends StreamingAvatarElement {});
  if (registry.getName?.(StreamingAvatarElement)) return subclass();
  try {
    registry.define(tagName, StreamingAvatarElement);
  } catch (error) {
    // Without `getName` (older browsers) the class's use under another tag shows only here.
    if (!(error instanceof DOMException && error.name === 'NotSupportedError') || registry.get(tagName)) throw error;
    subclass();
  }
}
