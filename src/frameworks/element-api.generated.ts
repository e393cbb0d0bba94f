// Generated from custom-elements.json by scripts/generate-from-manifest.ts (`npm run analyze`). Do not edit.
import type { StreamingAvatarElement } from '../element/streaming-avatar-element.js';
import type { AvatarEventMap } from '../events/avatar-events.js';

/** The attributes a page may set, by attribute name, typed by the property each one sets. */
export interface StreamingAvatarAttributes {
  /** Which vendor serves the avatar: `local` (no account), `heygen`, `konpro`, `deepbrain` or `akool`. */
  provider?: StreamingAvatarElement['provider'];
  /** The vendor's avatar id. */
  'avatar-id'?: StreamingAvatarElement['avatarId'];
  /** Stream quality: `high`, `medium` or `low`. */
  quality?: StreamingAvatarElement['quality'];
  /** Video codec the vendor should send: `H264` or `VP8`. */
  'video-encoding'?: StreamingAvatarElement['videoEncoding'];
  /** The vendor's voice id. */
  'voice-id'?: StreamingAvatarElement['voiceId'];
  /** Speaking rate, 0.5 to 2 (vendors may accept less). */
  'voice-rate'?: StreamingAvatarElement['voiceRate'];
  /** Language tag for speech and recognition, such as `en` or `en-US`. */
  language?: StreamingAvatarElement['language'];
  /** Akool only: the transport the vendor should use, `agora` (default), `livekit` or `trtc`. */
  'stream-type'?: StreamingAvatarElement['streamType'];
  /** The site's session endpoint (the server handler). The vendor key stays there. */
  'token-url'?: StreamingAvatarElement['tokenUrl'];
  /** Milliseconds the token endpoint may take before `token-timeout` (default 15000). */
  'token-timeout'?: StreamingAvatarElement['tokenTimeout'];
  /** Milliseconds the transport may take to join, and then to show the first frame (default 20000 each). An SDK transport that reconnects for longer ends the session with `transport-disconnected`. */
  'connect-timeout'?: StreamingAvatarElement['connectTimeout'];
  /** Seconds of inactivity after which the vendor may end the session (30–3600; vendors that accept it). */
  'idle-timeout'?: StreamingAvatarElement['idleTimeout'];
  /** Absent: click to start. Present (or `any`; the property `true`): start on load, with sound where the browser allows and muted video otherwise. `muted`: start on load, muted. */
  autostart?: StreamingAvatarElement['autostart'];
  /** `eager` (default) loads the vendor and transport code once the element is on the page; `lazy` waits until it is near the viewport (and so does `autostart`). */
  loading?: StreamingAvatarElement['loading'];
  /** Mutes the avatar's audio. */
  muted?: StreamingAvatarElement['muted'];
  /** Image shown until the avatar's first frame. */
  poster?: StreamingAvatarElement['poster'];
  /** Shows the control bar (mic, mute, captions, full screen where the page may use it, stop). */
  controls?: StreamingAvatarElement['controls'];
  /** Shows the avatar's words as captions over the video. */
  captions?: StreamingAvatarElement['captions'];
  /** Starts voice chat once connected: present (or `open`; the property `true`) for an open microphone, `push-to-talk` for hold-to-talk. */
  'voice-chat'?: StreamingAvatarElement['voiceChat'];
  /** Turns off barge-in (the user talking over the avatar interrupts it). */
  'no-barge-in'?: StreamingAvatarElement['noBargeIn'];
  /** A `KeyboardEvent.code` (e.g. `KeyT`) that talks while held in push-to-talk mode, anywhere on the page outside text fields; the window losing focus releases it. */
  'push-to-talk-key'?: StreamingAvatarElement['pushToTalkKey'];
  /** Removes the vendor's solid backdrop (green screen) with a WebGL chroma key and shows this instead: `transparent` (the page), a CSS colour, or an image such as `url(office.jpg)`. Absent: the video as sent. */
  background?: StreamingAvatarElement['background'];
  /** The backdrop colour `background` removes, any CSS colour (default `#00ff00`, vendors' green screen). */
  'key-color'?: StreamingAvatarElement['keyColor'];
  /** How far from `key-color` a colour may be and still be removed: 0 (only colours next to it) to 1 (nearly all); default 0.3. */
  'key-tolerance'?: StreamingAvatarElement['keyTolerance'];
}

/** Settings that are JS properties only (objects and functions): no attribute. */
export interface StreamingAvatarJsProperties {
  /** Extra fields merged into the session request (vendor options attributes do not cover). */
  sessionParams?: StreamingAvatarElement['sessionParams'];
  /** Replaces the POST to `token-url`: `(request, {signal}) => Promise<session description>`; `request.requestId` names the attempt, and `signal` aborts only when the element stops reading (60 s): a session returned after it stopped wanting it goes to the stop. Posting to the bundled server handler yourself? Send `Content-Type: application/json` (anything else is 415). */
  fetchSession?: StreamingAvatarElement['fetchSession'];
  /** Replaces the POST to `<token-url>/stop` (pair it with `fetchSession`): gets `{provider, sessionId, requestId, stopToken}`, to send to your server as they are. */
  stopSession?: StreamingAvatarElement['stopSession'];
}

/** Every settable property (attribute-backed or JS-only), by property name. */
export type StreamingAvatarPropertyName =
  | 'provider'
  | 'avatarId'
  | 'quality'
  | 'videoEncoding'
  | 'voiceId'
  | 'voiceRate'
  | 'language'
  | 'streamType'
  | 'tokenUrl'
  | 'tokenTimeout'
  | 'connectTimeout'
  | 'idleTimeout'
  | 'autostart'
  | 'loading'
  | 'muted'
  | 'poster'
  | 'controls'
  | 'captions'
  | 'voiceChat'
  | 'noBargeIn'
  | 'pushToTalkKey'
  | 'background'
  | 'keyColor'
  | 'keyTolerance'
  | 'sessionParams'
  | 'fetchSession'
  | 'stopSession';

/** Each event's handler prop (React wrapper, Vue) → the DOM event name. */
export const EVENT_PROPS = {
  /** The `state` attribute changed. */
  onAvatarStateChange: 'avatar-state-change',
  /** The first video frame is on screen. */
  onAvatarReady: 'avatar-ready',
  /** The avatar started speaking. */
  onAvatarSpeakStart: 'avatar-speak-start',
  /** The avatar stopped speaking. */
  onAvatarSpeakEnd: 'avatar-speak-end',
  /** Text the avatar says or the user said. */
  onAvatarTranscript: 'avatar-transcript',
  /** Audio needs a user gesture; video plays muted until then. */
  onAvatarAutoplayBlocked: 'avatar-autoplay-blocked',
  /** Something failed: `detail.code` is stable, `detail.vendorBody` holds the vendor's answer. */
  onAvatarError: 'avatar-error',
  /** The session ended. */
  onAvatarEnded: 'avatar-ended',
  /** The vendor's time limit (or the room credential) runs out soon; `remaining` in seconds. */
  onAvatarSessionExpiring: 'avatar-session-expiring',
  /** Voice chat started, stopped, or its microphone was muted or unmuted. */
  onAvatarVoiceChatChange: 'avatar-voice-chat-change',
} as const satisfies Record<`on${string}`, keyof AvatarEventMap>;
