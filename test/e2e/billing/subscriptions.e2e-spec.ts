import { createTestApp, expectProblem, loginStaff, TestApp, unique } from '../../support/app';
import { ControllableClock } from '../../support/clock';
import { addTenantUserViaApi, outboxEvents, provisionTenantViaApi, signIn } from '../../support/fixtures';

/**
 * The super admin's subscription API on a seat-priced plan: provisioning with licenses on trial,
 * the subscription page, conversion to paid, licenses added with proration and removed never
 * below the active users, previews that change nothing and equal the real call.
 */
describe('plan subscriptions (admin)', () => {
  // March 2027 has 31 days; the clock stands still unless a test moves it.
  const clock = new ControllableClock(new Date('2027-03-01T00:00:00Z'));
  let t: TestApp;
  let owner: string;
  let planCode: string;

  beforeAll(async () => {
    t = await createTestApp({}, [], { clock });
    owner = (await loginStaff(t)).accessToken;
    planCode = unique('seats').toLowerCase();
    const plan = await t.as(owner).POST('/api/v1/admin/plans', {
      body: { code: planCode, name: 'Seats', monthlyPriceCents: 0, annualPriceCents: 0, seatMonthlyPriceCents: 1500, seatAnnualPriceCents: 15000, currency: 'USD' },
    });
    expect(plan.response.status).toBe(201);
  });
  afterAll(() => t.close());

  const p = (tenantId: string) => ({ params: { path: { tenantId } } });
  const view = async (tenantId: string) => {
    const res = await t.as(owner).GET('/api/v1/admin/tenants/{tenantId}/subscription', p(tenantId));
    expect(res.response.status).toBe(200);
    return res.data!;
  };
  const pending = async (tenantId: string) =>
    (await t.db.query(`SELECT description, quantity, unit_amount_cents::int AS unit, amount_cents::int AS amount, proration, source_action FROM pending_invoice_items WHERE tenant_id = $1 ORDER BY seq`, [
      tenantId,
    ])) as { description: string; quantity: number; unit: number; amount: number; proration: boolean; source_action: string }[];
  const quotaRow = async (tenantId: string) => (await t.db.query(`SELECT billing_status, licenses FROM tenant_quotas WHERE tenant_id = $1`, [tenantId]))[0] as { billing_status: string; licenses: number };
  const provision = async (licenses = 10, trialDays = 14) => provisionTenantViaApi(t, owner, planCode, { licenses, trialDays });

  it('provisioning with 10 licenses on trial: the subscription page shows licenses, users, costs and days left', async () => {
    clock.set(new Date('2027-03-01T00:00:00Z'));
    const tenant = await provision();
    const page = await view(tenant.id);
    expect(page).toMatchObject({
      tenantId: tenant.id,
      licenses: 10,
      totalUsers: 1,
      activeUsers: 1,
      recentActiveUsers: 0,
      usagePercentage: 10,
      trialDaysRemaining: 14,
      billingDaysRemaining: 14,
      monthlyCostCents: 15000,
      nextBillingDate: '2027-03-15T00:00:00.000Z',
      lastPaymentDate: null,
      billingEmail: expect.any(String),
      modules: [],
    });
    expect(page.subscription).toMatchObject({ kind: 'plan', itemCode: planCode, status: 'trial', interval: 'month', quantity: 10, unitAmountCents: 0, seatUnitAmountCents: 1500, periodAmountCents: 15000 });
    expect(await quotaRow(tenant.id)).toEqual({ billing_status: 'trial', licenses: 10 });
    expect(await pending(tenant.id)).toEqual([]); // a trial charges nothing
    const [created] = await outboxEvents(t, tenant.id, 'subscription.created');
    expect(created.payload).toMatchObject({ kind: 'plan', itemCode: planCode, status: 'trial', quantity: 10, trialEndsAt: '2027-03-15T00:00:00.000Z' });
  });

  it('convert-to-paid: the preview equals the real call; active, a new period from now, the first period charged; twice → 409 not_in_trial', async () => {
    clock.set(new Date('2027-03-01T00:00:00Z'));
    const tenant = await provision();
    clock.set(new Date('2027-03-05T00:00:00Z'));
    const preview = await t.as(owner).POST('/api/v1/admin/tenants/{tenantId}/subscription/convert-to-paid', { ...p(tenant.id), body: { preview: true } });
    expect(preview.response.status).toBe(200);
    expect(await pending(tenant.id)).toEqual([]);
    expect((await view(tenant.id)).subscription.status).toBe('trial');

    const real = await t.as(owner).POST('/api/v1/admin/tenants/{tenantId}/subscription/convert-to-paid', { ...p(tenant.id), body: {} });
    expect(real.response.status).toBe(200);
    expect(real.data!.lines).toEqual(preview.data!.lines);
    expect(real.data!.totalCents).toBe(15000);
    expect(real.data!.lines).toEqual([
      { description: `10 × license (${planCode}, monthly)`, quantity: 10, unitAmountCents: 1500, amountCents: 15000, currency: 'USD', periodStart: '2027-03-05T00:00:00.000Z', periodEnd: '2027-04-05T00:00:00.000Z', proration: false, kind: 'charge' },
    ]);
    expect(real.data!.subscription).toMatchObject({ status: 'active', trialEndsAt: null, currentPeriodStart: '2027-03-05T00:00:00.000Z', currentPeriodEnd: '2027-04-05T00:00:00.000Z' });
    expect({ ...real.data!.subscription, updatedAt: null }).toEqual({ ...preview.data!.subscription, updatedAt: null });
    expect(await pending(tenant.id)).toEqual([{ description: `10 × license (${planCode}, monthly)`, quantity: 10, unit: 1500, amount: 15000, proration: false, source_action: 'trial.convert' }]);
    expect(await quotaRow(tenant.id)).toEqual({ billing_status: 'active', licenses: 10 });
    expect((await outboxEvents(t, tenant.id, 'subscription.converted')).map((e) => e.payload.amountCents)).toEqual([15000]);
    const audit = await t.db.query(`SELECT action, outcome FROM audit_logs WHERE tenant_id = $1 AND action LIKE 'subscriptions.convert_to_paid%' ORDER BY occurred_at`, [tenant.id]);
    expect(audit).toEqual([
      { action: 'subscriptions.convert_to_paid.preview', outcome: 'success' },
      { action: 'subscriptions.convert_to_paid', outcome: 'success' },
    ]);

    const again = await t.as(owner).POST('/api/v1/admin/tenants/{tenantId}/subscription/convert-to-paid', { ...p(tenant.id), body: {} });
    expect(await expectProblem(again, 409, 'not_in_trial')).toMatchObject({ currentStatus: 'active' });
  });

  it('adding 5 licenses half-way through a 31-day period: monthly cost 15000 → 22500 and 3750 prorated, preview first', async () => {
    clock.set(new Date('2027-03-01T00:00:00Z'));
    const tenant = await provision(10, 0); // no trial: active, period Mar 1 → Apr 1, first period charged
    expect(await pending(tenant.id)).toEqual([{ description: `10 × license (${planCode}, monthly)`, quantity: 10, unit: 1500, amount: 15000, proration: false, source_action: 'subscription.start' }]);
    clock.set(new Date('2027-03-16T12:00:00Z')); // 15.5 of 31 days left: half

    const preview = await t.as(owner).POST('/api/v1/admin/tenants/{tenantId}/subscription/licenses/add', { ...p(tenant.id), body: { quantity: 5, preview: true } });
    expect(preview.response.status).toBe(200);
    expect(preview.data!.preview).toBe(true);
    expect((await view(tenant.id)).licenses).toBe(10);
    expect(await pending(tenant.id)).toHaveLength(1);

    const real = await t.as(owner).POST('/api/v1/admin/tenants/{tenantId}/subscription/licenses/add', { ...p(tenant.id), body: { quantity: 5 } });
    expect(real.response.status).toBe(200);
    expect(real.data!.changes).toEqual({
      previousLicenses: 10,
      newLicenses: 15,
      previousMonthlyCostCents: 15000,
      newMonthlyCostCents: 22500,
      costDeltaCents: 7500,
      prorationCents: 3750,
      activeUsers: 1,
      availableSeats: 14,
    });
    expect(real.data!.changes).toEqual(preview.data!.changes);
    expect(real.data!.lines).toEqual(preview.data!.lines);
    expect(real.data!.lines).toEqual([
      { description: `Remaining time on 5 × license (${planCode})`, quantity: 5, unitAmountCents: 1500, amountCents: 3750, currency: 'USD', periodStart: '2027-03-16T12:00:00.000Z', periodEnd: '2027-04-01T00:00:00.000Z', proration: true, kind: 'charge' },
    ]);
    expect((await pending(tenant.id))[1]).toEqual({ description: `Remaining time on 5 × license (${planCode})`, quantity: 5, unit: 1500, amount: 3750, proration: true, source_action: 'licenses.add' });
    expect(await quotaRow(tenant.id)).toEqual({ billing_status: 'active', licenses: 15 });
    expect((await view(tenant.id)).monthlyCostCents).toBe(22500);
    const [changed] = await outboxEvents(t, tenant.id, 'subscription.licenses_changed');
    expect(changed.payload).toMatchObject({ previousLicenses: 10, newLicenses: 15, prorationCents: 3750 });
  });

  it('licenses are the members limit; removing below the active users → 409 naming them; a removal credits the unused part', async () => {
    clock.set(new Date('2027-03-01T00:00:00Z'));
    const tenant = await provision(6, 0);
    const admin = (await signIn(t, tenant.slug, tenant.admin.email, tenant.admin.password)).accessToken;
    for (let i = 0; i < 5; i += 1) await addTenantUserViaApi(t, admin);
    // 6 active users on 6 licenses: the seventh is refused.
    const seventh = await t.as(admin).POST('/api/v1/tenant/users', { body: { email: `${unique('u')}@x.example`, fullName: 'Seventh', role: 'member', password: 'pw-seventh-user-1' } });
    expect(await expectProblem(seventh, 402, 'quota_exceeded')).toMatchObject({ metric: 'members', limit: 6, used: 6 });

    await t.as(owner).POST('/api/v1/admin/tenants/{tenantId}/subscription/licenses/add', { ...p(tenant.id), body: { quantity: 9 } });
    const tooMany = await t.as(owner).POST('/api/v1/admin/tenants/{tenantId}/subscription/licenses/remove', { ...p(tenant.id), body: { quantity: 12 } });
    expect(await expectProblem(tooMany, 409, 'licenses_below_active_users')).toMatchObject({ currentActiveUsers: 6, requestedLicenses: 3, minimumRequired: 6 });
    expect((await view(tenant.id)).licenses).toBe(15);

    const belowOne = await t.as(owner).POST('/api/v1/admin/tenants/{tenantId}/subscription/licenses/remove', { ...p(tenant.id), body: { quantity: 15 } });
    expect(await expectProblem(belowOne, 409, 'licenses_below_minimum')).toMatchObject({ requestedLicenses: 0, minimumRequired: 1 });

    clock.set(new Date('2027-03-24T00:00:00Z')); // 8 of 31 days left
    const removed = await t.as(owner).POST('/api/v1/admin/tenants/{tenantId}/subscription/licenses/remove', { ...p(tenant.id), body: { quantity: 9 } });
    expect(removed.response.status).toBe(200);
    // 9 × 1500 × 8/31 = 3483.87… → a credit of 3484.
    expect(removed.data!.changes).toMatchObject({ previousLicenses: 15, newLicenses: 6, prorationCents: -3484, activeUsers: 6, availableSeats: 0 });
    expect((await pending(tenant.id)).at(-1)).toMatchObject({ quantity: -9, amount: -3484, proration: true, source_action: 'licenses.remove' });
  });

  it('a license removal racing user creations never leaves more active users than licenses', async () => {
    clock.set(new Date('2027-03-01T00:00:00Z'));
    const tenant = await provision(4, 0);
    const admin = (await signIn(t, tenant.slug, tenant.admin.email, tenant.admin.password)).accessToken;
    for (let round = 0; round < 3; round += 1) {
      // Each round: one seat left (licenses = active + 1); a removal of 1 races two creations.
      const before = await view(tenant.id);
      if (before.licenses! !== before.activeUsers + 1) {
        await t.as(owner).POST('/api/v1/admin/tenants/{tenantId}/subscription/licenses/add', { ...p(tenant.id), body: { quantity: before.activeUsers + 1 - before.licenses! } });
      }
      await Promise.all([
        t.as(owner).POST('/api/v1/admin/tenants/{tenantId}/subscription/licenses/remove', { ...p(tenant.id), body: { quantity: 1 } }),
        t.as(admin).POST('/api/v1/tenant/users', { body: { email: `${unique('r')}@x.example`, fullName: 'Racer', role: 'member', password: 'pw-racer-user-01' } }),
        t.as(admin).POST('/api/v1/tenant/users', { body: { email: `${unique('r')}@x.example`, fullName: 'Racer', role: 'member', password: 'pw-racer-user-01' } }),
      ]);
      const [{ active }] = await t.db.query(`SELECT count(*)::int AS active FROM tenant_users WHERE tenant_id = $1 AND is_active`, [tenant.id]);
      const { licenses } = await quotaRow(tenant.id);
      expect(active).toBeLessThanOrEqual(licenses);
      expect((await view(tenant.id)).licenses).toBe(licenses);
    }
  });

  it('a seat reservation reads its limit under the lock a license change holds: it waits, then sees the lowered count', async () => {
    clock.set(new Date('2027-03-01T00:00:00Z'));
    const tenant = await provision(2, 0); // 2 licenses, 1 active user (the admin)
    const admin = (await signIn(t, tenant.slug, tenant.admin.email, tenant.admin.password)).accessToken;
    // A license change in progress: the quota row updated, not committed yet.
    const runner = t.db.createQueryRunner();
    await runner.startTransaction();
    await runner.query(`UPDATE tenant_quotas SET licenses = 1 WHERE tenant_id = $1`, [tenant.id]);
    let settled = false;
    const creation = t.as(admin)
      .POST('/api/v1/tenant/users', { body: { email: `${unique('w')}@x.example`, fullName: 'Waiter', role: 'member', password: 'pw-waiting-user-1' } })
      .finally(() => (settled = true));
    await new Promise((r) => setTimeout(r, 400));
    expect(settled).toBe(false); // waiting for the license change
    await runner.commitTransaction();
    await runner.release();
    const res = await creation;
    expect(await expectProblem(res, 402, 'quota_exceeded')).toMatchObject({ metric: 'members', limit: 1, used: 1 });
    const [{ active }] = await t.db.query(`SELECT count(*)::int AS active FROM tenant_users WHERE tenant_id = $1 AND is_active`, [tenant.id]);
    expect(active).toBe(1);
  });

  it('PUT subscription edits the page’s fields, answers before/after per field, writes the billing state and the tenant’s contact', async () => {
    clock.set(new Date('2027-03-01T00:00:00Z'));
    const tenant = await provision(10, 0);
    const put = (body: Record<string, unknown>) => t.as(owner).PUT('/api/v1/admin/tenants/{tenantId}/subscription', { ...p(tenant.id), body: body as never });
    const res = await put({ licenses: 12, priceOverrideCents: 9900, billingEmail: 'billing@edited.example', paymentMethodLabel: 'Visa •••• 4242', notes: 'Negotiated in March' });
    expect(res.response.status).toBe(200);
    expect(res.data!.changes).toEqual({
      licenses: { before: 10, after: 12 },
      priceOverrideCents: { before: null, after: 9900 },
      billingEmail: { before: null, after: 'billing@edited.example' },
      paymentMethodLabel: { before: null, after: 'Visa •••• 4242' },
      notes: { before: null, after: 'Negotiated in March' },
    });
    expect(res.data!.subscription).toMatchObject({ licenses: 12, monthlyCostCents: 9900, billingEmail: 'billing@edited.example', paymentMethodLabel: 'Visa •••• 4242', notes: 'Negotiated in March' });
    expect(await quotaRow(tenant.id)).toEqual({ billing_status: 'active', licenses: 12 });
    expect((await t.db.query(`SELECT billing_email FROM tenants WHERE id = $1`, [tenant.id]))[0].billing_email).toBe('billing@edited.example');
    expect(await pending(tenant.id)).toHaveLength(1); // a staff edit charges no proration
    const [audit] = await t.db.query(`SELECT action, outcome FROM audit_logs WHERE tenant_id = $1 AND action = 'subscriptions.update'`, [tenant.id]);
    expect(audit).toEqual({ action: 'subscriptions.update', outcome: 'success' });

    // Removing the override: the cost follows the licenses again (12 × 1500).
    expect((await put({ priceOverrideCents: null })).data!.subscription.monthlyCostCents).toBe(18000);
    expect(await expectProblem(await put({ licenses: 0 }), 400, 'validation_failed')).toMatchObject({ errors: [{ field: 'licenses', message: expect.any(String) }] });
    await expectProblem(await put({}), 400, 'validation_failed');
    // The status is the tenant's billing status (one source of truth).
    expect((await put({ status: 'past_due' })).response.status).toBe(200);
    expect(await quotaRow(tenant.id)).toEqual({ billing_status: 'past_due', licenses: 12 });
  });

  it('GET /admin/subscriptions lists every subscription with filters by tenant, status, kind, plan, trials ending and renewals due', async () => {
    clock.set(new Date('2027-03-01T00:00:00Z'));
    const trialing = await provision(5, 3); // trial ends Mar 4
    const paying = await provision(5, 0); // renews Apr 1
    const list = async (query: Record<string, unknown>) => {
      const res = await t.as(owner).GET('/api/v1/admin/subscriptions', { params: { query: { limit: 100, ...query } as never } });
      expect(res.response.status).toBe(200);
      return res.data!;
    };
    const ids = (page: { data: { tenantId: string }[] }) => page.data.map((s) => s.tenantId);
    expect(ids(await list({ tenantId: trialing.id }))).toEqual([trialing.id]);
    expect((await list({ tenantId: paying.id, kind: 'plan', planCode })).data[0]).toMatchObject({ kind: 'plan', itemCode: planCode, status: 'active', quantity: 5 });
    expect(ids(await list({ planCode, trialEndingWithinDays: 5 }))).toContain(trialing.id);
    expect(ids(await list({ planCode, trialEndingWithinDays: 5 }))).not.toContain(paying.id);
    expect(ids(await list({ planCode, renewingWithinDays: 31 }))).toContain(paying.id);
    expect(ids(await list({ planCode, renewingWithinDays: 10 }))).not.toContain(paying.id);
    expect(ids(await list({ tenantId: paying.id, kind: 'module' }))).toEqual([]);
    const sorted = await list({ planCode, sort: 'currentPeriodEnd', order: 'asc' });
    const ends = sorted.data.map((s) => s.currentPeriodEnd);
    expect([...ends].sort()).toEqual(ends);
    const bad = await t.as(owner).GET('/api/v1/admin/subscriptions', { params: { query: { status: 'frozen', renewingWithinDays: -1 } as never } });
    expect(bad.response.status).toBe(400);
    expect((bad.error as { errors: { field: string }[] }).errors.map((e) => e.field).sort()).toEqual(['renewingWithinDays', 'status']);
  });

  describe('change-plan and extend-trial', () => {
    let pro: string;
    let lite: string;
    let mod: string;
    beforeAll(async () => {
      mod = unique('incl').toLowerCase();
      expect((await t.as(owner).POST('/api/v1/admin/modules', { body: { code: mod, name: 'Included', monthlyPriceCents: 100, annualPriceCents: 1000, currency: 'USD' } })).response.status).toBe(201);
      const plan = async (body: Record<string, unknown>) => {
        const code = unique('p').toLowerCase();
        const res = await t.as(owner).POST('/api/v1/admin/plans', { body: { code, name: code, annualPriceCents: 0, seatAnnualPriceCents: 150000, currency: 'USD', ...body } as never });
        expect(res.response.status).toBe(201);
        return code;
      };
      pro = await plan({ monthlyPriceCents: 5000, seatMonthlyPriceCents: 2000, features: { [mod]: true } });
      lite = await plan({ monthlyPriceCents: 0, seatMonthlyPriceCents: 1000, limits: { members: 1 } });
    });
    const change = (tenantId: string, body: Record<string, unknown>) => t.as(owner).POST('/api/v1/admin/tenants/{tenantId}/subscription/change-plan', { ...p(tenantId), body: body as never });

    it('an upgrade now credits the unused old price and charges the new one for the rest of the period; the preview equals it', async () => {
      clock.set(new Date('2027-03-01T00:00:00Z'));
      const tenant = await provision(10, 0); // 10 × 1500 = 15000 / month, Mar 1 → Apr 1
      clock.set(new Date('2027-03-16T12:00:00Z')); // half of March left
      const preview = await change(tenant.id, { planCode: pro, preview: true });
      expect(preview.response.status).toBe(200);
      expect((await view(tenant.id)).subscription.itemCode).toBe(planCode);
      const real = await change(tenant.id, { planCode: pro });
      expect(real.response.status).toBe(200);
      expect(real.data!).toMatchObject({ effective: 'now', upgrade: true, totalCents: 5000 });
      // 5000 + 10 × 2000 = 25000 a month: −7500 for the unused half of 15000, +12500 for the new half.
      expect(real.data!.lines.map((l) => [l.description, l.amountCents, l.proration])).toEqual([
        [`Unused time on ${planCode}`, -7500, true],
        [`Remaining time on ${pro}`, 12500, true],
      ]);
      expect(real.data!.lines).toEqual(preview.data!.lines);
      expect(real.data!.subscription).toMatchObject({ itemCode: pro, unitAmountCents: 5000, seatUnitAmountCents: 2000, monthlyCostCents: 25000 });
      expect((await t.db.query(`SELECT p.code FROM tenant_quotas q JOIN plans p ON p.id = q.plan_id WHERE q.tenant_id = $1`, [tenant.id]))[0].code).toBe(pro);
      expect((await pending(tenant.id)).filter((i) => i.source_action === 'plan.change').map((i) => i.amount)).toEqual([-7500, 12500]);
      expect((await outboxEvents(t, tenant.id, 'subscription.plan_changed'))[0].payload).toMatchObject({ previousPlanCode: planCode, newPlanCode: pro, effective: 'now', prorationCents: 5000 });

      // The entitlements follow the plan: the module the new plan includes is on.
      const me = await signIn(t, tenant.slug, tenant.admin.email, tenant.admin.password);
      const ent = await t.as(me.accessToken).GET('/api/v1/tenant/entitlements', { params: { query: { limit: 100 } } });
      expect(ent.data!.data.find((e) => e.module === mod)).toMatchObject({ isEntitled: true, reason: 'included_in_plan' });
    });

    it('a downgrade waits for the period end by default and says what breaks; nothing is charged now', async () => {
      clock.set(new Date('2027-03-01T00:00:00Z'));
      const tenant = await provision(10, 0);
      expect((await change(tenant.id, { planCode: pro })).response.status).toBe(200); // now on pro (includes the module)
      const admin = (await signIn(t, tenant.slug, tenant.admin.email, tenant.admin.password)).accessToken;
      await addTenantUserViaApi(t, admin); // 2 active users: lite's members limit (1) is not theirs, the 10 licenses are
      const preview = await change(tenant.id, { planCode: lite, preview: true });
      expect(preview.data!).toMatchObject({ effective: 'period_end', upgrade: false, lines: [], totalCents: 0, effectiveAt: '2027-04-01T00:00:00.000Z' });
      expect(preview.data!.impact.modulesTurningOff).toEqual([mod]);
      const real = await change(tenant.id, { planCode: lite });
      expect(real.data!.subscription).toMatchObject({ itemCode: pro, scheduledChange: { planCode: lite, interval: 'month', effectiveAt: '2027-04-01T00:00:00.000Z' } });
      expect(real.data!.impact).toEqual(preview.data!.impact);
      expect((await t.db.query(`SELECT p.code FROM tenant_quotas q JOIN plans p ON p.id = q.plan_id WHERE q.tenant_id = $1`, [tenant.id]))[0].code).toBe(pro);
    });

    it('month → year is immediate: the unused month credited, a year charged from now', async () => {
      clock.set(new Date('2027-03-01T00:00:00Z'));
      const tenant = await provision(10, 0);
      clock.set(new Date('2027-03-16T12:00:00Z'));
      const res = await change(tenant.id, { planCode, interval: 'year' });
      expect(res.data!).toMatchObject({ effective: 'now' });
      expect(res.data!.subscription).toMatchObject({ interval: 'year', currentPeriodStart: '2027-03-16T12:00:00.000Z', currentPeriodEnd: '2028-03-16T12:00:00.000Z', seatUnitAmountCents: 15000 });
      expect(res.data!.lines.map((l) => [l.amountCents, l.proration])).toEqual([
        [-7500, true],
        [150000, false],
      ]);
    });

    it('extend-trial: later end by days or date; not later → 400; not in trial → 409 not_in_trial', async () => {
      clock.set(new Date('2027-03-01T00:00:00Z'));
      const tenant = await provision(10, 14);
      const extend = (body: Record<string, unknown>) => t.as(owner).POST('/api/v1/admin/tenants/{tenantId}/subscription/extend-trial', { ...p(tenant.id), body: body as never });
      const res = await extend({ days: 7, reason: 'Evaluation extended by sales' });
      expect(res.response.status).toBe(200);
      expect(res.data!).toMatchObject({ trialDaysRemaining: 21, subscription: { trialEndsAt: '2027-03-22T00:00:00.000Z', currentPeriodEnd: '2027-03-22T00:00:00.000Z' } });
      expect((await t.db.query(`SELECT trial_ends_at FROM tenant_quotas WHERE tenant_id = $1`, [tenant.id]))[0].trial_ends_at).toEqual(new Date('2027-03-22T00:00:00Z'));
      expect(await expectProblem(await extend({ trialEndsAt: '2027-03-10T00:00:00Z', reason: 'Shorter' }), 400, 'validation_failed')).toMatchObject({ errors: [{ field: 'trialEndsAt', message: expect.any(String) }] });
      await expectProblem(await extend({ reason: 'Neither' }), 400, 'validation_failed');
      await t.as(owner).POST('/api/v1/admin/tenants/{tenantId}/subscription/convert-to-paid', { ...p(tenant.id), body: {} });
      expect(await expectProblem(await extend({ days: 3, reason: 'Too late' }), 409, 'not_in_trial')).toMatchObject({ currentStatus: 'active' });
    });
  });

  it('unknown tenant → 404 tenant_not_found; support staff read but cannot change licenses; bad quantity → 400 naming it', async () => {
    await expectProblem(await t.as(owner).GET('/api/v1/admin/tenants/{tenantId}/subscription', p('00000000-0000-4000-8000-000000000000')), 404, 'tenant_not_found');
    const tenant = await provision();
    const bad = await t.as(owner).POST('/api/v1/admin/tenants/{tenantId}/subscription/licenses/add', { ...p(tenant.id), body: { quantity: 0 } });
    expect(bad.response.status).toBe(400);
    expect((bad.error as { errors: { field: string }[] }).errors.map((e) => e.field)).toEqual(['quantity']);
  });
});
