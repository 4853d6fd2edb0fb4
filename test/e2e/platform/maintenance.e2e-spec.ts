import Redis from 'ioredis';
import { REDIS } from '../../../src/common/redis';
import { auditRowsFor, createStaff, createTestApp, expectProblem, loginStaff, OWNER, rawFetch, requestId, TestApp } from '../../support/app';
import { insertPlan, provisionTenant, serviceToken, signInToken } from '../../support/fixtures';

/**
 * Maintenance mode: state in Redis for the whole cluster, optional `until`; tenant routes answer
 * 503 `maintenance` with Retry-After and the message, staff routes, health probes and the docs keep
 * working, and readiness stays honest (the instance is ready).
 */
describe('maintenance mode', () => {
  let a: TestApp;
  let b: TestApp;
  let owner: string;
  let tenant: { id: string; slug: string; admin: { email: string; password: string } };
  let tenantToken: string;

  beforeAll(async () => {
    [a, b] = await Promise.all([createTestApp(), createTestApp()]);
    owner = (await loginStaff(a)).accessToken;
    const plan = await insertPlan(a);
    tenant = await provisionTenant(a, plan.code, { trialDays: 0 });
    tenantToken = await signInToken(a, tenant.slug, tenant.admin.email, tenant.admin.password);
  });
  afterEach(async () => {
    // Never leave the cluster in maintenance for the next test or file.
    await a.app.get<Redis>(REDIS).del('cp:maintenance');
  });
  afterAll(async () => {
    await Promise.all([a.close(), b.close()]);
  });

  const start = (body: { isActive: boolean; message?: string; until?: string | null }, reqId = requestId('maint')) =>
    a.as(owner).PUT('/api/v1/admin/system/maintenance', { body, headers: { 'X-Request-Id': reqId } });
  const tenantRoute = (t: TestApp) => t.as(tenantToken).GET('/api/v1/tenant/quota');

  /** Polls until `check` holds (another instance sees a change within its one-second refresh). */
  async function eventually(check: () => Promise<boolean>, timeoutMs = 3000): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > end) throw new Error('condition not met in time');
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  it('tenant routes answer 503 maintenance with Retry-After and the message; staff routes, health and docs keep working; the change is audited', async () => {
    const message = 'Scheduled database upgrade; back soon.';
    const reqId = requestId('maint-start');
    const started = await start({ isActive: true, message }, reqId);
    expect(started.response.status).toBe(200);
    expect(started.data).toMatchObject({ isActive: true, message, until: null, startedBy: { type: 'platform', email: OWNER.email }, retryAfterSeconds: 300 });

    const refused = await tenantRoute(a);
    const problem = await expectProblem(refused, 503, 'maintenance');
    expect(problem).toMatchObject({ detail: message, retryAfterSeconds: 300, until: null });
    expect(refused.response.headers.get('retry-after')).toBe('300');

    // Before authentication: no token, a bad token, a partner key or a service token get the same answer.
    await expectProblem(await rawFetch(a, '/api/v1/tenant/quota'), 503, 'maintenance');
    await expectProblem(await rawFetch(a, '/api/v1/tenant/quota', { token: 'not-a-token' }), 503, 'maintenance');
    await expectProblem(await rawFetch(a, '/api/v1/tenant/users', { headers: { 'X-Api-Key': 'cpk_unknown' } }), 503, 'maintenance');
    await expectProblem(await rawFetch(a, `/api/v1/service/tenants/${tenant.id}/entitlements`), 503, 'maintenance');
    await expectProblem(await a.api.POST('/api/v1/auth/login', { body: { tenantSlug: tenant.slug, email: tenant.admin.email, password: tenant.admin.password } }), 503, 'maintenance');
    // Shared routes: decided by who calls.
    await expectProblem(await a.as(tenantToken).GET('/api/v1/auth/me'), 503, 'maintenance');
    expect((await a.as(owner).GET('/api/v1/auth/me')).response.status).toBe(200);

    // Staff keep working: sign-in, the admin API, this tenant's data.
    const staff = await loginStaff(a);
    expect((await a.as(staff.accessToken).GET('/api/v1/admin/tenants/{tenantId}/quota', { params: { path: { tenantId: tenant.id } } })).response.status).toBe(200);
    expect((await a.as(owner).GET('/api/v1/admin/plans')).response.status).toBe(200);
    expect((await a.api.POST('/api/v1/auth/refresh', { body: { refreshToken: staff.refreshToken } })).response.status).toBe(200);

    // Health stays honest: the instance is live and ready (maintenance is not a failure).
    expect((await rawFetch(a, '/health/live')).status).toBe(200);
    const ready = await rawFetch(a, '/health/ready');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ok' });
    // The problem pages stay public (the docs UI is served outside Nest's guards, by Swagger).
    expect((await rawFetch(a, '/api/v1/problems/maintenance')).status).toBe(200);

    const state = await a.as(owner).GET('/api/v1/admin/system/maintenance');
    expect(state.data).toMatchObject({ isActive: true, message, startedAt: expect.any(String) });

    const [row] = await auditRowsFor(a, reqId);
    expect(row).toMatchObject({ action: 'maintenance.update', outcome: 'success', actorType: 'platform', actorEmail: OWNER.email, resourceType: 'maintenance', statusCode: 200 });
    expect(row.changes).toMatchObject({ before: { isActive: false }, after: { isActive: true, message } });
    const events = await a.db.query(`SELECT envelope->'payload' AS payload FROM outbox WHERE event_name = 'maintenance.updated' ORDER BY occurred_at DESC LIMIT 1`);
    expect(events[0].payload).toEqual({ isActive: true, message, until: null });

    const endId = requestId('maint-end');
    const ended = await start({ isActive: false }, endId);
    expect(ended.data).toMatchObject({ isActive: false, message: null });
    expect((await tenantRoute(a)).response.status).toBe(200);
    expect((await auditRowsFor(a, endId))[0]).toMatchObject({ action: 'maintenance.update', outcome: 'success', changes: { before: { isActive: true }, after: { isActive: false } } });
  });

  it('every instance sees it within a second, and with until it ends by itself (Retry-After counts down to it)', async () => {
    const until = new Date(Date.now() + 2500);
    const started = await start({ isActive: true, message: 'Short window', until: until.toISOString() });
    expect(started.data).toMatchObject({ isActive: true, until: until.toISOString() });

    // The other instance picks the state up from Redis (this window's, not a state it still holds
    // from the test before: it re-reads every second).
    await eventually(async () => {
      const res = await tenantRoute(b);
      return res.response.status === 503 && (res.error as { detail?: string } | undefined)?.detail === 'Short window';
    });
    const refused = await tenantRoute(b);
    const problem = await expectProblem(refused, 503, 'maintenance');
    const retryAfter = Number(refused.response.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(3);
    expect(problem).toMatchObject({ detail: 'Short window', retryAfterSeconds: retryAfter, until: until.toISOString() });

    // Past until: no job, no staff action — both instances serve tenants again.
    await new Promise((r) => setTimeout(r, Math.max(0, until.getTime() - Date.now()) + 100));
    expect((await tenantRoute(a)).response.status).toBe(200);
    expect((await tenantRoute(b)).response.status).toBe(200);
    expect((await a.as(owner).GET('/api/v1/admin/system/maintenance')).data).toMatchObject({ isActive: false });
  });

  it('only owners and admins change it, with a valid body; product-module services are paused too', async () => {
    const support = await createStaff(a, owner, 'support');
    const supportToken = (await loginStaff(a, support.email, support.password)).accessToken;
    expect((await a.as(supportToken).GET('/api/v1/admin/system/maintenance')).response.status).toBe(200);
    await expectProblem(await a.as(supportToken).PUT('/api/v1/admin/system/maintenance', { body: { isActive: true } }), 403, 'forbidden');
    await expectProblem(await a.as(tenantToken).PUT('/api/v1/admin/system/maintenance', { body: { isActive: true } }), 403, 'forbidden');

    const past = await start({ isActive: true, until: new Date(Date.now() - 1000).toISOString() });
    expect((await expectProblem(past, 400, 'validation_failed')).errors).toEqual([{ field: 'until', message: 'until must be in the future' }]);
    await expectProblem(await rawFetch(a, '/api/v1/admin/system/maintenance', { method: 'PUT', token: owner, json: { enabled: true } }), 400, 'validation_failed');
    expect((await tenantRoute(a)).response.status).toBe(200);

    const service = await serviceToken(a, ['entitlements:read']);
    const entitlements = () => a.as(service).GET('/api/v1/service/tenants/{tenantId}/entitlements', { params: { path: { tenantId: tenant.id } } });
    expect((await entitlements()).response.status).toBe(200);
    expect((await start({ isActive: true })).data).toMatchObject({ isActive: true, message: expect.any(String) });
    await expectProblem(await entitlements(), 503, 'maintenance');
  });
});
