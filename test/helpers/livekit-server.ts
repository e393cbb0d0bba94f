// Browser side of the LiveKit test server (test/livekit-server/, mounted by web-test-runner.config.mjs):
// rooms, bots, tokens, and what the server saw, for tests that run the real livekit-client.
import type { TokenOptions } from '../livekit-server/auth.js';
import type { BotSpec, DataInfo } from '../livekit-server/bot.js';
import type { SendDataOptions, SendTextOptions } from '../livekit-server/data-packets.js';
import type { MicrophoneLevels } from '../livekit-server/levels.js';
import type { NetworkIsolation } from '../livekit-server/network.js';
import type { ParticipantSummary } from '../livekit-server/participant.js';
import type { AgentDispatch, ClientText, DisconnectReasonName, RoomEvent, RoomOptions } from '../livekit-server/room.js';
import type { DropSignalOptions, SignalRefusal } from '../livekit-server/server.js';
import { backendCommand } from './backends.js';

const command = <R>(name: string, payload: object = {}) => backendCommand<R>('livekit', name, payload);

const toBase64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
export const fromBase64 = (text: string): Uint8Array => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
const bytesOf = (data: Uint8Array | string) => (typeof data === 'string' ? new TextEncoder().encode(data) : data);

export interface RoomSnapshot {
  name: string;
  deleted: boolean;
  participants: ParticipantSummary[];
  events: RoomEvent[];
  /** Data packets clients sent (payload in base64: see `text()`). */
  data: (Omit<import('../livekit-server/room.js').ClientData, 'payload'> & { payload: string })[];
  texts: ClientText[];
  dispatches: AgentDispatch[];
  microphones: Record<string, MicrophoneLevels>;
}

export interface BotInbox {
  data: { payload: string; info: DataInfo; at: number }[];
  texts: { text: string; topic: string; attributes: Record<string, string>; from: string; at: number }[];
}

/** Resolves with `check()`'s first truthy value, polled every 100 ms, or rejects after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined | null | false>, timeoutMs = 15000, what = 'the condition'): Promise<T> {
  const start = performance.now();
  for (;;) {
    const value = await check();
    if (value) return value;
    if (performance.now() - start > timeoutMs) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export class TestBotHandle {
  constructor(
    readonly room: string,
    readonly identity: string,
    readonly sid: string,
  ) {}

  #act(action: string, args: object = {}) {
    return command<unknown>('bot', { room: this.room, identity: this.identity, action, args });
  }

  sendData(data: Uint8Array | string, options?: SendDataOptions) {
    return this.#act('sendData', { payload: toBase64(bytesOf(data)), options });
  }
  sendText(text: string, options?: SendTextOptions) {
    return this.#act('sendText', { text, options });
  }
  setAttributes(attributes: Record<string, string>) {
    return this.#act('setAttributes', { attributes });
  }
  setMetadata(metadata: string) {
    return this.#act('setMetadata', { metadata });
  }
  setSpeaking(speaking: boolean) {
    return this.#act('setSpeaking', { speaking });
  }
  leave() {
    return this.#act('leave');
  }
  state() {
    return this.#act('state') as Promise<{ frames: number; speaking: boolean }>;
  }
  inbox(): Promise<BotInbox> {
    return command('inbox', { room: this.room, identity: this.identity });
  }
}

export class TestRoomHandle {
  constructor(
    readonly server: LiveKitTestServerHandle,
    readonly name: string,
  ) {}

  token(identity: string, options?: TokenOptions): Promise<string> {
    return this.server.token(this.name, identity, options);
  }
  async addBot(spec: BotSpec): Promise<TestBotHandle> {
    const { identity, sid } = await command<{ identity: string; sid: string }>('addBot', { room: this.name, spec });
    return new TestBotHandle(this.name, identity, sid);
  }
  snapshot(): Promise<RoomSnapshot> {
    return command('snapshot', { room: this.name });
  }
  /** Polls the server's view of the room until `check` returns a truthy value, which it resolves with. */
  async until<T>(check: (snapshot: RoomSnapshot) => T | undefined | null | false, timeoutMs = 15000, what = 'the room condition'): Promise<T> {
    const start = performance.now();
    let last: RoomSnapshot | undefined;
    for (;;) {
      last = await this.snapshot();
      const value = check(last);
      if (value) return value;
      if (performance.now() - start > timeoutMs) {
        throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}; events: ${JSON.stringify(last.events.map((e) => [e.type, e.identity, e.reason]))}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  /** The server's view of `identity`'s published microphone over the last `sinceMs` (null: none published). */
  microphone(identity: string, sinceMs?: number): Promise<MicrophoneLevels | null> {
    return command('microphone', { room: this.name, identity, sinceMs });
  }
  removeParticipant(identity: string, reason?: DisconnectReasonName) {
    return command<boolean>('removeParticipant', { room: this.name, identity, reason });
  }
  dropSignal(identity: string, options?: DropSignalOptions) {
    return command<boolean>('dropSignal', { room: this.name, identity, options });
  }
  /** Refuses `identity`'s signal connections (joins and resumes): 503, 401, or an upgrade never answered. */
  refuseSignal(identity: string, mode: SignalRefusal, forMs?: number) {
    return command<boolean>('refuseSignal', { room: this.name, identity, mode, forMs });
  }
  allowSignal(identity: string) {
    return command<boolean>('allowSignal', { room: this.name, identity });
  }
  delete(reason?: DisconnectReasonName) {
    return command<boolean>('deleteRoom', { room: this.name, reason });
  }
}

export class LiveKitTestServerHandle {
  constructor(
    readonly url: string,
    readonly httpUrl: string,
    readonly apiKey: string,
  ) {}

  token(room: string, identity: string, options?: TokenOptions): Promise<string> {
    return command('token', { room, identity, options });
  }
  async createRoom(options?: RoomOptions & { name?: string }): Promise<TestRoomHandle> {
    const { name, ...rest } = options ?? {};
    const created = await command<{ name: string }>('createRoom', { name, options: rest });
    return new TestRoomHandle(this, created.name);
  }
}

let server: Promise<LiveKitTestServerHandle> | undefined;

/**
 * The run's LiveKit test server. Fails, saying why, when the run is not inside a loopback-only network
 * namespace (npm test and .ci/run make one; `node scripts/netns.mjs npx web-test-runner …` for one file).
 */
export function liveKitServer(): Promise<LiveKitTestServerHandle> {
  server ??= command<{ url: string; httpUrl: string; apiKey: string; network: NetworkIsolation }>('info').then(({ url, httpUrl, apiKey, network }) => {
    if (!network.isolated && !network.overridden) {
      throw new Error(
        `The LiveKit tests need a loopback-only network namespace, and this run has other interfaces (${network.interfaces.join(', ')}). ` +
          'Run them through `npm test` or `node scripts/netns.mjs npx web-test-runner --files <file>` (root, or unprivileged user namespaces), ' +
          'or set LIVEKIT_TESTS_HOST_NETWORK=1 to run on the host network anyway.',
      );
    }
    return new LiveKitTestServerHandle(url, httpUrl, apiKey);
  });
  return server;
}
