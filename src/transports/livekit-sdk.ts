// CDN build only (rollup.config.mjs sends the LiveKit plugin's `import('livekit-client')` here): the members
// the plugin uses, as a static re-export, which rollup tree-shakes. It keeps every export of livekit-client
// imported whole, even destructured; this way the SDK chunk is about 10 KB gz smaller.
export { ConnectionErrorReason, DisconnectReason, Room, setLogLevel } from 'livekit-client';
