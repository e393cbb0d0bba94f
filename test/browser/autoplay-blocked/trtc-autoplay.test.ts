import { createTrtcTransport } from '../../../src/transports/trtc.js';
import { createFakeTrtc } from '../../fakes/fake-trtc.js';
import { describeBlockedAutoplay } from '../../helpers/autoplay-case.js';

const fake = createFakeTrtc({ autoplayBlocked: true });
describeBlockedAutoplay('TRTC', {
  credentials: { kind: 'trtc', sdkAppId: 1, roomId: 1, userId: 'viewer', userSig: 'sig' },
  create: (options) => createTrtcTransport(options, async () => fake.sdk),
  resumed: () => fake.clients.reduce((sum, client) => sum + client.resumeCalls, 0),
});
