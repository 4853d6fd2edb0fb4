import { BillingLifecycleService } from '../../../src/modules/billing/billing-lifecycle.service';
import { createTestApp, expectProblem, loginStaff, TestApp, unique } from '../../support/app';
import { ControllableClock } from '../../support/clock';
import { addTenantUserViaApi, outboxEvents, provisionTenantViaApi, signIn } from '../../support/fixtures';

/**
 * Tenant self-service of the subscription (licenses, change plan, cancel and resume, module
 * cancellation), per-seat modules following the licenses, and the staff module routes. Money
 * amounts are hand-computed: a month of 30 days (April 2027) and changes at its half.
 */
describe('subscription self-service and staff module routes', () => {
  // April 2027 has 30 days: at 2027-04-16T00:00Z exactly half of [Apr 1, May 1) is left.
  const start = new Date('2027-04-01T00:00:00Z');
  const half = new Date('2027-04-16T00:00:00Z');
  const clock = new ControllableClock(start);
  let t: TestApp;
  let owner: string;
  let seatPlan: string;
  let cheapPlan: string;
  let seatModule: string;
  let flatModule: string;

  beforeAll(async () => {
    t = await createTestApp({ BILLING_LIFECYCLE_INTERVAL_MS: '3600000' }, [], { clock });
    owner = (await loginStaff(t)).accessToken;
    const plan = async (body: Record<string, unknown>) => {
      const code = unique('ss').toLowerCase();
      expect((await t.as(owner).POST('/api/v1/admin/plans', { body: { code, name: code, annualPriceCents: 0, seatAnnualPriceCents: 0, currency: 'USD', ...body } as never })).response.status).toBe(201);
      return code;
    };
    seatPlan = await plan({ monthlyPriceCents: 0, seatMonthlyPriceCents: 1500 });
    cheapPlan = await plan({ monthlyPriceCents: 0, seatMonthlyPriceCents: 1000 });
    const mod = async (body: Record<string, unknown>) => {
      const code = unique('ssm').toLowerCase();
      expect((await t.as(owner).POST('/api/v1/admin/modules', { body: { code, name: code, annualPriceCents: 0, currency: 'USD', ...body } as never })).response.status).toBe(201);
      return code;
    };
    seatModule = await mod({ pricingModel: 'per_seat', monthlyPriceCents: 600, trialDays: 0 });
    flatModule = await mod({ monthlyPriceCents: 3000, trialDays: 14 });
  });
  afterAll(() => t.close());

  const run = () => t.app.get(BillingLifecycleService).runDue();
  const paidTenant = async (licenses = 4) => {
    clock.set(start);
    const tenant = await provisionTenantViaApi(t, owner, seatPlan, { licenses, trialDays: 0 });
    const admin = (await signIn(t, tenant.slug, tenant.admin.email, tenant.admin.password)).accessToken;
    return { ...tenant, token: admin };
  };
  const subRow = async (tenantId: string, kind: 'plan' | 'module', code?: string) =>
    (
      await t.db.query(
        `SELECT status, quantity, cancel_at_period_end, cancelled_at, scheduled_change FROM subscriptions WHERE tenant_id = $1 AND kind = $2 ${code ? 'AND item_code = $3' : ''} ORDER BY created_at DESC LIMIT 1`,
        code ? [tenantId, kind, code] : [tenantId, kind],
      )
    )[0];
  const items = async (tenantId: string, action: string) =>
    ((await t.db.query(`SELECT description, amount_cents::int AS amount FROM pending_invoice_items WHERE tenant_id = $1 AND source_action = $2 ORDER BY seq`, [tenantId, action])) as { description: string; amount: number }[]).map(
      (i) => i.amount,
    );

  it('GET /tenant/subscription: admins and managers read licenses, costs and dates (no staff notes); members → 403', async () => {
    const tenant = await paidTenant(4);
    expect((await t.as(owner).PUT('/api/v1/admin/tenants/{tenantId}/subscription', { params: { path: { tenantId: tenant.id } }, body: { notes: 'staff only' } })).response.status).toBe(200);
    const manager = await addTenantUserViaApi(t, tenant.token, 'manager');
    const member = await addTenantUserViaApi(t, tenant.token, 'member');
    const managerToken = (await signIn(t, tenant.slug, manager.email, manager.password)).accessToken;
    const res = await t.as(managerToken).GET('/api/v1/tenant/subscription');
    expect(res.response.status).toBe(200);
    expect(res.data).toMatchObject({ tenantId: tenant.id, licenses: 4, activeUsers: 3, monthlyCostCents: 6000, nextBillingDate: '2027-05-01T00:00:00.000Z', subscription: { itemCode: seatPlan, status: 'active' } });
    expect(res.data).not.toHaveProperty('notes');
    const memberToken = (await signIn(t, tenant.slug, member.email, member.password)).accessToken;
    await expectProblem(await t.as(memberToken).GET('/api/v1/tenant/subscription'), 403, 'forbidden');
    await expectProblem(await t.as(managerToken).POST('/api/v1/tenant/subscription/licenses/add', { body: { quantity: 1 } }), 403, 'forbidden');
  });

  it('licenses: the tenant adds seats (preview = real), a per-seat module follows with its own proration; removal below the active users → 409', async () => {
    const tenant = await paidTenant(4);
    const sub = await t.as(tenant.token).POST('/api/v1/tenant/modules/{moduleCode}/subscribe', { params: { path: { moduleCode: seatModule } }, body: { interval: 'month' } });
    expect(sub.response.status).toBe(200);
    expect(sub.data!.subscription).toMatchObject({ quantity: 4, status: 'active' });
    clock.set(half);
    const preview = await t.as(tenant.token).POST('/api/v1/tenant/subscription/licenses/add', { body: { quantity: 2, preview: true } });
    expect(preview.response.status).toBe(200);
    expect(await items(tenant.id, 'licenses.add')).toEqual([]);
    const real = await t.as(tenant.token).POST('/api/v1/tenant/subscription/licenses/add', { body: { quantity: 2 } });
    expect(real.response.status).toBe(200);
    // Half a month of 2 seats at 1500 = 1500; of 2 module seats at 600 = 600.
    expect(real.data!.lines.map((l) => l.amountCents)).toEqual([1500, 600]);
    expect({ ...real.data!, preview: true, subscription: { ...real.data!.subscription, updatedAt: null } }).toEqual({ ...preview.data!, subscription: { ...preview.data!.subscription, updatedAt: null } });
    // 4 × (1500 + 600) = 8400 → 6 × 2100 = 12600.
    expect(real.data!.changes).toMatchObject({ previousLicenses: 4, newLicenses: 6, previousMonthlyCostCents: 8400, newMonthlyCostCents: 12600, costDeltaCents: 4200, prorationCents: 2100 });
    expect(await items(tenant.id, 'licenses.add')).toEqual([1500, 600]);
    expect((await subRow(tenant.id, 'module', seatModule)).quantity).toBe(6);
    expect((await subRow(tenant.id, 'plan')).quantity).toBe(6);
    expect((await outboxEvents(t, tenant.id, 'subscription.updated')).map((e) => e.payload.changed)).toContainEqual(['quantity']);

    const over = await t.as(tenant.token).POST('/api/v1/tenant/subscription/licenses/remove', { body: { quantity: 6 } });
    await expectProblem(over, 409, 'licenses_below_minimum');
    await addTenantUserViaApi(t, tenant.token);
    await addTenantUserViaApi(t, tenant.token);
    const below = await expectProblem(await t.as(tenant.token).POST('/api/v1/tenant/subscription/licenses/remove', { body: { quantity: 4 } }), 409, 'licenses_below_active_users');
    expect(below).toMatchObject({ currentActiveUsers: 3, requestedLicenses: 2, minimumRequired: 3 });
    expect((await subRow(tenant.id, 'module', seatModule)).quantity).toBe(6);
  });

  it('change plan: the tenant lists plans, a downgrade preview says when and what breaks, the real call schedules it', async () => {
    const tenant = await paidTenant(4);
    const plans = await t.as(tenant.token).GET('/api/v1/tenant/plans', { params: { query: { limit: 100 } } });
    expect(plans.response.status).toBe(200);
    expect(plans.data!.data.map((p) => p.code)).toEqual(expect.arrayContaining([seatPlan, cheapPlan]));
    expect(plans.data!.data.every((p) => p.isActive)).toBe(true);
    clock.set(half);
    const preview = await t.as(tenant.token).POST('/api/v1/tenant/subscription/change-plan', { body: { planCode: cheapPlan, preview: true } });
    expect(preview.data).toMatchObject({ preview: true, effective: 'period_end', effectiveAt: '2027-05-01T00:00:00.000Z', upgrade: false, totalCents: 0 });
    expect((await subRow(tenant.id, 'plan')).scheduled_change).toBeNull();
    const real = await t.as(tenant.token).POST('/api/v1/tenant/subscription/change-plan', { body: { planCode: cheapPlan } });
    expect(real.response.status).toBe(200);
    expect((await subRow(tenant.id, 'plan')).scheduled_change).toMatchObject({ planCode: cheapPlan });
    const same = await expectProblem(await t.as(tenant.token).POST('/api/v1/tenant/subscription/change-plan', { body: { planCode: seatPlan, preview: true } }), 409, 'plan_unchanged');
    expect(same.state).toBe('plan');
    // A plan that sells a fixed number of seats (members limit 2, no seat price): the licenses become
    // 2, and with 3 active users the preview says members break.
    await addTenantUserViaApi(t, tenant.token);
    await addTenantUserViaApi(t, tenant.token);
    const fixed = unique('ssfix').toLowerCase();
    expect((await t.as(owner).POST('/api/v1/admin/plans', { body: { code: fixed, name: fixed, monthlyPriceCents: 900, annualPriceCents: 9000, currency: 'USD', limits: { members: 2 } } as never })).response.status).toBe(201);
    const down = await t.as(tenant.token).POST('/api/v1/tenant/subscription/change-plan', { body: { planCode: fixed, effective: 'now', preview: true } });
    expect(down.data).toMatchObject({ subscription: { itemCode: fixed, quantity: 2 }, impact: { overLimit: [{ metric: 'members', limit: 2, used: 3 }] } });
    const [audit] = await t.db.query(`SELECT action, actor_type FROM audit_logs WHERE tenant_id = $1 AND action LIKE 'tenantSubscription.change_plan%' AND action NOT LIKE '%.preview' ORDER BY created_at DESC LIMIT 1`, [tenant.id]);
    expect(audit).toEqual({ action: 'tenantSubscription.change_plan', actor_type: 'tenant' });
  });

  it('cancel at period end: idempotent, resume takes it back, and at the period end the subscription is cancelled without a renewal', async () => {
    const tenant = await paidTenant(2);
    const cancel = await t.as(tenant.token).POST('/api/v1/tenant/subscription/cancel');
    expect(cancel.response.status).toBe(200);
    expect(cancel.data).toMatchObject({ cancelAtPeriodEnd: true, status: 'active' });
    expect((await t.as(tenant.token).POST('/api/v1/tenant/subscription/cancel')).response.status).toBe(200);
    expect((await outboxEvents(t, tenant.id, 'subscription.updated')).filter((e) => (e.payload.changed as string[]).includes('cancelAtPeriodEnd'))).toHaveLength(1);
    expect((await t.as(tenant.token).POST('/api/v1/tenant/subscription/resume')).data).toMatchObject({ cancelAtPeriodEnd: false });
    expect((await subRow(tenant.id, 'plan')).cancel_at_period_end).toBe(false);
    await t.as(tenant.token).POST('/api/v1/tenant/subscription/cancel');
    clock.set(new Date('2027-05-01T00:00:01Z'));
    await run();
    expect(await subRow(tenant.id, 'plan')).toMatchObject({ status: 'cancelled', cancelled_at: new Date('2027-05-01T00:00:00Z'), cancel_at_period_end: false });
    expect(await items(tenant.id, 'renewal')).toEqual([]);
    expect((await t.db.query(`SELECT billing_status FROM tenant_quotas WHERE tenant_id = $1`, [tenant.id]))[0].billing_status).toBe('cancelled');
    expect(await outboxEvents(t, tenant.id, 'subscription.cancelled')).toHaveLength(1);
    const ended = await expectProblem(await t.as(owner).POST('/api/v1/admin/tenants/{tenantId}/subscription/licenses/add', { params: { path: { tenantId: tenant.id } }, body: { quantity: 1 } }), 409, 'subscription_already_cancelled');
    expect(ended).toMatchObject({ currentStatus: 'cancelled' });
  });

  it('a plan trial cancelled at its end is cancelled then, not converted (nothing charged)', async () => {
    clock.set(start);
    const tenant = await provisionTenantViaApi(t, owner, seatPlan, { licenses: 2, trialDays: 7 });
    const token = (await signIn(t, tenant.slug, tenant.admin.email, tenant.admin.password)).accessToken;
    expect((await t.as(token).POST('/api/v1/tenant/subscription/cancel')).data).toMatchObject({ status: 'trial', cancelAtPeriodEnd: true });
    clock.set(new Date('2027-04-08T00:00:01Z'));
    await run();
    expect(await subRow(tenant.id, 'plan')).toMatchObject({ status: 'cancelled' });
    expect(await items(tenant.id, 'trial.end')).toEqual([]);
    expect((await outboxEvents(t, tenant.id, 'subscription.trial_ended'))[0].payload).toMatchObject({ outcome: 'cancelled' });
  });

  it('module cancel at period end: it stays enabled until then, resume takes it back; at the end it is cancelled, turns off and module.unsubscribed is published', async () => {
    const tenant = await paidTenant(2);
    const mp = { params: { path: { moduleCode: flatModule } } };
    await expectProblem(await t.as(tenant.token).POST('/api/v1/tenant/modules/{moduleCode}/cancel', mp), 409, 'module_not_subscribed');
    expect((await t.as(tenant.token).POST('/api/v1/tenant/modules/{moduleCode}/subscribe', { ...mp, body: { interval: 'month', trial: false } })).response.status).toBe(200);
    expect((await t.as(tenant.token).POST('/api/v1/tenant/modules/{moduleCode}/cancel', mp)).data).toMatchObject({ cancelAtPeriodEnd: true, status: 'active' });
    const enabled = async () => (await t.as(tenant.token).GET('/api/v1/tenant/entitlements', { params: { query: { limit: 100 } } })).data!.data.find((e) => e.module === flatModule)!;
    expect(await enabled()).toMatchObject({ isEntitled: true });
    expect((await t.as(tenant.token).POST('/api/v1/tenant/modules/{moduleCode}/resume', mp)).data).toMatchObject({ cancelAtPeriodEnd: false });
    await t.as(tenant.token).POST('/api/v1/tenant/modules/{moduleCode}/cancel', mp);
    clock.set(new Date('2027-05-01T00:00:01Z'));
    await run();
    expect(await subRow(tenant.id, 'module', flatModule)).toMatchObject({ status: 'cancelled', cancelled_at: new Date('2027-05-01T00:00:00Z') });
    expect(await items(tenant.id, 'renewal')).toEqual([3000]); // the plan renews (2 × 1500); the module does not
    expect((await outboxEvents(t, tenant.id, 'module.unsubscribed'))[0].payload).toMatchObject({ moduleCode: flatModule });
    expect(await enabled()).toMatchObject({ isEntitled: false, reason: 'subscription_cancelled' });
  });

  it('money routes refuse an impersonation session: 403 impersonation_forbidden, nothing changed', async () => {
    const tenant = await paidTenant(2);
    const session = (await t.as(owner).POST('/api/v1/admin/impersonations', { body: { tenantId: tenant.id, reason: 'Customer asked for help with billing (ticket 42)' } })).data!;
    const as = t.as(session.accessToken);
    expect((await as.GET('/api/v1/tenant/subscription')).response.status).toBe(200);
    await expectProblem(await as.POST('/api/v1/tenant/subscription/licenses/add', { body: { quantity: 1 } }), 403, 'impersonation_forbidden');
    await expectProblem(await as.POST('/api/v1/tenant/subscription/change-plan', { body: { planCode: cheapPlan } }), 403, 'impersonation_forbidden');
    await expectProblem(await as.POST('/api/v1/tenant/subscription/cancel'), 403, 'impersonation_forbidden');
    await expectProblem(await as.POST('/api/v1/tenant/modules/{moduleCode}/cancel', { params: { path: { moduleCode: flatModule } } }), 403, 'impersonation_forbidden');
    expect(await subRow(tenant.id, 'plan')).toMatchObject({ quantity: 2, cancel_at_period_end: false, scheduled_change: null });
  });

  it('staff add a module (paid) and cancel it now with the unused time credited; preview and period_end; 404 and 409 cases', async () => {
    const tenant = await paidTenant(2);
    const path = { params: { path: { tenantId: tenant.id, moduleCode: flatModule } } };
    const added = await t.as(owner).POST('/api/v1/admin/tenants/{tenantId}/subscription/modules/{moduleCode}', { ...path, body: { interval: 'month', trial: false } });
    expect(added.response.status).toBe(200);
    expect(added.data).toMatchObject({ totalCents: 3000, subscription: { status: 'active', itemCode: flatModule } });
    await expectProblem(await t.as(owner).POST('/api/v1/admin/tenants/{tenantId}/subscription/modules/{moduleCode}', { ...path, body: { interval: 'month' } }), 409, 'module_already_subscribed');
    clock.set(half);
    const preview = await t.as(owner).DELETE('/api/v1/admin/tenants/{tenantId}/subscription/modules/{moduleCode}', { params: { ...path.params, query: { preview: true } } });
    expect(preview.data).toMatchObject({ preview: true, totalCents: -1500, subscription: { status: 'cancelled' } });
    expect((await subRow(tenant.id, 'module', flatModule)).status).toBe('active');
    const later = await t.as(owner).DELETE('/api/v1/admin/tenants/{tenantId}/subscription/modules/{moduleCode}', { params: { ...path.params, query: { effective: 'period_end' } } });
    expect(later.data).toMatchObject({ preview: false, totalCents: 0, subscription: { status: 'active', cancelAtPeriodEnd: true } });
    const now = await t.as(owner).DELETE('/api/v1/admin/tenants/{tenantId}/subscription/modules/{moduleCode}', path);
    expect(now.response.status).toBe(200);
    expect(now.data!.lines.map((l) => l.amountCents)).toEqual([-1500]);
    expect(await subRow(tenant.id, 'module', flatModule)).toMatchObject({ status: 'cancelled', cancelled_at: half });
    expect(await items(tenant.id, 'module.cancel')).toEqual([-1500]);
    expect(await outboxEvents(t, tenant.id, 'module.unsubscribed')).toHaveLength(1);
    expect(await outboxEvents(t, tenant.id, 'subscription.cancelled')).toHaveLength(1);
    const [audit] = await t.db.query(`SELECT action FROM audit_logs WHERE tenant_id = $1 AND action LIKE 'subscriptions.modules_cancel%' ORDER BY created_at`, [tenant.id]);
    expect(audit.action).toBe('subscriptions.modules_cancel.preview');
    await expectProblem(await t.as(owner).DELETE('/api/v1/admin/tenants/{tenantId}/subscription/modules/{moduleCode}', path), 409, 'module_not_subscribed');
    await expectProblem(
      await t.as(owner).DELETE('/api/v1/admin/tenants/{tenantId}/subscription/modules/{moduleCode}', { params: { path: { tenantId: '7c1d9e2f-3a4b-4c5d-8e6f-0a1b2c3d4e5f', moduleCode: flatModule } } }),
      404,
      'tenant_not_found',
    );
    const bad = await expectProblem(await t.as(owner).DELETE('/api/v1/admin/tenants/{tenantId}/subscription/modules/{moduleCode}', { params: { ...path.params, query: { effective: 'later' as never } } }), 400, 'validation_failed');
    expect(JSON.stringify(bad)).toContain('effective');
  });
});
