import { randomUUID } from 'node:crypto';
import { BillingLifecycleService } from '../../../src/modules/billing/billing-lifecycle.service';
import { UnitOfWork } from '../../../src/common/events';
import { MrrRebuildProcessor } from '../../../src/modules/billing/revenue/mrr-rebuild.processor';
import { MrrRollupService } from '../../../src/modules/billing/revenue/mrr-rollup.service';
import { createStaff, createTestApp, expectProblem, loginStaff, rawFetch, TestApp, unique } from '../../support/app';
import { ControllableClock } from '../../support/clock';
import { provisionTenantViaApi, signIn } from '../../support/fixtures';

/**
 * Revenue metrics from the MRR movements ledger: every subscription change records the tenant's
 * movement per currency (new, expansion, contraction, churn, reactivation), the rebuild replays
 * the subscription history and finds no difference (and finds a tampered row), the metrics
 * endpoint's figures are the hand-computed ones, and a tenant's billing summary. Each test uses
 * a currency no subscription used before (freshCurrency), so platform-wide figures are its alone.
 */
describe('revenue metrics (MRR movements, rebuild, metrics, billing summary)', () => {
  const clock = new ControllableClock(new Date('2027-01-01T00:00:00Z'));
  let t: TestApp;
  let owner: string;

  beforeAll(async () => {
    t = await createTestApp({ BILLING_LIFECYCLE_INTERVAL_MS: '3600000' }, [], { clock });
    owner = (await loginStaff(t)).accessToken;
  });
  afterAll(() => t.close());

  /**
   * A currency no subscription of the test database uses yet (the figures are platform-wide, and a
   * re-run of this file on the same database must not see the previous run's tenants).
   */
  const taken = new Set<string>();
  const freshCurrency = async (): Promise<string> => {
    for (const code of Intl.supportedValuesOf('currency')) {
      if (taken.has(code) || ['USD', 'EUR', 'GBP'].includes(code)) continue;
      const [used] = await t.db.query(`SELECT EXISTS (SELECT 1 FROM subscriptions WHERE currency = $1) OR EXISTS (SELECT 1 FROM mrr_movements WHERE currency = $1) AS used`, [code]);
      taken.add(code);
      if (!used.used) return code;
    }
    throw new Error('no unused currency left: run test:prepare');
  };
  let NZD: string;
  let nzdFull: string;

  /** A seat-priced monthly plan in `currency` (seat `seat` per month, ×10 per year). */
  const plan = async (currency: string, seat: number) => {
    const code = unique('rv').toLowerCase();
    const res = await t.as(owner).POST('/api/v1/admin/plans', { body: { code, name: code, monthlyPriceCents: 0, annualPriceCents: 0, seatMonthlyPriceCents: seat, seatAnnualPriceCents: seat * 10, currency } as never });
    expect(res.response.status).toBe(201);
    return code;
  };
  const p = (tenantId: string) => ({ params: { path: { tenantId } } });
  const movements = async (tenantId: string) =>
    (await t.db.query(`SELECT kind, mrr_before_cents::int AS before, mrr_after_cents::int AS after, delta_cents::int AS delta, occurred_at, cause FROM mrr_movements WHERE tenant_id = $1 ORDER BY seq`, [tenantId])) as {
      kind: string;
      before: number;
      after: number;
      delta: number;
      occurred_at: Date;
      cause: string;
    }[];
  const rebuild = async (body: { dryRun?: boolean; tenantId?: string }) => {
    const res = await t.as(owner).POST('/api/v1/admin/billing/metrics/rebuild', { body });
    expect(res.response.status).toBe(200);
    return res.data!;
  };

  /**
   * Tenant A in NZD (seat 1,000/month on `full`, 500 on `lite`; module 2,000/month), tenant B on
   * 10 licenses of `full` from Jan 1. A's sequence and the MRR after each step:
   * Jan 1 start 10 licenses (new 10,000) · Jan 15 +5 licenses (expansion +5,000 → 15,000) ·
   * Feb 1 paid module (expansion +2,000 → 17,000) · Feb 10 downgrade to lite now (contraction
   * −7,500 → 9,500) · Mar 5 module cancelled (contraction −2,000 → 7,500) · Mar 5 plan cancelled
   * (churn −7,500 → 0) · Apr 2 reactivated (reactivation +7,500 → 7,500).
   */
  let tenantA: string;
  let tenantB: string;

  it('every subscription change records the tenant’s MRR movement at the Clock’s instant; a second recording of the same state writes nothing', async () => {
    NZD = await freshCurrency();
    const full = await plan(NZD, 1000);
    nzdFull = full;
    const lite = await plan(NZD, 500);
    const mod = unique('rvmod').toLowerCase();
    expect((await t.as(owner).POST('/api/v1/admin/modules', { body: { code: mod, name: 'M', monthlyPriceCents: 2000, annualPriceCents: 20000, currency: NZD, trialDays: 0 } })).response.status).toBe(201);

    clock.set(new Date('2027-01-01T00:00:00Z'));
    tenantA = (await provisionTenantViaApi(t, owner, full, { licenses: 10, trialDays: 0 })).id;
    tenantB = (await provisionTenantViaApi(t, owner, full, { licenses: 10, trialDays: 0 })).id;
    clock.set(new Date('2027-01-15T00:00:00Z'));
    expect((await t.as(owner).POST('/api/v1/admin/tenants/{tenantId}/subscription/licenses/add', { ...p(tenantA), body: { quantity: 5 } })).response.status).toBe(200);
    clock.set(new Date('2027-02-01T00:00:00Z'));
    const addModule = await t.as(owner).POST('/api/v1/admin/tenants/{tenantId}/subscription/modules/{moduleCode}', { params: { path: { tenantId: tenantA, moduleCode: mod } }, body: { interval: 'month', trial: false } });
    expect(addModule.response.status).toBe(200);
    clock.set(new Date('2027-02-10T00:00:00Z'));
    expect((await t.as(owner).POST('/api/v1/admin/tenants/{tenantId}/subscription/change-plan', { ...p(tenantA), body: { planCode: lite, effective: 'now' } })).data!.effective).toBe('now');
    clock.set(new Date('2027-03-05T00:00:00Z'));
    expect((await t.as(owner).DELETE('/api/v1/admin/tenants/{tenantId}/subscription/modules/{moduleCode}', { params: { path: { tenantId: tenantA, moduleCode: mod } } })).response.status).toBe(200);
    expect((await t.as(owner).PUT('/api/v1/admin/tenants/{tenantId}/subscription', { ...p(tenantA), body: { status: 'cancelled' } })).response.status).toBe(200);
    clock.set(new Date('2027-04-02T00:00:00Z'));
    expect((await t.as(owner).PUT('/api/v1/admin/tenants/{tenantId}/subscription', { ...p(tenantA), body: { status: 'active' } })).response.status).toBe(200);
    // A change that moves no MRR (notes) records nothing.
    expect((await t.as(owner).PUT('/api/v1/admin/tenants/{tenantId}/subscription', { ...p(tenantA), body: { notes: 'Renewal call in May' } })).response.status).toBe(200);

    expect((await movements(tenantA)).map((m) => [m.kind, m.before, m.after, m.delta, m.occurred_at.toISOString(), m.cause])).toEqual([
      ['new', 0, 10_000, 10_000, '2027-01-01T00:00:00.000Z', 'subscription.created'],
      ['expansion', 10_000, 15_000, 5_000, '2027-01-15T00:00:00.000Z', 'subscription.licenses_changed'],
      ['expansion', 15_000, 17_000, 2_000, '2027-02-01T00:00:00.000Z', 'module.subscribed'],
      ['contraction', 17_000, 9_500, -7_500, '2027-02-10T00:00:00.000Z', 'subscription.plan_changed'],
      ['contraction', 9_500, 7_500, -2_000, '2027-03-05T00:00:00.000Z', 'module.unsubscribed'],
      ['churn', 7_500, 0, -7_500, '2027-03-05T00:00:00.000Z', 'subscription.updated'],
      ['reactivation', 0, 7_500, 7_500, '2027-04-02T00:00:00.000Z', 'subscription.updated'],
    ]);
    expect(await t.db.query(`SELECT currency, mrr_cents::int AS mrr FROM tenant_mrr WHERE tenant_id = $1`, [tenantA])).toEqual([{ currency: NZD, mrr: 7_500 }]);
    // The history: one snapshot per change of a subscription's MRR columns, valid from the Clock's instant.
    const history = await t.db.query(`SELECT status, previous_status, quantity, valid_from FROM subscription_history WHERE tenant_id = $1 AND kind = 'plan' ORDER BY seq`, [tenantA]);
    expect(history.map((h: { status: string; quantity: number; valid_from: Date }) => [h.status, h.quantity, h.valid_from.toISOString()])).toEqual([
      ['active', 10, '2027-01-01T00:00:00.000Z'],
      ['active', 15, '2027-01-15T00:00:00.000Z'],
      ['active', 15, '2027-02-10T00:00:00.000Z'],
      ['cancelled', 15, '2027-03-05T00:00:00.000Z'],
      ['active', 15, '2027-04-02T00:00:00.000Z'],
    ]);
    expect(await movements(tenantB)).toHaveLength(1);
  });

  it('the rebuild replays the history through the same rules: zero differences for the sequence', async () => {
    for (const tenantId of [tenantA, tenantB]) {
      const result = await rebuild({ tenantId });
      expect(result).toMatchObject({ dryRun: true, tenantsChecked: 1, tenantsWithDifferences: 0, differencesCount: 0, differences: [] });
    }
  });

  it('GET /admin/billing/metrics: the hand-computed figures of the sequence (a fresh currency, named NZD here)', async () => {
    clock.set(new Date('2027-05-20T00:00:00Z'));
    const res = await t.as(owner).GET('/api/v1/admin/billing/metrics', { params: { query: { from: '2027-01-01T00:00:00Z', to: '2027-05-01T00:00:00Z', currency: NZD } } });
    expect(res.response.status).toBe(200);
    const body = res.data!;
    expect(body.currencies).toHaveLength(1);
    const nzd = body.currencies[0];
    // Jan: new 20,000 (A and B), expansion 5,000 → 25,000, 2 paying. Feb: +2,000 −7,500 → 19,500:
    // gross 7,500/25,000 = 0.3000, net (7,500 − 2,000)/25,000 = 0.2200. Mar: −2,000 −7,500 → 10,000,
    // 1 of 2 tenants churned (0.5000), gross = net = 9,500/19,500 = 0.4872. Apr: reactivation
    // +7,500 → 17,500, net (0 − 7,500)/10,000 = −0.7500.
    expect(nzd.months.map((m) => [m.month, m.mrrStartCents, m.newCents, m.expansionCents, m.contractionCents, m.churnedCents, m.reactivationCents, m.netCents, m.mrrEndCents])).toEqual([
      ['2027-01', 0, 20_000, 5_000, 0, 0, 0, 25_000, 25_000],
      ['2027-02', 25_000, 0, 2_000, -7_500, 0, 0, -5_500, 19_500],
      ['2027-03', 19_500, 0, 0, -2_000, -7_500, 0, -9_500, 10_000],
      ['2027-04', 10_000, 0, 0, 0, 0, 7_500, 7_500, 17_500],
    ]);
    expect(nzd.months.map((m) => [m.payingTenantsStart, m.payingTenantsEnd, m.newTenants, m.churnedTenants, m.reactivatedTenants, m.logoChurnRate, m.grossRevenueChurnRate, m.netRevenueChurnRate])).toEqual([
      [0, 2, 2, 0, 0, null, null, null],
      [2, 2, 0, 0, 0, '0.0000', '0.3000', '0.2200'],
      [2, 1, 0, 1, 0, '0.5000', '0.4872', '0.4872'],
      [1, 2, 0, 0, 1, '0.0000', '0.0000', '-0.7500'],
    ]);
    // ARPA 17,500 / 2 = 8,750; monthly gross churn averages (0.3 + 0.4872 + 0) / 3 = 0.2624,
    // LTV = 8,750 / 0.2624 = 33,346.03… → 33,346.
    expect(nzd).toMatchObject({
      currency: NZD,
      mrrCents: 17_500,
      arrCents: 210_000,
      payingTenants: 2,
      arpaCents: 8_750,
      averageGrossRevenueChurnRate: '0.2624',
      averageLogoChurnRate: '0.1667',
      averageNetRevenueChurnRate: '-0.0143',
      ltv: { ltvCents: 33_346, reason: null },
      totals: { newCents: 20_000, expansionCents: 7_000, contractionCents: -9_500, churnedCents: -7_500, reactivationCents: 7_500, netCents: 17_500 },
    });
    // Least squares through Nov–Apr month ends [0, 0, 25,000, 19,500, 10,000, 17,500]: x̄ 2.5, ȳ 12,000,
    // slope 56,000 / 17.5 = 3,200 → May 23,200, Jun 26,400, Jul 29,600.
    expect(nzd.forecast.basis.map((b) => [b.month, b.mrrCents])).toEqual([
      ['2026-11', 0],
      ['2026-12', 0],
      ['2027-01', 25_000],
      ['2027-02', 19_500],
      ['2027-03', 10_000],
      ['2027-04', 17_500],
    ]);
    expect(nzd.forecast.months).toEqual([
      { month: '2027-05', mrrCents: 23_200 },
      { month: '2027-06', mrrCents: 26_400 },
      { month: '2027-07', mrrCents: 29_600 },
    ]);
    expect(nzd.forecast.method).toMatch(/least-squares/);
    expect(body.ratioFormat).toMatch(/4 fractional digits/);

    // MRR at an earlier `to` is the ledger up to then; no churn in range → LTV null with the reason.
    const jan = await t.as(owner).GET('/api/v1/admin/billing/metrics', { params: { query: { from: '2027-01-01T00:00:00Z', to: '2027-02-01T00:00:00Z', currency: NZD } } });
    expect(jan.data!.currencies[0]).toMatchObject({ mrrCents: 25_000, payingTenants: 2, arpaCents: 12_500, ltv: { ltvCents: null, reason: expect.stringContaining('no revenue churn') } });
  });

  it('the monthly rollup answers the same figures; a movement recorded before its horizon moves the horizon back', async () => {
    const query = { params: { query: { from: '2027-01-01T00:00:00Z', to: '2027-05-01T00:00:00Z', currency: NZD } } };
    const raw = (await t.as(owner).GET('/api/v1/admin/billing/metrics', query)).data!;
    clock.set(new Date('2027-05-20T00:00:00Z'));
    expect(await t.app.get(UnitOfWork).run(() => t.app.get(MrrRollupService).rollUp())).toEqual({ closedUntil: new Date('2027-05-01T00:00:00Z') });
    const totals = await t.db.query(`SELECT to_char(month AT TIME ZONE 'UTC', 'YYYY-MM') AS month, kind, amount_cents::int AS amount FROM mrr_month_totals WHERE currency = $1 ORDER BY month, kind`, [NZD]);
    expect(totals).toContainEqual({ month: '2027-02', kind: 'contraction', amount: -7_500 });
    expect((await t.as(owner).GET('/api/v1/admin/billing/metrics', query)).data).toEqual(raw);
    // A tenant starts in March, before the horizon (the clock set back): the horizon moves to March.
    clock.set(new Date('2027-03-20T00:00:00Z'));
    await provisionTenantViaApi(t, owner, nzdFull, { licenses: 1, trialDays: 0 });
    expect((await t.db.query(`SELECT closed_until FROM mrr_rollup_state WHERE id = 1`))[0].closed_until).toEqual(new Date('2027-03-01T00:00:00Z'));
    const after = (await t.as(owner).GET('/api/v1/admin/billing/metrics', query)).data!.currencies[0];
    expect(after.months[2]).toMatchObject({ month: '2027-03', newCents: 1_000, mrrEndCents: 11_000, payingTenantsEnd: 2 });
    expect(after).toMatchObject({ mrrCents: 18_500, payingTenants: 3 });
    clock.set(new Date('2027-05-20T00:00:00Z'));
  });

  it('a tampered movement, a tampered state and a change made without a recording are reported; without dryRun they are repaired', async () => {
    const [expansion] = await t.db.query(`SELECT id FROM mrr_movements WHERE tenant_id = $1 AND kind = 'expansion' ORDER BY seq LIMIT 1`, [tenantA]);
    await t.db.query(`UPDATE mrr_movements SET mrr_after_cents = mrr_after_cents + 999, delta_cents = delta_cents + 999 WHERE id = $1`, [expansion.id]);
    const tampered = await rebuild({ tenantId: tenantA });
    expect(tampered).toMatchObject({ dryRun: true, tenantsChecked: 1, tenantsWithDifferences: 1, differencesCount: 1 });
    expect(tampered.differences[0]).toMatchObject({
      tenantId: tenantA,
      kind: 'movement_mismatch',
      currency: NZD,
      movementId: expansion.id,
      expected: { kind: 'expansion', mrrAfterCents: 15_000, deltaCents: 5_000 },
      actual: { kind: 'expansion', mrrAfterCents: 15_999, deltaCents: 5_999 },
    });
    expect(tampered.differences[0].detail).toContain('deltaCents: expected 5000, recorded 5999');
    // A dry run changed nothing.
    expect((await t.db.query(`SELECT delta_cents::int AS delta FROM mrr_movements WHERE id = $1`, [expansion.id]))[0].delta).toBe(5_999);

    await t.db.query(`UPDATE tenant_mrr SET mrr_cents = 1 WHERE tenant_id = $1`, [tenantB]);
    await t.db.query(`UPDATE subscriptions SET quantity = 12 WHERE tenant_id = $1 AND kind = 'plan'`, [tenantB]);
    const both = await rebuild({ tenantId: tenantB });
    expect(both.differences.map((d) => d.kind).sort()).toEqual(['state_mismatch', 'unrecorded_change']);

    // Repair: movements and state from the replay, then a recording of the unrecorded change.
    const support = await createStaff(t, owner, 'support');
    const supportToken = (await loginStaff(t, support.email, support.password)).accessToken;
    expect((await t.as(supportToken).POST('/api/v1/admin/billing/metrics/rebuild', { body: { dryRun: false } })).response.status).toBe(403);
    expect(await rebuild({ dryRun: false, tenantId: tenantA })).toMatchObject({ dryRun: false, tenantsRepaired: 1 });
    expect(await rebuild({ dryRun: false, tenantId: tenantB })).toMatchObject({ tenantsRepaired: 1 });
    expect((await movements(tenantA)).map((m) => m.delta)).toEqual([10_000, 5_000, 2_000, -7_500, -2_000, -7_500, 7_500]);
    expect((await movements(tenantB)).map((m) => [m.kind, m.after, m.cause])).toEqual([
      ['new', 10_000, 'subscription.created'],
      ['expansion', 12_000, 'mrr.rebuild'],
    ]);
    for (const tenantId of [tenantA, tenantB]) expect((await rebuild({ tenantId })).differencesCount).toBe(0);
    const [audit] = await t.db.query(`SELECT action, outcome, tenant_id, metadata FROM audit_logs WHERE action = 'revenue.rebuild' AND outcome = 'success' AND tenant_id = $1 ORDER BY occurred_at DESC LIMIT 1`, [tenantB]);
    expect(audit).toMatchObject({ action: 'revenue.rebuild', outcome: 'success', tenant_id: tenantB, metadata: { dryRun: true, tenantsChecked: 1, differencesCount: 0 } });
  });

  it('the rebuild also runs as a Bull job on the billing queue, with its audit row', async () => {
    const result = await t.app.get(MrrRebuildProcessor).run({ data: { dryRun: true, tenantId: tenantA } });
    expect(result).toMatchObject({ tenantsChecked: 1, differencesCount: 0 });
    const [audit] = await t.db.query(`SELECT actor_type, changes FROM audit_logs WHERE action = 'revenue.rebuild' AND actor_type = 'system' ORDER BY occurred_at DESC LIMIT 1`);
    expect(audit.changes).toMatchObject({ dryRun: true, tenantsChecked: 1, differencesCount: 0 });
  });

  /**
   * SEK: on Jun 1, T1 and T2 start 10-day trials on 2 licenses of 1,000; T2 cancels at its end;
   * T3 and T4 start trials of 10 and 30 days on Jun 6 (ending Jun 16 and Jul 6). On Jun 12 the lifecycle converts T1 (new
   * 2,000, invoiced) and cancels T2: 1 of 2 trials ended converted (0.5000); from Jun 12, T3 ends
   * within 7 days and T4 within 30.
   */
  it('trial conversion, trials expiring soon, failed and recent payments, and a tenant’s billing summary', async () => {
    const SEK = await freshCurrency();
    const sek = await plan(SEK, 1000);
    clock.set(new Date('2027-06-01T00:00:00Z'));
    const t1 = await provisionTenantViaApi(t, owner, sek, { licenses: 2, trialDays: 10 });
    const t2 = await provisionTenantViaApi(t, owner, sek, { licenses: 2, trialDays: 10 });
    await t.db.query(`UPDATE subscriptions SET cancel_at_period_end = true WHERE tenant_id = $1`, [t2.id]);
    clock.set(new Date('2027-06-06T00:00:00Z'));
    await provisionTenantViaApi(t, owner, sek, { licenses: 2, trialDays: 10 });
    await provisionTenantViaApi(t, owner, sek, { licenses: 2, trialDays: 30 });
    clock.set(new Date('2027-06-12T00:00:00Z'));
    await t.app.get(BillingLifecycleService).runDue();
    expect((await movements(t1.id)).map((m) => [m.kind, m.after, m.cause])).toEqual([['new', 2_000, 'subscription.trial_ended']]);
    expect(await movements(t2.id)).toEqual([]);

    const [invoice] = await t.db.query(`SELECT id FROM invoices WHERE tenant_id = $1`, [t1.id]);
    const paid = await rawFetch(t, `/api/v1/admin/invoices/${invoice.id}/payments`, { method: 'POST', token: owner, json: { method: 'bank_transfer', amountCents: 1_500 }, headers: { 'Idempotency-Key': randomUUID() } });
    expect(paid.status).toBe(201);
    await t.db.query(
      `INSERT INTO payments (tenant_id, invoice_id, amount_cents, currency, status, method, method_label, gateway, failure_code, created_at)
       VALUES ($1, $2, 500, $3, 'failed', 'card', 'Card', 'test', 'card_declined', '2027-06-12T00:00:00Z')`,
      [t1.id, invoice.id, SEK],
    );

    const res = await t.as(owner).GET('/api/v1/admin/billing/metrics', { params: { query: { from: '2027-06-01T00:00:00Z', to: '2027-07-01T00:00:00Z', currency: SEK } } });
    expect(res.response.status).toBe(200);
    expect(res.data!.trials).toEqual({ endedInRange: 2, convertedInRange: 1, conversionRate: '0.5000', expiringIn7Days: 1, expiringIn30Days: 2 });
    expect(res.data!.payments.failedInRange).toBe(1);
    expect(res.data!.payments.recent.map((x) => [x.status, x.amountCents, x.tenantId])).toEqual(
      expect.arrayContaining([
        ['succeeded', 1_500, t1.id],
        ['failed', 500, t1.id],
      ]),
    );
    expect(res.data!.currencies[0]).toMatchObject({ currency: SEK, mrrCents: 2_000, payingTenants: 1, arpaCents: 2_000 });

    const summary = await t.as(owner).GET('/api/v1/admin/tenants/{tenantId}/billing/summary', p(t1.id));
    expect(summary.response.status).toBe(200);
    expect(summary.data).toMatchObject({
      tenantId: t1.id,
      lifetimeValue: [{ currency: SEK, amountCents: 1_500 }],
      mrr: [{ currency: SEK, amountCents: 2_000 }],
      openBalance: [{ currency: SEK, amountCents: 500 }],
      invoiceCount: 1,
      paymentCount: 2,
    });
    expect(summary.data!.lastInvoices[0]).toMatchObject({ id: invoice.id, status: 'open', totalCents: 2_000, amountDueCents: 500 });
    expect(summary.data!.lastPayments.map((x) => x.status).sort()).toEqual(['failed', 'succeeded']);
    await expectProblem(await t.as(owner).GET('/api/v1/admin/tenants/{tenantId}/billing/summary', p(randomUUID())), 404, 'tenant_not_found');
  });

  it('the billing lifecycle records its changes: a downgrade applied by the renewal (contraction), a cancellation at period end (churn); the rebuild agrees', async () => {
    const DKK = await freshCurrency();
    const full = await plan(DKK, 1000);
    const lite = await plan(DKK, 500);
    clock.set(new Date('2027-07-01T00:00:00Z'));
    const down = await provisionTenantViaApi(t, owner, full, { licenses: 4, trialDays: 0 });
    const gone = await provisionTenantViaApi(t, owner, full, { licenses: 2, trialDays: 0 });
    expect((await t.as(owner).POST('/api/v1/admin/tenants/{tenantId}/subscription/change-plan', { ...p(down.id), body: { planCode: lite } })).data!.effective).toBe('period_end');
    await t.db.query(`UPDATE subscriptions SET cancel_at_period_end = true WHERE tenant_id = $1`, [gone.id]);
    expect((await movements(down.id)).map((m) => m.kind)).toEqual(['new']); // scheduling moves no MRR
    clock.set(new Date('2027-08-01T00:00:00Z'));
    await t.app.get(BillingLifecycleService).runDue();
    expect((await movements(down.id)).map((m) => [m.kind, m.delta, m.after, m.occurred_at.toISOString(), m.cause])).toEqual([
      ['new', 4_000, 4_000, '2027-07-01T00:00:00.000Z', 'subscription.created'],
      ['contraction', -2_000, 2_000, '2027-08-01T00:00:00.000Z', 'subscription.renewed'],
    ]);
    expect((await movements(gone.id)).map((m) => [m.kind, m.delta, m.cause])).toEqual([
      ['new', 2_000, 'subscription.created'],
      ['churn', -2_000, 'subscription.cancelled'],
    ]);
    await t.app.get(BillingLifecycleService).runDue(); // twice is once
    expect(await movements(down.id)).toHaveLength(2);
    for (const tenantId of [down.id, gone.id]) expect((await rebuild({ tenantId })).differencesCount).toBe(0);
  });

  it('a recording waits for another transaction recording the same tenant, then reads its committed change', async () => {
    const cur = await freshCurrency();
    const seats = await plan(cur, 1000);
    const mod = unique('rvrace').toLowerCase();
    expect((await t.as(owner).POST('/api/v1/admin/modules', { body: { code: mod, name: 'M', monthlyPriceCents: 2000, annualPriceCents: 20000, currency: cur, trialDays: 0 } })).response.status).toBe(201);
    clock.set(new Date('2027-09-01T00:00:00Z'));
    const tenant = await provisionTenantViaApi(t, owner, seats, { licenses: 2, trialDays: 0 });
    expect((await t.as(owner).POST('/api/v1/admin/tenants/{tenantId}/subscription/modules/{moduleCode}', { params: { path: { tenantId: tenant.id, moduleCode: mod } }, body: { interval: 'month', trial: false } })).response.status).toBe(200);
    // Another transaction (as the lifecycle job ending the module) holds the tenant's recording lock
    // with its change not committed yet.
    const runner = t.db.createQueryRunner();
    await runner.startTransaction();
    await runner.query(`SELECT pg_advisory_xact_lock(hashtextextended('mrr:' || $1, 0))`, [tenant.id]);
    await runner.query(`UPDATE subscriptions SET status = 'cancelled', cancelled_at = $2 WHERE tenant_id = $1 AND kind = 'module'`, [tenant.id, clock.now()]);
    let settled = false;
    const add = t.as(owner)
      .POST('/api/v1/admin/tenants/{tenantId}/subscription/licenses/add', { params: { path: { tenantId: tenant.id } }, body: { quantity: 1 } })
      .finally(() => (settled = true));
    await new Promise((r) => setTimeout(r, 400));
    expect(settled).toBe(false);
    await runner.commitTransaction();
    await runner.release();
    expect((await add).response.status).toBe(200);
    // 2,000 + 2,000 → 3 licenses (3,000) without the module: the recording saw the committed cancellation.
    expect((await movements(tenant.id)).map((m) => [m.kind, m.before, m.after])).toEqual([
      ['new', 0, 2_000],
      ['expansion', 2_000, 4_000],
      ['contraction', 4_000, 3_000],
    ]);
    expect((await rebuild({ tenantId: tenant.id })).differencesCount).toBe(0);
  });

  it('bad input → 400 naming the field; the routes are staff-only', async () => {
    const get = (query: Record<string, string>) => rawFetch(t, `/api/v1/admin/billing/metrics?${new URLSearchParams(query)}`, { token: owner });
    expect((await expectProblem(await get({ from: '2027-05-01T00:00:00Z', to: '2027-01-01T00:00:00Z' }), 400, 'validation_failed')).errors![0].field).toBe('from');
    expect((await expectProblem(await get({ from: '2027-01-01T00:00:00Z', to: '2027-01-01T00:00:00Z' }), 400, 'validation_failed')).errors![0].field).toBe('from');
    expect((await expectProblem(await get({ from: '2020-01-01T00:00:00Z', to: '2027-01-01T00:00:00Z' }), 400, 'validation_failed')).errors![0].field).toBe('from');
    expect((await expectProblem(await get({ interval: 'week' }), 400, 'validation_failed')).errors![0].field).toBe('interval');
    expect((await expectProblem(await get({ currency: 'ZZZ' }), 400, 'validation_failed')).errors![0].field).toBe('currency');
    expect((await expectProblem(await get({ to: 'yesterday' }), 400, 'validation_failed')).errors![0].field).toBe('to');
    expect((await expectProblem(await rawFetch(t, '/api/v1/admin/billing/metrics/rebuild', { method: 'POST', token: owner, json: { dryRun: 'no' } }), 400, 'validation_failed')).errors![0].field).toBe('dryRun');
    expect((await expectProblem(await rawFetch(t, '/api/v1/admin/tenants/not-a-uuid/billing/summary', { token: owner }), 400, 'validation_failed')).errors![0].field).toBe('tenantId');
    // Defaults: the 12 months up to now.
    clock.set(new Date('2027-06-15T00:00:00Z'));
    const defaults = await get({ currency: NZD });
    expect(defaults.status).toBe(200);
    const body = (await defaults.json()) as { from: string; to: string; currencies: { months: unknown[] }[] };
    expect([body.from, body.to, body.currencies[0].months.length]).toEqual(['2026-07-01T00:00:00.000Z', '2027-06-15T00:00:00.000Z', 12]);
    const tenant = await provisionTenantViaApi(t, owner, await plan(await freshCurrency(), 1000), { licenses: 1, trialDays: 0 });
    const admin = (await signIn(t, tenant.slug, tenant.admin.email, tenant.admin.password)).accessToken;
    expect((await rawFetch(t, '/api/v1/admin/billing/metrics', { token: admin })).status).toBe(403);
  });
});
