/** A fake vendor's LiveKit room on the project's LiveKit test server: the avatar bot and the visitor's token. */
import type { BotSpec, TestBot } from '../../test/livekit-server/bot.js';
import type { DisconnectReasonName, TestRoom } from '../../test/livekit-server/room.js';
import type { LiveKitTestServer } from '../../test/livekit-server/server.js';

export type { BotSpec, DisconnectReasonName, LiveKitTestServer, TestBot, TestRoom };

/** One session's room, made by a fake vendor when it creates the session. */
export interface FakeAvatarRoom {
  /** What the vendor hands the browser: the server's URL and a token for the visitor. */
  url: string;
  token: string;
  room: TestRoom;
  /** The avatar participant the fake drives (its picture, tone, data). */
  avatar: TestBot;
  /** Ends the room (the visitor gets a leave with `reason`): the vendor stopped or ended the session. */
  close(reason?: DisconnectReasonName): void;
}

export interface AvatarRoomSpec {
  /** Room name: unique per session (e.g. `heygen-<session id>`). */
  room: string;
  /** The visitor's identity in the room. */
  visitor: string;
  /** The avatar bot (identity, picture with the vendor's label and colours, tone). */
  avatar: BotSpec;
  /** Token lifetime, as the vendor's (default 1 h). */
  ttl?: number | string;
}

/** Creates the room, starts the avatar in it and mints the visitor's token. */
export async function openAvatarRoom(livekit: LiveKitTestServer, spec: AvatarRoomSpec): Promise<FakeAvatarRoom> {
  const room = livekit.room(spec.room);
  const avatar = room.addBot(spec.avatar);
  const token = await livekit.token(spec.room, spec.visitor, { ttl: spec.ttl ?? '1h' });
  return {
    url: livekit.url,
    token,
    room,
    avatar,
    close: (reason = 'ROOM_DELETED') => void livekit.deleteRoom(spec.room, reason),
  };
}
