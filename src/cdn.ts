/**
 * The CDN build's entry: registers the element and installs every SDK transport, so a script-tag page
 * needs nothing else. Each transport and its SDK remain separate chunks, fetched only when used.
 */
import './transports/install/livekit.js';
import './transports/install/agora.js';
import './transports/install/trtc.js';

export * from './define.js';
