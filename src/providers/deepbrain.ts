import type { AvatarErrorCode } from '../errors/avatar-error.js';
import type { ProviderAdapter, ProviderContext } from './provider.js';
import { SpeechActivity } from './speech-activity.js';
import { envelopeCode, postVendor, runCommand, type VendorApi } from './vendor-rest.js';

/**
 * DeepBrain AI Studios interactive avatar. The server started the session; the browser only sends text
 * (`POST /api/v2/sessions/{id}/talk`, Bearer session token). DeepBrain documents no speaking events and no
 * interrupt, so speaking comes from the avatar's audio level and `interrupt()` is `unsupported`.
 */

export const DEEPBRAIN_DEFAULT_BASE_URL = 'https://ai-streamer.deepbrain.io';

const SUCCESS = 1000;

/** DeepBrain's documented error codes (providers.md §3.5): what they mean, and the element's code. */
const ERRORS: Record<number, { meaning: string; code: AvatarErrorCode }> = {
  4000: { meaning: 'invalid request', code: 'command-failed' },
  4010: { meaning: 'session token rejected', code: 'command-failed' },
  4030: { meaning: 'forbidden', code: 'command-failed' },
  // The session no longer exists (ended by its maximum duration, or stopped by the server).
  4040: { meaning: 'session not found', code: 'not-started' },
  4290: { meaning: 'rate limited', code: 'command-failed' },
  5000: { meaning: 'DeepBrain server error', code: 'command-failed' },
};

export function createProvider(context: ProviderContext): ProviderAdapter {
  const { description, events } = context;
  const api: VendorApi = {
    name: 'DeepBrain',
    baseUrl: description.apiBaseUrl ?? DEEPBRAIN_DEFAULT_BASE_URL,
    token: description.sessionToken,
    succeeded: (body) => body.code === undefined || body.code === SUCCESS,
    errorCode: (status, body) => {
      const code = envelopeCode(body);
      return (typeof code === 'number' ? ERRORS[code]?.code : undefined) ?? (status === 404 ? 'not-started' : undefined);
    },
    explain: (body) => {
      const code = envelopeCode(body);
      return typeof code === 'number' ? ERRORS[code]?.meaning : undefined;
    },
  };
  const talkPath = `/api/v2/sessions/${encodeURIComponent(description.sessionId)}/talk`;
  let activity: SpeechActivity | undefined;
  let disposed = false;

  return {
    async afterConnect() {
      if (disposed) return;
      activity = new SpeechActivity(context.video, { onStart: () => events.speakStart(), onEnd: () => events.speakEnd() });
    },

    receive() {
      // DeepBrain's data messages are not documented; nothing to decode.
    },

    async speak(text, mode) {
      // UNCERTAIN (providers.md §3.3): `talk` is documented as having no LLM, yet sessions take LLM settings.
      // Both modes send the same call; the optional `type` field is "reserved", so it is left out.
      await runCommand(
        () => postVendor(api, context, talkPath, { message: text }, { what: 'talk' }),
        (reason, error) => events.ended(reason, error),
        () => 'vendor',
      );
      // No transcript events either: report the text the vendor accepted (the user's words in chat mode).
      events.transcript({ role: mode === 'chat' ? 'user' : 'avatar', text, final: true });
    },

    async interrupt() {
      return 'unsupported';
    },

    dispose() {
      disposed = true;
      activity?.dispose();
      activity = undefined;
    },
  };
}
