import { createTestApp, loginStaff, TestApp } from '../../support/app';
import { insertPlan, provisionTenantViaApi, STANDARD_PLAN_LIMITS, TestPlan } from '../../support/fixtures';

/**
 * The admin tenant list's `meta.total` without a filter (or with `status` alone) is read from the
 * trigger-kept per-status counts (tenant_status_counts). These tests hold it to a recount of the
 * tenants table after concurrent provisioning, lifecycle changes, raw deletes and a rollback.
 */
describe('tenant list totals (tenant_status_counts)', () => {
  let t: TestApp;
  let owner: string;
  let plan: TestPlan;

  beforeAll(async () => {
    t = await createTestApp();
    owner = (await loginStaff(t)).accessToken;
    plan = await insertPlan(t, { limits: STANDARD_PLAN_LIMITS });
  });
  afterAll(() => t.close());

  const p = (tenantId: string) => ({ params: { path: { tenantId } } });
  const total = async (status?: 'active' | 'suspended' | 'deleted') => {
    const res = await t.as(owner).GET('/api/v1/admin/tenants', { params: { query: status ? { status, limit: 1 } : { limit: 1 } } });
    expect(res.response.status).toBe(200);
    return res.data!.meta.total;
  };
  const recount = async () =>
    Object.fromEntries(((await t.db.query(`SELECT status, count(*)::int AS n FROM tenants GROUP BY status`)) as { status: string; n: number }[]).map((r) => [r.status, r.n]));
  const stored = async () =>
    Object.fromEntries(
      ((await t.db.query(`SELECT status, tenants::int AS n FROM tenant_status_counts WHERE tenants <> 0`)) as { status: string; n: number }[]).map((r) => [r.status, r.n]),
    );
  const expectTotalsMatchRecount = async () => {
    const actual = await recount();
    expect(await stored()).toEqual(actual);
    expect(await total()).toBe((actual.active ?? 0) + (actual.suspended ?? 0));
    expect(await total('active')).toBe(actual.active ?? 0);
    expect(await total('suspended')).toBe(actual.suspended ?? 0);
    expect(await total('deleted')).toBe(actual.deleted ?? 0);
  };

  it('match a recount after concurrent provisioning and every lifecycle change', async () => {
    await expectTotalsMatchRecount();
    const before = await total();
    const created = await Promise.all(Array.from({ length: 8 }, () => provisionTenantViaApi(t, owner, plan.code)));
    expect(await total()).toBe(before + 8);

    const [a, b, c] = created;
    expect((await t.as(owner).POST('/api/v1/admin/tenants/{tenantId}/suspend', { ...p(a.id), body: { reason: 'Chargeback under review' } })).response.status).toBe(200);
    expect((await t.as(owner).DELETE('/api/v1/admin/tenants/{tenantId}', p(b.id))).response.status).toBe(202);
    expect((await t.as(owner).DELETE('/api/v1/admin/tenants/{tenantId}', p(c.id))).response.status).toBe(202);
    expect((await t.as(owner).POST('/api/v1/admin/tenants/{tenantId}/restore', p(c.id))).response.status).toBe(200);
    expect(await total()).toBe(before + 7);
    await expectTotalsMatchRecount();

    // Concurrent status changes in opposite directions take the counter rows in one order (no deadlock).
    await Promise.all([
      t.as(owner).POST('/api/v1/admin/tenants/{tenantId}/activate', { ...p(a.id), body: { reason: 'Paid' } }),
      t.as(owner).POST('/api/v1/admin/tenants/{tenantId}/suspend', { ...p(created[3].id), body: { reason: 'Fraud check' } }),
      t.as(owner).POST('/api/v1/admin/tenants/{tenantId}/suspend', { ...p(created[4].id), body: { reason: 'Fraud check' } }),
    ]).then((rs) => rs.forEach((r) => expect(r.response.status).toBe(200)));
    await expectTotalsMatchRecount();
  });

  it('a raw DELETE (the purge) counts, and a rolled-back insert does not', async () => {
    const [{ id }] = (await t.db.query(
      `INSERT INTO tenants (name, slug, contact_email, status) VALUES ('Raw', 'raw-' || md5(random()::text), 'raw@example.com', 'suspended') RETURNING id`,
    )) as { id: string }[];
    await expectTotalsMatchRecount();
    await t.db.query(`DELETE FROM tenants WHERE id = $1`, [id]);
    await expectTotalsMatchRecount();

    const runner = t.db.createQueryRunner();
    await runner.startTransaction();
    await runner.query(`INSERT INTO tenants (name, slug, contact_email) VALUES ('Rolled back', 'rb-' || md5(random()::text), 'rb@example.com')`);
    await runner.rollbackTransaction();
    await runner.release();
    await expectTotalsMatchRecount();
  });
});
