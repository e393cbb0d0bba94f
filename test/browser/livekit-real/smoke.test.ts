import { expect } from '@open-wc/testing';
import { Room, RoomEvent, setLogLevel } from 'livekit-client';
import { liveKitServer } from '../../helpers/livekit-server.js';

describe('smoke', () => {
  it('joins', async () => {
    setLogLevel('warn');
    const server = await liveKitServer();
    const room = await server.createRoom();
    await room.addBot({ identity: 'avatar', name: 'Smoke test' });
    const token = await room.token('user');
    const client = new Room({ adaptiveStream: false, dynacast: false });
    const tracks: string[] = [];
    client.on(RoomEvent.TrackSubscribed, (t) => tracks.push(t.kind));
    await client.connect(server.url, token);
    const t0 = performance.now();
    while (tracks.length < 2 && performance.now() - t0 < 10000) await new Promise((r) => setTimeout(r, 100));
    expect(tracks.sort()).to.deep.equal(['audio', 'video']);
    await client.disconnect();
    console.log(JSON.stringify((await room.snapshot()).events));
  });
});
