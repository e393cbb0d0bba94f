// Access tokens, minted and checked with livekit-server-sdk, refused with the status and text a LiveKit
// server answers (its auth middleware and join validation), so the real SDK raises its real errors.
import { RoomConfiguration, RoomAgentDispatch } from '@livekit/protocol';
import { AccessToken, type ClaimGrants, TokenVerifier, type VideoGrant } from 'livekit-server-sdk';

export interface TokenOptions {
  name?: string;
  metadata?: string;
  attributes?: Record<string, string>;
  /** The participant kind claim, e.g. `'agent'`. */
  kind?: string;
  /** Lifetime: seconds, or a span such as `'10m'`; a negative one (`'-5m'`) mints an expired token. Default 1 h. */
  ttl?: number | string;
  /** Grants over the default `{roomJoin, room, canPublish, canSubscribe, canPublishData}`. */
  grants?: VideoGrant;
  /** Agents to dispatch when this token creates the room (`RoomConfiguration.agents`). */
  agents?: { agentName: string; metadata?: string }[];
  /** Sign with another secret (a token the server must refuse). */
  secret?: string;
  /** Issue for another API key (unknown to the server). */
  apiKey?: string;
}

export interface Keys {
  apiKey: string;
  apiSecret: string;
}

export async function mintToken(keys: Keys, room: string, identity: string, options: TokenOptions = {}): Promise<string> {
  const token = new AccessToken(options.apiKey ?? keys.apiKey, options.secret ?? keys.apiSecret, {
    identity,
    name: options.name,
    metadata: options.metadata,
    attributes: options.attributes,
    ttl: options.ttl ?? '1h',
  });
  token.addGrant({ roomJoin: true, room, canPublish: true, canSubscribe: true, canPublishData: true, ...options.grants });
  if (options.kind) token.kind = options.kind;
  if (options.agents) {
    token.roomConfig = new RoomConfiguration({
      agents: options.agents.map((a) => new RoomAgentDispatch({ agentName: a.agentName, metadata: a.metadata ?? '' })),
    }) as unknown as AccessToken['roomConfig'];
  }
  return token.toJwt();
}

/** Refused: the HTTP status and plain-text body a LiveKit server sends. */
export interface Refusal {
  status: number;
  message: string;
}

export interface Grants {
  identity: string;
  claims: ClaimGrants;
  video: VideoGrant;
  /** Agent dispatches from the token's room configuration. */
  agents: { agentName: string; metadata: string }[];
}

// The real server's leeway on exp/nbf (livekit/protocol auth/verifier.go).
const LEEWAY_SECONDS = 60;

/** The token from `?access_token=` or `Authorization: Bearer`, as the server's auth middleware reads it. */
export function tokenOf(url: URL, authorization: string | undefined): string | Refusal | undefined {
  if (authorization !== undefined && authorization !== '') {
    if (!authorization.startsWith('Bearer ')) return { status: 401, message: 'invalid authorization header. Must start with Bearer ' };
    return authorization.slice('Bearer '.length);
  }
  return url.searchParams.get('access_token') ?? undefined;
}

/** Verifies a token: its claims, or the refusal. */
export async function verifyToken(keys: Keys, token: string): Promise<ClaimGrants | Refusal> {
  let issuer: unknown;
  try {
    issuer = (JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { iss?: unknown }).iss;
  } catch {
    return { status: 401, message: 'invalid authorization token' };
  }
  if (issuer !== keys.apiKey) return { status: 401, message: 'invalid API key' };
  try {
    return await new TokenVerifier(keys.apiKey, keys.apiSecret).verify(token, LEEWAY_SECONDS);
  } catch (error) {
    return { status: 401, message: `invalid authorization token: ${goJwtMessage(error)}` };
  }
}

/** jose's failures in the words of golang-jwt, which the real server uses. */
function goJwtMessage(error: unknown): string {
  const code = (error as { code?: string }).code;
  const claim = (error as { claim?: string }).claim;
  if (code === 'ERR_JWT_EXPIRED') return 'token has invalid claims: token is expired';
  if (code === 'ERR_JWT_CLAIM_VALIDATION_FAILED' && claim === 'nbf') return 'token has invalid claims: token is not valid yet';
  if (code === 'ERR_JWT_CLAIM_VALIDATION_FAILED' && claim === 'exp') return 'token has invalid claims: token is missing required claim: exp claim is required';
  if (code === 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED') return 'token signature is invalid: signature is invalid';
  return 'token is malformed: could not parse the token';
}

/** What the server checks before a join: a join grant, an identity, a room name. */
export async function joinGrants(keys: Keys, token: string | undefined): Promise<Grants | Refusal> {
  if (token === undefined) return { status: 401, message: 'permissions denied' };
  const claims = await verifyToken(keys, token);
  if (isRefusal(claims)) return claims;
  const video = claims.video;
  if (!video?.roomJoin) return { status: 401, message: 'permissions denied' };
  const identity = (claims as { sub?: string }).sub ?? '';
  if (!identity) return { status: 400, message: 'identity cannot be empty' };
  if (!video.room) return { status: 400, message: 'no room name' };
  const config = (claims as { roomConfig?: unknown }).roomConfig;
  const agents = config ? RoomConfiguration.fromJson(config as never, { ignoreUnknownFields: true }).agents : [];
  return { identity, claims, video, agents: agents.map((a) => ({ agentName: a.agentName, metadata: a.metadata })) };
}

export function isRefusal(value: unknown): value is Refusal {
  return typeof value === 'object' && value !== null && 'status' in value && 'message' in value;
}
