/**
 * `streaming-avatar/transports/livekit`: makes the livekit transport available to every element on the page.
 * A side-effect module; the plugin and livekit-client stay in a lazy chunk, fetched only when a session uses them.
 */
import { installTransportPlugin } from '../registry.js';

installTransportPlugin('livekit', () => import('../livekit.js'));
