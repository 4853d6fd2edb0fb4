import { effectiveRateLimit, planRateLimit, TenantRateLimitBasis } from './rate-limit';

describe('effective tenant rate', () => {
  const platformDefault = { requestsPerMinute: 6000, burst: 1000 };
  const now = new Date('2026-03-01T12:00:00Z');
  const plan = planRateLimit({ rateLimitRequestsPerMinute: 120, rateLimitBurst: 30 }, platformDefault);

  it('a plan without a rate falls back to the platform default', () => {
    expect(planRateLimit({ rateLimitRequestsPerMinute: null, rateLimitBurst: null }, platformDefault)).toEqual({ requestsPerMinute: 6000, burst: 1000, source: 'default', until: null });
  });

  it('the plan rate applies without an override', () => {
    expect(effectiveRateLimit({ override: null, fallback: plan }, now)).toEqual({ requestsPerMinute: 120, burst: 30, source: 'plan', until: null });
  });

  it('an override applies until its end (exclusive), then the plan again', () => {
    const until = new Date('2026-03-01T12:00:10Z');
    const basis: TenantRateLimitBasis = { override: { requestsPerMinute: 5, burst: 0, until, reason: null }, fallback: plan };
    expect(effectiveRateLimit(basis, now)).toEqual({ requestsPerMinute: 5, burst: 0, source: 'override', until });
    expect(effectiveRateLimit(basis, until).source).toBe('plan');
  });

  it('an override without an end lasts', () => {
    expect(effectiveRateLimit({ override: { requestsPerMinute: 5, burst: 1, until: null, reason: 'noisy' }, fallback: plan }, new Date('2099-01-01')).source).toBe('override');
  });
});
