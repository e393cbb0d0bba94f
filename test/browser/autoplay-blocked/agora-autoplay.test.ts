import { createAgoraTransport } from '../../../src/transports/agora.js';
import { createFakeAgora } from '../../fakes/fake-agora.js';
import { describeBlockedAutoplay } from '../../helpers/autoplay-case.js';

const fake = createFakeAgora();
describeBlockedAutoplay('Agora', {
  credentials: { kind: 'agora', appId: 'app', channel: 'channel', token: null, uid: 1 },
  create: (options) => createAgoraTransport(options, async () => fake.sdk),
  resumed: () => fake.resumeCalls,
});
