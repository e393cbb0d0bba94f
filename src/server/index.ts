/**
 * streaming-avatar/server: the session handler that holds vendor keys. Runtime-neutral (fetch `Request` →
 * `Response`), plus `toNodeHandler` for Node's `http` and Express.
 */
export { createSessionHandler } from './session-handler.js';
export { toNodeHandler, toRequest, sendResponse } from './node.js';
export { clientAddress } from './client-address.js';
export { memoryStore } from './store.js';
export type { KeyValueStore, MemoryStoreOptions } from './store.js';
export type { ReapResult } from './ledger.js';
export { DEFAULT_LIMITS } from './policy.js';
export type { FieldOwner, FieldRule, SessionLimits, SitePolicy, VendorPolicy } from './policy.js';
export type { NodeHandlerOptions, NodeRequest } from './node.js';
export { DEEPBRAIN_DURATION_UNIT_S } from '../vendors/deepbrain/server.js';
export { SERVER_PROVIDERS } from './registry.js';
export type { AkoolProviderConfig } from '../vendors/akool/server.js';
export type { HeyGenProviderConfig } from '../vendors/heygen/server.js';
export type { DeepBrainProviderConfig } from '../vendors/deepbrain/server.js';
export type { KonProProviderConfig } from '../vendors/konpro/server.js';
export type {
  ApiKeyProviderConfig,
  FetchHandler,
  HandlerContext,
  HookResult,
  ProviderConfigBase,
  ProviderConfigs,
  RateLimitInfo,
  RateLimitResult,
  ServerProvider,
  SessionHandler,
  SessionHandlerLogger,
  SessionHandlerOptions,
  ServerSessionRequest,
  StopRequest,
} from './types.js';
export type { SessionDescription } from '../session/session-description.js';
export type { SessionRequest } from '../session/session-types.js';
export { AvatarError, ERROR_CODES } from '../errors/avatar-error.js';
export type { AvatarErrorCode } from '../errors/avatar-error.js';
