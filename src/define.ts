/**
 * The one module with a side effect: it registers `<streaming-avatar>`. Import it (or load the CDN
 * build) once; everything else is exported without registering anything.
 */
import { defineStreamingAvatar } from './element/define-element.js';
import { StreamingAvatarElement } from './element/streaming-avatar-element.js';

export * from './index.js';

defineStreamingAvatar();

declare global {
  // For script-tag users who want the class without a module import.
  // eslint-disable-next-line no-var
  var StreamingAvatarElement: typeof import('./element/streaming-avatar-element.js').StreamingAvatarElement | undefined;
}
globalThis.StreamingAvatarElement ??= StreamingAvatarElement;
