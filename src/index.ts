/**
 * streaming-avatar: the element class and its types. No side effects: importing this registers nothing
 * (import `streaming-avatar/define` for that) and touches no browser global, so it is safe in SSR.
 */
export { StreamingAvatarElement } from './element/streaming-avatar-element.js';
export { defineStreamingAvatar, TAG_NAME } from './element/define-element.js';
export { AvatarError, ERROR_CODES } from './errors/avatar-error.js';
export type { AvatarErrorCode, AvatarErrorDetail } from './errors/avatar-error.js';
export { AVATAR_EVENTS } from './events/avatar-events.js';
export type { AvatarEventDetailMap, AvatarEventMap, AvatarEventName } from './events/avatar-events.js';
export { AVATAR_STATES, ENDED_REASONS } from './session/session-types.js';
export type {
  AvatarState,
  EndedReason,
  FetchSession,
  InterruptResult,
  Quality,
  SessionConfig,
  SessionRequest,
  SpeakMode,
  SpeakOptions,
  StopSession,
  VideoEncoding,
} from './session/session-types.js';
export type { SessionDescription } from './session/session-description.js';
export { parseSessionDescription } from './session/session-description.js';
export { registerProvider } from './providers/registry.js';
export type { ProviderAdapter, ProviderContext, ProviderEntry, ProviderEvents, ProviderModule, Transcript } from './providers/provider.js';
export { registerTransport } from './transports/registry.js';
export type {
  AgoraCredentials,
  LiveKitCredentials,
  LocalCredentials,
  MicrophoneOptions,
  Transport,
  TransportCredentials,
  TransportHost,
  TransportKind,
  TransportModule,
  TransportOptions,
  TrtcCredentials,
} from './transports/transport.js';
export { VERSION } from './version.js';
// Framework typings made from custom-elements.json: for JSX dialects and wrappers this package has no entry for.
export type { StreamingAvatarAttributes, StreamingAvatarJsProperties, StreamingAvatarPropertyName } from './frameworks/element-api.generated.js';
