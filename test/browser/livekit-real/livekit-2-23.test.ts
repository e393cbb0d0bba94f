// The LiveKit plugin with the newest livekit-client (2.23, the devDependency): /rtc/v1, one peer connection.
import { loadLiveKitSdk } from '../../../src/transports/livekit.js';
import { liveKitRealSuite } from './suite.js';

liveKitRealSuite({ version: '2.23.0', load: loadLiveKitSdk, v1: true });
