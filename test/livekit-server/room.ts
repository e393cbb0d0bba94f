// A test room: its clients and bots, what it relays between them (participant updates, data, the bots'
// media), and what it saw, for tests: join and leave events with reasons, data and text from clients, the
// clients' microphone levels, agent dispatches.
import {
  Codec,
  type DataPacket,
  DisconnectReason,
  ParticipantInfo_State,
  ParticipantUpdate,
  Room as RoomInfo,
  SpeakerInfo,
  SpeakersChanged,
} from '@livekit/protocol';
import { BotParticipant, type BotSpec, type TestBot } from './bot.js';
import { ClientParticipant, type ClientRoom } from './client-participant.js';
import type { OutTrack } from './client-peer.js';
import { type ReceivedText, TextStreams, stamp } from './data-packets.js';
import type { MicrophoneLevels } from './levels.js';
import { type Participant, type ParticipantSummary, newSid } from './participant.js';

export type DisconnectReasonName = keyof typeof DisconnectReason;

export interface RoomEvent {
  /** Date.now() */
  at: number;
  /** join, leave, leave-request, signal-lost, resume, resume-refused, publish, unpublish, mute, dispatch, error */
  type: string;
  identity: string;
  /** For `leave`: the DisconnectReason name (CLIENT_INITIATED, PARTICIPANT_REMOVED, ROOM_DELETED…). */
  reason?: string;
  detail?: Record<string, unknown>;
}

/** A data packet (`publishData`) a client sent. */
export interface ClientData {
  at: number;
  from: string;
  topic?: string;
  payload: Uint8Array;
  reliable: boolean;
  destinationIdentities: string[];
}

export interface ClientText extends ReceivedText {
  at: number;
}

export interface AgentDispatch {
  id: string;
  agentName: string;
  metadata: string;
  room: string;
}

export interface RoomOptions {
  /** false: `/rtc/v1` answers 404 for this room, as a server before 1.9 does (the client falls back to `/rtc`). */
  v1?: boolean;
  metadata?: string;
  emptyTimeout?: number;
  maxParticipants?: number;
}

export class TestRoom implements ClientRoom {
  readonly sid = newSid('RM_');
  readonly createdAt = Date.now();
  deleted = false;
  metadata: string;
  readonly #participants = new Map<string, Participant>();
  readonly #events: RoomEvent[] = [];
  readonly #data: ClientData[] = [];
  readonly #texts: ClientText[] = [];
  readonly #textStreams = new TextStreams();
  readonly #dispatches: AgentDispatch[] = [];
  readonly #listeners = new Set<() => void>();

  constructor(
    readonly name: string,
    readonly options: RoomOptions,
    private readonly onDeleted: (room: TestRoom) => void,
  ) {
    this.metadata = options.metadata ?? '';
  }

  info(): RoomInfo {
    return new RoomInfo({
      sid: this.sid,
      name: this.name,
      emptyTimeout: this.options.emptyTimeout ?? 300,
      departureTimeout: 20,
      maxParticipants: this.options.maxParticipants ?? 0,
      creationTime: BigInt(Math.floor(this.createdAt / 1000)),
      creationTimeMs: BigInt(this.createdAt),
      metadata: this.metadata,
      numParticipants: this.#participants.size,
      numPublishers: [...this.#participants.values()].filter((p) => p.bot).length,
      enabledCodecs: [new Codec({ mime: 'audio/opus' }), new Codec({ mime: 'video/VP8' })],
    });
  }

  // ——— what tests read ———

  participants(): ParticipantSummary[] {
    return [...this.#participants.values()].map((p) => p.summary());
  }

  events(): readonly RoomEvent[] {
    return this.#events;
  }

  data(): readonly ClientData[] {
    return this.#data;
  }

  texts(): readonly ClientText[] {
    return this.#texts;
  }

  dispatches(): readonly AgentDispatch[] {
    return this.#dispatches;
  }

  /** The client's published microphone as received: levels over the last `sinceMs` (default a minute). */
  microphone(identity: string, sinceMs?: number): MicrophoneLevels | undefined {
    const p = this.#participants.get(identity);
    return p instanceof ClientParticipant ? p.microphone(sinceMs) : undefined;
  }

  bot(identity: string): TestBot | undefined {
    const p = this.#participants.get(identity);
    return p instanceof BotParticipant ? p : undefined;
  }

  client(identity: string): ClientParticipant | undefined {
    const p = this.#participants.get(identity);
    return p instanceof ClientParticipant ? p : undefined;
  }

  /** Calls `listener` after every change the room records. */
  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Resolves with `check()`'s first truthy value, checked now and after each change (and every 100 ms). */
  until<T>(check: () => T | undefined | null | false, timeoutMs = 15_000, what = 'the room condition'): Promise<T> {
    return new Promise((resolve, reject) => {
      const test = () => {
        const value = check();
        if (!value) return;
        done();
        resolve(value);
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`Timed out after ${timeoutMs} ms waiting for ${what} in room ${this.name}`));
      }, timeoutMs);
      const poll = setInterval(test, 100);
      const off = this.onChange(test);
      const done = () => {
        clearTimeout(timer);
        clearInterval(poll);
        off();
      };
      test();
    });
  }

  // ——— what tests do ———

  addBot(spec: BotSpec): TestBot {
    if (this.deleted) throw new Error(`Room ${this.name} was deleted`);
    if (this.#participants.has(spec.identity)) throw new Error(`${spec.identity} is already in room ${this.name}`);
    const bot = new BotParticipant(this, spec);
    this.#participants.set(bot.identity, bot);
    this.record('join', bot.identity, { bot: true });
    this.changed(bot);
    this.#updateTracks();
    return bot;
  }

  /** The server removes a participant: a client gets a leave with `reason`. */
  removeParticipant(identity: string, reason: DisconnectReasonName = 'PARTICIPANT_REMOVED'): boolean {
    const p = this.#participants.get(identity);
    if (p instanceof ClientParticipant) p.leave(DisconnectReason[reason]);
    else if (p instanceof BotParticipant) p.leave();
    return p !== undefined;
  }

  /** Every client gets a leave with `reason`; the bots stop; the room is gone. */
  close(reason: DisconnectReasonName = 'ROOM_DELETED'): void {
    if (this.deleted) return;
    this.deleted = true;
    for (const p of [...this.#participants.values()]) {
      if (p instanceof ClientParticipant) p.leave(DisconnectReason[reason]);
      else if (p instanceof BotParticipant) this.removeBot(p);
    }
    this.onDeleted(this);
    this.#changed();
  }

  // ——— for the server and the participants ———

  record(type: string, identity: string, detail?: Record<string, unknown>): void {
    const { reason, ...rest } = detail ?? {};
    this.#events.push({ at: Date.now(), type, identity, ...(typeof reason === 'string' ? { reason } : {}), ...(Object.keys(rest).length ? { detail: rest } : {}) });
    this.#changed();
  }

  dispatched(dispatch: AgentDispatch): void {
    this.#dispatches.push(dispatch);
    this.record('dispatch', dispatch.agentName, { id: dispatch.id });
  }

  /** Adds a joined client (one with the same identity is replaced, as a LiveKit server does). */
  addClient(client: ClientParticipant): void {
    const previous = this.#participants.get(client.identity);
    if (previous instanceof ClientParticipant) previous.leave(DisconnectReason.DUPLICATE_IDENTITY);
    else if (previous instanceof BotParticipant) this.removeBot(previous);
    this.#participants.set(client.identity, client);
    this.record('join', client.identity, { mode: client.mode, sdkVersion: client.clientInfo?.version });
    this.changed(client);
  }

  members(): Participant[] {
    return [...this.#participants.values()];
  }

  member(identity: string): Participant | undefined {
    return this.#participants.get(identity);
  }

  others(participant: Participant): Participant[] {
    return this.members().filter((p) => p !== participant);
  }

  changed(participant: Participant): void {
    this.#broadcast(participant, ParticipantInfo_State.ACTIVE);
    this.#changed();
  }

  outTracks(): OutTrack[] {
    return [...this.#participants.values()].flatMap((p) => (p instanceof BotParticipant ? p.outTracks() : []));
  }

  remove(participant: ClientParticipant, reason: DisconnectReason): void {
    if (this.#participants.get(participant.identity) !== participant) return participant.close();
    this.#participants.delete(participant.identity);
    participant.close();
    this.record('leave', participant.identity, { reason: DisconnectReason[reason] });
    this.#broadcast(participant, ParticipantInfo_State.DISCONNECTED, reason);
  }

  removeBot(bot: BotParticipant): void {
    if (this.#participants.get(bot.identity) !== bot) return;
    this.#participants.delete(bot.identity);
    bot.close();
    this.record('leave', bot.identity, { reason: 'CLIENT_INITIATED', bot: true });
    this.#broadcast(bot, ParticipantInfo_State.DISCONNECTED, DisconnectReason.CLIENT_INITIATED);
    this.#updateTracks();
  }

  speaking(bot: BotParticipant): void {
    const speakers = new SpeakersChanged({ speakers: [new SpeakerInfo({ sid: bot.sid, level: bot.speaking ? 0.8 : 0, active: bot.speaking })] });
    for (const p of this.#participants.values()) if (p instanceof ClientParticipant) p.send({ case: 'speakersChanged', value: speakers });
  }

  /** Delivers a data packet from `from` (undefined: the server itself, RoomService SendData). */
  route(from: Participant | undefined, packet: DataPacket, reliable: boolean): void {
    if (from instanceof ClientParticipant) this.#note(from, packet, reliable);
    if (from) stamp(packet, from);
    const to = packet.destinationIdentities.length
      ? packet.destinationIdentities
      : packet.value.case === 'user' && packet.value.value.destinationIdentities.length
        ? packet.value.value.destinationIdentities
        : undefined;
    const bytes = packet.toBinary();
    for (const p of this.members()) {
      if (p === from || (to && !to.includes(p.identity))) continue;
      if (p instanceof ClientParticipant) p.peer.sendData(bytes, reliable);
      else if (p instanceof BotParticipant) p.receive(packet, reliable);
    }
  }

  #note(from: ClientParticipant, packet: DataPacket, reliable: boolean): void {
    if (packet.value.case === 'user') {
      const user = packet.value.value;
      this.#data.push({ at: Date.now(), from: from.identity, topic: user.topic, payload: user.payload, reliable, destinationIdentities: [...packet.destinationIdentities, ...user.destinationIdentities] });
      this.#changed();
      return;
    }
    packet.participantIdentity = from.identity;
    const text = this.#textStreams.push(packet);
    if (text) {
      this.#texts.push({ ...text, at: Date.now() });
      this.#changed();
    }
  }

  #broadcast(subject: Participant, state: ParticipantInfo_State, reason?: DisconnectReason): void {
    for (const p of this.#participants.values()) {
      if (p === subject || !(p instanceof ClientParticipant)) continue;
      const info = subject.info(state, true);
      if (reason !== undefined) info.disconnectReason = reason;
      p.send({ case: 'update', value: new ParticipantUpdate({ participants: [info] }) });
    }
  }

  #updateTracks(): void {
    const tracks = this.outTracks();
    for (const p of this.#participants.values()) if (p instanceof ClientParticipant) p.peer.setTracks(tracks);
  }

  #changed(): void {
    for (const listener of [...this.#listeners]) listener();
  }
}
