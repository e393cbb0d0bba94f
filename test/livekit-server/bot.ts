// A bot participant: a server-side stand-in for an avatar or an agent, publishing the synthetic picture
// and tone to every client, sending and receiving data packets and text streams.
import { type DataPacket, ParticipantInfo_Kind, TrackInfo, TrackSource, TrackType } from '@livekit/protocol';
import { BotMedia, type ToneSpec } from './bot-media.js';
import type { OutTrack } from './client-peer.js';
import { type ReceivedText, type SendDataOptions, type SendTextOptions, TextStreams, textStreamPackets, userPacket } from './data-packets.js';
import { Participant, newSid } from './participant.js';
import type { PictureSpec } from './picture.js';

export interface BotSpec {
  identity: string;
  name?: string;
  kind?: 'STANDARD' | 'AGENT';
  attributes?: Record<string, string>;
  metadata?: string;
  /** The picture (default: 320×240 at 15 fps, labelled with the name), or `false` for no video. */
  video?: PictureSpec | false;
  /** The tone (default: 440 Hz while speaking), or `false` for no audio. */
  audio?: ToneSpec | false;
}

export interface DataInfo {
  topic?: string;
  /** The sender's identity. */
  from: string;
  reliable: boolean;
}

/** What tests and fake vendors do with a bot. */
export interface TestBot {
  readonly identity: string;
  readonly sid: string;
  /** Frames sent so far (the number drawn in the picture). */
  readonly frames: number;
  readonly speaking: boolean;
  sendData(bytes: Uint8Array, options?: SendDataOptions): void;
  onData(listener: (bytes: Uint8Array, info: DataInfo) => void): () => void;
  /** A LiveKit text data stream (what `registerTextStreamHandler(topic)` receives). */
  sendText(text: string, options?: SendTextOptions): void;
  onText(listener: (text: string, info: Omit<ReceivedText, 'text'>) => void): () => void;
  setAttributes(attributes: Record<string, string>): void;
  setMetadata(metadata: string): void;
  /** Mouth moving and the tone on (in `'speaking'` tone mode), and the active-speaker update. */
  setSpeaking(speaking: boolean): void;
  leave(): void;
}

/** What a bot needs from its room. */
export interface BotRoom {
  route(from: Participant, packet: DataPacket, reliable: boolean): void;
  changed(participant: Participant): void;
  speaking(bot: BotParticipant): void;
  removeBot(bot: BotParticipant): void;
}

export class BotParticipant extends Participant implements TestBot {
  readonly bot = true;
  readonly media: BotMedia;
  readonly #room: BotRoom;
  readonly #tracks: TrackInfo[] = [];
  readonly #dataListeners = new Set<(bytes: Uint8Array, info: DataInfo) => void>();
  readonly #textListeners = new Set<(text: string, info: Omit<ReceivedText, 'text'>) => void>();
  readonly #texts = new TextStreams();
  #sequence = 0;
  left = false;

  constructor(room: BotRoom, spec: BotSpec) {
    super(spec.identity, spec.kind === 'AGENT' ? ParticipantInfo_Kind.AGENT : ParticipantInfo_Kind.STANDARD, spec);
    this.#room = room;
    const video = spec.video === false ? false : { label: spec.name ?? spec.identity, ...spec.video };
    this.media = new BotMedia(video, spec.audio ?? {});
    for (const kind of this.media.kinds) {
      const painter = this.media.painter;
      this.#tracks.push(
        new TrackInfo({
          sid: newSid('TR_'),
          type: kind === 'audio' ? TrackType.AUDIO : TrackType.VIDEO,
          source: kind === 'audio' ? TrackSource.MICROPHONE : TrackSource.CAMERA,
          name: kind === 'audio' ? 'microphone' : 'camera',
          mimeType: kind === 'audio' ? 'audio/opus' : 'video/VP8',
          width: kind === 'video' ? painter?.width : 0,
          height: kind === 'video' ? painter?.height : 0,
        }),
      );
    }
  }

  get frames(): number {
    return this.media.frames;
  }

  get speaking(): boolean {
    return this.media.speaking;
  }

  protected tracks(): TrackInfo[] {
    return this.#tracks;
  }

  outTracks(): OutTrack[] {
    return this.#tracks.map((t) => ({ participantSid: this.sid, trackSid: t.sid, kind: t.type === TrackType.AUDIO ? 'audio' : 'video', media: this.media }));
  }

  sendData(bytes: Uint8Array, options: SendDataOptions = {}): void {
    const packet = userPacket(this, bytes, options);
    packet.sequence = ++this.#sequence;
    this.#room.route(this, packet, options.reliable !== false);
  }

  onData(listener: (bytes: Uint8Array, info: DataInfo) => void): () => void {
    this.#dataListeners.add(listener);
    return () => this.#dataListeners.delete(listener);
  }

  sendText(text: string, options: SendTextOptions = {}): void {
    for (const packet of textStreamPackets(this, text, options)) {
      packet.sequence = ++this.#sequence;
      this.#room.route(this, packet, true);
    }
  }

  onText(listener: (text: string, info: Omit<ReceivedText, 'text'>) => void): () => void {
    this.#textListeners.add(listener);
    return () => this.#textListeners.delete(listener);
  }

  setAttributes(attributes: Record<string, string>): void {
    this.attributes = { ...this.attributes, ...attributes };
    for (const [key, value] of Object.entries(attributes)) if (value === '') delete this.attributes[key];
    this.version++;
    this.#room.changed(this);
  }

  setMetadata(metadata: string): void {
    this.metadata = metadata;
    this.version++;
    this.#room.changed(this);
  }

  setSpeaking(speaking: boolean): void {
    if (this.media.speaking === speaking) return;
    this.media.setSpeaking(speaking);
    this.#room.speaking(this);
  }

  leave(): void {
    if (this.left) return;
    this.#room.removeBot(this);
  }

  /** A packet routed to this bot. */
  receive(packet: DataPacket, reliable: boolean): void {
    const from = packet.participantIdentity;
    if (packet.value.case === 'user') {
      const { payload, topic } = packet.value.value;
      for (const listener of this.#dataListeners) listener(payload, { topic, from, reliable });
      return;
    }
    const text = this.#texts.push(packet);
    if (!text) return;
    const { text: body, ...info } = text;
    for (const listener of this.#textListeners) listener(body, info);
  }

  close(): void {
    this.left = true;
    this.media.close();
    this.#dataListeners.clear();
    this.#textListeners.clear();
  }
}
