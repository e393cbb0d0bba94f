import {
  ChatAssembler,
  decodeAkool,
  encodeAkool,
  isCommandAck,
  type AkoolMessage,
} from '../../src/vendors/akool/messages.js';
import { encodeText } from '../../src/transports/media.js';
import {
  localReply,
  registerLocalProtocol,
  type LocalAvatarPeer,
  type LocalProtocol,
  type LocalProtocolFactory,
} from '../../src/transports/local/local-transport.js';
import { stopReason, type RelayMessage, type RelayOpener } from './relay.js';

/**
 * The in-page avatar made to behave like each vendor's avatar, for sessions from the local fake vendor.
 * REST commands reach it through the fake vendor's relay; it answers on the data channel with the
 * vendor's own event messages, so the real adapters decode real-shaped traffic.
 */

type Speak = Extract<RelayMessage, { type: 'speak' }>;

/** Listens to the session's relay: speak and interrupt go to `handlers`, a stop ends the session. */
function listen(peer: LocalAvatarPeer, openRelay: RelayOpener, onSpeak: (message: Speak) => void): () => void {
  const url = peer.credentials.relayUrl;
  if (typeof url !== 'string') return () => undefined;
  const relay = openRelay(url);
  relay.onmessage = (message) => {
    if (message.type === 'speak') onSpeak(message);
    else if (message.type === 'interrupt') peer.avatar.interrupt();
    else peer.end(stopReason(message.reason));
  };
  return () => relay.close();
}

/** Says `text` and reports each newly said piece, as a vendor streams its transcript. */
async function sayStreamed(
  peer: LocalAvatarPeer,
  text: string,
  on: { start(): void; piece(piece: string): void; end(result: 'ended' | 'interrupted', started: boolean): void },
): Promise<void> {
  let started = false;
  let said = '';
  const result = await peer.avatar.say(text, {
    onStart: () => {
      started = true;
      on.start();
    },
    onProgress: (soFar) => {
      const piece = soFar.slice(said.length);
      said = soFar;
      if (piece) on.piece(piece);
    },
  });
  on.end(result, started);
}

/** HeyGen and KonPro: `avatar_*` / `user_*` JSON events on the LiveKit data channel. */
export function heygenProtocol(openRelay: RelayOpener): LocalProtocolFactory {
  return (peer): LocalProtocol => {
    const emit = (event: Record<string, unknown>) => peer.send(encodeText(JSON.stringify(event)));
    let tasks = 0;
    const close = listen(peer, openRelay, ({ text, taskType, taskId }) => {
      const task_id = taskId ?? `task-${++tasks}`;
      let reply = text;
      if (taskType === 'chat' || taskType === 'talk') {
        // The page's words as the user's turn, then a short answer: no language model runs here.
        emit({ type: 'user_talking_message', task_id, message: text });
        emit({ type: 'user_end_message', task_id });
        reply = localReply(text);
      }
      const startedAt = performance.now();
      void sayStreamed(peer, reply, {
        start: () => emit({ type: 'avatar_start_talking', task_id }),
        piece: (message) => emit({ type: 'avatar_talking_message', task_id, message }),
        end: (result, started) => {
          if (result === 'ended') emit({ type: 'avatar_end_message', task_id });
          if (started) {
            emit({ type: 'avatar_stop_talking', task_id, duration_ms: Math.round(performance.now() - startedAt) });
          }
        },
      });
    });
    return {
      // The SDK's own data messages (push-to-talk strings) are not emulated.
      receive: () => undefined,
      dispose: close,
    };
  };
}

/** DeepBrain: the avatar just speaks; no data messages, so the adapter must hear it. */
export function deepbrainProtocol(openRelay: RelayOpener): LocalProtocolFactory {
  return (peer): LocalProtocol => {
    const close = listen(peer, openRelay, ({ text }) => void peer.avatar.say(text));
    return { receive: () => undefined, dispose: close };
  };
}

/**
 * How the emulated Akool avatar marks its streamed bot `chat`: `marked` sends `idx`/`fin` (and an empty
 * `fin: true` chunk at the end); `unmarked` sends the pieces with neither, as Akool's demo reads them
 * (appended per `mid`), so only `audio_end` or a new `mid` ends the text (`AKOOL_UNMARKED_CHAT_IS_STREAMED`).
 */
export type AkoolChatMarks = 'marked' | 'unmarked';

export interface FakeProtocolOptions {
  /** Default `marked`. */
  akoolChat?: AkoolChatMarks;
}

/** Akool: chunked `{v: 2, …}` chat and commands in; `event`, bot `chat` and command acks out. */
export function akoolProtocol(openRelay: RelayOpener, { akoolChat = 'marked' }: FakeProtocolOptions = {}): LocalProtocolFactory {
  return (peer): LocalProtocol => {
    const emit = (message: AkoolMessage) => peer.send(encodeAkool(message));
    const assembler = new ChatAssembler();
    // Akool's demo creates sessions in dialogue mode unless told otherwise.
    let mode: 1 | 2 = 2;
    let replies = 0;
    // Akool takes text over the data stream; the relay only carries a stop.
    const close = listen(peer, openRelay, () => undefined);

    const answer = (text: string) => {
      const mid = `reply-${++replies}`;
      let idx = 0;
      void sayStreamed(peer, mode === 2 ? localReply(text) : text, {
        start: () => emit({ v: 2, type: 'event', mid, pld: { event: 'audio_start' } }),
        piece: (piece) =>
          emit(
            akoolChat === 'marked'
              ? { v: 2, type: 'chat', mid, idx: idx++, fin: false, pld: { text: piece, from: 'bot' } }
              : { v: 2, type: 'chat', mid, pld: { text: piece, from: 'bot' } },
          ),
        end: (_result, started) => {
          if (akoolChat === 'marked') emit({ v: 2, type: 'chat', mid, idx: idx++, fin: true, pld: { text: '', from: 'bot' } });
          if (started) emit({ v: 2, type: 'event', mid, pld: { event: 'audio_end' } });
        },
      });
    };

    return {
      receive(payload) {
        const message = decodeAkool(payload);
        if (!message) return;
        if (message.type === 'chat') {
          const { text, complete } = assembler.add(message);
          if (complete) answer(text);
        } else if (message.type === 'command' && !isCommandAck(message.pld)) {
          const { cmd } = message.pld;
          const ack = (code: number, msg?: string) =>
            emit({ v: 2, type: 'command', mid: message.mid, pld: msg ? { cmd, code, msg } : { cmd, code } });
          if (message.pld.cmd === 'interrupt') {
            peer.avatar.interrupt();
            ack(1000);
          } else if (message.pld.cmd === 'set-params') {
            const wanted = message.pld.data?.mode;
            if (wanted === 1 || wanted === 2) mode = wanted;
            ack(1000);
          } else {
            ack(4000, `unknown command "${String(cmd)}"`);
          }
        }
      },
      dispose: close,
    };
  };
}

/** Registers the four vendors' emulations with the local transport. Returns a function that removes them. */
export function registerFakeVendorProtocols(openRelay: RelayOpener, options: FakeProtocolOptions = {}): () => void {
  const removers = [
    registerLocalProtocol('heygen', heygenProtocol(openRelay)),
    registerLocalProtocol('konpro', heygenProtocol(openRelay)),
    registerLocalProtocol('deepbrain', deepbrainProtocol(openRelay)),
    registerLocalProtocol('akool', akoolProtocol(openRelay, options)),
  ];
  return () => removers.forEach((remove) => remove());
}
