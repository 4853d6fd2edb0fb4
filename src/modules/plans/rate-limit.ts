/**
 * A tenant's request rate, the plan dimension enforced by the platform's traffic guard
 * (src/modules/platform/traffic): `requestsPerMinute` sustained (a 60-second window) and `burst`,
 * the extra requests allowed above it, drawn from an allowance that refills every
 * {@link BURST_WINDOW_SECONDS}. Both are whole requests.
 */
export interface RateLimit {
  requestsPerMinute: number;
  burst: number;
}

/** Where a tenant's effective rate comes from: a staff override, its plan, or the platform default. */
export const RATE_LIMIT_SOURCES = ['override', 'plan', 'default'] as const;
export type RateLimitSource = (typeof RATE_LIMIT_SOURCES)[number];

/** The window of the sustained rate, seconds. */
export const RATE_WINDOW_SECONDS = 60;
/** The window in which the burst allowance refills, seconds (a tenant may burst once per window). */
export const BURST_WINDOW_SECONDS = 600;
/** Largest rate or burst a plan or an override may set (requests). */
export const MAX_RATE_LIMIT = 1_000_000;

/** A staff override of a tenant's rate: `until` (exclusive) ends it; null lasts until it is cleared. */
export interface RateLimitOverride extends RateLimit {
  until: Date | null;
  reason: string | null;
}

/** The rate that applies to a tenant now, with its source; `until` is the end of an override. */
export interface EffectiveRateLimit extends RateLimit {
  source: RateLimitSource;
  until: Date | null;
}

/**
 * What decides a tenant's rate, as the hot path caches it: the override (which may expire while
 * cached) and what applies without it (the plan's rate, else the platform default).
 */
export interface TenantRateLimitBasis {
  override: RateLimitOverride | null;
  fallback: EffectiveRateLimit;
}

/** The plan's rate when it sets one (both columns), else the platform default. */
export function planRateLimit(plan: { rateLimitRequestsPerMinute: number | null; rateLimitBurst: number | null }, platformDefault: RateLimit): EffectiveRateLimit {
  if (plan.rateLimitRequestsPerMinute === null) return { ...platformDefault, source: 'default', until: null };
  return { requestsPerMinute: plan.rateLimitRequestsPerMinute, burst: plan.rateLimitBurst ?? 0, source: 'plan', until: null };
}

/**
 * The effective rate at `now`: an override whose `until` is still ahead (or absent), else the
 * plan's rate, else the platform default. An expired override stops applying at its `until`
 * without any job clearing it.
 */
export function effectiveRateLimit(basis: TenantRateLimitBasis, now: Date): EffectiveRateLimit {
  const o = basis.override;
  if (o && (o.until === null || o.until.getTime() > now.getTime())) return { requestsPerMinute: o.requestsPerMinute, burst: o.burst, source: 'override', until: o.until };
  return basis.fallback;
}

/**
 * The source rule of {@link effectiveRateLimit} as a SQL expression over `tenant_quotas` (alias
 * `quota`) and `plans` (alias `plan`), with `now` as the parameter placeholder given.
 */
export function rateLimitSourceSql(now: string, quota = 'q', plan = 'p'): string {
  return `CASE WHEN ${quota}.rate_limit_override_requests_per_minute IS NOT NULL AND (${quota}.rate_limit_override_until IS NULL OR ${quota}.rate_limit_override_until > ${now}) THEN 'override'
    WHEN ${plan}.rate_limit_requests_per_minute IS NOT NULL THEN 'plan' ELSE 'default' END`;
}
