// The core cases with livekit-client 2.18 (the npm alias `livekit-client-2-18`), the first minor on /rtc/v1
// and a version a vendor SDK pins (2.18.4).
import type { LiveKitSdk } from '../../../src/transports/livekit.js';
import { liveKitRealSuite } from './suite.js';

// Other classes than 2.23's for tsc (see livekit-2-11.test.ts); this run checks the members at run time.
const load = () => import('livekit-client-2-18') as unknown as Promise<LiveKitSdk>;

liveKitRealSuite({ version: '2.18.4', load, v1: true, core: true });
