import { OutboxRelay, UnitOfWork } from '../../../src/common/events';
import { TenantUserAccounts } from '../../../src/modules/iam';
import { QuotaService } from '../../../src/modules/plans';
import { createTestApp, loginStaff, TestApp, unique } from '../../support/app';
import { addUser, insertPlan, provisionTenant, signInToken, usageOf } from '../../support/fixtures';

describe('tenant quotas', () => {
  let t: TestApp;
  let owner: string;

  beforeAll(async () => {
    t = await createTestApp();
    owner = (await loginStaff(t)).accessToken;
  });
  afterAll(() => t.close());

  const quotaOf = (tenantId: string) => t.as(owner).GET('/api/v1/admin/tenants/{tenantId}/quota', { params: { path: { tenantId } } });

  it('shows plan, effective limits (override ?? plan) and allowances', async () => {
    const tenant = await provisionTenant(t, (await insertPlan(t, { limits: { members: 3, projects: 10 }, features: { billing: true } })).code);
    const patch = await t.as(owner).PATCH('/api/v1/admin/tenants/{tenantId}/quota', {
      params: { path: { tenantId: tenant.id } },
      body: { limitOverrides: { projects: null, domains: 2 }, featureOverrides: { webhooks: true }, externalCustomerId: 'cus_123' },
    });
    expect(patch.response.status).toBe(200);
    const q = (await quotaOf(tenant.id)).data!;
    expect(q.effectiveLimits).toEqual({ members: 3, orgAdmins: null, projects: null, domains: 2, automationsPerMonth: null });
    expect(q.features).toEqual({ billing: true, webhooks: true });
    expect(q.billingStatus).toBe('trial');
    expect(q.externalCustomerId).toBe('cus_123');
    expect(q.allowances.find((a) => a.metric === 'members')).toEqual({ metric: 'members', limit: 3, used: 1, remaining: 2 });
    const [row] = await t.db.query(`SELECT limit_overrides FROM tenant_quotas WHERE tenant_id = $1`, [tenant.id]);
    expect(row.limit_overrides).toEqual({ projects: null, domains: 2 });
    const events = await t.db.query(`SELECT event_name FROM outbox WHERE tenant_id = $1 AND event_name = 'quota.updated'`, [tenant.id]);
    expect(events).toHaveLength(1);
  });

  it('lowering a limit below usage is allowed, lists the metric, and refuses new seats with 402', async () => {
    const tenant = await provisionTenant(t, (await insertPlan(t, { limits: { members: 5 } })).code);
    await addUser(t, tenant, 'member');
    await addUser(t, tenant, 'member');
    const res = await t.as(owner).PATCH('/api/v1/admin/tenants/{tenantId}/quota', { params: { path: { tenantId: tenant.id } }, body: { limitOverrides: { members: 2 } } });
    expect(res.data!.overLimit).toEqual([{ metric: 'members', limit: 2, used: 3, remaining: 0 }]);
    expect((await usageOf(t, tenant.id)).members).toBe(3);
    await expect(
      t.app.get(UnitOfWork).run(() => t.app.get(TenantUserAccounts).create(tenant.id, { email: `${unique('x')}@example.com`, fullName: 'X', role: 'member', password: 'tenant-user-password-1' })),
    ).rejects.toMatchObject({ status: 402, code: 'quota_exceeded', extra: { metric: 'members', limit: 2, used: 3 } });
    const [after] = await t.db.query(`SELECT count(*)::int AS n FROM tenant_users WHERE tenant_id = $1`, [tenant.id]);
    expect(after.n).toBe(3);
  });

  it('reservation is atomic: N concurrent reservations with k left succeed exactly k times', async () => {
    const tenant = await provisionTenant(t, (await insertPlan(t, { limits: { projects: 4 } })).code);
    const quotas = t.app.get(QuotaService);
    const uow = t.app.get(UnitOfWork);
    const results = await Promise.allSettled(Array.from({ length: 10 }, () => uow.run(() => quotas.reserve(tenant.id, 'projects'))));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(4);
    expect(results.filter((r) => r.status === 'rejected').every((r) => (r as PromiseRejectedResult).reason.code === 'quota_exceeded')).toBe(true);
    const [usage] = await t.db.query(`SELECT value::int FROM usage_counters WHERE tenant_id = $1 AND metric = 'projects' AND period_start = '1970-01-01'`, [tenant.id]);
    expect(usage.value).toBe(4);
  });

  it('rejects bad input with 400 naming the field and unknown tenants with 404', async () => {
    const tenant = await provisionTenant(t, (await insertPlan(t)).code);
    const bad = await t.as(owner).PATCH('/api/v1/admin/tenants/{tenantId}/quota', {
      params: { path: { tenantId: tenant.id } },
      body: { billingStatus: 'suspended', limitOverrides: { members: 1.5 } } as never,
    });
    expect(bad.response.status).toBe(400);
    // The billing state is the subscription's (PUT …/subscription): sending it here is refused.
    expect((bad.error as { errors: { field: string }[] }).errors.map((e) => e.field).sort()).toEqual(['billingStatus', 'limitOverrides.members']);
    const missing = await quotaOf('00000000-0000-4000-8000-000000000000');
    expect(missing.response.status).toBe(404);
  });

  it('tenant users see their allowances; billing suspension blocks members and makes admins read-only', async () => {
    const tenant = await provisionTenant(t, (await insertPlan(t, { limits: { members: 10 } })).code);
    const admin = await signInToken(t, tenant.slug, tenant.admin.email, tenant.admin.password);
    const member = await addUser(t, tenant, 'member');
    const mine = await t.as(member.accessToken).GET('/api/v1/tenant/quota');
    expect(mine.data).toMatchObject({ billingStatus: 'trial' });
    expect(mine.data!.data.find((a) => a.metric === 'members')).toEqual({ metric: 'members', limit: 10, used: 2, remaining: 8 });

    expect((await t.as(owner).PUT('/api/v1/admin/tenants/{tenantId}/subscription', { params: { path: { tenantId: tenant.id } }, body: { status: 'suspended' } })).response.status).toBe(200);
    const blocked = await t.as(member.accessToken).GET('/api/v1/tenant/quota');
    expect(blocked.response.status).toBe(403);
    expect(blocked.error).toMatchObject({ code: 'tenant_suspended' });
    expect((await t.as(admin).GET('/api/v1/tenant/quota')).response.status).toBe(200);
    expect((await t.as(member.accessToken).GET('/api/v1/auth/me')).response.status).toBe(200);

    expect((await t.as(owner).PUT('/api/v1/admin/tenants/{tenantId}/subscription', { params: { path: { tenantId: tenant.id } }, body: { status: 'active' } })).response.status).toBe(200);
    expect((await t.as(member.accessToken).GET('/api/v1/tenant/quota')).response.status).toBe(200);
  });
});

describe('quota edge cases', () => {
  let t: TestApp;
  let owner: string;
  beforeAll(async () => {
    t = await createTestApp();
    owner = (await loginStaff(t)).accessToken;
  });
  afterAll(() => t.close());

  it('a limit beyond the integer range is a 400 naming it, not a later 500', async () => {
    const res = await t.as(owner).POST('/api/v1/admin/plans', {
      body: { code: unique('huge').toLowerCase(), name: 'Huge', monthlyPriceCents: 0, annualPriceCents: 0, currency: 'USD', limits: { members: 3_000_000_000 } },
    });
    expect(res.response.status).toBe(400);
    expect((res.error as { errors: { field: string }[] }).errors[0].field).toBe('limits.members');
  });

  it('a late re-dispatched quota.updated cannot resurrect a lifted billing suspension', async () => {
    const tenant = await provisionTenant(t, (await insertPlan(t, { limits: { members: 10 } })).code);
    const member = await addUser(t, tenant, 'member');
    const path = { params: { path: { tenantId: tenant.id } } };
    await t.as(owner).PUT('/api/v1/admin/tenants/{tenantId}/subscription', { ...path, body: { status: 'suspended' } });
    const [suspendedEvent] = await t.db.query(`SELECT id FROM outbox WHERE tenant_id = $1 AND event_name = 'quota.updated' ORDER BY occurred_at DESC LIMIT 1`, [tenant.id]);
    await t.as(owner).PUT('/api/v1/admin/tenants/{tenantId}/subscription', { ...path, body: { status: 'active' } });
    expect((await t.as(member.accessToken).GET('/api/v1/tenant/quota')).response.status).toBe(200);

    // Re-dispatch the old "suspended" event as the relay would after a lost dispatch.
    await t.db.query(`UPDATE outbox SET dispatched_at = NULL, locked_until = now() - interval '1 minute' WHERE id = $1`, [suspendedEvent.id]);
    await t.app.get(OutboxRelay).drain();
    expect((await t.as(member.accessToken).GET('/api/v1/tenant/quota')).response.status).toBe(200);
  });
});
