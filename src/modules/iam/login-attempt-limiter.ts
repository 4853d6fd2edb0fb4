import { Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import { REDIS } from '../../common/redis';
import { TooManyRequestsError } from '../../common/errors';

/** Failed sign-ins allowed per IP + email within the window (requirement: issue 2 §5). */
export const MAX_LOGIN_FAILURES = 10;
/** Window of failed sign-ins, in seconds (15 minutes). */
export const LOGIN_FAILURE_WINDOW_SECONDS = 15 * 60;

/**
 * Counts failed sign-ins per IP + email in Redis (shared by all instances). After
 * {@link MAX_LOGIN_FAILURES} failures in the window every attempt gets 429 with Retry-After,
 * even with the right password. Only failures count, which @nestjs/throttler cannot express
 * (docs/adr/0003).
 */
@Injectable()
export class LoginAttemptLimiter {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  private key(scope: string, ip: string | null, email: string): string {
    return `login-failures:${scope}:${ip ?? 'unknown'}:${email.toLowerCase()}`;
  }

  /** @throws TooManyRequestsError when the key is locked out. */
  async assertAllowed(scope: string, ip: string | null, email: string): Promise<void> {
    const key = this.key(scope, ip, email);
    const [[, count], [, ttlMs]] = (await this.redis.multi().get(key).pttl(key).exec()) as [[null, string | null], [null, number]];
    if (Number(count ?? 0) >= MAX_LOGIN_FAILURES) {
      throw new TooManyRequestsError(ttlMs > 0 ? ttlMs / 1000 : LOGIN_FAILURE_WINDOW_SECONDS, 'Too many failed sign-in attempts; retry later.');
    }
  }

  /** Counts one failure; the window starts at the first failure. */
  async recordFailure(scope: string, ip: string | null, email: string): Promise<void> {
    const key = this.key(scope, ip, email);
    await this.redis.multi().incr(key).expire(key, LOGIN_FAILURE_WINDOW_SECONDS, 'NX').exec();
  }

  /** Clears the counter after a successful sign-in. */
  async reset(scope: string, ip: string | null, email: string): Promise<void> {
    await this.redis.del(this.key(scope, ip, email));
  }
}
