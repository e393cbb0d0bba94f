/**
 * streaming-avatar/react: `<StreamingAvatar>`, a React component for React 18 and 19 made with
 * `@lit/react`. Props set the element's properties; `onAvatarReady`-style props listen to its events
 * (the event map is generated from custom-elements.json, so new events arrive typed).
 *
 * Importing this module has no side effects (it is SSR-safe and tree-shakable). The component registers
 * `<streaming-avatar>` the first time it renders in a browser, so React users need no second import.
 */
import { createComponent, type EventName } from '@lit/react';
import * as React from 'react';
import { defineStreamingAvatar, TAG_NAME } from '../element/define-element.js';
import { StreamingAvatarElement } from '../element/streaming-avatar-element.js';
import type { AvatarEventMap } from '../events/avatar-events.js';
import { EVENT_PROPS } from './element-api.generated.js';

type EventProps = typeof EVENT_PROPS;
/** `@lit/react` reads each event's type from a branded name: `'avatar-ready' as EventName<…>`. */
type TypedEvents = { [Prop in keyof EventProps]: EventName<AvatarEventMap[EventProps[Prop]]> };

const Element = createComponent({
  react: React,
  tagName: TAG_NAME,
  elementClass: StreamingAvatarElement,
  events: EVENT_PROPS as TypedEvents,
  displayName: 'StreamingAvatarElement',
});

export type StreamingAvatarProps = React.ComponentProps<typeof Element>;

/** `<StreamingAvatar provider="heygen" avatarId="…" tokenUrl="/api/avatar" onAvatarReady={(e) => …} />` */
export const StreamingAvatar: typeof Element = React.forwardRef<StreamingAvatarElement, React.ComponentPropsWithoutRef<typeof Element>>(
  function StreamingAvatar(props, ref) {
    // During render, not at import: the server render never touches the browser's registry, and the tag
    // is defined before React creates the node, so the node is upgraded from the start.
    if (typeof document !== 'undefined') defineStreamingAvatar();
    return React.createElement(Element, { ...props, ref });
  },
);

export { StreamingAvatarElement };
export type { AvatarEventMap };
