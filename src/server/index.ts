/**
 * streaming-avatar/server: the session handler that holds vendor keys. Runtime-neutral (fetch `Request` →
 * `Response`), plus `toNodeHandler` for Node's `http` and Express.
 */
export { createSessionHandler } from './session-handler.js';
export { toNodeHandler, toRequest, sendResponse } from './node.js';
export { clientAddress } from './client-address.js';
export type { NodeHandlerOptions, NodeRequest } from './node.js';
export { DEEPBRAIN_DURATION_UNIT_S } from '../vendors/deepbrain/server.js';
export { SERVER_PROVIDERS } from './registry.js';
export type { AkoolProviderConfig } from '../vendors/akool/server.js';
export type { DeepBrainProviderConfig } from '../vendors/deepbrain/server.js';
export type { KonProProviderConfig } from '../vendors/konpro/server.js';
export type {
  ApiKeyProviderConfig,
  HookResult,
  ProviderConfigs,
  RateLimitInfo,
  RateLimitResult,
  ServerProvider,
  SessionHandler,
  SessionHandlerLogger,
  SessionHandlerOptions,
  StopRequest,
} from './types.js';
export type { SessionDescription } from '../session/session-description.js';
export type { SessionRequest } from '../session/session-types.js';
export { AvatarError, ERROR_CODES } from '../errors/avatar-error.js';
export type { AvatarErrorCode } from '../errors/avatar-error.js';
