import { createTestApp, loginStaff, TestApp, unique } from '../../support/app';
import { insertPlan, provisionTenant, signInToken } from '../../support/fixtures';

describe('plan catalog', () => {
  let t: TestApp;
  let owner: string;
  let support: string;
  /** Codes of two catalog modules the plans include (features must name catalog modules). */
  const billing = unique('billing').toLowerCase();
  const webhooks = unique('webhooks').toLowerCase();

  beforeAll(async () => {
    t = await createTestApp();
    owner = (await loginStaff(t)).accessToken;
    const email = `${unique('support')}@example.com`;
    await t.as(owner).POST('/api/v1/admin/staff', { body: { email, fullName: 'Support', role: 'support', password: 'support-password-1' } });
    support = (await loginStaff(t, email, 'support-password-1')).accessToken;
    for (const code of [billing, webhooks]) {
      await t.as(owner).POST('/api/v1/admin/modules', { body: { code, name: code, monthlyPriceCents: 1000, annualPriceCents: 10000, currency: 'EUR' } });
    }
  });
  afterAll(() => t.close());

  const body = (code: string) => ({
    code,
    name: 'Growth',
    description: 'For growing teams',
    monthlyPriceCents: 4900,
    annualPriceCents: 49000,
    currency: 'eur',
    limits: { members: 3, orgAdmins: 1, projects: null },
    features: { [billing]: true, [webhooks]: false },
  });

  it('creates a plan, stores it, and audits the creation', async () => {
    const code = unique('growth').toLowerCase();
    const res = await t.as(owner).POST('/api/v1/admin/plans', { body: body(code) });
    expect(res.response.status).toBe(201);
    expect(res.data).toMatchObject({ code, currency: 'EUR', isActive: true, monthlyPriceCents: 4900, limits: { members: 3, orgAdmins: 1, projects: null } });
    const [row] = await t.db.query(`SELECT monthly_price_cents, limits FROM plans WHERE code = $1`, [code]);
    expect(row.monthly_price_cents).toBe('4900');
    expect(row.limits).toEqual({ members: 3, orgAdmins: 1, projects: null });
    const audit = await t.db.query(`SELECT action, module, resource_id, outcome FROM audit_logs WHERE resource_id = $1`, [res.data!.id]);
    expect(audit).toEqual([{ action: 'plans.create', module: 'plans', resource_id: res.data!.id, outcome: 'success' }]);
  });

  it('refuses a taken code with 409 and bad fields with 400 naming them', async () => {
    const code = unique('dup').toLowerCase();
    await t.as(owner).POST('/api/v1/admin/plans', { body: body(code) });
    const dup = await t.as(owner).POST('/api/v1/admin/plans', { body: body(code) });
    expect(dup.response.status).toBe(409);
    expect(dup.error).toMatchObject({ code: 'plan_code_taken' });

    const bad = await t.as(owner).POST('/api/v1/admin/plans', { body: { ...body('Bad Code'), currency: 'XXY', limits: { members: -1 } } });
    expect(bad.response.status).toBe(400);
    const fields = (bad.error as { errors: { field: string }[] }).errors.map((e) => e.field).sort();
    expect(fields).toEqual(['code', 'currency', 'limits.members']);
  });

  it('keeps code immutable, updates the rest, and lets support read but not write', async () => {
    const code = unique('upd').toLowerCase();
    const created = await t.as(owner).POST('/api/v1/admin/plans', { body: body(code) });
    const id = created.data!.id;
    const immutable = await t.as(owner).PATCH('/api/v1/admin/plans/{planId}', { params: { path: { planId: id } }, body: { code: 'other' } as never });
    expect(immutable.response.status).toBe(400);
    expect((immutable.error as { errors: { field: string }[] }).errors[0].field).toBe('code');

    const upd = await t.as(owner).PATCH('/api/v1/admin/plans/{planId}', { params: { path: { planId: id } }, body: { name: 'Growth 2', limits: { members: 10 } } });
    expect(upd.data).toMatchObject({ code, name: 'Growth 2', limits: { members: 10 } });

    expect((await t.as(support).GET('/api/v1/admin/plans/{planId}', { params: { path: { planId: id } } })).data?.code).toBe(code);
    const denied = await t.as(support).PATCH('/api/v1/admin/plans/{planId}', { params: { path: { planId: id } }, body: { name: 'x' } });
    expect(denied.response.status).toBe(403);
    const list = await t.as(support).GET('/api/v1/admin/plans', { params: { query: { isActive: true, limit: 100 } } });
    expect(list.data!.meta.total).toBeGreaterThan(0);
    expect(list.data!.data.every((p) => p.isActive)).toBe(true);
  });

  it('a deactivated plan keeps its tenants but cannot be chosen again', async () => {
    const code = (await insertPlan(t, { limits: { members: 5 } })).code;
    const tenant = await provisionTenant(t, code);
    const [{ id }] = await t.db.query(`SELECT id FROM plans WHERE code = $1`, [code]);
    await t.as(owner).PATCH('/api/v1/admin/plans/{planId}', { params: { path: { planId: id } }, body: { isActive: false } });
    const quota = await t.as(owner).GET('/api/v1/admin/tenants/{tenantId}/quota', { params: { path: { tenantId: tenant.id } } });
    expect(quota.data?.plan.code).toBe(code);
    const other = await provisionTenant(t, (await insertPlan(t)).code);
    const move = await t.as(owner).PATCH('/api/v1/admin/tenants/{tenantId}/quota', { params: { path: { tenantId: other.id } }, body: { planCode: code } });
    expect(move.response.status).toBe(422);
    expect(move.error).toMatchObject({ code: 'plan_unavailable' });
  });

  it('tenant tokens cannot reach the plan catalog', async () => {
    const tenant = await provisionTenant(t, (await insertPlan(t)).code);
    const token = await signInToken(t, tenant.slug, tenant.admin.email, tenant.admin.password);
    expect((await t.as(token).GET('/api/v1/admin/plans')).response.status).toBe(403);
  });
});
