import { UnitOfWork } from '../../../src/common/events';
import { TenantUserSeatsUsageSource } from '../../../src/modules/iam/tenant-user-seats.usage-source';
import { QuotaService } from '../../../src/modules/plans';
import { UsageRecalculationService, UsageSources } from '../../../src/modules/usage';
import { createTestApp, loginStaff, TestApp } from '../../support/app';
import { addUser, insertPlan, provisionTenant, signInToken, usageOf } from '../../support/fixtures';

/** First instant of the UTC calendar month `offset` months from now, ISO 8601. */
function monthStart(offset = 0): string {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + offset, 1)).toISOString();
}

describe('usage counters per tenant, metric and period', () => {
  let t: TestApp;
  let owner: string;

  beforeAll(async () => {
    t = await createTestApp();
    owner = (await loginStaff(t)).accessToken;
  });
  afterAll(() => t.close());

  const runs = (tenantId: string) => t.app.get(UnitOfWork).run(() => t.app.get(QuotaService).reserve(tenantId, 'automationsPerMonth'));
  const counterRows = (tenantId: string, metric: string): Promise<{ period_start: string; value: number }[]> =>
    t.db.query(`SELECT period_start::text, value::int FROM usage_counters WHERE tenant_id = $1 AND metric = $2 ORDER BY period_start`, [tenantId, metric]);

  it('a monthly metric is counted in the current UTC month; the allowance shows that period, a level shows none', async () => {
    const tenant = await provisionTenant(t, (await insertPlan(t, { limits: { automationsPerMonth: 2, members: 5 } })).code, { trialDays: 0 });
    const admin = await signInToken(t, tenant.slug, tenant.admin.email, tenant.admin.password);
    await runs(tenant.id);

    const mine = await t.as(admin).GET('/api/v1/tenant/quota');
    expect(mine.response.status).toBe(200);
    expect(mine.data!.data.find((a) => a.metric === 'automationsPerMonth')).toEqual({
      metric: 'automationsPerMonth',
      limit: 2,
      used: 1,
      remaining: 1,
      periodStart: monthStart(0),
      periodEnd: monthStart(1),
    });
    // A level has no period: its allowance keeps the shape it always had.
    expect(mine.data!.data.find((a) => a.metric === 'members')).toEqual({ metric: 'members', limit: 5, used: 1, remaining: 4 });
    const staff = await t.as(owner).GET('/api/v1/admin/tenants/{tenantId}/quota', { params: { path: { tenantId: tenant.id } } });
    expect(staff.data!.allowances.find((a) => a.metric === 'automationsPerMonth')).toMatchObject({ used: 1, periodStart: monthStart(0), periodEnd: monthStart(1) });
    expect(await counterRows(tenant.id, 'automationsPerMonth')).toEqual([{ period_start: monthStart(0).slice(0, 10), value: 1 }]);
  });

  it('a monthly metric resets in a new period: last month’s total no longer counts, and stays as history', async () => {
    const tenant = await provisionTenant(t, (await insertPlan(t, { limits: { automationsPerMonth: 2 } })).code, { trialDays: 0 });
    await runs(tenant.id);
    await runs(tenant.id);
    await expect(runs(tenant.id)).rejects.toMatchObject({ status: 402, code: 'quota_exceeded', extra: { metric: 'automationsPerMonth', limit: 2, used: 2 } });

    // The month ends: this month's row becomes last month's.
    await t.db.query(
      `UPDATE usage_counters SET period_start = (period_start - interval '1 month')::date WHERE tenant_id = $1 AND metric = 'automationsPerMonth'`,
      [tenant.id],
    );
    const quota = await t.as(owner).GET('/api/v1/admin/tenants/{tenantId}/quota', { params: { path: { tenantId: tenant.id } } });
    expect(quota.data!.allowances.find((a) => a.metric === 'automationsPerMonth')).toEqual({
      metric: 'automationsPerMonth',
      limit: 2,
      used: 0,
      remaining: 2,
      periodStart: monthStart(0),
      periodEnd: monthStart(1),
    });
    expect(quota.data!.overLimit).toEqual([]);
    const usage = await t.as(owner).GET('/api/v1/admin/tenants/{tenantId}/usage', { params: { path: { tenantId: tenant.id } } });
    expect(usage.data).toMatchObject({ automationsPerMonth: 0, members: 1, orgAdmins: 1 });

    await runs(tenant.id);
    expect(await counterRows(tenant.id, 'automationsPerMonth')).toEqual([
      { period_start: monthStart(-1).slice(0, 10), value: 2 },
      { period_start: monthStart(0).slice(0, 10), value: 1 },
    ]);
    // Levels have one fixed period and are untouched by the month.
    expect(await counterRows(tenant.id, 'members')).toEqual([{ period_start: '1970-01-01', value: 1 }]);
  });

  it('concurrent first uses of a new month insert one row and honour the limit exactly', async () => {
    const tenant = await provisionTenant(t, (await insertPlan(t, { limits: { automationsPerMonth: 3 } })).code, { trialDays: 0 });
    const results = await Promise.allSettled(Array.from({ length: 8 }, () => runs(tenant.id)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
    expect(results.filter((r) => r.status === 'rejected').every((r) => (r as PromiseRejectedResult).reason.code === 'quota_exceeded')).toBe(true);
    expect(await counterRows(tenant.id, 'automationsPerMonth')).toEqual([{ period_start: monthStart(0).slice(0, 10), value: 3 }]);
  });
});

describe('the recount asks the owning context (iam’s UsageSource for seats)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const setLevel = (tenantId: string, metric: string, value: number) =>
    t.db.query(`UPDATE usage_counters SET value = $3 WHERE tenant_id = $1 AND metric = $2 AND period_start = '1970-01-01'`, [tenantId, metric, value]);

  it('iam’s seat source is discovered for members and orgAdmins, the modules’ gauges for projects and domains; the period total has none (it is metered)', () => {
    expect(t.app.get(UsageSources).list()).toEqual([
      { owner: 'domains', name: 'DomainsGaugeUsageSource', metrics: ['domains'] },
      { owner: 'iam', name: 'TenantUserSeatsUsageSource', metrics: ['members', 'orgAdmins'] },
      { owner: 'projects', name: 'ProjectsGaugeUsageSource', metrics: ['projects'] },
    ]);
  });

  it('drift is corrected to what iam measures from its own users (active users, active admins)', async () => {
    const tenant = await provisionTenant(t, (await insertPlan(t)).code);
    await addUser(t, tenant, 'admin', false);
    await addUser(t, tenant, 'member', false);
    const inactive = await addUser(t, tenant, 'viewer', false);
    await t.db.query(`UPDATE tenant_users SET is_active = false WHERE id = $1`, [inactive.id]); // behind the services' back: its seat drifts
    await setLevel(tenant.id, 'orgAdmins', 9);
    const source = t.app.get(TenantUserSeatsUsageSource);
    const measure = jest.spyOn(source, 'measure');
    try {
      expect(await t.app.get(UsageRecalculationService).recalculate(tenant.id)).toEqual({ members: { before: 4, after: 3 }, orgAdmins: { before: 9, after: 2 } });
      expect(measure).toHaveBeenCalledTimes(1);
      expect(measure.mock.calls[0][0]).toBe(tenant.id);
    } finally {
      measure.mockRestore();
    }
    expect(await usageOf(t, tenant.id)).toEqual({ members: 3, orgAdmins: 2 });
  });

  it('the recount writes what the source measures (it has no seat rule of its own) and leaves unsourced metrics as counted', async () => {
    const tenant = await provisionTenant(t, (await insertPlan(t)).code);
    await setLevel(tenant.id, 'projects', 3);
    const measure = jest.spyOn(t.app.get(TenantUserSeatsUsageSource), 'measure').mockResolvedValueOnce({ members: 6, orgAdmins: 4 });
    try {
      expect(await t.app.get(UsageRecalculationService).recalculate(tenant.id)).toEqual({ members: { before: 1, after: 6 }, orgAdmins: { before: 1, after: 4 } });
    } finally {
      measure.mockRestore();
    }
    expect(await usageOf(t, tenant.id)).toEqual({ members: 6, orgAdmins: 4 });
    const [projects] = await t.db.query(`SELECT value::int FROM usage_counters WHERE tenant_id = $1 AND metric = 'projects'`, [tenant.id]);
    expect(projects.value).toBe(3);
    // The next recount with the real source puts the seats back to the truth.
    expect(await t.app.get(UsageRecalculationService).recalculate(tenant.id)).toEqual({ members: { before: 6, after: 1 }, orgAdmins: { before: 4, after: 1 } });
  });
});
