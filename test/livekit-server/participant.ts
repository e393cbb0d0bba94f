// What every participant of a test room has (clients and bots), and the ids the server makes.
import { randomBytes } from 'node:crypto';
import { ParticipantInfo, ParticipantInfo_Kind, ParticipantInfo_State, ParticipantPermission, type TrackInfo, TrackSource, TrackType } from '@livekit/protocol';

export const newSid = (prefix: string): string => `${prefix}${randomBytes(9).toString('base64url').replace(/[-_]/g, 'x')}`;

export type ParticipantKind = 'STANDARD' | 'AGENT' | 'INGRESS' | 'EGRESS' | 'SIP';

export function kindOf(claim: string | undefined): ParticipantInfo_Kind {
  const name = (claim ?? 'standard').toUpperCase() as ParticipantKind;
  return ParticipantInfo_Kind[name] ?? ParticipantInfo_Kind.STANDARD;
}

export interface TrackSummary {
  sid: string;
  kind: 'audio' | 'video';
  source: string;
  muted: boolean;
}

/** A participant as tests see it (`room.participants()`). */
export interface ParticipantSummary {
  sid: string;
  identity: string;
  name: string;
  kind: ParticipantKind;
  bot: boolean;
  /** `signal-lost`: a client whose signal connection dropped and has not resumed (yet). */
  state: 'active' | 'signal-lost';
  metadata: string;
  attributes: Record<string, string>;
  tracks: TrackSummary[];
  /** Clients: `single` (/rtc/v1, one peer connection) or `dual` (/rtc, two). */
  mode?: 'single' | 'dual';
  sdkVersion?: string;
}

export abstract class Participant {
  readonly sid = newSid('PA_');
  readonly joinedAt = Date.now();
  version = 1;
  name: string;
  metadata: string;
  attributes: Record<string, string>;
  abstract readonly bot: boolean;

  constructor(
    readonly identity: string,
    readonly kind: ParticipantInfo_Kind,
    init: { name?: string; metadata?: string; attributes?: Record<string, string> },
  ) {
    this.name = init.name ?? '';
    this.metadata = init.metadata ?? '';
    this.attributes = { ...init.attributes };
  }

  /** The tracks listed in this participant's info for others. */
  protected abstract tracks(): TrackInfo[];

  /** Its info for the client `viewer` (clients see one another without tracks: no media goes between them). */
  info(state = ParticipantInfo_State.ACTIVE, viewerIsClient = true): ParticipantInfo {
    const tracks = this.bot || !viewerIsClient ? this.tracks() : [];
    return new ParticipantInfo({
      sid: this.sid,
      identity: this.identity,
      name: this.name,
      state,
      tracks,
      metadata: this.metadata,
      attributes: this.attributes,
      joinedAt: BigInt(Math.floor(this.joinedAt / 1000)),
      joinedAtMs: BigInt(this.joinedAt),
      version: this.version,
      kind: this.kind,
      isPublisher: tracks.length > 0,
      permission: new ParticipantPermission({
        canSubscribe: true,
        canPublish: true,
        canPublishData: true,
        agent: this.kind === ParticipantInfo_Kind.AGENT,
      }),
    });
  }

  summary(): ParticipantSummary {
    return {
      sid: this.sid,
      identity: this.identity,
      name: this.name,
      kind: (ParticipantInfo_Kind[this.kind] ?? 'STANDARD') as ParticipantKind,
      bot: this.bot,
      state: 'active',
      metadata: this.metadata,
      attributes: { ...this.attributes },
      tracks: this.tracks().map((t) => ({
        sid: t.sid,
        kind: t.type === TrackType.AUDIO ? 'audio' : 'video',
        source: (TrackSource[t.source] ?? 'UNKNOWN').toLowerCase(),
        muted: t.muted,
      })),
    };
  }
}
