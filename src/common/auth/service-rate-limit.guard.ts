import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { InjectThrottlerStorage, ThrottlerStorage } from '@nestjs/throttler';
import type { Response } from 'express';
import { APP_CONFIG, AppConfig } from '../../config';
import { RequestContext } from '../context/request-context';
import { TooManyRequestsError } from '../errors/app-error';

/** The window of the per-client service limit, in milliseconds. */
const WINDOW_MS = 60_000;

/**
 * Global guard after the policy guard: a fixed window of SERVICE_RATE_LIMIT_PER_MINUTE requests
 * per product-module service client, counted in Redis so every instance shares it (a client past
 * the limit waits one window). Every answer
 * to a service carries the IETF draft's headers (draft-ietf-httpapi-ratelimit-headers:
 * `RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset` in seconds, `RateLimit-Policy`);
 * past the limit, 429 `rate_limited` with Retry-After. Other principals pass untouched.
 */
@Injectable()
export class ServiceRateLimitGuard implements CanActivate {
  constructor(
    @InjectThrottlerStorage() private readonly storage: ThrottlerStorage,
    private readonly context: RequestContext,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const actor = this.context.actor;
    if (actor.type !== 'service' || !actor.clientId) return true;
    const limit = this.config.serviceRateLimitPerMinute;
    // Past the limit the client is blocked until its window ends (the storage needs a block length).
    const record = await this.storage.increment(`service-rate:${actor.clientId}`, WINDOW_MS, limit, WINDOW_MS, 'service');
    const res = ctx.switchToHttp().getResponse<Response>();
    const reset = Math.max(1, Math.ceil(record.isBlocked ? record.timeToBlockExpire : record.timeToExpire));
    res.setHeader('RateLimit-Limit', String(limit));
    res.setHeader('RateLimit-Remaining', String(Math.max(0, limit - record.totalHits)));
    res.setHeader('RateLimit-Reset', String(reset));
    res.setHeader('RateLimit-Policy', `${limit};w=${WINDOW_MS / 1000}`);
    if (record.isBlocked || record.totalHits > limit) throw new TooManyRequestsError(reset, `This service client made more than ${limit} requests in a minute; retry in ${reset} s.`);
    return true;
  }
}
