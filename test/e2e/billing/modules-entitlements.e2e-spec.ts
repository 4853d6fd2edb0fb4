import { Controller, Get, Module } from '@nestjs/common';
import { RequiresModule, TenantAuth } from '../../../src/common/auth';
import { createTestApp, expectProblem, loginStaff, TestApp, unique } from '../../support/app';
import { ControllableClock } from '../../support/clock';
import { addTenantUserViaApi, insertPlan, outboxEvents, provisionTenantViaApi, signIn, waitFor } from '../../support/fixtures';

/** The module code the test-only route belongs to (created in the catalog by the suite). */
const GATED = unique('gated').toLowerCase();

/** A test-only route of module {@link GATED}: proves the global module guard. */
@Controller('tenant/test-gated')
@TenantAuth()
class GatedController {
  @Get()
  @RequiresModule(GATED)
  get() {
    return { ok: true };
  }
}

@Module({ controllers: [GatedController] })
class GatedModule {}

describe('module marketplace, entitlements and @RequiresModule', () => {
  const clock = new ControllableClock(new Date('2027-05-01T00:00:00Z'));
  let t: TestApp;
  let owner: string;
  let admin: string;
  let tenantId: string;
  let included: string;
  let paidOnly: string;

  beforeAll(async () => {
    t = await createTestApp({}, [GatedModule], { clock });
    owner = (await loginStaff(t)).accessToken;
    const create = (body: Record<string, unknown>) => t.as(owner).POST('/api/v1/admin/modules', { body: { name: 'M', monthlyPriceCents: 2900, annualPriceCents: 29000, currency: 'USD', ...body } as never });
    expect((await create({ code: GATED, trialDays: 14 })).response.status).toBe(201);
    included = unique('incl').toLowerCase();
    paidOnly = unique('paid').toLowerCase();
    expect((await create({ code: included })).response.status).toBe(201);
    expect((await create({ code: paidOnly, trialDays: 0, pricingModel: 'per_seat', monthlyPriceCents: 500 })).response.status).toBe(201);
    const plan = await insertPlan(t, { limits: { members: 10 }, features: { [included]: true } });
    const tenant = await provisionTenantViaApi(t, owner, plan.code, { trialDays: 0, licenses: 4 });
    tenantId = tenant.id;
    admin = (await signIn(t, tenant.slug, tenant.admin.email, tenant.admin.password)).accessToken;
  });
  afterAll(() => t.close());

  const entitlements = async () => {
    const res = await t.as(admin).GET('/api/v1/tenant/entitlements', { params: { query: { limit: 100 } } });
    expect(res.response.status).toBe(200);
    return Object.fromEntries(res.data!.data.map((e) => [e.module, { enabled: e.isEntitled, reason: e.reason }]));
  };
  const gated = () => fetch(`${t.baseUrl}/api/v1/tenant/test-gated`, { headers: { authorization: `Bearer ${admin}` } });
  const mp = { params: { path: { moduleCode: GATED } } };

  it('the marketplace lists every active module with prices, trial availability and this tenant’s state', async () => {
    const res = await t.as(admin).GET('/api/v1/tenant/modules', { params: { query: { limit: 100 } } });
    expect(res.response.status).toBe(200);
    const byCode = Object.fromEntries(res.data!.data.map((m) => [m.code, m]));
    expect(byCode[GATED]).toMatchObject({ monthlyPriceCents: 2900, annualPriceCents: 29000, pricingModel: 'flat', trialDays: 14, trialAvailable: true, state: 'not_subscribed', activated: true, isEntitled: false, subscription: null });
    expect(byCode[included]).toMatchObject({ state: 'included', isEntitled: true });
    expect(byCode[paidOnly]).toMatchObject({ pricingModel: 'per_seat', trialAvailable: false, state: 'not_subscribed' });
    expect((await entitlements())[included]).toEqual({ enabled: true, reason: 'included_in_plan' });
  });

  it('a module route refuses a tenant without the module: 403 module_not_enabled with module, reason and how to subscribe', async () => {
    const res = await gated();
    expect(await expectProblem(res, 403, 'module_not_enabled')).toMatchObject({ module: GATED, reason: 'not_subscribed', subscribeUrl: `/api/v1/tenant/modules/${GATED}/subscribe` });
  });

  it('a trial: entitlements report it, the route opens, nothing is charged; subscribing again → 409 module_already_subscribed', async () => {
    const preview = await t.as(admin).POST('/api/v1/tenant/modules/{moduleCode}/subscribe', { ...mp, body: { interval: 'month', preview: true } });
    expect(preview.response.status).toBe(200);
    expect(await t.db.query(`SELECT 1 FROM subscriptions WHERE tenant_id = $1 AND item_code = $2`, [tenantId, GATED])).toEqual([]);

    const res = await t.as(admin).POST('/api/v1/tenant/modules/{moduleCode}/subscribe', { ...mp, body: { interval: 'month' } });
    expect(res.response.status).toBe(200);
    expect(res.data!.subscription).toMatchObject({ kind: 'module', itemCode: GATED, status: 'trial', trialEndsAt: '2027-05-15T00:00:00.000Z', quantity: 1 });
    expect(res.data!.lines).toEqual([]);
    expect({ ...res.data!.subscription, id: null, createdAt: null, updatedAt: null }).toEqual({ ...preview.data!.subscription, id: null, createdAt: null, updatedAt: null });
    expect(await t.db.query(`SELECT count(*)::int AS n FROM module_trials WHERE tenant_id = $1`, [tenantId])).toEqual([{ n: 1 }]);
    expect((await entitlements())[GATED]).toEqual({ enabled: true, reason: 'trial' });
    expect((await outboxEvents(t, tenantId, 'module.subscribed')).map((e) => e.payload.moduleCode)).toEqual([GATED]);
    // The cache is refreshed after commit (entitlement.changed): the route opens without a query.
    await waitFor(async () => (await gated()).status === 200);
    expect(await (await gated()).json()).toEqual({ ok: true });

    const again = await t.as(admin).POST('/api/v1/tenant/modules/{moduleCode}/subscribe', { ...mp, body: { interval: 'month' } });
    expect(await expectProblem(again, 409, 'module_already_subscribed')).toMatchObject({ state: 'trial' });
  });

  it('deactivate: entitlements report it disabled with the reason and the route answers 403; activate reopens it', async () => {
    const off = await t.as(admin).POST('/api/v1/tenant/modules/{moduleCode}/deactivate', mp);
    expect(off.response.status).toBe(200);
    expect(off.data).toEqual({ module: GATED, activated: false, isEntitled: false, reason: 'deactivated_by_tenant' });
    expect((await entitlements())[GATED]).toEqual({ enabled: false, reason: 'deactivated_by_tenant' });
    await waitFor(async () => (await gated()).status === 403);
    expect(await expectProblem(await gated(), 403, 'module_not_enabled')).toMatchObject({ reason: 'deactivated_by_tenant' });
    expect(await outboxEvents(t, tenantId, 'module.deactivated')).toHaveLength(1);
    // Idempotent: no second event.
    await t.as(admin).POST('/api/v1/tenant/modules/{moduleCode}/deactivate', mp);
    expect(await outboxEvents(t, tenantId, 'module.deactivated')).toHaveLength(1);

    const on = await t.as(admin).POST('/api/v1/tenant/modules/{moduleCode}/activate', mp);
    expect(on.data).toEqual({ module: GATED, activated: true, isEntitled: true, reason: 'trial' });
    await waitFor(async () => (await gated()).status === 200);
  });

  it('without the cached copy (Redis flushed) the guard computes the entitlements from PostgreSQL and caches them', async () => {
    await t.as(admin).POST('/api/v1/tenant/modules/{moduleCode}/deactivate', mp);
    await waitFor(async () => (await gated()).status === 403);
    await t.db.query(`DELETE FROM module_deactivations WHERE tenant_id = $1`, [tenantId]); // behind the cache's back
    const redis = t.app.get<import('ioredis').default>((await import('../../../src/common/redis')).REDIS);
    await redis.del(`entitlements:${tenantId}`);
    expect((await gated()).status).toBe(200);
    expect(JSON.parse((await redis.get(`entitlements:${tenantId}`))!)[GATED]).toEqual({ enabled: true, reason: 'trial' });
  });

  it('a paid per-seat module: quantity = licenses, the first period charged now; no trial offered → 409 trial_not_available', async () => {
    const mpPaid = { params: { path: { moduleCode: paidOnly } } };
    const noTrial = await t.as(admin).POST('/api/v1/tenant/modules/{moduleCode}/subscribe', { ...mpPaid, body: { interval: 'month', trial: true } });
    await expectProblem(noTrial, 409, 'trial_not_available');
    const res = await t.as(admin).POST('/api/v1/tenant/modules/{moduleCode}/subscribe', { ...mpPaid, body: { interval: 'month' } });
    expect(res.response.status).toBe(200);
    expect(res.data!.subscription).toMatchObject({ status: 'active', quantity: 4, periodAmountCents: 2000, currentPeriodEnd: '2027-06-01T00:00:00.000Z' });
    expect(res.data!.totalCents).toBe(2000);
    const items = await t.db.query(`SELECT amount_cents::int AS amount, quantity, source_action FROM pending_invoice_items WHERE tenant_id = $1 AND source_action = 'module.subscribe'`, [tenantId]);
    expect(items).toEqual([{ amount: 2000, quantity: 4, source_action: 'module.subscribe' }]);
  });

  it('an included module cannot be subscribed; unknown → 404; bad code or interval → 400 naming it; members → 403', async () => {
    await expectProblem(await t.as(admin).POST('/api/v1/tenant/modules/{moduleCode}/subscribe', { params: { path: { moduleCode: included } }, body: { interval: 'month' } }), 409, 'module_included_in_plan');
    await expectProblem(await t.as(admin).POST('/api/v1/tenant/modules/{moduleCode}/subscribe', { params: { path: { moduleCode: 'no-such-module' } }, body: { interval: 'month' } }), 404, 'module_not_found');
    const fields = (r: { error?: unknown }) => (r.error as { errors: { field: string }[] }).errors.map((e) => e.field);
    const badCode = await t.as(admin).POST('/api/v1/tenant/modules/{moduleCode}/subscribe', { params: { path: { moduleCode: 'Bad Code' } }, body: { interval: 'month' } });
    expect(badCode.response.status).toBe(400);
    expect(fields(badCode)).toEqual(['moduleCode']);
    const badInterval = await t.as(admin).POST('/api/v1/tenant/modules/{moduleCode}/subscribe', { ...mp, body: { interval: 'week' as never } });
    expect(badInterval.response.status).toBe(400);
    expect(fields(badInterval)).toEqual(['interval']);
    const member = await addTenantUserViaApi(t, admin, 'member');
    const memberToken = (await signIn(t, (await t.db.query(`SELECT slug FROM tenants WHERE id = $1`, [tenantId]))[0].slug, member.email, member.password)).accessToken;
    await expectProblem(await t.as(memberToken).GET('/api/v1/tenant/entitlements'), 403, 'forbidden');
    await expectProblem(await t.as(memberToken).GET('/api/v1/tenant/modules'), 403, 'forbidden');
  });

  it('one free trial per module: after the subscription ended, trial: true → 409 trial_already_used; by default it is paid from now', async () => {
    await t.db.query(`UPDATE subscriptions SET status = 'cancelled', cancelled_at = now() WHERE tenant_id = $1 AND item_code = $2`, [tenantId, GATED]);
    await t.db.query(`DELETE FROM module_deactivations WHERE tenant_id = $1`, [tenantId]);
    await t.app.get((await import('../../../src/modules/billing/entitlements.service')).EntitlementsService).entitlementsOf(tenantId);
    expect((await entitlements())[GATED]).toEqual({ enabled: false, reason: 'subscription_cancelled' });
    const trialAgain = await t.as(admin).POST('/api/v1/tenant/modules/{moduleCode}/subscribe', { ...mp, body: { interval: 'year', trial: true } });
    expect(await expectProblem(trialAgain, 409, 'trial_already_used')).toMatchObject({ state: 'trial_used' });
    const paid = await t.as(admin).POST('/api/v1/tenant/modules/{moduleCode}/subscribe', { ...mp, body: { interval: 'year' } });
    expect(paid.data!.subscription).toMatchObject({ status: 'active', interval: 'year', periodAmountCents: 29000, currentPeriodEnd: '2028-05-01T00:00:00.000Z' });
    expect((await entitlements())[GATED]).toEqual({ enabled: true, reason: 'subscribed' });
  });
});
