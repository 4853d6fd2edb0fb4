import { UnitOfWork } from '../../../src/common/events';
import { UsageRecalculationService } from '../../../src/modules/usage';
import { createTestApp, loginStaff, TestApp } from '../../support/app';
import { addUser, insertPlan, outboxEvents, provisionTenant, signInToken, usageOf, waitFor } from '../../support/fixtures';

describe('usage counters', () => {
  let t: TestApp;
  let owner: string;

  beforeAll(async () => {
    t = await createTestApp();
    owner = (await loginStaff(t)).accessToken;
  });
  afterAll(() => t.close());

  /** Sets a level's counter directly (drift injected behind the services' back). */
  const setLevel = (tenantId: string, metric: string, value: number) =>
    t.db.query(`UPDATE usage_counters SET value = $3 WHERE tenant_id = $1 AND metric = $2 AND period_start = '1970-01-01'`, [tenantId, metric, value]);

  it('shows current counters to staff and to tenant admins only', async () => {
    const tenant = await provisionTenant(t, (await insertPlan(t, { limits: { members: 10 } })).code);
    const member = await addUser(t, tenant, 'member');
    const admin = await signInToken(t, tenant.slug, tenant.admin.email, tenant.admin.password);
    const staffView = await t.as(owner).GET('/api/v1/admin/tenants/{tenantId}/usage', { params: { path: { tenantId: tenant.id } } });
    expect(staffView.data).toMatchObject({ tenantId: tenant.id, members: 2, orgAdmins: 1, projects: 0 });
    expect((await t.as(admin).GET('/api/v1/tenant/usage')).data).toMatchObject({ members: 2, orgAdmins: 1 });
    const denied = await t.as(member.accessToken).GET('/api/v1/tenant/usage');
    expect(denied.response.status).toBe(403);
  });

  it('recalculation corrects injected drift, audits it and logs the job id', async () => {
    const tenant = await provisionTenant(t, (await insertPlan(t, { limits: { members: 10 } })).code);
    await addUser(t, tenant, 'member');
    await setLevel(tenant.id, 'members', 7);
    await setLevel(tenant.id, 'orgAdmins', 0);

    const res = await t.as(owner).POST('/api/v1/admin/tenants/{tenantId}/usage/recalculate', { params: { path: { tenantId: tenant.id } } });
    expect(res.response.status).toBe(202);
    const jobId = res.data!.jobId;
    // A job record: followed like any long-running operation, with the drift as its result.
    await waitFor(async () => (await t.db.query(`SELECT status FROM jobs WHERE id = $1`, [jobId]))[0]?.status === 'succeeded', 10_000);
    const job = (await t.as(owner).GET('/api/v1/admin/jobs/{jobId}', { params: { path: { jobId } } })).data!;
    expect(job).toMatchObject({ type: 'usage.recalculate', tenantId: tenant.id, status: 'succeeded', progress: { done: 1, total: 1 }, result: { drift: { members: { before: 7, after: 2 } } } });

    expect(await usageOf(t, tenant.id)).toEqual({ members: 2, orgAdmins: 1 });
    const audit = await t.db.query(`SELECT actor_type, changes FROM audit_logs WHERE tenant_id = $1 AND action = 'usage.drift_corrected'`, [tenant.id]);
    expect(audit).toHaveLength(1);
    // Keyed by metric code (the registry's), not by a storage column.
    expect(audit[0].changes).toEqual({ drift: { members: { before: 7, after: 2 }, orgAdmins: { before: 0, after: 1 } } });
    const [drifted] = await outboxEvents(t, tenant.id, 'usage.drift_corrected');
    expect(drifted.payload).toMatchObject({ before: { members: 7, orgAdmins: 0 }, after: { members: 2, orgAdmins: 1 } });
    const requested = await t.db.query(`SELECT metadata FROM audit_logs WHERE tenant_id = $1 AND action = 'usage.recalculate'`, [tenant.id]);
    expect(requested[0].metadata).toEqual({ jobId });

    // A second recount finds nothing to correct.
    expect(await t.app.get(UsageRecalculationService).recalculate(tenant.id)).toEqual({});
    const again = await t.db.query(`SELECT count(*)::int AS n FROM audit_logs WHERE tenant_id = $1 AND action = 'usage.drift_corrected'`, [tenant.id]);
    expect(again[0].n).toBe(1);
  });

  it('recalculating an unknown tenant is a 404', async () => {
    const res = await t.as(owner).POST('/api/v1/admin/tenants/{tenantId}/usage/recalculate', { params: { path: { tenantId: '00000000-0000-4000-8000-000000000001' } } });
    expect(res.response.status).toBe(404);
  });

  it('daily snapshots feed the history, filtered by an inclusive UTC day range', async () => {
    const tenant = await provisionTenant(t, (await insertPlan(t)).code);
    const svc = t.app.get(UsageRecalculationService);
    const uow = t.app.get(UnitOfWork);
    await uow.run(() => svc.snapshotAll('2026-01-01'));
    await setLevel(tenant.id, 'projects', 5);
    await uow.run(() => svc.snapshotAll('2026-01-02'));
    await uow.run(() => svc.snapshotAll('2026-01-02'));

    const hist = await t.as(owner).GET('/api/v1/admin/tenants/{tenantId}/usage/history', { params: { path: { tenantId: tenant.id }, query: { from: '2026-01-01', to: '2026-01-02' } } });
    expect(hist.data!.data).toEqual([
      { day: '2026-01-01', members: 1, orgAdmins: 1, projects: 0, domains: 0, automationsPerMonth: 0 },
      { day: '2026-01-02', members: 1, orgAdmins: 1, projects: 5, domains: 0, automationsPerMonth: 0 },
    ]);
    const only = await t.as(owner).GET('/api/v1/admin/tenants/{tenantId}/usage/history', { params: { path: { tenantId: tenant.id }, query: { from: '2026-01-02', to: '2026-01-02' } } });
    expect(only.data!.data.map((p) => p.day)).toEqual(['2026-01-02']);

    const bad = await t.as(owner).GET('/api/v1/admin/tenants/{tenantId}/usage/history', { params: { path: { tenantId: tenant.id }, query: { from: '2026-02-30' } } });
    expect(bad.response.status).toBe(400);
    expect(bad.error).toMatchObject({ errors: [{ field: 'from' }] });
    const reversed = await t.as(owner).GET('/api/v1/admin/tenants/{tenantId}/usage/history', { params: { path: { tenantId: tenant.id }, query: { from: '2026-03-01', to: '2026-01-01' } } });
    expect(reversed.response.status).toBe(400);
  });
});
