import { AvatarError } from '../../errors/avatar-error.js';
import { decodeText } from '../../transports/media.js';
import type { EndedReason } from '../../session/session-types.js';
import type { ProviderAdapter, ProviderContext } from '../../providers/provider.js';
import { hasSuccessCode, HEYGEN_FACTS, SESSION_NOT_ACTIVE_CODE, type HeygenFamilyFacts } from './facts.js';
import { envelopeCode, isEnvelope, optionSeconds, postVendor, runCommand, type VendorApi } from '../../providers/vendor-rest.js';

/**
 * HeyGen Interactive Avatar (v1 REST + LiveKit), and KonPro, which clones it with slash paths. The server
 * made the session (`streaming.new`); the browser starts it, sends tasks with the session token, and reads
 * the avatar's events from the LiveKit data channel.
 */

/** The browser's view of a HeyGen-family vendor: its facts (vendors/heygen/facts.ts). */
export type HeygenFlavour = HeygenFamilyFacts;
export const HEYGEN: HeygenFlavour = HEYGEN_FACTS;

/**
 * The vendor closed the session (idle timeout, duration limit): its "not in correct state" code, or the
 * text the SDK issue reports for the same case ("session state wrong: closed").
 */
function isSessionClosed(body: unknown): boolean {
  if (envelopeCode(body) === SESSION_NOT_ACTIVE_CODE) return true;
  const message = isEnvelope(body) ? body.message : undefined;
  return typeof message === 'string' && /not in correct state|session state wrong/i.test(message);
}

interface HeygenEvent {
  type: string;
  task_id?: unknown;
  message?: unknown;
}

function decodeEvent(payload: Uint8Array): HeygenEvent | undefined {
  try {
    const value: unknown = JSON.parse(decodeText(payload));
    if (isEnvelope(value) && typeof (value as { type?: unknown }).type === 'string') return value as HeygenEvent;
  } catch {
    // Not JSON (the SDK's own "push_to_talk" strings travel the same way): not an event.
  }
  return undefined;
}

export function createHeygenProvider(context: ProviderContext, flavour: HeygenFlavour): ProviderAdapter {
  const { description, events } = context;
  const sessionId = description.sessionId;
  const api: VendorApi = {
    name: flavour.name,
    baseUrl: description.apiBaseUrl ?? flavour.defaultBaseUrl,
    token: description.sessionToken,
    succeeded: (body) => hasSuccessCode(body, flavour.successCodes) && !body.error,
    errorCode: (_status, body) => (isSessionClosed(body) ? 'not-started' : undefined),
  };
  const idleTimeout = optionSeconds(description.options, 'idleTimeout');
  const durationLimit = optionSeconds(description.options, 'sessionDurationLimit');
  let startedAt = Date.now();
  let lastActivity = startedAt;
  let vendorClosed = false;
  /** Streamed text per task and role, until its end message. */
  const buffers = new Map<string, string>();

  /** Why the vendor closed the session, guessed from the clock: its idle timer or its duration limit. */
  const closedReason = (): EndedReason => {
    const now = Date.now();
    if (durationLimit !== undefined && now - startedAt >= durationLimit * 1000 - 1000) return 'timeout';
    if (idleTimeout !== undefined && now - lastActivity >= idleTimeout * 1000 - 1000) return 'idle';
    return 'vendor';
  };

  const command = (what: string, path: string, body: Record<string, unknown>) =>
    runCommand(
      () => postVendor(api, context, path, { session_id: sessionId, ...body }, { what }),
      (reason, error) => {
        vendorClosed = true;
        events.ended(reason, error);
      },
      closedReason,
    );

  const transcript = (role: 'avatar' | 'user', taskId: unknown, chunk: unknown, final: boolean) => {
    const key = `${role}:${String(taskId ?? '')}`;
    const text = (buffers.get(key) ?? '') + (typeof chunk === 'string' ? chunk : '');
    if (final) {
      buffers.delete(key);
      if (text.trim()) events.transcript({ role, text: text.trim(), final: true });
    } else {
      buffers.set(key, text);
      // Each partial carries the text so far, like the local provider, so a page can show it in place.
      if (text.trim()) events.transcript({ role, text: text.trim(), final: false });
    }
  };

  return {
    async beforeConnect() {
      if (!description.sessionToken) {
        throw new AvatarError('token-invalid-shape', `The ${flavour.name} session description has no sessionToken.`);
      }
      // The official SDK starts the session before joining the room.
      await postVendor(api, context, flavour.paths.start, { session_id: sessionId }, {
        what: 'streaming.start',
        code: 'vendor-error',
        fatal: true,
      });
      startedAt = lastActivity = Date.now();
    },

    receive(payload) {
      const event = decodeEvent(payload);
      if (!event) return;
      switch (event.type) {
        case 'avatar_start_talking':
          events.speakStart();
          break;
        case 'avatar_stop_talking':
          // An interrupted task has no end message: what was said so far is all there will be.
          transcript('avatar', event.task_id, '', true);
          events.speakEnd();
          break;
        case 'avatar_talking_message':
          transcript('avatar', event.task_id, event.message, false);
          break;
        case 'avatar_end_message':
          transcript('avatar', event.task_id, '', true);
          break;
        case 'user_talking_message':
          lastActivity = Date.now();
          transcript('user', event.task_id, event.message, false);
          break;
        case 'user_end_message':
          transcript('user', event.task_id, '', true);
          break;
        default:
          break;
      }
    },

    async speak(text, mode) {
      // Async: the call returns once the task is queued; speaking shows up as data-channel events.
      await command('streaming.task', flavour.paths.task, { text, task_type: flavour.taskTypes[mode], task_mode: 'async' });
      lastActivity = Date.now();
    },

    async interrupt() {
      await command('streaming.interrupt', flavour.paths.interrupt, {});
      return 'ok';
    },

    // A session created with `disable_idle_timeout` is never ended for idling: no pings, no keep-alive.
    ...(description.options?.idleTimeoutDisabled
      ? {}
      : {
          async keepAlive() {
            await command('streaming.keep_alive', flavour.paths.keepAlive, {});
            lastActivity = Date.now();
          },
        }),

    async close() {
      if (vendorClosed || !description.sessionToken) return;
      vendorClosed = true;
      // The session's signal is already aborted here; give the stop call its own short deadline.
      await postVendor(api, context, flavour.paths.stop, { session_id: sessionId }, {
        what: 'streaming.stop',
        signal: AbortSignal.timeout(5000),
      }).catch(() => undefined);
    },

    dispose() {
      buffers.clear();
    },
  };
}

export function createProvider(context: ProviderContext): ProviderAdapter {
  return createHeygenProvider(context, HEYGEN);
}
