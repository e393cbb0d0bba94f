/**
 * `streaming-avatar/transports/agora`: makes the agora transport available to every element on the page.
 * A side-effect module; the plugin and agora-rtc-sdk-ng stay in a lazy chunk, fetched only when a session uses them.
 */
import { installTransportPlugin } from '../registry.js';

installTransportPlugin('agora', () => import('../agora.js'));
