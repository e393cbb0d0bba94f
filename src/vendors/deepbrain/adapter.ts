import type { AvatarErrorCode } from '../../errors/avatar-error.js';
import type { ProviderAdapter, ProviderContext } from '../../providers/provider.js';
import { DEEPBRAIN_DEFAULT_BASE_URL, DEEPBRAIN_ERROR_MEANINGS, DEEPBRAIN_SUCCESS_CODE, DEEPBRAIN_TALK_PATH } from './facts.js';
import { SpeechActivity } from '../../providers/speech-activity.js';
import { envelopeCode, postVendor, runCommand, type VendorApi } from '../../providers/vendor-rest.js';

/**
 * DeepBrain AI Studios interactive avatar. The server started the session; the browser only sends text
 * (`POST /api/v2/sessions/{id}/talk`, Bearer session token). DeepBrain documents no speaking events and no
 * interrupt, so speaking comes from the avatar's audio level and `interrupt()` is `unsupported`.
 */

export { DEEPBRAIN_DEFAULT_BASE_URL };

/**
 * The element's code for each of DeepBrain's (meanings in facts/deepbrain.ts): a refused command is
 * `command-failed`; 4040 means the session no longer exists (its maximum duration, or a server stop).
 */
const ELEMENT_CODES: Readonly<Record<number, AvatarErrorCode>> = { 4040: 'not-started' };
const elementCode = (code: number): AvatarErrorCode | undefined =>
  ELEMENT_CODES[code] ?? (Object.hasOwn(DEEPBRAIN_ERROR_MEANINGS, code) ? 'command-failed' : undefined);

export function createProvider(context: ProviderContext): ProviderAdapter {
  const { description, events } = context;
  const api: VendorApi = {
    name: 'DeepBrain',
    baseUrl: description.apiBaseUrl ?? DEEPBRAIN_DEFAULT_BASE_URL,
    token: description.sessionToken,
    succeeded: (body) => body.code === undefined || Number(body.code) === DEEPBRAIN_SUCCESS_CODE,
    errorCode: (status, body) => {
      const code = envelopeCode(body);
      return (typeof code === 'number' ? elementCode(code) : undefined) ?? (status === 404 ? 'not-started' : undefined);
    },
    explain: (body) => {
      const code = envelopeCode(body);
      return typeof code === 'number' ? DEEPBRAIN_ERROR_MEANINGS[code] : undefined;
    },
  };
  const talkPath = DEEPBRAIN_TALK_PATH(description.sessionId);
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

    async speak(text) {
      // UNCERTAIN (providers.md §3.3): `talk` is documented as having no LLM, yet sessions take LLM settings.
      // Both modes send the same call; the optional `type` field is "reserved", so it is left out.
      await runCommand(
        () => postVendor(api, context, talkPath, { message: text }, { what: 'talk' }),
        (reason, error) => events.ended(reason, error),
        () => 'vendor',
      );
      // No transcript events either: report the text the vendor accepted. The avatar says it in both modes
      // (the talk call is documented as having no LLM), so it is the avatar's line, never the user's.
      events.transcript({ role: 'avatar', text, final: true });
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
