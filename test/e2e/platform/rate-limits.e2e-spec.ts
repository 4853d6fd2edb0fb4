import { auditRowsFor, createTestApp, expectProblem, loginStaff, requestId, TestApp, unique } from '../../support/app';
import { insertPlan, outboxEvents, provisionTenant, signInToken } from '../../support/fixtures';

/**
 * Per-tenant request rates: a plan dimension (requestsPerMinute + burst, the platform default when
 * unset), staff overrides with an optional end, enforced in Redis across instances; 429
 * `tenant_rate_limited` with Retry-After and the RateLimit-* headers, distinct from 402 and 403.
 */
describe('per-tenant request rates', () => {
  let a: TestApp;
  let b: TestApp;
  let owner: string;

  beforeAll(async () => {
    [a, b] = await Promise.all([createTestApp(), createTestApp()]);
    owner = (await loginStaff(a)).accessToken;
  });
  afterAll(async () => {
    await Promise.all([a.close(), b.close()]);
  });

  /** A tenant on a fresh plan (with a rate when given, and `limits`), its admin signed in. */
  async function tenantOn(rate?: { requestsPerMinute: number; burst: number }, limits: Record<string, number> = {}) {
    const plan = await insertPlan(a, { limits });
    if (rate) await a.db.query(`UPDATE plans SET rate_limit_requests_per_minute = $2, rate_limit_burst = $3 WHERE id = $1`, [plan.id, rate.requestsPerMinute, rate.burst]);
    const tenant = await provisionTenant(a, plan.code, { trialDays: 0 });
    const token = await signInToken(a, tenant.slug, tenant.admin.email, tenant.admin.password);
    return { ...tenant, plan, token };
  }

  const hit = (t: TestApp, token: string) => t.as(token).GET('/api/v1/tenant/quota');
  const headers = (r: { response: Response }) => ({
    limit: r.response.headers.get('ratelimit-limit'),
    remaining: r.response.headers.get('ratelimit-remaining'),
    reset: Number(r.response.headers.get('ratelimit-reset')),
  });

  it('a tenant past its rate and burst gets 429 tenant_rate_limited with Retry-After and RateLimit-* headers, while another tenant still gets 200', async () => {
    const noisy = await tenantOn({ requestsPerMinute: 3, burst: 1 });
    const quiet = await tenantOn({ requestsPerMinute: 3, burst: 1 });
    for (const remaining of ['2', '1', '0']) {
      const ok = await hit(a, noisy.token);
      expect(ok.response.status).toBe(200);
      expect(headers(ok)).toEqual({ limit: '3', remaining, reset: expect.any(Number) });
      expect(headers(ok).reset).toBeGreaterThan(0);
      expect(headers(ok).reset).toBeLessThanOrEqual(60);
      expect(ok.response.headers.get('ratelimit-policy')).toBe('3;w=60, 1;w=600;comment="burst"');
    }
    // The burst allowance takes one more.
    const burst = await hit(a, noisy.token);
    expect(burst.response.status).toBe(200);
    expect(headers(burst).remaining).toBe('0');

    const refused = await hit(a, noisy.token);
    const problem = await expectProblem(refused, 429, 'tenant_rate_limited');
    const retryAfter = Number(refused.response.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(problem).toMatchObject({ retryAfterSeconds: retryAfter, limit: 3 });
    expect(headers(refused)).toMatchObject({ limit: '3', remaining: '0' });

    const other = await hit(a, quiet.token);
    expect(other.response.status).toBe(200);
    expect(headers(other)).toMatchObject({ limit: '3', remaining: '2' });

    // Staff are never counted against a tenant's rate.
    const staff = await a.as(owner).GET('/api/v1/admin/rate-limits/{tenantId}', { params: { path: { tenantId: noisy.id } } });
    expect(staff.response.status).toBe(200);
    expect(staff.response.headers.get('ratelimit-limit')).toBeNull();
  });

  it('the plan dimension: admin plan routes validate, store and show the rate; a plan without one shows the platform default', async () => {
    const code = unique('rate').toLowerCase().slice(0, 60);
    const body = { code, name: 'Rated', monthlyPriceCents: 900, annualPriceCents: 9000, currency: 'USD' };
    const invalid = await a.as(owner).POST('/api/v1/admin/plans', { body: { ...body, rateLimit: { requestsPerMinute: 0, burst: -1 } } });
    const errors = (await expectProblem(invalid, 400, 'validation_failed')).errors!.map((e) => e.field).sort();
    expect(errors).toEqual(['rateLimit.burst', 'rateLimit.requestsPerMinute']);

    const created = await a.as(owner).POST('/api/v1/admin/plans', { body: { ...body, rateLimit: { requestsPerMinute: 120, burst: 30 } } });
    expect(created.response.status).toBe(201);
    expect(created.data!.rateLimit).toEqual({ requestsPerMinute: 120, burst: 30, source: 'plan' });
    expect(await a.db.query(`SELECT rate_limit_requests_per_minute AS rpm, rate_limit_burst AS burst FROM plans WHERE id = $1`, [created.data!.id])).toEqual([{ rpm: 120, burst: 30 }]);

    const tenant = await provisionTenant(a, code, { trialDays: 0 });
    const viaPlan = await a.as(owner).GET('/api/v1/admin/rate-limits/{tenantId}', { params: { path: { tenantId: tenant.id } } });
    expect(viaPlan.data).toMatchObject({ tenantId: tenant.id, requestsPerMinute: 120, burst: 30, source: 'plan', until: null, override: null, plan: { code, requestsPerMinute: 120, burst: 30, source: 'plan' } });

    // A patch without rateLimit keeps it; null returns the plan to the platform default.
    const renamed = await a.as(owner).PATCH('/api/v1/admin/plans/{planId}', { params: { path: { planId: created.data!.id } }, body: { name: 'Rated 2' } });
    expect(renamed.data!.rateLimit).toEqual({ requestsPerMinute: 120, burst: 30, source: 'plan' });
    const reset = await a.as(owner).PATCH('/api/v1/admin/plans/{planId}', { params: { path: { planId: created.data!.id } }, body: { rateLimit: null } });
    expect(reset.data!.rateLimit).toEqual({ requestsPerMinute: 6000, burst: 1000, source: 'default' });
    const viaDefault = await a.as(owner).GET('/api/v1/admin/rate-limits/{tenantId}', { params: { path: { tenantId: tenant.id } } });
    expect(viaDefault.data).toMatchObject({ requestsPerMinute: 6000, burst: 1000, source: 'default' });

    // Shown wherever plans are shown: the tenant's plan list too.
    const token = await signInToken(a, tenant.slug, tenant.admin.email, tenant.admin.password);
    const listed = await a.as(token).GET('/api/v1/tenant/plans', { params: { query: { limit: 100 } } });
    expect(listed.data!.data.every((p) => typeof p.rateLimit.requestsPerMinute === 'number')).toBe(true);
  });

  it('an override with until throttles a noisy tenant, is listed with its source, and expires back to the plan rate by itself; set and clear are audited and published', async () => {
    const noisy = await tenantOn({ requestsPerMinute: 100, burst: 0 });
    const past = await a.as(owner).PUT('/api/v1/admin/rate-limits/{tenantId}', {
      params: { path: { tenantId: noisy.id } },
      body: { requestsPerMinute: 2, burst: 0, until: new Date(Date.now() - 1000).toISOString() },
    });
    expect((await expectProblem(past, 400, 'validation_failed')).errors).toEqual([{ field: 'until', message: 'until must be in the future' }]);

    const until = new Date(Date.now() + 3000);
    const setId = requestId('rate-set');
    const set = await a.as(owner).PUT('/api/v1/admin/rate-limits/{tenantId}', {
      params: { path: { tenantId: noisy.id } },
      body: { requestsPerMinute: 2, burst: 0, until: until.toISOString(), reason: 'runaway sync job' },
      headers: { 'X-Request-Id': setId },
    });
    expect(set.response.status).toBe(200);
    expect(set.data).toMatchObject({
      requestsPerMinute: 2,
      burst: 0,
      source: 'override',
      until: until.toISOString(),
      plan: { requestsPerMinute: 100, burst: 0, source: 'plan' },
      override: { requestsPerMinute: 2, burst: 0, until: until.toISOString(), reason: 'runaway sync job', isExpired: false },
    });
    const [row] = await auditRowsFor(a, setId);
    expect(row).toMatchObject({ action: 'rateLimits.set', outcome: 'success', tenantId: noisy.id, resourceType: 'tenant_rate_limit', resourceId: noisy.id, actorType: 'platform' });
    expect(row.changes).toMatchObject({ before: { source: 'plan' }, after: { source: 'override', requestsPerMinute: 2 } });
    expect((await outboxEvents(a, noisy.id, 'rate_limit.updated')).map((e) => e.payload)).toContainEqual(expect.objectContaining({ source: 'override', requestsPerMinute: 2 }));

    const listed = await a.as(owner).GET('/api/v1/admin/rate-limits', { params: { query: { source: 'override', limit: 100 } } });
    expect(listed.data!.data.map((r) => r.tenantId)).toContain(noisy.id);
    expect(listed.data!.data.every((r) => r.source === 'override')).toBe(true);
    expect(listed.data!.meta).toMatchObject({ limit: 100, offset: 0, total: expect.any(Number) });

    expect((await hit(a, noisy.token)).response.status).toBe(200);
    const second = await hit(a, noisy.token);
    expect(headers(second)).toMatchObject({ limit: '2', remaining: '0' });
    await expectProblem(await hit(a, noisy.token), 429, 'tenant_rate_limited');

    // Past `until` the plan's rate applies again: no job, no staff action.
    await new Promise((r) => setTimeout(r, Math.max(0, until.getTime() - Date.now()) + 200));
    const back = await hit(a, noisy.token);
    expect(back.response.status).toBe(200);
    expect(headers(back).limit).toBe('100');
    const expired = await a.as(owner).GET('/api/v1/admin/rate-limits/{tenantId}', { params: { path: { tenantId: noisy.id } } });
    expect(expired.data).toMatchObject({ requestsPerMinute: 100, source: 'plan', until: null, override: { isExpired: true } });

    const clearId = requestId('rate-clear');
    const cleared = await a.as(owner).DELETE('/api/v1/admin/rate-limits/{tenantId}', { params: { path: { tenantId: noisy.id } }, headers: { 'X-Request-Id': clearId } });
    expect(cleared.data).toMatchObject({ source: 'plan', override: null });
    expect((await auditRowsFor(a, clearId))[0]).toMatchObject({ action: 'rateLimits.clear', outcome: 'success', tenantId: noisy.id });
    expect(await a.db.query(`SELECT rate_limit_override_requests_per_minute AS rpm FROM tenant_quotas WHERE tenant_id = $1`, [noisy.id])).toEqual([{ rpm: null }]);

    const unknown = await a.as(owner).PUT('/api/v1/admin/rate-limits/{tenantId}', { params: { path: { tenantId: '00000000-0000-4000-8000-000000000000' } }, body: { requestsPerMinute: 2, burst: 0 } });
    await expectProblem(unknown, 404, 'tenant_not_found');
  });

  it('429 is its own answer: distinct from 402 quota_exceeded and 403, and decided before the quota check', async () => {
    const tenant = await tenantOn({ requestsPerMinute: 3, burst: 0 }, { members: 1 });
    const newUser = () => ({ email: `${unique('u')}@users.example`, fullName: 'One Too Many', role: 'member' as const, password: 'pw-one-too-many-1' });
    const overQuota = await a.as(tenant.token).POST('/api/v1/tenant/users', { body: newUser() });
    await expectProblem(overQuota, 402, 'quota_exceeded');
    expect(overQuota.response.headers.get('retry-after')).toBeNull();
    expect(overQuota.response.headers.get('ratelimit-remaining')).toBe('2');

    // A tenant token on a staff route is refused by the policy (403) before it is counted.
    await expectProblem(await a.as(tenant.token).GET('/api/v1/admin/plans'), 403, 'forbidden');
    expect((await hit(a, tenant.token)).response.status).toBe(200);
    expect((await hit(a, tenant.token)).response.status).toBe(200);

    const throttled = await a.as(tenant.token).POST('/api/v1/tenant/users', { body: newUser() });
    await expectProblem(throttled, 429, 'tenant_rate_limited');
    expect(Number(throttled.response.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('two instances on one Redis share the count, and an override set on one applies on the other', async () => {
    const tenant = await tenantOn({ requestsPerMinute: 4, burst: 0 });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i += 1) statuses.push((await hit(i % 2 ? b : a, tenant.token)).response.status);
    expect(statuses).toEqual([200, 200, 200, 200, 429]);
    await expectProblem(await hit(b, tenant.token), 429, 'tenant_rate_limited');

    const other = await tenantOn({ requestsPerMinute: 100, burst: 0 });
    const set = await a.as(owner).PUT('/api/v1/admin/rate-limits/{tenantId}', { params: { path: { tenantId: other.id } }, body: { requestsPerMinute: 1, burst: 0 } });
    expect(set.response.status).toBe(200);
    // b has not cached this tenant yet, so it reads the override at once.
    const first = await hit(b, other.token);
    expect(first.response.status).toBe(200);
    expect(headers(first)).toMatchObject({ limit: '1', remaining: '0' });
    await expectProblem(await hit(a, other.token), 429, 'tenant_rate_limited');
  });
});
