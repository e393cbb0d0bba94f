// LiveKit data packets as the server relays them: user packets (publishData) and text data streams
// (sendText / registerTextStreamHandler: a header, chunks and a trailer), built for bots and reassembled
// from clients (plain, inline or deflate-raw compressed).
import { randomUUID } from 'node:crypto';
import { inflateRawSync } from 'node:zlib';
import {
  DataPacket,
  DataPacket_Kind,
  DataStream_Chunk,
  DataStream_CompressionType,
  DataStream_Header,
  DataStream_OperationType,
  DataStream_TextHeader,
  DataStream_Trailer,
  UserPacket,
} from '@livekit/protocol';

export interface Sender {
  sid: string;
  identity: string;
}

export interface SendDataOptions {
  topic?: string;
  /** Default true (the reliable channel). */
  reliable?: boolean;
  /** Default: everyone else in the room. */
  destinationIdentities?: string[];
}

export interface SendTextOptions {
  topic?: string;
  attributes?: Record<string, string>;
  destinationIdentities?: string[];
}

/** The sender's identity and sid stamped on a packet, as the server does for what it forwards. */
export function stamp(packet: DataPacket, from: Sender): DataPacket {
  packet.participantIdentity = from.identity;
  packet.participantSid = from.sid;
  if (packet.value.case === 'user') {
    packet.value.value.participantIdentity = from.identity;
    packet.value.value.participantSid = from.sid;
  }
  return packet;
}

export function userPacket(from: Sender, payload: Uint8Array, options: SendDataOptions = {}): DataPacket {
  const destinationIdentities = options.destinationIdentities ?? [];
  return stamp(
    new DataPacket({
      kind: options.reliable === false ? DataPacket_Kind.LOSSY : DataPacket_Kind.RELIABLE,
      destinationIdentities,
      value: { case: 'user', value: new UserPacket({ payload, topic: options.topic, destinationIdentities }) },
    }),
    from,
  );
}

const CHUNK_BYTES = 15000;

/** A text stream in the classic form every client version reads: header, chunks, trailer. */
export function textStreamPackets(from: Sender, text: string, options: SendTextOptions = {}): DataPacket[] {
  const streamId = randomUUID();
  const destinationIdentities = options.destinationIdentities ?? [];
  const encoder = new TextEncoder();
  const bytes = encoder.encode(text);
  const packet = (value: DataPacket['value']) =>
    stamp(new DataPacket({ kind: DataPacket_Kind.RELIABLE, destinationIdentities, value }), from);
  const header = new DataStream_Header({
    streamId,
    timestamp: BigInt(Date.now()),
    topic: options.topic ?? '',
    mimeType: 'text/plain',
    totalLength: BigInt(bytes.byteLength),
    attributes: options.attributes ?? {},
    contentHeader: { case: 'textHeader', value: new DataStream_TextHeader({ operationType: DataStream_OperationType.CREATE }) },
  });
  const packets = [packet({ case: 'streamHeader', value: header })];
  // Chunks end on character boundaries (a client may decode each chunk on its own).
  let chunk: string[] = [];
  let size = 0;
  let index = 0;
  const flush = () => {
    packets.push(packet({ case: 'streamChunk', value: new DataStream_Chunk({ streamId, chunkIndex: BigInt(index++), content: encoder.encode(chunk.join('')) }) }));
    chunk = [];
    size = 0;
  };
  for (const char of text) {
    const bytes = encoder.encode(char).byteLength;
    if (size + bytes > CHUNK_BYTES) flush();
    chunk.push(char);
    size += bytes;
  }
  if (chunk.length) flush();
  packets.push(packet({ case: 'streamTrailer', value: new DataStream_Trailer({ streamId }) }));
  return packets;
}

export interface ReceivedText {
  streamId: string;
  text: string;
  topic: string;
  attributes: Record<string, string>;
  from: string;
}

interface OpenStream {
  header: DataStream_Header;
  chunks: Uint8Array[];
  from: string;
}

/** Reassembles the text streams in a sequence of packets (one assembler per receiver). */
export class TextStreams {
  readonly #open = new Map<string, OpenStream>();

  /** A complete text stream once `packet` ends one. */
  push(packet: DataPacket): ReceivedText | undefined {
    const { value } = packet;
    const from = packet.participantIdentity;
    if (value.case === 'streamHeader') {
      const header = value.value;
      if (header.contentHeader.case !== 'textHeader') return undefined;
      if (header.inlineContent && header.inlineContent.byteLength > 0) return this.#finish({ header, chunks: [header.inlineContent], from }, {});
      this.#open.set(header.streamId, { header, chunks: [], from });
    } else if (value.case === 'streamChunk') {
      this.#open.get(value.value.streamId)?.chunks.push(value.value.content);
    } else if (value.case === 'streamTrailer') {
      const stream = this.#open.get(value.value.streamId);
      this.#open.delete(value.value.streamId);
      if (stream) return this.#finish(stream, value.value.attributes);
    }
    return undefined;
  }

  #finish({ header, chunks, from }: OpenStream, trailerAttributes: Record<string, string>): ReceivedText {
    let bytes = Buffer.concat(chunks);
    if (header.compression === DataStream_CompressionType.DEFLATE_RAW) bytes = inflateRawSync(bytes);
    return {
      streamId: header.streamId,
      text: new TextDecoder().decode(bytes),
      topic: header.topic,
      attributes: { ...header.attributes, ...trailerAttributes },
      from,
    };
  }
}
