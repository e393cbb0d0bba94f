// The LiveKit-protocol test server: HTTP and WebSocket signalling on 127.0.0.1 (`/rtc/v1`, `/rtc` and their
// validate routes, answered as a LiveKit server answers them), the Twirp RoomService, the rooms, and the
// hooks tests use (tokens, rooms, signal drops, agent dispatch).
import { randomBytes } from 'node:crypto';
import { type IncomingMessage, STATUS_CODES, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { gunzipSync } from 'node:zlib';
import {
  ClientConfiguration,
  ClientInfo,
  ClientInfo_SDK,
  DisconnectReason,
  JoinRequest,
  JoinResponse,
  LeaveRequest,
  LeaveRequest_Action,
  ReconnectResponse,
  ServerInfo,
  ServerInfo_Edition,
  SessionDescription,
  SignalResponse,
  WrappedJoinRequest,
  WrappedJoinRequest_Compression,
} from '@livekit/protocol';
import WebSocket, { WebSocketServer } from 'ws';
import { type Grants, type Keys, type Refusal, type TokenOptions, isRefusal, joinGrants, mintToken, tokenOf } from './auth.js';
import { ClientParticipant } from './client-participant.js';
import { kindOf, newSid } from './participant.js';
import { type AgentDispatch, type DisconnectReasonName, type RoomOptions, TestRoom } from './room.js';
import { handleTwirp } from './twirp.js';

export interface LiveKitTestServerOptions {
  /** Default 0: any free port. */
  port?: number;
  apiKey?: string;
  apiSecret?: string;
  /** false: `/rtc/v1` answers 404 everywhere (a server before 1.9); clients use `/rtc`. */
  v1?: boolean;
  /** false: joining a room that was not created first is refused (404 "requested room does not exist"). */
  autoCreate?: boolean;
  /** How long a client whose signal connection dropped may take to resume; default 15 s. */
  resumeWindowMs?: number;
}

export interface DropSignalOptions {
  /**
   * What the client's attempts to come back meet. `accept` (default): the resume works. `refuse`: the
   * server forgets the participant, so the resume gets a leave (STATE_MISMATCH, RECONNECT) and the client
   * joins again from scratch (a full reconnect). `unavailable`: every connection attempt of this identity
   * is answered 503 (the SDK retries until its or our limit). `unauthorized`: answered 401 (the SDK gives
   * up at once).
   */
  resume?: 'accept' | 'refuse' | 'unavailable' | 'unauthorized';
  /** How long `unavailable`/`unauthorized` last; default until `allowSignal()`. */
  forMs?: number;
}

export type SignalRefusal = 'unavailable' | 'unauthorized' | 'stall';

export type AgentDispatchHandler = (room: TestRoom, dispatch: AgentDispatch) => void | Promise<void>;

export interface LiveKitTestServer {
  /** ws://127.0.0.1:<port>, what clients connect to. */
  readonly url: string;
  /** http://127.0.0.1:<port>, for livekit-server-sdk's RoomServiceClient. */
  readonly httpUrl: string;
  readonly apiKey: string;
  readonly apiSecret: string;
  token(room: string, identity: string, options?: TokenOptions): Promise<string>;
  /** The room named `name`, created if needed. */
  room(name: string, options?: RoomOptions): TestRoom;
  /** The live room named `name`, or the last one of that name that was deleted. */
  findRoom(name: string): TestRoom | undefined;
  rooms(): TestRoom[];
  /** Ends the room: every client gets a leave with `reason` (default ROOM_DELETED). */
  deleteRoom(name: string, reason?: DisconnectReasonName): boolean;
  /** Cuts a client's signal connection (as a network failure would) and decides how its comeback goes. */
  dropSignal(room: string, identity: string, options?: DropSignalOptions): boolean;
  /**
   * Refuses this identity's signal connections (joins and resumes) for `forMs` (default: until
   * `allowSignal()`): `unavailable` answers 503, `unauthorized` 401, `stall` never answers the upgrade.
   */
  refuseSignal(room: string, identity: string, mode: SignalRefusal, forMs?: number): void;
  /** Ends a refusal early. */
  allowSignal(room: string, identity: string): void;
  onAgentDispatch(agentName: string, handler: AgentDispatchHandler): () => void;
  stop(): Promise<void>;
}

const SERVER_INFO = new ServerInfo({ edition: ServerInfo_Edition.Standard, version: '1.9.0', protocol: 16, region: 'local', nodeId: 'ND_testserver' });

interface JoinParams {
  mode: 'single' | 'dual';
  reconnect: boolean;
  sid: string;
  offer?: SessionDescription;
  clientInfo: ClientInfo;
  metadata?: string;
  attributes?: Record<string, string>;
}

export async function startLiveKitTestServer(options: LiveKitTestServerOptions = {}): Promise<LiveKitTestServer> {
  const keys: Keys = { apiKey: options.apiKey ?? 'APItestserver', apiSecret: options.apiSecret ?? randomBytes(24).toString('base64url') };
  const rooms = new Map<string, TestRoom>();
  const deleted = new Map<string, TestRoom>();
  const handlers = new Map<string, AgentDispatchHandler>();
  const blocks = new Map<string, { mode: SignalRefusal; until: number }>();
  const stalled = new Set<Socket>();
  const resumeWindowMs = options.resumeWindowMs ?? 15_000;
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });

  const createRoom = (name: string, roomOptions: RoomOptions = {}, agents: Grants['agents'] = []): TestRoom => {
    const room = new TestRoom(name, roomOptions, (gone) => {
      if (rooms.get(gone.name) === gone) rooms.delete(gone.name);
      deleted.set(gone.name, gone);
    });
    rooms.set(name, room);
    deleted.delete(name);
    for (const agent of agents) {
      const dispatch: AgentDispatch = { id: newSid('AD_'), agentName: agent.agentName, metadata: agent.metadata, room: name };
      room.dispatched(dispatch);
      const handler = handlers.get(agent.agentName);
      if (handler) {
        Promise.resolve()
          .then(() => handler(room, dispatch))
          .catch((error: unknown) => room.record('error', agent.agentName, { error: String(error) }));
      }
    }
    return room;
  };

  const blockKey = (room: string, identity: string) => `${room}\n${identity}`;
  const blocked = (room: string, identity: string): Refusal | 'stall' | undefined => {
    const block = blocks.get(blockKey(room, identity));
    if (!block) return undefined;
    if (block.until < Date.now()) {
      blocks.delete(blockKey(room, identity));
      return undefined;
    }
    if (block.mode === 'stall') return 'stall';
    return block.mode === 'unauthorized' ? { status: 401, message: 'permissions denied' } : { status: 503, message: 'service unavailable' };
  };

  /** Everything a join request is checked for before the upgrade (the validate routes answer the same). */
  const check = async (url: URL, authorization: string | undefined): Promise<{ grants: Grants; params: JoinParams } | Refusal | 'stall'> => {
    const v1 = url.pathname.startsWith('/rtc/v1');
    const token = tokenOf(url, authorization);
    if (isRefusal(token)) return token;
    const grants = await joinGrants(keys, token);
    if (isRefusal(grants)) return grants;
    const roomName = grants.video.room!;
    const room = rooms.get(roomName);
    if (v1 && (options.v1 === false || room?.options.v1 === false)) return { status: 404, message: '404 page not found' };
    const params = v1 ? parseJoinRequest(url) : parseQuery(url);
    if (isRefusal(params)) return params;
    if (!room && options.autoCreate === false) return { status: 404, message: 'requested room does not exist' };
    const refusal = blocked(roomName, grants.identity);
    if (refusal) return refusal;
    return { grants, params };
  };

  /** A connection left unanswered (until the client gives up, or the server stops). */
  const hold = (socket: Socket) => {
    stalled.add(socket);
    socket.once('close', () => stalled.delete(socket));
  };

  const http = createServer((req, res) => void serveHttp(req, res));
  async function serveHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname === '/rtc/validate' || url.pathname === '/rtc/v1/validate') {
      res.setHeader('access-control-allow-origin', '*');
      const result = await check(url, req.headers.authorization);
      if (result === 'stall') return hold(req.socket);
      if (isRefusal(result)) return void res.writeHead(result.status, { 'content-type': 'text/plain; charset=utf-8' }).end(result.message);
      return void res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end('success');
    }
    if (url.pathname.startsWith('/twirp/')) return handleTwirp(req, res, { keys, rooms, createRoom, deleteRoom: (name) => api.deleteRoom(name) });
    if (url.pathname === '/') return void res.writeHead(200).end('OK');
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('404 page not found\n');
  }

  http.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== '/rtc' && url.pathname !== '/rtc/v1') return refuse(socket, { status: 404, message: '404 page not found\n' });
    void check(url, req.headers.authorization).then((result) => {
      if (result === 'stall') return hold(socket);
      if (isRefusal(result)) return refuse(socket, result);
      wss.handleUpgrade(req, socket, head, (ws) => connected(ws, result.grants, result.params));
    });
  });

  function connected(ws: WebSocket, grants: Grants, params: JoinParams): void {
    const name = grants.video.room!;
    let room = rooms.get(name);
    if (params.reconnect) {
      const client = room?.client(grants.identity);
      if (room && client && !client.closed && (!params.sid || params.sid === client.sid)) {
        client.resume(ws, new ReconnectResponse({ iceServers: [], clientConfiguration: new ClientConfiguration(), serverInfo: SERVER_INFO }));
        return;
      }
      // As a LiveKit server does for a participant it no longer has: come back with a full join.
      room?.record('resume-refused', grants.identity);
      const leave = new LeaveRequest({ reason: DisconnectReason.STATE_MISMATCH, action: LeaveRequest_Action.RECONNECT, canReconnect: true });
      ws.send(new SignalResponse({ message: { case: 'leave', value: leave } }).toBinary());
      ws.close(1000);
      return;
    }
    room ??= createRoom(name, {}, grants.agents);
    const claims = grants.claims;
    const client = new ClientParticipant(room, {
      identity: grants.identity,
      name: claims.name,
      metadata: params.metadata || claims.metadata,
      attributes: { ...claims.attributes, ...params.attributes },
      kind: kindOf(claims.kind),
      mode: params.mode,
      clientInfo: params.clientInfo,
      resumeWindowMs,
    });
    client.attach(ws);
    room.addClient(client);
    client.join(
      new JoinResponse({
        room: room.info(),
        participant: client.info(undefined, false),
        otherParticipants: room.others(client).map((p) => p.info()),
        serverVersion: SERVER_INFO.version,
        serverRegion: SERVER_INFO.region,
        serverInfo: SERVER_INFO,
        iceServers: [],
        subscriberPrimary: params.mode === 'dual',
        clientConfiguration: new ClientConfiguration(),
        pingInterval: 5,
        pingTimeout: 15,
        fastPublish: true,
      }),
    );
    client.peer.setTracks(room.outTracks(), false);
    if (params.mode === 'single') {
      if (params.offer) void client.peer.handleOffer(params.offer);
    } else client.peer.start();
  }

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = http.address() as AddressInfo;

  const api: LiveKitTestServer = {
    url: `ws://127.0.0.1:${port}`,
    httpUrl: `http://127.0.0.1:${port}`,
    apiKey: keys.apiKey,
    apiSecret: keys.apiSecret,
    token: (room, identity, tokenOptions) => mintToken(keys, room, identity, tokenOptions),
    room: (name, roomOptions) => rooms.get(name) ?? createRoom(name, roomOptions),
    findRoom: (name) => rooms.get(name) ?? deleted.get(name),
    rooms: () => [...rooms.values()],
    deleteRoom(name, reason = 'ROOM_DELETED') {
      const room = rooms.get(name);
      room?.close(reason);
      return room !== undefined;
    },
    dropSignal(roomName, identity, { resume = 'accept', forMs = Infinity } = {}) {
      const room = rooms.get(roomName);
      const client = room?.client(identity);
      if (!room || !client) return false;
      if (resume === 'unavailable' || resume === 'unauthorized') api.refuseSignal(roomName, identity, resume, forMs);
      client.dropSignal();
      // The server loses the participant at once: the client's resume finds nothing to resume.
      if (resume === 'refuse') room.remove(client, DisconnectReason.STATE_MISMATCH);
      return true;
    },
    refuseSignal(roomName, identity, mode, forMs = Infinity) {
      blocks.set(blockKey(roomName, identity), { mode, until: Date.now() + forMs });
    },
    allowSignal(roomName, identity) {
      blocks.delete(blockKey(roomName, identity));
    },
    onAgentDispatch(agentName, handler) {
      handlers.set(agentName, handler);
      return () => handlers.get(agentName) === handler && handlers.delete(agentName);
    },
    async stop() {
      for (const room of [...rooms.values()]) room.close('SERVER_SHUTDOWN');
      for (const ws of wss.clients) ws.terminate();
      for (const socket of stalled) socket.destroy();
      wss.close();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
  return api;
}

/** An HTTP answer on a socket that asked to upgrade (the client then asks the validate route why). */
function refuse(socket: Socket, { status, message }: Refusal): void {
  const body = Buffer.from(message);
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${message}`,
  );
}

/** `/rtc/v1`: the base64url `join_request` (a WrappedJoinRequest, usually gzip-compressed). */
function parseJoinRequest(url: URL): JoinParams | Refusal {
  const wrapped = url.searchParams.get('join_request');
  if (!wrapped) return { status: 400, message: 'join_request is required' };
  let join: JoinRequest;
  try {
    const outer = WrappedJoinRequest.fromBinary(Buffer.from(wrapped, 'base64url'));
    const bytes = outer.compression === WrappedJoinRequest_Compression.GZIP ? gunzipSync(outer.joinRequest) : outer.joinRequest;
    join = JoinRequest.fromBinary(bytes);
  } catch {
    return { status: 400, message: 'cannot unmarshal join request' };
  }
  return {
    mode: 'single',
    reconnect: join.reconnect,
    sid: join.participantSid,
    offer: join.publisherOffer,
    clientInfo: join.clientInfo ?? new ClientInfo(),
    metadata: join.metadata,
    attributes: join.participantAttributes,
  };
}

/** `/rtc`: the query parameters of the two-connection protocol. */
function parseQuery(url: URL): JoinParams {
  const q = url.searchParams;
  return {
    mode: 'dual',
    reconnect: q.get('reconnect') === '1' || q.get('reconnect') === 'true',
    sid: q.get('sid') ?? '',
    clientInfo: new ClientInfo({ sdk: ClientInfo_SDK.JS, version: q.get('version') ?? '', protocol: Number(q.get('protocol') ?? 0), browser: q.get('browser') ?? '' }),
  };
}
