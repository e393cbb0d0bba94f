// The part of livekit-client the LiveKit plugin loads (see `loadLiveKitSdk`); `LiveKitSdk` types it.
export { ConnectionErrorReason, DisconnectReason, Room, setLogLevel } from 'livekit-client';
