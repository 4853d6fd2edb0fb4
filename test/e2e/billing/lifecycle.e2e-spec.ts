import { BillingLifecycleService } from '../../../src/modules/billing/billing-lifecycle.service';
import { createTestApp, loginStaff, TestApp, unique } from '../../support/app';
import { ControllableClock } from '../../support/clock';
import { outboxEvents, provisionTenantViaApi, signIn } from '../../support/fixtures';

/**
 * The billing lifecycle job at the Clock's now: trial reminders and ends, renewals on the calendar
 * (Jan 31 → Feb 28 → Mar 31), scheduled downgrades, cancellations at period end; twice is once.
 */
describe('billing lifecycle (trial ends, renewals, cancellations)', () => {
  const clock = new ControllableClock(new Date('2027-01-31T09:00:00Z'));
  let t: TestApp;
  let owner: string;
  let seats: string;
  let lite: string;
  let mod: string;

  beforeAll(async () => {
    // The repeatable job would also run on its own: keep it out of the way, the test runs it.
    t = await createTestApp({ BILLING_LIFECYCLE_INTERVAL_MS: '3600000' }, [], { clock });
    owner = (await loginStaff(t)).accessToken;
    const plan = async (body: Record<string, unknown>) => {
      const code = unique('lc').toLowerCase();
      expect((await t.as(owner).POST('/api/v1/admin/plans', { body: { code, name: code, annualPriceCents: 0, seatAnnualPriceCents: 0, currency: 'USD', ...body } as never })).response.status).toBe(201);
      return code;
    };
    seats = await plan({ monthlyPriceCents: 0, seatMonthlyPriceCents: 1500 });
    lite = await plan({ monthlyPriceCents: 0, seatMonthlyPriceCents: 1000 });
    mod = unique('lcmod').toLowerCase();
    expect((await t.as(owner).POST('/api/v1/admin/modules', { body: { code: mod, name: 'M', monthlyPriceCents: 900, annualPriceCents: 9000, currency: 'USD', trialDays: 7 } })).response.status).toBe(201);
  });
  afterAll(() => t.close());

  const run = () => t.app.get(BillingLifecycleService).runDue();
  const sub = async (tenantId: string, kind = 'plan') =>
    (await t.db.query(`SELECT status, current_period_start, current_period_end, item_code, trial_ends_at FROM subscriptions WHERE tenant_id = $1 AND kind = $2 ORDER BY created_at DESC LIMIT 1`, [tenantId, kind]))[0];
  const renewals = async (tenantId: string) =>
    (await t.db.query(`SELECT amount_cents::int AS amount, period_start, period_end FROM pending_invoice_items WHERE tenant_id = $1 AND source_action = 'renewal' ORDER BY period_start`, [tenantId])) as {
      amount: number;
      period_start: Date;
      period_end: Date;
    }[];

  it('monthly periods follow the calendar from Jan 31 (Feb 28, Mar 31), one renewal charge each; a second run does nothing', async () => {
    clock.set(new Date('2027-01-31T09:00:00Z'));
    const tenant = await provisionTenantViaApi(t, owner, seats, { licenses: 2, trialDays: 0 });
    expect(await sub(tenant.id)).toMatchObject({ current_period_end: new Date('2027-02-28T09:00:00Z') });
    clock.set(new Date('2027-04-01T00:00:00Z')); // two periods ended: Feb 28 and Mar 31
    await run();
    expect((await renewals(tenant.id)).map((r) => [r.amount, r.period_start.toISOString(), r.period_end.toISOString()])).toEqual([
      [3000, '2027-02-28T09:00:00.000Z', '2027-03-31T09:00:00.000Z'],
      [3000, '2027-03-31T09:00:00.000Z', '2027-04-30T09:00:00.000Z'],
    ]);
    // No payment method on file: the renewal invoices stay unpaid, so dunning has made it past due.
    expect(await sub(tenant.id)).toMatchObject({ status: 'past_due', current_period_end: new Date('2027-04-30T09:00:00Z') });
    expect((await t.db.query(`SELECT current_period_ends_at FROM tenant_quotas WHERE tenant_id = $1`, [tenant.id]))[0].current_period_ends_at).toEqual(new Date('2027-04-30T09:00:00Z'));
    expect(await outboxEvents(t, tenant.id, 'subscription.renewed')).toHaveLength(2);
    await run();
    expect(await renewals(tenant.id)).toHaveLength(2);
  });

  it('a trial: the reminder 3 days before (once), then at its end the plan becomes active with its first period charged', async () => {
    clock.set(new Date('2027-05-01T00:00:00Z'));
    const tenant = await provisionTenantViaApi(t, owner, seats, { licenses: 3, trialDays: 10 }); // ends May 11
    clock.set(new Date('2027-05-08T12:00:00Z'));
    await run();
    await run();
    expect(await outboxEvents(t, tenant.id, 'subscription.trial_will_end')).toHaveLength(1);
    clock.set(new Date('2027-05-11T00:00:01Z'));
    await run();
    // Converted; with no payment method on file its first invoice is unpaid, so dunning made it past due.
    expect(await sub(tenant.id)).toMatchObject({ status: 'past_due', trial_ends_at: null, current_period_start: new Date('2027-05-11T00:00:00Z'), current_period_end: new Date('2027-06-11T00:00:00Z') });
    expect((await t.db.query(`SELECT billing_status FROM tenant_quotas WHERE tenant_id = $1`, [tenant.id]))[0].billing_status).toBe('past_due');
    const charged = await t.db.query(`SELECT amount_cents::int AS amount FROM pending_invoice_items WHERE tenant_id = $1 AND source_action = 'trial.end'`, [tenant.id]);
    expect(charged).toEqual([{ amount: 4500 }]);
    expect((await outboxEvents(t, tenant.id, 'subscription.trial_ended'))[0].payload).toMatchObject({ outcome: 'converted', status: 'active' });
    await run();
    expect(await t.db.query(`SELECT 1 FROM pending_invoice_items WHERE tenant_id = $1 AND source_action = 'trial.end'`, [tenant.id])).toHaveLength(1);
  });

  it('a module trial ends cancelled: the module turns off', async () => {
    clock.set(new Date('2027-06-01T00:00:00Z'));
    const tenant = await provisionTenantViaApi(t, owner, seats, { licenses: 3, trialDays: 0 });
    const admin = (await signIn(t, tenant.slug, tenant.admin.email, tenant.admin.password)).accessToken;
    expect((await t.as(admin).POST('/api/v1/tenant/modules/{moduleCode}/subscribe', { params: { path: { moduleCode: mod } }, body: { interval: 'month' } })).response.status).toBe(200);
    clock.set(new Date('2027-06-09T00:00:00Z'));
    await run();
    expect(await sub(tenant.id, 'module')).toMatchObject({ status: 'cancelled' });
    const ent = await t.as(admin).GET('/api/v1/tenant/entitlements', { params: { query: { limit: 100 } } });
    expect(ent.data!.data.find((e) => e.module === mod)).toMatchObject({ isEntitled: false, reason: 'subscription_cancelled' });
  });

  it('a downgrade scheduled for the period end is applied by the renewal, at the new plan’s price', async () => {
    clock.set(new Date('2027-07-01T00:00:00Z'));
    const tenant = await provisionTenantViaApi(t, owner, seats, { licenses: 2, trialDays: 0 });
    const res = await t.as(owner).POST('/api/v1/admin/tenants/{tenantId}/subscription/change-plan', { params: { path: { tenantId: tenant.id } }, body: { planCode: lite } });
    expect(res.data!.effective).toBe('period_end');
    clock.set(new Date('2027-08-01T00:00:00Z'));
    await run();
    expect(await sub(tenant.id)).toMatchObject({ item_code: lite, current_period_end: new Date('2027-09-01T00:00:00Z') });
    expect((await renewals(tenant.id)).map((r) => r.amount)).toEqual([2000]);
    expect((await t.db.query(`SELECT p.code FROM tenant_quotas q JOIN plans p ON p.id = q.plan_id WHERE q.tenant_id = $1`, [tenant.id]))[0].code).toBe(lite);
  });

  it('a cancellation at period end cancels at the end, with no renewal charge; the tenant’s billing status follows', async () => {
    clock.set(new Date('2027-09-01T00:00:00Z'));
    const tenant = await provisionTenantViaApi(t, owner, seats, { licenses: 2, trialDays: 0 });
    await t.db.query(`UPDATE subscriptions SET cancel_at_period_end = true WHERE tenant_id = $1 AND kind = 'plan'`, [tenant.id]);
    clock.set(new Date('2027-10-01T00:00:00Z'));
    await run();
    expect(await sub(tenant.id)).toMatchObject({ status: 'cancelled' });
    expect(await renewals(tenant.id)).toEqual([]);
    expect((await t.db.query(`SELECT billing_status FROM tenant_quotas WHERE tenant_id = $1`, [tenant.id]))[0].billing_status).toBe('cancelled');
    expect(await outboxEvents(t, tenant.id, 'subscription.cancelled')).toHaveLength(1);
  });
});
