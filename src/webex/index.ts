export { HttpWebexClient, parseRetryAfter, nextLink } from './http-client.ts';
export type { HttpClientOptions, RetryBudget } from './http-client.ts';
export { RateLimiter } from './rate-limiter.ts';
export type { RatePacer } from './rate-limiter.ts';
export {
  SharedRateLimiter,
  SHARED_RATE_POLICY,
  planClaim,
  planThrottle,
  tokenFingerprint,
} from './shared-rate-limiter.ts';
export type { SharedBudget, SharedBudgetPort, SlotBlock } from './shared-rate-limiter.ts';
export * from './errors.ts';
export type * from './port.ts';
export {
  openWebexTargets,
  simulatorStateFile,
  SIMULATOR_PROVISIONING_ID,
  usesRealWebex,
} from './targets.ts';
export type { WebexTargets, PortResult, SharedRate } from './targets.ts';
export * from './types.ts';
export { OAuthTokenSource, TokenRefreshError, tokenFile, TOKEN_POLICY } from './oauth-token.ts';
export type { StoredToken } from './oauth-token.ts';
export type { TokenSource } from './http-client.ts';
