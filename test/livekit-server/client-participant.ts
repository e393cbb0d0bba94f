// A browser client in a test room: its signal connection (join, requests, resume after a drop, leave), its
// media peer, the tracks it publishes (with their sound level) and the data it sends.
import {
  type ClientInfo,
  DataPacket,
  DisconnectReason,
  LeaveRequest,
  LeaveRequest_Action,
  ParticipantUpdate,
  Pong,
  ReconnectResponse,
  RequestResponse,
  SignalRequest,
  SignalResponse,
  TrackInfo,
  TrackPublishedResponse,
  TrackSource,
  TrackType,
  type JoinResponse,
} from '@livekit/protocol';
import type WebSocket from 'ws';
import { ClientPeer, type OutTrack } from './client-peer.js';
import { Levels, type MicrophoneLevels } from './levels.js';
import { Participant, type ParticipantSummary, newSid } from './participant.js';
import { sdpSections } from './sdp.js';
import { wrtc } from './wrtc.js';

type Message = SignalResponse['message'];

/** What a client needs from its room. */
export interface ClientRoom {
  record(type: string, identity: string, detail?: Record<string, unknown>): void;
  /** `participant` changed (its version is already bumped): tell the others. */
  changed(participant: Participant): void;
  route(from: Participant, packet: DataPacket, reliable: boolean): void;
  /** The client is gone (left, removed, replaced, or its signal never came back). */
  remove(participant: ClientParticipant, reason: DisconnectReason): void;
  outTracks(): OutTrack[];
}

interface Publication {
  info: TrackInfo;
  cid: string;
  mid?: string;
  levels: Levels;
  sink?: { stop(): void };
}

export interface ClientInit {
  identity: string;
  name?: string;
  metadata?: string;
  attributes?: Record<string, string>;
  kind: number;
  mode: 'single' | 'dual';
  clientInfo?: ClientInfo;
  /** How long a dropped signal connection may stay away before the participant is removed. */
  resumeWindowMs: number;
}

export class ClientParticipant extends Participant {
  readonly bot = false;
  readonly mode: 'single' | 'dual';
  readonly peer: ClientPeer;
  readonly clientInfo?: ClientInfo;
  /** Highest reliable data sequence received (the resume answer tells the client where to resend from). */
  lastSequence = 0;
  closed = false;
  readonly #room: ClientRoom;
  readonly #publications = new Map<string, Publication>();
  readonly #queue: Message[] = [];
  readonly #resumeWindowMs: number;
  #ws?: WebSocket;
  #peerGraceMs = 0;
  #expiry?: ReturnType<typeof setTimeout>;

  constructor(room: ClientRoom, init: ClientInit) {
    super(init.identity, init.kind, init);
    this.#room = room;
    this.mode = init.mode;
    this.clientInfo = init.clientInfo;
    this.#resumeWindowMs = init.resumeWindowMs;
    this.peer = new ClientPeer(init.mode, {
      signal: (message) => this.send(message),
      data: (bytes, reliable) => this.#data(bytes, reliable),
      track: (track, mid) => this.#track(track, mid),
      sections: (offer) => this.#sections(offer),
    });
  }

  get signalConnected(): boolean {
    return this.#ws?.readyState === 1;
  }

  protected tracks(): TrackInfo[] {
    return [...this.#publications.values()].map((p) => p.info);
  }

  override summary(): ParticipantSummary {
    return {
      ...super.summary(),
      state: this.signalConnected ? 'active' : 'signal-lost',
      mode: this.mode,
      sdkVersion: this.clientInfo?.version,
    };
  }

  microphone(sinceMs?: number): MicrophoneLevels | undefined {
    const pub = [...this.#publications.values()].find((p) => p.info.type === TrackType.AUDIO);
    return pub?.levels.summary(pub.info.sid, pub.info.muted, sinceMs);
  }

  /** Takes over a signal connection (the join's, or a resume's). */
  attach(ws: WebSocket): void {
    const previous = this.#ws;
    this.#ws = ws;
    if (previous && previous !== ws) previous.terminate();
    clearTimeout(this.#expiry);
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (!isBinary || this.#ws !== ws) return;
      let request: SignalRequest;
      try {
        request = SignalRequest.fromBinary(new Uint8Array(data));
      } catch {
        return;
      }
      this.#handle(request);
    });
    ws.on('close', () => {
      if (this.#ws === ws && !this.closed) this.#signalLost();
    });
  }

  join(response: JoinResponse): void {
    this.send({ case: 'join', value: response });
  }

  /** A resume on `ws`: the reconnect answer, then what was said while the signal was away. */
  resume(ws: WebSocket, answer: ReconnectResponse): void {
    this.attach(ws);
    answer.lastMessageSeq = this.lastSequence;
    this.#sendNow({ case: 'reconnect', value: answer });
    for (const message of this.#queue.splice(0)) this.#sendNow(message);
    this.#room.record('resume', this.identity);
  }

  send(message: Message): void {
    if (this.closed) return;
    if (this.signalConnected) this.#sendNow(message);
    else this.#queue.push(message);
  }

  #sendNow(message: Message): void {
    this.#ws?.send(new SignalResponse({ message }).toBinary());
  }

  /** Drops the signal connection as a network failure would (no close handshake). */
  dropSignal(): void {
    this.#ws?.terminate();
  }

  /** The server ends this client's session: a leave with `reason` (and `action`), then the connection closes. */
  leave(reason: DisconnectReason, action = LeaveRequest_Action.DISCONNECT): void {
    if (this.closed) return;
    this.#sendNow({ case: 'leave', value: new LeaveRequest({ reason, action, canReconnect: action !== LeaveRequest_Action.DISCONNECT }) });
    if (action !== LeaveRequest_Action.DISCONNECT) return;
    this.#ws?.close(1000, 'leave');
    // The client closes its peer connection on the leave; closing ours at once would beat the leave to it.
    this.#peerGraceMs = 1500;
    this.#room.remove(this, reason);
  }

  /** Releases everything (called once the room has taken the participant out). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.#expiry);
    for (const pub of this.#publications.values()) pub.sink?.stop();
    if (this.#peerGraceMs) this.peer.closeSoon(this.#peerGraceMs);
    else this.peer.close();
    if (this.#ws && this.#ws.readyState <= 1) this.#ws.close(1000);
  }

  #signalLost(): void {
    this.#room.record('signal-lost', this.identity);
    this.#expiry = setTimeout(() => this.#room.remove(this, DisconnectReason.SIGNAL_CLOSE), this.#resumeWindowMs);
    this.#expiry.unref();
  }

  #handle(request: SignalRequest): void {
    const { message } = request;
    switch (message.case) {
      case 'offer':
        void this.peer.handleOffer(message.value).catch((error: unknown) => this.#room.record('error', this.identity, { error: String(error) }));
        break;
      case 'answer':
        this.peer.handleAnswer(message.value);
        break;
      case 'trickle':
        this.peer.addCandidate(message.value.candidateInit, message.value.target);
        break;
      case 'addTrack':
        return this.#addTrack(message.value.cid, message.value);
      case 'mute': {
        const pub = this.#publications.get(message.value.sid);
        if (!pub) return;
        pub.info.muted = message.value.muted;
        this.#room.record('mute', this.identity, { trackSid: pub.info.sid, muted: pub.info.muted });
        this.version++;
        this.#room.changed(this);
        break;
      }
      case 'leave':
        this.#room.record('leave-request', this.identity, { reason: DisconnectReason[message.value.reason] });
        this.#room.remove(this, message.value.reason || DisconnectReason.CLIENT_INITIATED);
        break;
      case 'ping':
        this.#sendNow({ case: 'pong', value: BigInt(Date.now()) });
        break;
      case 'pingReq':
        this.#sendNow({ case: 'pongResp', value: new Pong({ lastPingTimestamp: message.value.timestamp, timestamp: BigInt(Date.now()) }) });
        break;
      case 'updateMetadata': {
        const { name, metadata, attributes, requestId } = message.value;
        if (name) this.name = name;
        if (metadata) this.metadata = metadata;
        this.attributes = { ...this.attributes, ...attributes };
        for (const [key, value] of Object.entries(attributes)) if (value === '') delete this.attributes[key];
        this.version++;
        this.send({ case: 'update', value: new ParticipantUpdate({ participants: [this.info(undefined, false)] }) });
        this.#room.changed(this);
        if (requestId) this.send({ case: 'requestResponse', value: new RequestResponse({ requestId }) });
        break;
      }
      default:
        // subscription, track settings, sync state, layers…: nothing to do for a test server.
        break;
    }
  }

  #addTrack(cid: string, request: { name: string; type: TrackType; source: TrackSource; muted: boolean; width: number; height: number; stereo: boolean; disableDtx: boolean; stream: string }): void {
    const info = new TrackInfo({
      sid: newSid('TR_'),
      type: request.type,
      name: request.name,
      source: request.source,
      muted: request.muted,
      width: request.width,
      height: request.height,
      stereo: request.stereo,
      disableDtx: request.disableDtx,
      stream: request.stream,
      mimeType: request.type === TrackType.AUDIO ? 'audio/opus' : 'video/VP8',
    });
    this.#publications.set(info.sid, { info, cid, levels: new Levels() });
    this.send({ case: 'trackPublished', value: new TrackPublishedResponse({ cid, track: info }) });
    this.#room.record('publish', this.identity, { trackSid: info.sid, kind: request.type === TrackType.AUDIO ? 'audio' : 'video', source: TrackSource[request.source] });
    this.version++;
    this.#room.changed(this);
  }

  /** Matches sections to publications (by the offer's msid track id = the AddTrackRequest's cid) and notices unpublished ones. */
  #sections(offer: string): void {
    const sections = sdpSections(offer);
    for (const pub of this.#publications.values()) {
      pub.mid ??= sections.find((s) => s.msidTrack === pub.cid)?.mid;
      if (!pub.mid) continue;
      const section = sections.find((s) => s.mid === pub.mid);
      if (section && (section.direction === 'sendonly' || section.direction === 'sendrecv')) continue;
      this.#publications.delete(pub.info.sid);
      pub.sink?.stop();
      this.#room.record('unpublish', this.identity, { trackSid: pub.info.sid });
      this.version++;
      this.#room.changed(this);
    }
  }

  #track(track: MediaStreamTrack, mid: string | undefined): void {
    const pubs = [...this.#publications.values()];
    const pub = pubs.find((p) => p.mid !== undefined && p.mid === mid) ?? pubs.find((p) => !p.sink && p.info.type === (track.kind === 'audio' ? TrackType.AUDIO : TrackType.VIDEO));
    if (!pub || track.kind !== 'audio') return;
    pub.sink?.stop();
    const sink = new (wrtc().nonstandard.RTCAudioSink)(track);
    sink.ondata = (data: { samples: Int16Array; sampleRate: number; channelCount?: number }) =>
      pub.levels.add(data.samples, data.sampleRate, data.channelCount ?? 1);
    pub.sink = sink;
  }

  #data(bytes: Uint8Array, reliable: boolean): void {
    let packet: DataPacket;
    try {
      packet = DataPacket.fromBinary(bytes);
    } catch {
      return;
    }
    if (reliable && packet.sequence > this.lastSequence) this.lastSequence = packet.sequence;
    this.#room.route(this, packet, reliable);
  }
}
