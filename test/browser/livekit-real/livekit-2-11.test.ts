// The LiveKit plugin with the oldest supported livekit-client minor (2.11, the npm alias devDependency
// `livekit-client-2-11`): /rtc, two peer connections.
import type { LiveKitSdk } from '../../../src/transports/livekit.js';
import { liveKitRealSuite } from './suite.js';

// 2.11's declarations are other classes than 2.23's (which LiveKitSdk is written with) for tsc, though the
// members the plugin uses are the same: this suite is what checks them at run time.
const load = () => import('livekit-client-2-11') as unknown as Promise<LiveKitSdk>;

liveKitRealSuite({ version: '2.11.4', load, v1: false });
