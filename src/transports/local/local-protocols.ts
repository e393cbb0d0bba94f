import { decodeMessage, encodeMessage, type LocalCommand } from '../../providers/local-protocol.js';
import type { EndedReason } from '../../session/session-types.js';
import type { LocalCredentials } from '../transport.js';
import type { LocalAvatar } from './local-avatar.js';

/**
 * What the in-page avatar speaks on the data channel. `local` is the built-in protocol; the dev server
 * registers vendor protocols (HeyGen events, Akool chat/command/event) so vendor adapters can be
 * exercised against the local media path.
 */
export interface LocalAvatarPeer {
  avatar: LocalAvatar;
  credentials: LocalCredentials;
  /** Sends a data message to the element's side. */
  send(payload: Uint8Array): void;
  /** Ends the session from the avatar's side, as a vendor closing its room does (an emulated vendor's stop). */
  end(reason: EndedReason): void;
}

export interface LocalProtocol {
  receive(payload: Uint8Array): void;
  /** The visitor's microphone (voice chat) started or stopped carrying speech. */
  userSpeech?(speaking: boolean): void;
  dispose(): void;
}

export type LocalProtocolFactory = (peer: LocalAvatarPeer) => LocalProtocol;

/** What the local avatar says after hearing the visitor: no speech recognition runs in the page. */
export const HEARD_SPEECH_REPLY = 'I heard you, but the local preview cannot understand speech. Type your message instead.';

/** Short, clearly local answer for `chat` mode: no language model runs in the page. */
export function localReply(text: string): string {
  const quote = text.length > 120 ? `${text.slice(0, 117)}...` : text;
  return `You said: "${quote}". I am the local preview avatar, so I can only repeat what I hear.`;
}

const localProtocol: LocalProtocolFactory = ({ avatar, send }) => {
  const say = async (id: number, text: string) => {
    let started = false;
    const result = await avatar.say(text, {
      onStart: () => {
        started = true;
        send(encodeMessage({ type: 'speak-start', id }));
      },
      onProgress: (soFar) => send(encodeMessage({ type: 'transcript', role: 'avatar', text: soFar, final: false })),
    });
    if (result === 'ended') send(encodeMessage({ type: 'transcript', role: 'avatar', text, final: true }));
    // An utterance dropped from the queue before it began has nothing to end.
    if (started) send(encodeMessage({ type: 'speak-end', id, interrupted: result === 'interrupted' }));
  };
  return {
    receive(payload) {
      const command = decodeMessage<LocalCommand>(payload);
      if (command?.type === 'speak' && typeof command.text === 'string') {
        if (command.mode === 'chat') {
          send(encodeMessage({ type: 'transcript', role: 'user', text: command.text, final: true }));
          void say(command.id, localReply(command.text));
        } else {
          void say(command.id, command.text);
        }
      } else if (command?.type === 'interrupt') {
        avatar.interrupt();
      }
    },
    userSpeech(speaking) {
      if (speaking) return;
      send(encodeMessage({ type: 'transcript', role: 'user', text: '(speech)', final: true }));
      void say(0, HEARD_SPEECH_REPLY);
    },
    dispose() {},
  };
};

const protocols = new Map<string, LocalProtocolFactory>([['local', localProtocol]]);

export function registerLocalProtocol(name: string, factory: LocalProtocolFactory): () => void {
  const previous = protocols.get(name);
  protocols.set(name, factory);
  return () => {
    if (protocols.get(name) !== factory) return;
    if (previous) protocols.set(name, previous);
    else protocols.delete(name);
  };
}

export function getLocalProtocol(name = 'local'): LocalProtocolFactory | undefined {
  return protocols.get(name);
}
