import { Inject, Injectable, Logger } from '@nestjs/common';
import Redis from 'ioredis';
import { BurstyRateLimiter, RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { REDIS } from '../../../common/redis';
import { Clock } from '../../../common/time';
import { BURST_WINDOW_SECONDS, EffectiveRateLimit, effectiveRateLimit, RATE_WINDOW_SECONDS, TenantRateLimitBasis, TenantRateLimits } from '../../plans';

/** How long an instance keeps a tenant's rate basis before reading it again, ms (a change elsewhere applies within this). */
export const RATE_BASIS_TTL_MS = 5000;
/** Most tenants whose basis one instance keeps; past it the cache starts over (bounded memory). */
const MAX_CACHED_TENANTS = 50_000;

/** The outcome of one request against its tenant's rate, for the RateLimit-* headers. */
export interface RateDecision {
  allowed: boolean;
  rate: EffectiveRateLimit;
  /** Requests left in the current 60-second window (the burst allowance is not counted). */
  remaining: number;
  /** Seconds until the window ends (allowed) or until the next request is allowed (refused); at least 1. */
  resetSeconds: number;
}

interface Limiter {
  consume(key: string): Promise<RateLimiterRes>;
}

/**
 * Enforces each tenant's request rate across every instance, with rate-limiter-flexible on the
 * shared ioredis client: a {@link RateLimiterRedis} of `requestsPerMinute` per 60-second window,
 * and, when the rate has a burst, a {@link BurstyRateLimiter} that draws refused requests from a
 * second allowance of `burst` per {@link BURST_WINDOW_SECONDS}. Counters are keyed by tenant only,
 * so a changed rate keeps what was already counted. One request costs one Redis round trip (two
 * while drawing on the burst allowance); the tenant's rate basis (override, plan, default) is
 * cached in memory for {@link RATE_BASIS_TTL_MS}, and an override's `until` is compared on every
 * request, so an expired override stops applying at once.
 *
 * Redis outage: each limiter has an in-memory insurance limiter of the same rate (and refuses to
 * queue while Redis is not ready), so the limit keeps applying per instance instead of failing
 * open or closed. Failing closed would add a second outage on top of Redis's — partner API keys
 * and signed-in users whose token check passed would all get errors — while the limit protects
 * capacity, not access; failing fully open would let a noisy tenant run unbounded exactly when the
 * platform is weakest. (Bearer-token requests already answer 503 `dependency_unavailable` when
 * the revocation check cannot reach Redis, before this runs.)
 */
@Injectable()
export class TenantRateLimiter {
  private readonly logger = new Logger(TenantRateLimiter.name);
  private readonly limiters = new Map<string, Limiter>();
  private readonly bases = new Map<string, { basis: TenantRateLimitBasis | null; expiresAt: number }>();

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly rates: TenantRateLimits,
    private readonly clock: Clock,
  ) {}

  /** Counts one request of `tenantId`; null when the tenant is unknown (nothing to limit). */
  async consume(tenantId: string): Promise<RateDecision | null> {
    const basis = await this.basisOf(tenantId);
    if (!basis) return null;
    const rate = effectiveRateLimit(basis, this.clock.now());
    let res: RateLimiterRes;
    let allowed = true;
    try {
      res = await this.limiterFor(rate).consume(tenantId);
    } catch (err) {
      if (!(err instanceof RateLimiterRes)) {
        // Both Redis and the insurance limiter failed: let the request through (see the class doc).
        this.logger.warn(`tenant rate limit not checked: ${(err as Error).message}`);
        return null;
      }
      res = err;
      allowed = false;
    }
    return { allowed, rate, remaining: Math.max(0, res.remainingPoints), resetSeconds: Math.max(1, Math.ceil(res.msBeforeNext / 1000)) };
  }

  /** Drops this instance's cached basis of `tenantId` (after a change made here). */
  forget(tenantId: string): void {
    this.bases.delete(tenantId);
  }

  private async basisOf(tenantId: string): Promise<TenantRateLimitBasis | null> {
    const hit = this.bases.get(tenantId);
    const now = Date.now();
    if (hit && hit.expiresAt > now) return hit.basis;
    const basis = await this.rates.basisOf(tenantId);
    if (this.bases.size >= MAX_CACHED_TENANTS) this.bases.clear();
    this.bases.set(tenantId, { basis, expiresAt: now + RATE_BASIS_TTL_MS });
    return basis;
  }

  private limiterFor(rate: EffectiveRateLimit): Limiter {
    const id = `${rate.requestsPerMinute}:${rate.burst}`;
    let limiter = this.limiters.get(id);
    if (limiter) return limiter;
    const base = this.redisLimiter('cp:tenant-rate', rate.requestsPerMinute, RATE_WINDOW_SECONDS);
    limiter = rate.burst > 0 ? new BurstyRateLimiter(base, this.redisLimiter('cp:tenant-burst', rate.burst, BURST_WINDOW_SECONDS)) : base;
    // Distinct rates are few (plans and overrides); bound the map anyway.
    if (this.limiters.size >= 1000) this.limiters.clear();
    this.limiters.set(id, limiter);
    return limiter;
  }

  private redisLimiter(keyPrefix: string, points: number, duration: number): RateLimiterRedis {
    return new RateLimiterRedis({
      storeClient: this.redis,
      keyPrefix,
      points,
      duration,
      rejectIfRedisNotReady: true,
      insuranceLimiter: new RateLimiterMemory({ keyPrefix, points, duration }),
    });
  }
}
