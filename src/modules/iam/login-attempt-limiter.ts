import { Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import { REDIS } from '../../common/redis';
import { TooManyRequestsError } from '../../common/errors';

/** Failed sign-ins allowed per IP + email within the window (requirement: issue 2 §5). */
export const MAX_LOGIN_FAILURES = 10;
/** Window of failed sign-ins, in seconds (15 minutes). */
export const LOGIN_FAILURE_WINDOW_SECONDS = 15 * 60;

/**
 * Counts sign-in attempts per IP + email in Redis (shared by all instances). An attempt is counted
 * before its password is verified and forgotten when it succeeds, so only failures accumulate.
 * After {@link MAX_LOGIN_FAILURES} failures in the window every attempt gets 429 with Retry-After,
 * even with the right password. Counting first, in one atomic INCR, keeps a burst of concurrent
 * guesses from all passing a read-then-increment check (CONVENTIONS §4). Only failures count,
 * which @nestjs/throttler cannot express (docs/adr/0003).
 */
@Injectable()
export class LoginAttemptLimiter {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  private key(scope: string, ip: string | null, email: string): string {
    return `login-failures:${scope}:${ip ?? 'unknown'}:${email.toLowerCase()}`;
  }

  /**
   * Counts one attempt (the window starts at the first) before the password is checked.
   * @throws TooManyRequestsError when the attempt is beyond the allowed failures.
   */
  async reserveAttempt(scope: string, ip: string | null, email: string): Promise<void> {
    const key = this.key(scope, ip, email);
    const [[, count], , [, ttlMs]] = (await this.redis.multi().incr(key).expire(key, LOGIN_FAILURE_WINDOW_SECONDS, 'NX').pttl(key).exec()) as [
      [null, number],
      [null, number],
      [null, number],
    ];
    if (count > MAX_LOGIN_FAILURES) {
      throw new TooManyRequestsError(ttlMs > 0 ? ttlMs / 1000 : LOGIN_FAILURE_WINDOW_SECONDS, 'Too many failed sign-in attempts; retry later.');
    }
  }

  /** Clears the counter after a successful sign-in (the attempt was not a failure). */
  async reset(scope: string, ip: string | null, email: string): Promise<void> {
    await this.redis.del(this.key(scope, ip, email));
  }
}
