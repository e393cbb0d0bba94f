import { createLiveKitTransport } from '../../../src/transports/livekit.js';
import { createFakeLiveKit } from '../../fakes/fake-livekit.js';
import { describeBlockedAutoplay } from '../../helpers/autoplay-case.js';

const fake = createFakeLiveKit();
describeBlockedAutoplay('LiveKit', {
  credentials: { kind: 'livekit', url: 'wss://sfu.invalid', token: 'token-abcdefgh' },
  create: (options) => createLiveKitTransport(options, async () => fake.sdk),
  resumed: () => fake.rooms.reduce((sum, room) => sum + room.startAudioCalls, 0),
});
