import { AppError } from '../../../common/errors';

/** Whole seconds, at least 1: what Retry-After and `retryAfterSeconds` carry (RFC 9110 §10.2.3). */
export function wholeSeconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}

/**
 * 429 `tenant_rate_limited` (RFC 6585 §4): the tenant is past its request rate. `Retry-After`
 * and `retryAfterSeconds` carry the seconds until its next request is allowed; `limit` is the
 * requests per minute of the rate that was reached.
 */
export class TenantRateLimitedError extends AppError<'tenant_rate_limited'> {
  constructor(retryAfterSeconds: number, limit: number) {
    super(
      'tenant_rate_limited',
      429,
      `Your organisation made more than ${limit} requests in a minute (plus its burst allowance); retry in ${retryAfterSeconds} s.`,
      { retryAfterSeconds, limit },
      { 'Retry-After': String(retryAfterSeconds) },
    );
  }
}

/**
 * 503 `maintenance` (RFC 9110 §15.6.4): tenant routes are paused while the platform is in
 * maintenance. `detail` is the operators' message; `Retry-After` (RFC 9110 §10.2.3) and
 * `retryAfterSeconds` are the seconds to `until`, or a default when no end was announced.
 */
export class MaintenanceError extends AppError<'maintenance'> {
  constructor(message: string, until: Date | null, retryAfterSeconds: number) {
    super('maintenance', 503, message, { retryAfterSeconds, until: until?.toISOString() ?? null }, { 'Retry-After': String(retryAfterSeconds) });
  }
}
