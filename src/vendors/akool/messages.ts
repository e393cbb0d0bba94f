import { AvatarError } from '../../errors/avatar-error.js';
import { decodeText, encodeText } from '../../transports/media.js';
import { AKOOL_UNMARKED_CHAT_IS_STREAMED } from './facts.js';

/**
 * Akool's data-stream protocol (providers.md §4.4–4.5): JSON envelopes `{v: 2, type, mid, idx?, fin?, pld}`
 * sent over the RTC data channel. Text is split into chunks of at most 960 encoded bytes (Agora takes
 * 1 KB per message) and paced under the transport's byte and message rates (facts/akool.ts).
 */

/** Largest encoded message, envelope included: under Agora's 1 KB and TRTC's 1024 B with room to spare. */
export const AKOOL_MAX_MESSAGE_BYTES = 960;

/** `set-params` fields (`vid` is deprecated in favour of `vparams.vid`). */
export interface AkoolParams {
  vid?: string;
  vurl?: string;
  lang?: string;
  /** 1 = repeat the text, 2 = answer through the LLM / knowledge base. */
  mode?: 1 | 2;
  bgurl?: string;
  vparams?: Record<string, unknown>;
}

export type AkoolCommandPayload = { cmd: 'interrupt' } | { cmd: 'set-params'; data: AkoolParams };
export interface AkoolCommandAck {
  cmd: string;
  code: number | string;
  msg?: string;
}

export interface AkoolChatMessage {
  v: 2;
  type: 'chat';
  mid: string;
  idx?: number;
  fin?: boolean;
  pld: { text: string; from?: string };
}
export interface AkoolCommandMessage {
  v: 2;
  type: 'command';
  mid: string;
  pld: AkoolCommandPayload | AkoolCommandAck;
}
export interface AkoolEventMessage {
  v: 2;
  type: 'event';
  mid?: string;
  pld: { event: string };
}
export type AkoolMessage = AkoolChatMessage | AkoolCommandMessage | AkoolEventMessage;

export function encodeAkool(message: AkoolMessage): Uint8Array {
  return encodeText(JSON.stringify(message));
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Returns a well-formed v2 message, or `undefined` (other versions, not JSON, missing fields). */
export function decodeAkool(payload: Uint8Array): AkoolMessage | undefined {
  let value: unknown;
  try {
    value = JSON.parse(decodeText(payload));
  } catch {
    return undefined;
  }
  if (!isObject(value) || value.v !== 2 || !isObject(value.pld)) return undefined;
  const { type, pld } = value;
  if (type === 'chat' && typeof pld.text === 'string') return value as unknown as AkoolChatMessage;
  if (type === 'event' && typeof pld.event === 'string') return value as unknown as AkoolEventMessage;
  if (type === 'command' && typeof pld.cmd === 'string') return value as unknown as AkoolCommandMessage;
  return undefined;
}

export function isCommandAck(pld: AkoolCommandMessage['pld']): pld is AkoolCommandAck {
  return 'code' in pld;
}

/**
 * Splits `text` into `chat` messages under `mid`, each at most `maxBytes` once encoded (JSON escapes and
 * multibyte characters included). Splits fall between code points, so no chunk carries half a
 * surrogate pair. Concatenating the chunks' texts in `idx` order gives `text` back.
 */
export function chunkChat(mid: string, text: string, maxBytes = AKOOL_MAX_MESSAGE_BYTES): Uint8Array[] {
  const points = Array.from(text);
  const encode = (from: number, count: number, idx: number, fin: boolean) =>
    encodeAkool({ v: 2, type: 'chat', mid, idx, fin, pld: { text: points.slice(from, from + count).join('') } });
  const chunks: Uint8Array[] = [];
  let start = 0;
  do {
    const idx = chunks.length;
    const rest = points.length - start;
    // `fin: false` is one byte longer than `fin: true`, so sizing with it is safe for the last chunk too.
    let count = 0;
    let lo = 1;
    let hi = Math.min(rest, maxBytes);
    while (lo <= hi) {
      const probe = (lo + hi) >> 1;
      if (encode(start, probe, idx, false).byteLength <= maxBytes) {
        count = probe;
        lo = probe + 1;
      } else {
        hi = probe - 1;
      }
    }
    if (rest > 0 && count === 0) {
      throw new AvatarError('transport-data-too-large', `A ${maxBytes}-byte message cannot carry any text.`, { fatal: false });
    }
    const fin = start + count >= points.length;
    const chunk = encode(start, count, idx, fin);
    if (chunk.byteLength > maxBytes) {
      throw new AvatarError('transport-data-too-large', `A ${maxBytes}-byte message cannot carry this message id.`, { fatal: false });
    }
    chunks.push(chunk);
    start += count;
  } while (start < points.length);
  return chunks;
}

/** What `ChatAssembler.add` learnt from one message. */
export interface ChatProgress {
  /** The message's text so far (in order, up to the first gap). */
  text: string;
  complete: boolean;
  /** The same speaker's earlier message without `idx`/`fin`, over now that a new `mid` came: its whole text. */
  closed?: string;
}

/**
 * Puts chunked `chat` messages back together by `mid`. `idx`/`fin` give the order and the end. A message
 * with neither is read as `AKOOL_UNMARKED_CHAT_IS_STREAMED` says (UNCERTAIN, facts/akool.ts): appended per
 * `mid` and open until `finish()` or a new `mid` from the same speaker (`from`).
 */
export class ChatAssembler {
  private readonly pending = new Map<string, { parts: Map<number, string>; last?: number; next: number }>();
  /** Per speaker, the one message without `idx`/`fin` still being appended to. */
  private readonly open = new Map<string, { mid: string; text: string }>();

  constructor(
    private readonly maxPending = 32,
    private readonly streamUnmarked = AKOOL_UNMARKED_CHAT_IS_STREAMED,
  ) {}

  /** Adds a chunk; returns the text so far and whether it is complete. */
  add(message: AkoolChatMessage): ChatProgress {
    const from = message.pld.from ?? '';
    const current = this.open.get(from);
    let closed: string | undefined;
    if (current && current.mid !== message.mid) {
      this.open.delete(from);
      closed = current.text;
    }
    const progress = message.idx === undefined && message.fin === undefined ? this.addUnmarked(message, from) : this.addMarked(message);
    return closed === undefined ? progress : { ...progress, closed };
  }

  /** Ends the speaker's open message without `idx`/`fin`; returns its whole text, if there was one. */
  finish(from: string): string | undefined {
    const current = this.open.get(from);
    this.open.delete(from);
    return current?.text;
  }

  private addUnmarked(message: AkoolChatMessage, from: string): ChatProgress {
    const previous = this.pending.get(message.mid);
    this.pending.delete(message.mid);
    const before = previous ? this.contiguous(previous) : '';
    if (!this.streamUnmarked) return { text: before + message.pld.text, complete: true };
    let entry = this.open.get(from);
    if (!entry) {
      entry = { mid: message.mid, text: before };
      this.open.set(from, entry);
    }
    entry.text += message.pld.text;
    return { text: entry.text, complete: false };
  }

  private addMarked(message: AkoolChatMessage): ChatProgress {
    let entry = this.pending.get(message.mid);
    if (!entry) {
      entry = { parts: new Map(), next: 0 };
      this.pending.set(message.mid, entry);
      // Forget the oldest half-received message rather than grow without bound.
      if (this.pending.size > this.maxPending) this.pending.delete(this.pending.keys().next().value!);
    }
    const idx = typeof message.idx === 'number' ? message.idx : entry.next;
    entry.next = Math.max(entry.next, idx + 1);
    entry.parts.set(idx, message.pld.text);
    if (message.fin) entry.last = idx;
    const text = this.contiguous(entry);
    let complete = entry.last !== undefined;
    for (let i = 0; complete && i <= entry.last!; i++) complete = entry.parts.has(i);
    if (complete) this.pending.delete(message.mid);
    return { text, complete };
  }

  private contiguous(entry: { parts: Map<number, string> }): string {
    let text = '';
    for (let i = 0; entry.parts.has(i); i++) text += entry.parts.get(i);
    return text;
  }
}

export interface PacerClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

const realClock: PacerClock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

interface QueuedSend {
  payload: Uint8Array;
  resolve(): void;
  reject(error: unknown): void;
}

/** How fast a `Pacer` may send. */
export interface PacerLimits {
  bytesPerSecond: number;
  /** Shortest gap between two messages however small, for transports that count messages too. */
  minGapMs?: number;
}

/**
 * Sends messages one at a time, no faster than `bytesPerSecond`: after a message of n bytes the next
 * waits n / rate seconds, and at least `minGapMs`. `front` puts a message (an interrupt) before everything
 * still queued.
 */
export class Pacer {
  private queue: QueuedSend[] = [];
  private running = false;
  private nextAt = 0;
  private disposed = false;

  constructor(
    private readonly limits: PacerLimits,
    private readonly sendNow: (payload: Uint8Array) => Promise<void>,
    private readonly clock: PacerClock = realClock,
  ) {}

  send(payload: Uint8Array, { front = false }: { front?: boolean } = {}): Promise<void> {
    if (this.disposed) return Promise.reject(new AvatarError('aborted', 'The session has ended.', { fatal: false }));
    return new Promise<void>((resolve, reject) => {
      const entry = { payload, resolve, reject };
      if (front) this.queue.unshift(entry);
      else this.queue.push(entry);
      void this.run();
    });
  }

  /** Rejects every message not sent yet with `error`. */
  clear(error: unknown): void {
    for (const entry of this.queue.splice(0)) entry.reject(error);
  }

  dispose(): void {
    this.disposed = true;
    this.clear(new AvatarError('aborted', 'The session has ended.', { fatal: false }));
  }

  private async run(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      while (this.queue.length > 0 && !this.disposed) {
        const wait = this.nextAt - this.clock.now();
        if (wait > 0) await this.clock.sleep(wait);
        const entry = this.queue.shift();
        if (!entry || this.disposed) {
          entry?.reject(new AvatarError('aborted', 'The session has ended.', { fatal: false }));
          continue;
        }
        try {
          await this.sendNow(entry.payload);
          entry.resolve();
        } catch (error) {
          entry.reject(error);
        }
        const { bytesPerSecond, minGapMs = 0 } = this.limits;
        this.nextAt = this.clock.now() + Math.max((entry.payload.byteLength * 1000) / bytesPerSecond, minGapMs);
      }
    } finally {
      this.running = false;
    }
  }
}
