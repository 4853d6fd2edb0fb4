import { createTestApp, expectProblem, rawFetch, TestApp } from '../../support/app';

/**
 * The per-client limit of the public auth routes (@nestjs/throttler, AUTH_RATE_LIMIT_PER_MINUTE):
 * past it, a 429 `rate_limited` problem in the API's own words with `retryAfterSeconds` and the
 * standard Retry-After header only — no library class name, no `Retry-After-<throttler>`.
 */
describe('auth route throttling', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ AUTH_RATE_LIMIT_PER_MINUTE: '3' });
  });
  afterAll(() => t.close());

  it('answers the 4th refresh in a minute with 429 rate_limited, Retry-After and a detail of its own', async () => {
    const refresh = () => rawFetch(t, '/api/v1/auth/refresh', { method: 'POST', json: { refreshToken: 'not-a-token-but-long-enough-0123456789' }, headers: { 'X-Forwarded-For': '203.0.113.77' } });
    for (let i = 0; i < 3; i += 1) expect((await refresh()).status).toBe(401);
    const limited = await refresh();
    const retryAfter = limited.headers.get('retry-after');
    const problem = await expectProblem(limited, 429, 'rate_limited');
    expect(problem.detail).toMatch(/^Too many requests from this client; retry in \d+ s\.$/);
    expect(problem.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(Number(retryAfter)).toBe(problem.retryAfterSeconds);
    expect([...limited.headers.keys()].filter((h) => h.startsWith('retry-after'))).toEqual(['retry-after']);
  });
});
