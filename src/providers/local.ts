import { AvatarError } from '../errors/avatar-error.js';
import type { ProviderAdapter, ProviderContext } from './provider.js';
import { decodeMessage, encodeMessage, type LocalEvent } from './local-protocol.js';

/**
 * The built-in provider: no vendor, no server. It speaks the local protocol to the avatar drawn in the
 * page by the local transport, so every element path (events, speaking, transcripts) runs offline.
 */
export function createProvider(context: ProviderContext): ProviderAdapter {
  let nextId = 1;
  const send = async (message: Parameters<typeof encodeMessage>[0]) => {
    try {
      await context.transport.send(encodeMessage(message));
    } catch (error) {
      if (error instanceof AvatarError) throw error;
      throw new AvatarError('command-failed', `The local avatar did not take the command: ${String(error)}`, {
        fatal: false,
        cause: error,
      });
    }
  };

  return {
    receive(payload) {
      const message = decodeMessage<LocalEvent>(payload);
      switch (message?.type) {
        case 'speak-start':
          context.events.speakStart();
          break;
        case 'speak-end':
          context.events.speakEnd();
          break;
        case 'transcript':
          context.events.transcript({ role: message.role, text: message.text, final: message.final });
          break;
        default:
          break;
      }
    },
    speak: (text, mode) => send({ type: 'speak', id: nextId++, text, mode }),
    async interrupt() {
      await send({ type: 'interrupt' });
      return 'ok';
    },
    dispose() {},
  };
}
