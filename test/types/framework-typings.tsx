// Compile-time checks, run by the type check step (`tsc`): the React wrapper, the React 19 JSX typings and
// the Vue typings accept the element's API and reject wrong values. Each @ts-expect-error fails the type
// check if the line stops being an error.
import type { GlobalComponents } from 'vue';
import type { AvatarEventMap } from '../../src/events/avatar-events.js';
import type {} from '../../src/frameworks/jsx.js';
import { StreamingAvatar } from '../../src/frameworks/react.js';
import type {} from '../../src/frameworks/vue.js';

// The React wrapper: camelCase properties and typed `on…` event props.
export const wrapper = (
  <StreamingAvatar
    provider="heygen"
    avatarId="a"
    quality="high"
    tokenUrl="/api/avatar"
    sessionParams={{ knowledgeBase: 'kb' }}
    onAvatarReady={(event) => event.detail.sessionId.toUpperCase()}
    onAvatarError={(event) => event.detail.code}
    onAvatarStateChange={(event) => event.detail.previous}
  />
);
// @ts-expect-error `quality` is one of high, medium, low
export const wrongQuality = <StreamingAvatar quality="ultra" />;
// @ts-expect-error an avatar-ready handler gets avatar-ready's detail
export const wrongHandler = <StreamingAvatar onAvatarReady={(event: AvatarEventMap['avatar-error']) => event.detail.code} />;

// React 19: the tag itself, with attributes, properties and `on<event-name>` props.
export const tag = (
  <streaming-avatar
    provider="akool"
    avatar-id="a"
    stream-type="trtc"
    autostart="muted"
    muted
    sessionParams={{ duration: 60 }}
    onavatar-ready={(event) => event.detail.transport}
  />
);
// @ts-expect-error `stream-type` is agora, livekit or trtc
export const wrongStreamType = <streaming-avatar stream-type="webrtc" />;
// @ts-expect-error an avatar-ended handler gets avatar-ended's detail
export const wrongTagHandler = <streaming-avatar onavatar-ended={(event: AvatarEventMap['avatar-ready']) => event} />;

// Vue: GlobalComponents['streaming-avatar'] gives template props and emits.
type VueAvatar = InstanceType<GlobalComponents['streaming-avatar']>;
export const vueProps: VueAvatar['$props'] = { provider: 'deepbrain', avatarId: 'a', sessionParams: {}, muted: true };
// @ts-expect-error `videoEncoding` is H264 or VP8
export const wrongVueProps: VueAvatar['$props'] = { videoEncoding: 'AV1' };
export function emits(emit: VueAvatar['$emit'], ready: AvatarEventMap['avatar-ready']): void {
  emit('avatar-ready', ready);
  // @ts-expect-error no such event
  emit('avatar-gone', ready);
}

// The events bubble and are composed, so pages listen on document or window: typed there as on the element.
export const listeners = (el: HTMLElement) => {
  el.addEventListener('avatar-ready', (event) => event.detail.sessionId);
  document.addEventListener('avatar-error', (event) => event.detail.code.toUpperCase());
  window.addEventListener('avatar-state-change', (event) => event.detail.previous);
  // @ts-expect-error avatar-ended's detail has no `code`
  document.addEventListener('avatar-ended', (event) => event.detail.code);
};

// `autostart` and `voice-chat` take a value or none: bare (true) as well as a string, in both JSX forms.
export const bareFlags = [<streaming-avatar autostart voice-chat />, <StreamingAvatar autostart voiceChat="push-to-talk" />];

// Numeric attributes take numbers as properties too (a string from the attribute, a number from script).
export const numericProps = [
  <StreamingAvatar voiceRate={1.25} tokenTimeout={5000} connectTimeout={30_000} idleTimeout={300} keyTolerance={0.4} />,
  <streaming-avatar voice-rate={1.25} idle-timeout="300" />,
];
export const numericVueProps: VueAvatar['$props'] = { voiceRate: 0.8, idleTimeout: 120 };
export function setNumbers(el: HTMLElementTagNameMap['streaming-avatar']): void {
  el.voiceRate = 1.5;
  el.idleTimeout = 60;
  el.keyTolerance = 0.2;
  // @ts-expect-error `provider` is a name, not a number
  el.provider = 1;
}
