/**
 * Lifetimes of the access tokens this service issues and of the revocations that stop them.
 * One place, so that a revocation can never be shorter than a token it covers (RFC 7009 §2.2:
 * a revoked token must stay invalid; here it must stay revoked until no copy can verify).
 */

/** Shortest impersonation session, in minutes. */
export const IMPERSONATION_MIN_MINUTES = 1;
/**
 * Longest impersonation session and token lifetime, in minutes (requirement: time-limited
 * "login as"). Impersonation tokens have no refresh token, so this bounds a session.
 */
export const IMPERSONATION_MAX_MINUTES = 60;
/** Session length when the caller names none, in minutes. */
export const IMPERSONATION_DEFAULT_MINUTES = 30;

/**
 * Clock skew, in seconds, the access-token verifier tolerates on `exp`, `nbf` and a future `iat`
 * (RFC 7519 §4.1.4 "some small leeway"). Instances and the token issuer may disagree by this much.
 */
export const JWT_CLOCK_TOLERANCE_SECONDS = 5;

/** Extra seconds a revocation key outlives the tokens it covers (Redis expiry granularity, skew). */
export const REVOCATION_MARGIN_SECONDS = 60;

/**
 * Seconds a revocation must last to outlive every access token it can cover: the longer of the
 * normal access lifetime and the impersonation maximum, plus the verifier's leeway and a margin.
 * `accessTtlSeconds` is the configured access-token lifetime (JWT_ACCESS_TTL_SECONDS).
 */
export function revocationTtlSeconds(accessTtlSeconds: number): number {
  return Math.max(accessTtlSeconds, IMPERSONATION_MAX_MINUTES * 60) + JWT_CLOCK_TOLERANCE_SECONDS + REVOCATION_MARGIN_SECONDS;
}
