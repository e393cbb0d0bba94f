import { AvatarError } from '../../errors/avatar-error.js';
import {
  AKOOL_BYTES_PER_SECOND,
  AKOOL_DEFAULT_BYTES_PER_SECOND,
  AKOOL_MIN_MESSAGE_GAP_MS,
  AKOOL_SET_PARAMS_RETRIES,
  AKOOL_SET_PARAMS_RETRY_MS,
  AKOOL_SUCCESS_CODE,
} from './facts.js';
import type { SessionDescription } from '../../session/session-description.js';
import type { SpeakMode } from '../../session/session-types.js';
import {
  AKOOL_MAX_MESSAGE_BYTES,
  ChatAssembler,
  chunkChat,
  decodeAkool,
  encodeAkool,
  isCommandAck,
  Pacer,
  type AkoolCommandPayload,
  type AkoolParams,
} from './messages.js';
import type { ProviderAdapter, ProviderContext } from '../../providers/provider.js';

/**
 * Akool Live Avatar. The server created the session with the account key; the browser has only the RTC
 * credentials. Everything goes over the transport's data stream: text as chunked `chat` messages, and
 * `interrupt` / `set-params` commands; the avatar answers with `chat`, `event` and command acks.
 */

const MODES: Record<SpeakMode, 1 | 2> = { repeat: 1, chat: 2 };

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The `set-params` sent after joining, from the session options the server passed through. */
export function initialParams(options: SessionDescription['options'] = {}): AkoolParams {
  const params: AkoolParams = {};
  const vparams: Record<string, unknown> = isObject(options.voiceParams) ? { ...options.voiceParams } : {};
  // `vid` at the top level is deprecated in favour of `vparams.vid`.
  const voiceId = text(options.voiceId);
  if (voiceId && vparams.vid === undefined) vparams.vid = voiceId;
  if (Object.keys(vparams).length > 0) params.vparams = vparams;
  const lang = text(options.language);
  if (lang) params.lang = lang;
  if (options.modeType === 1 || options.modeType === 2) params.mode = options.modeType;
  const bgurl = text(options.backgroundUrl);
  if (bgurl) params.bgurl = bgurl;
  const vurl = text(options.voiceUrl);
  if (vurl) params.vurl = vurl;
  return params;
}

export function createProvider(context: ProviderContext): ProviderAdapter {
  const { description, transport, events } = context;
  const options = description.options ?? {};
  // The credentials' kind, not the transport's: a fake vendor's Agora session still follows Agora's limits.
  const rate = AKOOL_BYTES_PER_SECOND[description.transport.kind] ?? AKOOL_DEFAULT_BYTES_PER_SECOND;
  const maxBytes = Math.min(AKOOL_MAX_MESSAGE_BYTES, transport.maxMessageBytes);
  const pacer = new Pacer({ bytesPerSecond: rate, minGapMs: AKOOL_MIN_MESSAGE_GAP_MS }, (payload) => transport.send(payload));
  const assembler = new ChatAssembler();
  /** The session's mode as far as we know (Akool's mode is per session, not per message). */
  let mode: 1 | 2 | undefined = options.modeType === 1 || options.modeType === 2 ? options.modeType : undefined;
  /** The mode the session was created in (the server always says; Akool's default is 2), for voice chat. */
  const sessionMode: 1 | 2 = options.modeType === 1 ? 1 : 2;
  let counter = 0;
  const newMid = () => `msg-${Date.now().toString(36)}-${(counter++).toString(36)}`;

  const sendCommand = (pld: AkoolCommandPayload, front = false): Promise<void> => {
    const payload = encodeAkool({ v: 2, type: 'command', mid: newMid(), pld });
    if (payload.byteLength > maxBytes) {
      return Promise.reject(
        new AvatarError('command-failed', `The Akool ${pld.cmd} command is ${payload.byteLength} bytes, over the ${maxBytes}-byte limit.`, {
          fatal: false,
        }),
      );
    }
    return pacer.send(payload, { front });
  };

  const setParams = (data: AkoolParams): Promise<void> =>
    sendCommand({ cmd: 'set-params', data }).catch((error: unknown) => {
      // Whether the mode changed is now unknown: the next speak() sets it again.
      if (data.mode !== undefined) mode = undefined;
      throw error;
    });

  const finishText = (from: 'bot' | 'user') => {
    const whole = assembler.finish(from);
    if (whole?.trim()) events.transcript({ role: from === 'bot' ? 'avatar' : 'user', text: whole, final: true });
  };

  return {
    async afterConnect() {
      const params = initialParams(options);
      if (Object.keys(params).length === 0) return;
      // A data stream may take a moment after joining (UNCERTAIN, from Akool's demo: facts/akool.ts).
      for (let attempt = 0; ; attempt++) {
        try {
          await setParams(params);
          if (params.mode !== undefined) mode = params.mode;
          return;
        } catch (error) {
          const retry = error instanceof AvatarError && error.code === 'transport-send-failed' && attempt < AKOOL_SET_PARAMS_RETRIES;
          if (!retry) throw error;
          await new Promise((resolve) => setTimeout(resolve, AKOOL_SET_PARAMS_RETRY_MS));
        }
      }
    },

    receive(payload) {
      const message = decodeAkool(payload);
      if (!message) return;
      switch (message.type) {
        case 'chat': {
          const role = message.pld.from === 'user' ? 'user' : message.pld.from === 'bot' ? 'avatar' : undefined;
          if (!role) return;
          const { text: soFar, complete, closed } = assembler.add(message);
          // The speaker's earlier text without idx/fin ended when this new mid came.
          if (closed?.trim()) events.transcript({ role, text: closed, final: true });
          if (soFar.trim()) events.transcript({ role, text: soFar, final: complete });
          break;
        }
        case 'event':
          // Text without idx/fin ends with the speaker's turn: the user's when the avatar starts, the avatar's when it stops.
          if (message.pld.event === 'audio_start') {
            finishText('user');
            events.speakStart();
          } else if (message.pld.event === 'audio_end') {
            finishText('bot');
            events.speakEnd();
          }
          break;
        case 'command': {
          const pld = message.pld;
          if (!isCommandAck(pld) || Number(pld.code) === AKOOL_SUCCESS_CODE) return;
          if (pld.cmd === 'set-params') mode = undefined;
          events.error(
            new AvatarError('command-failed', `Akool rejected ${pld.cmd}: ${pld.msg ?? 'no reason given'} (code ${String(pld.code)}).`, {
              fatal: false,
              vendorBody: pld,
            }),
          );
          break;
        }
      }
    },

    async speak(said, speakMode) {
      const wanted = MODES[speakMode];
      // Queued together, so no other message slips between the mode switch and the text.
      const sends: Promise<void>[] = [];
      if (mode !== wanted) {
        mode = wanted;
        sends.push(setParams({ mode: wanted }));
      }
      sends.push(...chunkChat(newMid(), said, maxBytes).map((chunk) => pacer.send(chunk)));
      await Promise.all(sends);
    },

    async startVoiceChat() {
      // A repeat-mode speak() left the session repeating: the avatar would parrot the user. Queued like speak().
      if (mode === sessionMode) return;
      mode = sessionMode;
      await setParams({ mode: sessionMode });
    },

    async interrupt() {
      // Text not sent yet would be spoken after the interrupt: drop it, like the vendor drops its queue.
      pacer.clear(new AvatarError('aborted', 'Interrupted before the text was sent.', { fatal: false }));
      await sendCommand({ cmd: 'interrupt' }, true);
      return 'ok';
    },

    dispose() {
      pacer.dispose();
    },
  };
}
