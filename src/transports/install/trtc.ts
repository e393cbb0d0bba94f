/**
 * `streaming-avatar/transports/trtc`: makes the trtc transport available to every element on the page.
 * A side-effect module; the plugin and trtc-sdk-v5 stay in a lazy chunk, fetched only when a session uses them.
 */
import { installTransportPlugin } from '../registry.js';

installTransportPlugin('trtc', () => import('../trtc.js'));
