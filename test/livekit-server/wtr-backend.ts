// The LiveKit test server as a web-test-runner backend (test/backends/wtr-plugin.mjs): one server for the
// run, and the commands browser tests use through test/helpers/livekit-server.ts (JSON in and out, bytes
// as base64).
import type { DropSignalOptions, SignalRefusal } from './server.js';
import { type TokenOptions } from './auth.js';
import type { BotSpec, DataInfo } from './bot.js';
import { networkIsolation } from './network.js';
import type { DisconnectReasonName, RoomOptions, TestRoom } from './room.js';
import { sharedLiveKitServer, stopSharedLiveKitServer } from './shared.js';

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
const bytesOf = (base64: string) => new Uint8Array(Buffer.from(base64, 'base64'));

interface Inbox {
  data: { payload: string; info: DataInfo; at: number }[];
  texts: { text: string; topic: string; attributes: Record<string, string>; from: string; at: number }[];
}

export async function createBackend() {
  const server = await sharedLiveKitServer();
  const inboxes = new Map<string, Inbox>();
  let counter = 0;

  const room = (name: string): TestRoom => {
    const found = server.findRoom(name);
    if (!found) throw new Error(`No room ${name}`);
    return found;
  };
  const bot = (roomName: string, identity: string) => {
    const found = room(roomName).bot(identity);
    if (!found) throw new Error(`No bot ${identity} in room ${roomName}`);
    return found;
  };

  const snapshot = (r: TestRoom) => ({
    name: r.name,
    deleted: r.deleted,
    participants: r.participants(),
    events: r.events(),
    data: r.data().map((d) => ({ ...d, payload: b64(d.payload) })),
    texts: r.texts(),
    dispatches: r.dispatches(),
    microphones: Object.fromEntries(
      r.participants().flatMap((p) => {
        const levels = r.microphone(p.identity);
        return levels ? [[p.identity, levels]] : [];
      }),
    ),
  });

  const commands = {
    info: () => ({ url: server.url, httpUrl: server.httpUrl, apiKey: server.apiKey, network: networkIsolation() }),
    token: ({ room: name, identity, options }: { room: string; identity: string; options?: TokenOptions }) => server.token(name, identity, options),
    createRoom: ({ name, options }: { name?: string; options?: RoomOptions }) => {
      const r = server.room(name ?? `room-${Date.now().toString(36)}-${++counter}`, options);
      return { name: r.name, sid: r.sid };
    },
    deleteRoom: ({ room: name, reason }: { room: string; reason?: DisconnectReasonName }) => server.deleteRoom(name, reason),
    addBot: ({ room: name, spec }: { room: string; spec: BotSpec }) => {
      const added = room(name).addBot(spec);
      const inbox: Inbox = { data: [], texts: [] };
      inboxes.set(`${name}\n${spec.identity}`, inbox);
      added.onData((payload, info) => inbox.data.push({ payload: b64(payload), info, at: Date.now() }));
      added.onText((text, info) => inbox.texts.push({ text, topic: info.topic, attributes: info.attributes, from: info.from, at: Date.now() }));
      return { identity: added.identity, sid: added.sid };
    },
    bot: ({ room: name, identity, action, args = {} }: { room: string; identity: string; action: string; args?: Record<string, unknown> }) => {
      const b = bot(name, identity);
      const options = (args.options ?? {}) as Record<string, never>;
      switch (action) {
        case 'sendData':
          return b.sendData(bytesOf(args.payload as string), options), true;
        case 'sendText':
          return b.sendText(args.text as string, options), true;
        case 'setAttributes':
          return b.setAttributes(args.attributes as Record<string, string>), true;
        case 'setMetadata':
          return b.setMetadata(args.metadata as string), true;
        case 'setSpeaking':
          return b.setSpeaking(Boolean(args.speaking)), true;
        case 'leave':
          return b.leave(), true;
        case 'state':
          return { frames: b.frames, speaking: b.speaking };
        default:
          throw new Error(`Unknown bot action ${action}`);
      }
    },
    inbox: ({ room: name, identity }: { room: string; identity: string }) => inboxes.get(`${name}\n${identity}`) ?? { data: [], texts: [] },
    microphone: ({ room: name, identity, sinceMs }: { room: string; identity: string; sinceMs?: number }) => room(name).microphone(identity, sinceMs) ?? null,
    snapshot: ({ room: name }: { room: string }) => snapshot(room(name)),
    removeParticipant: ({ room: name, identity, reason }: { room: string; identity: string; reason?: DisconnectReasonName }) =>
      room(name).removeParticipant(identity, reason),
    dropSignal: ({ room: name, identity, options }: { room: string; identity: string; options?: DropSignalOptions }) => server.dropSignal(name, identity, options),
    refuseSignal: ({ room: name, identity, mode, forMs }: { room: string; identity: string; mode: SignalRefusal; forMs?: number }) =>
      (server.refuseSignal(name, identity, mode, forMs), true),
    allowSignal: ({ room: name, identity }: { room: string; identity: string }) => (server.allowSignal(name, identity), true),
  };

  return { commands, server, stop: () => stopSharedLiveKitServer() };
}
