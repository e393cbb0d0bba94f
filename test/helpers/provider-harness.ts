import { AvatarError } from '../../src/errors/avatar-error.js';
import type { ProviderAdapter, ProviderContext, ProviderEvents, Transcript } from '../../src/providers/provider.js';
import type { SessionDescription } from '../../src/session/session-description.js';
import type { EndedReason } from '../../src/session/session-types.js';
import { decodeText } from '../../src/transports/media.js';
import type { Transport, TransportKind } from '../../src/transports/transport.js';
import { stubFetch } from './vendor-fetch.js';

/** A transport that records what the adapter sends, with the time it was sent. */
export class FakeTransport implements Transport {
  readonly sent: { payload: Uint8Array; at: number }[] = [];
  failSends = false;

  constructor(
    readonly kind: TransportKind = 'livekit',
    readonly maxMessageBytes = 64 * 1024,
  ) {}

  async connect(): Promise<void> {}
  async send(payload: Uint8Array): Promise<void> {
    if (payload.byteLength > this.maxMessageBytes) {
      throw new AvatarError('transport-data-too-large', `${payload.byteLength} > ${this.maxMessageBytes}`, { fatal: false });
    }
    if (this.failSends) throw new AvatarError('transport-send-failed', 'The data channel is not open.', { fatal: false });
    this.sent.push({ payload, at: performance.now() });
  }
  async startMicrophone(): Promise<void> {}
  async stopMicrophone(): Promise<void> {}
  async setMicrophoneMuted(): Promise<void> {}
  async resumeAudio(): Promise<void> {}
  async disconnect(): Promise<void> {}

  /** The sent messages, JSON-decoded. */
  messages<T = Record<string, unknown>>(): T[] {
    return this.sent.map((s) => JSON.parse(decodeText(s.payload)) as T);
  }
}

export type ProviderEventRecord =
  | { type: 'speakStart' }
  | { type: 'speakEnd' }
  | { type: 'transcript'; transcript: Transcript }
  | { type: 'error'; error: AvatarError }
  | { type: 'ended'; reason: EndedReason; error?: AvatarError };

export function recordProviderEvents() {
  const log: ProviderEventRecord[] = [];
  const events: ProviderEvents = {
    speakStart: () => log.push({ type: 'speakStart' }),
    speakEnd: () => log.push({ type: 'speakEnd' }),
    transcript: (transcript) => log.push({ type: 'transcript', transcript }),
    error: (error) => log.push({ type: 'error', error }),
    ended: (reason, error) => log.push({ type: 'ended', reason, error }),
  };
  return {
    events,
    log,
    types: () => log.map((e) => e.type),
    transcripts: () => log.flatMap((e) => (e.type === 'transcript' ? [e.transcript] : [])),
    errors: () => log.flatMap((e) => (e.type === 'error' ? [e.error] : [])),
    ended: () => log.flatMap((e) => (e.type === 'ended' ? [e] : [])),
  };
}

/** A provider context around `description`, a fake transport and a stubbed fetch. */
export function providerContext(
  description: SessionDescription,
  { fetch, transport = new FakeTransport(), video = document.createElement('video') }: {
    fetch: typeof globalThis.fetch;
    transport?: Transport;
    video?: HTMLVideoElement;
  },
) {
  const abort = new AbortController();
  const recorder = recordProviderEvents();
  const context: ProviderContext = {
    description,
    config: { provider: description.provider, tokenTimeout: 15000 },
    transport,
    events: recorder.events,
    video,
    signal: abort.signal,
    fetch,
  };
  return { context, recorder, abort };
}

/** Rejection of `promise`, or a failure if it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<AvatarError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AvatarError) return error;
    throw error;
  }
  throw new Error('Expected a rejection');
}

export const encodeJson = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

/** A REST vendor's session on LiveKit, as the server hands it out. */
export function livekitSession(fields: Pick<SessionDescription, 'provider' | 'sessionId'> & Partial<SessionDescription>): SessionDescription {
  return { transport: { kind: 'livekit', url: 'wss://lk.test', token: 'lk-token' }, ...fields };
}

/** An adapter made by `createProvider` around `description`, talking to a stubbed vendor REST API. */
export function restAdapter(
  createProvider: (context: ProviderContext) => ProviderAdapter,
  description: SessionDescription,
  answer = stubFetch(),
) {
  const harness = providerContext(description, { fetch: answer.fetch });
  return { ...harness, provider: createProvider(harness.context), requests: answer.requests };
}
