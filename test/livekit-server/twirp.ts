// The Twirp RoomService (`/twirp/livekit.RoomService/<Method>`, JSON), enough for livekit-server-sdk's
// RoomServiceClient: create, list and delete rooms; list, get, update and remove participants; send data.
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  CreateRoomRequest,
  DataPacket_Kind,
  DeleteRoomRequest,
  DeleteRoomResponse,
  ListParticipantsRequest,
  ListParticipantsResponse,
  ListRoomsRequest,
  ListRoomsResponse,
  RemoveParticipantResponse,
  RoomParticipantIdentity,
  SendDataRequest,
  SendDataResponse,
  UpdateParticipantRequest,
  UpdateRoomMetadataRequest,
} from '@livekit/protocol';
import type { VideoGrant } from 'livekit-server-sdk';
import { type Grants, type Keys, isRefusal, verifyToken } from './auth.js';
import { userPacket } from './data-packets.js';
import type { TestRoom } from './room.js';

export interface TwirpContext {
  keys: Keys;
  rooms: ReadonlyMap<string, TestRoom>;
  createRoom(name: string, options: { metadata?: string; emptyTimeout?: number; maxParticipants?: number }, agents: Grants['agents']): TestRoom;
  deleteRoom(name: string): boolean;
}

class TwirpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const notFound = () => new TwirpError(404, 'not_found', 'requested room does not exist');
const denied = () => new TwirpError(403, 'permission_denied', 'permissions denied');

type Json = ReturnType<DeleteRoomResponse['toJson']>;
type Message = { toJson(): Json };

async function body(req: IncomingMessage): Promise<Json> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return text ? (JSON.parse(text) as Json) : {};
  } catch {
    throw new TwirpError(400, 'malformed', 'the request body is not JSON');
  }
}

export async function handleTwirp(req: IncomingMessage, res: ServerResponse, ctx: TwirpContext): Promise<void> {
  const reply = (status: number, json: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(json));
  try {
    const method = /^\/twirp\/livekit\.RoomService\/(\w+)$/.exec(new URL(req.url ?? '/', 'http://x').pathname)?.[1];
    if (req.method !== 'POST' || !method) throw new TwirpError(404, 'bad_route', `no handler for ${req.method} ${req.url}`);
    const auth = req.headers.authorization ?? '';
    if (!auth.startsWith('Bearer ')) throw new TwirpError(401, 'unauthenticated', 'invalid authorization header. Must start with Bearer ');
    const claims = await verifyToken(ctx.keys, auth.slice('Bearer '.length));
    if (isRefusal(claims)) throw new TwirpError(401, 'unauthenticated', claims.message);
    const grant: VideoGrant = claims.video ?? {};
    const json = await body(req);
    const admin = (room: string): TestRoom => {
      if (!grant.roomAdmin || grant.room !== room) throw denied();
      const found = ctx.rooms.get(room);
      if (!found) throw notFound();
      return found;
    };
    const participant = (room: TestRoom, identity: string) => {
      const found = room.member(identity);
      if (!found) throw new TwirpError(404, 'not_found', 'participant does not exist');
      return found;
    };
    const parse = { ignoreUnknownFields: true };
    let answer: Message;
    switch (method) {
      case 'CreateRoom': {
        if (!grant.roomCreate) throw denied();
        const request = CreateRoomRequest.fromJson(json, parse);
        const room =
          ctx.rooms.get(request.name) ??
          ctx.createRoom(
            request.name,
            { metadata: request.metadata, emptyTimeout: request.emptyTimeout, maxParticipants: request.maxParticipants },
            request.agents.map((a) => ({ agentName: a.agentName, metadata: a.metadata })),
          );
        answer = room.info();
        break;
      }
      case 'ListRooms': {
        if (!grant.roomList) throw denied();
        const { names } = ListRoomsRequest.fromJson(json, parse);
        answer = new ListRoomsResponse({ rooms: [...ctx.rooms.values()].filter((r) => names.length === 0 || names.includes(r.name)).map((r) => r.info()) });
        break;
      }
      case 'DeleteRoom': {
        if (!grant.roomCreate) throw denied();
        const { room } = DeleteRoomRequest.fromJson(json, parse);
        if (!ctx.deleteRoom(room)) throw notFound();
        answer = new DeleteRoomResponse();
        break;
      }
      case 'ListParticipants': {
        const { room } = ListParticipantsRequest.fromJson(json, parse);
        const found = admin(room);
        answer = new ListParticipantsResponse({ participants: found.members().map((p) => p.info(undefined, false)) });
        break;
      }
      case 'GetParticipant': {
        const { room, identity } = RoomParticipantIdentity.fromJson(json, parse);
        answer = participant(admin(room), identity).info(undefined, false);
        break;
      }
      case 'RemoveParticipant': {
        const { room, identity } = RoomParticipantIdentity.fromJson(json, parse);
        const found = admin(room);
        participant(found, identity);
        found.removeParticipant(identity, 'PARTICIPANT_REMOVED');
        answer = new RemoveParticipantResponse();
        break;
      }
      case 'UpdateParticipant': {
        const request = UpdateParticipantRequest.fromJson(json, parse);
        const found = admin(request.room);
        const p = participant(found, request.identity);
        if (request.name) p.name = request.name;
        if (request.metadata) p.metadata = request.metadata;
        p.attributes = { ...p.attributes, ...request.attributes };
        p.version++;
        found.changed(p);
        answer = p.info(undefined, false);
        break;
      }
      case 'UpdateRoomMetadata': {
        const request = UpdateRoomMetadataRequest.fromJson(json, parse);
        const found = admin(request.room);
        found.metadata = request.metadata;
        answer = found.info();
        break;
      }
      case 'SendData': {
        const request = SendDataRequest.fromJson(json, parse);
        const found = admin(request.room);
        const reliable = request.kind !== DataPacket_Kind.LOSSY;
        const packet = userPacket({ sid: '', identity: '' }, request.data, { topic: request.topic, reliable, destinationIdentities: request.destinationIdentities });
        found.route(undefined, packet, reliable);
        answer = new SendDataResponse();
        break;
      }
      default:
        throw new TwirpError(404, 'bad_route', `RoomService has no method ${method}`);
    }
    reply(200, answer.toJson());
  } catch (error) {
    if (error instanceof TwirpError) return void reply(error.status, { code: error.code, msg: error.message });
    reply(500, { code: 'internal', msg: String(error) });
  }
}
