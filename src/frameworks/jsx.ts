/**
 * streaming-avatar/jsx (types only): types `<streaming-avatar>` in React 19 JSX, where the tag can be used
 * without the wrapper. Load it once, e.g. `import type {} from 'streaming-avatar/jsx'` in a `.d.ts`.
 * React 19 sets a prop as a property when the element has one (`sessionParams`, `muted`), else as an
 * attribute (`avatar-id`), and listens to `on<event-name>` props (`onavatar-ready`).
 */
import type { DetailedHTMLProps, HTMLAttributes } from 'react';
import type { StreamingAvatarElement } from '../element/streaming-avatar-element.js';
import type { AvatarEventMap } from '../events/avatar-events.js';
import type { StreamingAvatarAttributes, StreamingAvatarJsProperties } from './element-api.generated.js';

/** React 19's event props for custom elements: `on` + the exact event name. */
export type StreamingAvatarJsxEvents = {
  [Name in keyof AvatarEventMap as `on${Name}`]?: (event: AvatarEventMap[Name]) => void;
};

export type StreamingAvatarJsxProps = DetailedHTMLProps<HTMLAttributes<StreamingAvatarElement>, StreamingAvatarElement> &
  StreamingAvatarAttributes &
  StreamingAvatarJsProperties &
  StreamingAvatarJsxEvents;

declare module 'react' {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace JSX {
    interface IntrinsicElements {
      'streaming-avatar': StreamingAvatarJsxProps;
    }
  }
}
