import { createStaff, createTestApp, expectProblem, loginStaff, TestApp, unique } from '../../support/app';
import { ApiProvisionedTenant, insertPlan, provisionTenantViaApi, TestPlan } from '../../support/fixtures';

describe('tenant list (GET /api/v1/admin/tenants)', () => {
  let t: TestApp;
  let owner: string;
  let support: string;
  let basic: TestPlan;
  let pro: TestPlan;
  /** Unique marker in every name of this file, so searches only see this file's tenants. */
  const run = unique('list').replace(/-/g, '');
  const tag = unique('tag').replace(/-/g, '').slice(0, 30);
  let alpha: ApiProvisionedTenant;
  let bravo: ApiProvisionedTenant;
  let charlie: ApiProvisionedTenant;
  let delta: ApiProvisionedTenant;

  beforeAll(async () => {
    t = await createTestApp();
    owner = (await loginStaff(t)).accessToken;
    const staff = await createStaff(t, owner, 'support');
    support = (await loginStaff(t, staff.email, staff.password)).accessToken;
    basic = await insertPlan(t, { limits: { members: 4, orgAdmins: 2 }, name: `Basic ${run}` });
    pro = await insertPlan(t, { limits: { members: null, orgAdmins: null }, name: `Pro ${run}` });
    // Created in this order (createdAt ascending): alpha, bravo, charlie, delta.
    alpha = await provisionTenantViaApi(t, owner, basic.code, { name: `${run} Alpha`, trialDays: 3, tags: [tag, 'eu'] });
    bravo = await provisionTenantViaApi(t, owner, basic.code, { name: `${run} Bravo`, trialDays: 20, tags: [tag], contactEmail: `finance-${run}@bravo.example` });
    charlie = await provisionTenantViaApi(t, owner, pro.code, { name: `${run} Charlie`, trialDays: 0, tags: [tag, 'eu'] });
    delta = await provisionTenantViaApi(t, owner, pro.code, { name: `${run} Delta`, trialDays: 10 });
    // A limit override on bravo: members 2 (the effective limit is override ?? plan).
    await t.db.query(`UPDATE tenant_quotas SET limit_overrides = '{"members": 2}' WHERE tenant_id = $1`, [bravo.id]);
  });
  afterAll(() => t.close());

  type Query = Record<string, string | number>;
  const list = async (query: Query, token = owner) => {
    const res = await t.as(token).GET('/api/v1/admin/tenants', { params: { query: query as never } });
    expect(res.response.status).toBe(200);
    return res.data!;
  };
  const names = (page: { data: { name: string }[] }) => page.data.map((r) => r.name.replace(`${run} `, ''));

  it('each row has the documented shape; any staff role may list', async () => {
    const page = await list({ q: `${run} alpha` }, support);
    expect(page.meta).toEqual({ total: 1, limit: 20, offset: 0, nextCursor: null });
    const row = page.data[0];
    expect(row).toEqual({
      id: alpha.id,
      name: `${run} Alpha`,
      slug: alpha.slug,
      status: 'active',
      billingStatus: 'trial',
      plan: { code: basic.code, name: `Basic ${run}` },
      trialEndsAt: expect.any(String),
      trialDaysRemaining: 3,
      tags: [tag, 'eu'],
      usage: { members: { used: 1, limit: 4, percent: 25 } },
      // The plan subscription (one query per page): licenses = the plan's members limit, 1 of 4 in use.
      subscription: { status: 'trial', licenses: 4, usagePercentage: 25, monthlyCostCents: 4900, billingDaysRemaining: 3, nextBillingDate: row.trialEndsAt, enforcementPaused: false },
      // Not yet scored by the daily health snapshot.
      health: null,
      createdAt: expect.any(String),
    });
  });

  it('the subscription columns follow the subscription: licenses, cost and usage percentage after a change', async () => {
    const p = { params: { path: { tenantId: charlie.id } } };
    expect((await t.as(owner).PUT('/api/v1/admin/tenants/{tenantId}/subscription', { ...p, body: { priceOverrideCents: 12000 } })).response.status).toBe(200);
    const page = await list({ q: `${run} charlie` });
    // Charlie's plan limits no members and prices no seats: no licenses, no usage percentage.
    expect(page.data[0].subscription).toMatchObject({ status: 'active', licenses: null, usagePercentage: null, monthlyCostCents: 12000 });
  });

  it('members usage: override wins over the plan; unlimited has no limit and no percent; no trial → nulls', async () => {
    const page = await list({ q: run, sort: 'name', order: 'asc' });
    const byName = Object.fromEntries(page.data.map((r) => [r.name.replace(`${run} `, ''), r]));
    expect(byName.Bravo.usage.members).toEqual({ used: 1, limit: 2, percent: 50 });
    expect(byName.Charlie.usage.members).toEqual({ used: 1, limit: null, percent: null });
    expect(byName.Charlie).toMatchObject({ billingStatus: 'active', trialEndsAt: null, trialDaysRemaining: null });
    expect(byName.Delta).toMatchObject({ id: delta.id, plan: { code: pro.code, name: `Pro ${run}` }, trialDaysRemaining: 10 });
  });

  it('searches name, slug and contact email case-insensitively', async () => {
    expect(names(await list({ q: `${run} BRAVO` }))).toEqual(['Bravo']);
    expect(names(await list({ q: charlie.slug.toUpperCase() }))).toEqual(['Charlie']);
    expect(names(await list({ q: `FINANCE-${run}` }))).toEqual(['Bravo']);
    // LIKE wildcards are literal.
    expect((await list({ q: `${run}%` })).meta.total).toBe(0);
  });

  it('sorts by name, createdAt and trialEndsAt in both directions', async () => {
    expect(names(await list({ q: run, sort: 'name', order: 'asc' }))).toEqual(['Alpha', 'Bravo', 'Charlie', 'Delta']);
    expect(names(await list({ q: run, sort: 'name', order: 'desc' }))).toEqual(['Delta', 'Charlie', 'Bravo', 'Alpha']);
    expect(names(await list({ q: run }))).toEqual(['Delta', 'Charlie', 'Bravo', 'Alpha']); // default createdAt desc
    expect(names(await list({ q: run, sort: 'createdAt', order: 'asc' }))).toEqual(['Alpha', 'Bravo', 'Charlie', 'Delta']);
    // Tenants without a trial come last either way.
    expect(names(await list({ q: run, sort: 'trialEndsAt', order: 'asc' }))).toEqual(['Alpha', 'Delta', 'Bravo', 'Charlie']);
    expect(names(await list({ q: run, sort: 'trialEndsAt', order: 'desc' }))).toEqual(['Bravo', 'Delta', 'Alpha', 'Charlie']);
  });

  it('filters by tag, planCode, billingStatus and trialEndingWithinDays', async () => {
    expect(names(await list({ tag, sort: 'name', order: 'asc' }))).toEqual(['Alpha', 'Bravo', 'Charlie']);
    expect(names(await list({ q: run, tag: 'eu', sort: 'name', order: 'asc' }))).toEqual(['Alpha', 'Charlie']);
    expect(names(await list({ planCode: pro.code, sort: 'name', order: 'asc' }))).toEqual(['Charlie', 'Delta']);
    expect(names(await list({ q: run, billingStatus: 'active' }))).toEqual(['Charlie']);
    expect(names(await list({ q: run, billingStatus: 'trial', sort: 'name', order: 'asc' }))).toEqual(['Alpha', 'Bravo', 'Delta']);
    expect(names(await list({ q: run, trialEndingWithinDays: 7 }))).toEqual(['Alpha']);
    expect(names(await list({ q: run, trialEndingWithinDays: 14, sort: 'trialEndsAt', order: 'asc' }))).toEqual(['Alpha', 'Delta']);
    // Filters combine with AND.
    expect(names(await list({ planCode: basic.code, tag: 'eu' }))).toEqual(['Alpha']);
  });

  it('paginates with limit/offset and meta.total', async () => {
    const first = await list({ q: run, sort: 'name', order: 'asc', limit: 3, offset: 0 });
    expect(names(first)).toEqual(['Alpha', 'Bravo', 'Charlie']);
    expect(first.meta).toEqual({ total: 4, limit: 3, offset: 0, nextCursor: expect.any(String) });
    const second = await list({ q: run, sort: 'name', order: 'asc', limit: 3, offset: 3 });
    expect(names(second)).toEqual(['Delta']);
    expect(second.meta).toEqual({ total: 4, limit: 3, offset: 3, nextCursor: null });
    const beyond = await list({ q: run, limit: 3, offset: 10 });
    expect(beyond).toEqual({ data: [], meta: { total: 4, limit: 3, offset: 10, nextCursor: null } });
  });

  it('filters by status; deleted tenants only appear with status=deleted', async () => {
    const extra = await provisionTenantViaApi(t, owner, basic.code, { name: `${run} Echo` });
    const suspended = await provisionTenantViaApi(t, owner, basic.code, { name: `${run} Foxtrot` });
    await t.as(owner).POST('/api/v1/admin/tenants/{tenantId}/suspend', { params: { path: { tenantId: suspended.id } }, body: { reason: 'test' } });
    await t.as(owner).DELETE('/api/v1/admin/tenants/{tenantId}', { params: { path: { tenantId: extra.id } } });
    expect(names(await list({ q: run, status: 'suspended' }))).toEqual(['Foxtrot']);
    expect(names(await list({ q: run, status: 'deleted' }))).toEqual(['Echo']);
    expect(names(await list({ q: run, sort: 'name', order: 'asc' }))).toEqual(['Alpha', 'Bravo', 'Charlie', 'Delta', 'Foxtrot']);
    expect((await list({ q: run, status: 'active' })).meta.total).toBe(4);
  });

  it.each([
    ['sort', { sort: 'slug' }],
    ['order', { order: 'up' }],
    ['status', { status: 'gone' }],
    ['billingStatus', { billingStatus: 'free' }],
    ['limit', { limit: 101 }],
    ['trialEndingWithinDays', { trialEndingWithinDays: -1 }],
  ])('an invalid %s → 400', async (field, query) => {
    const res = await t.as(owner).GET('/api/v1/admin/tenants', { params: { query: query as never } });
    const problem = await expectProblem(res, 400, 'validation_failed');
    expect(problem.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
  });
});
