import { randomUUID } from 'node:crypto';
import { BillingLifecycleService } from '../../../src/modules/billing/billing-lifecycle.service';
import { auditRowsFor, createTestApp, expectProblem, loginStaff, rawFetch, requestId, TestApp, unique } from '../../support/app';
import { ControllableClock } from '../../support/clock';
import { outboxEvents, provisionTenantViaApi, signIn } from '../../support/fixtures';
import { pdfText } from '../../support/pdf';

/**
 * Coupons (Stripe-style discount codes): the staff catalog, redemption by staff and with a change of
 * plan or a module subscription, the checks, the atomic redemption count under concurrency, and the
 * discount lines on the invoices (percent off half-even once, amount off up to the charge), with
 * the periods of a repeating coupon counted down at each renewal. Amounts are hand-computed on
 * April 2027 (30 days; at 2027-04-16T00:00Z exactly half of the month is left).
 */
describe('coupons', () => {
  // The lifecycle runs renew every subscription due in the shared test database, not only this file's.
  jest.setTimeout(60_000);
  const start = new Date('2027-04-01T00:00:00Z');
  const half = new Date('2027-04-16T00:00:00Z');
  const clock = new ControllableClock(start);
  let t: TestApp;
  let owner: string;
  let seatPlan: string;
  let bigPlan: string;
  let flatModule: string;

  beforeAll(async () => {
    t = await createTestApp({ BILLING_LIFECYCLE_INTERVAL_MS: '3600000' }, [], { clock });
    owner = (await loginStaff(t)).accessToken;
    const plan = async (seatMonthlyPriceCents: number) => {
      const code = unique('cp').toLowerCase();
      const body = { code, name: code, monthlyPriceCents: 0, annualPriceCents: 0, seatMonthlyPriceCents, seatAnnualPriceCents: seatMonthlyPriceCents * 10, currency: 'USD' };
      expect((await t.as(owner).POST('/api/v1/admin/plans', { body: body as never })).response.status).toBe(201);
      return code;
    };
    seatPlan = await plan(1500);
    bigPlan = await plan(2500);
    flatModule = unique('cpm').toLowerCase();
    expect((await t.as(owner).POST('/api/v1/admin/modules', { body: { code: flatModule, name: flatModule, monthlyPriceCents: 3000, annualPriceCents: 30000, currency: 'USD', trialDays: 0 } as never })).response.status).toBe(201);
  });
  afterAll(() => t.close());

  const run = () => t.app.get(BillingLifecycleService).runDue();
  /** A tenant on the seat plan, paid from Apr 1 (10 licenses = 15000 a month), its admin signed in. */
  const paidTenant = async (licenses = 10) => {
    clock.set(start);
    const tenant = await provisionTenantViaApi(t, owner, seatPlan, { licenses, trialDays: 0 });
    return { ...tenant, token: (await signIn(t, tenant.slug, tenant.admin.email, tenant.admin.password)).accessToken };
  };
  const coupon = async (body: Record<string, unknown>) => {
    const code = unique('CPN').replace(/[^A-Za-z0-9]/g, '').slice(0, 30);
    const res = await t.as(owner).POST('/api/v1/admin/coupons', { body: { code, name: `Coupon ${code}`, duration: 'once', ...body } as never });
    expect(res.response.status).toBe(201);
    return res.data!;
  };
  const apply = (tenantId: string, couponCode: string, moduleCode?: string) =>
    t.as(owner).POST('/api/v1/admin/tenants/{tenantId}/subscription/discount', { params: { path: { tenantId } }, body: { couponCode, ...(moduleCode ? { moduleCode } : {}) } });
  const invoices = async (tenantId: string) =>
    (await t.db.query(
      `SELECT id, billing_reason AS reason, subtotal_cents::int AS subtotal, discount_cents::int AS discount, total_cents::int AS total FROM invoices WHERE tenant_id = $1 ORDER BY created_at, number`,
      [tenantId],
    )) as { id: string; reason: string; subtotal: number; discount: number; total: number }[];
  const linesOf = async (invoiceId: string) =>
    (await t.db.query(`SELECT description, amount_cents::int AS amount, kind, coupon_id FROM invoice_lines WHERE invoice_id = $1 ORDER BY position`, [invoiceId])) as {
      description: string;
      amount: number;
      kind: string;
      coupon_id: string | null;
    }[];
  const redemptions = async (tenantId: string) =>
    (await t.db.query(`SELECT subscription_id, coupon_id, code, periods_remaining, redeemed_at, ended_at FROM subscription_discounts WHERE tenant_id = $1 ORDER BY redeemed_at, created_at`, [tenantId])) as {
      subscription_id: string;
      coupon_id: string;
      code: string;
      periods_remaining: number | null;
      redeemed_at: Date;
      ended_at: Date | null;
    }[];
  const timesRedeemed = async (couponId: string) => (await t.db.query(`SELECT times_redeemed FROM coupons WHERE id = $1`, [couponId]))[0].times_redeemed as number;
  const planSubId = async (tenantId: string) => (await t.db.query(`SELECT id FROM subscriptions WHERE tenant_id = $1 AND kind = 'plan'`, [tenantId]))[0].id as string;

  it('catalog: codes are case-insensitive and unique; exactly one of percent and amount; repeating needs its months; price terms are immutable', async () => {
    const code = unique('spring').replace(/[^a-z0-9]/g, '').slice(0, 30);
    const reqId = requestId('coupon');
    const created = await rawFetch(t, '/api/v1/admin/coupons', {
      method: 'POST',
      token: owner,
      headers: { 'X-Request-Id': reqId },
      json: { code, name: 'Spring', percentOff: 12.5, duration: 'repeating', durationInMonths: 3, maxRedemptions: 5, appliesTo: { planCodes: [seatPlan] } },
    });
    expect(created.status).toBe(201);
    const body = (await created.json()) as { id: string; code: string };
    expect(body).toMatchObject({ code: code.toUpperCase(), percentOff: 12.5, amountOffCents: null, currency: null, duration: 'repeating', durationInMonths: 3, maxRedemptions: 5, timesRedeemed: 0, redeemBy: null, isActive: true, appliesTo: { planCodes: [seatPlan], moduleCodes: [] } });
    expect((await t.db.query(`SELECT code, percent_off FROM coupons WHERE id = $1`, [body.id]))[0]).toEqual({ code: code.toUpperCase(), percent_off: '12.50' });
    expect((await auditRowsFor(t, reqId)).map((r) => r.action)).toEqual(['coupons.create']);

    const taken = await expectProblem(await t.as(owner).POST('/api/v1/admin/coupons', { body: { code: code.toLowerCase(), name: 'Again', percentOff: 5, duration: 'once' } }), 409, 'coupon_code_taken');
    expect(taken.field).toBe('code');
    const fieldsOf = async (b: Record<string, unknown>) => (await expectProblem(await t.as(owner).POST('/api/v1/admin/coupons', { body: { code: unique('X').replace(/-/g, ''), name: 'n', duration: 'once', ...b } as never }), 400, 'validation_failed')).errors!.map((e) => e.field);
    expect(await fieldsOf({ percentOff: 10, amountOffCents: 100, currency: 'USD' })).toEqual(['amountOffCents']);
    expect(await fieldsOf({})).toEqual(['percentOff']);
    expect(await fieldsOf({ amountOffCents: 100 })).toEqual(['currency']);
    expect(await fieldsOf({ percentOff: 10, currency: 'USD' })).toEqual(['currency']);
    expect(await fieldsOf({ percentOff: 10, duration: 'repeating' })).toEqual(['durationInMonths']);
    expect(await fieldsOf({ percentOff: 10, durationInMonths: 2 })).toEqual(['durationInMonths']);
    expect(await fieldsOf({ percentOff: 12.345 })).toEqual(['percentOff']);
    expect(await fieldsOf({ percentOff: 0.5 })).toEqual(['percentOff']);
    expect(await fieldsOf({ percentOff: 101 })).toEqual(['percentOff']);
    expect(await fieldsOf({ amountOffCents: 100, currency: 'XXXX' })).toEqual(['currency']);
    await expectProblem(await t.as(owner).POST('/api/v1/admin/coupons', { body: { code: unique('Y').replace(/-/g, ''), name: 'n', duration: 'once', percentOff: 5, appliesTo: { moduleCodes: ['no-such-module'] } } }), 422, 'unknown_module');

    const path = { params: { path: { couponId: body.id } } };
    for (const field of ['percentOff', 'amountOffCents', 'code', 'duration', 'timesRedeemed']) {
      const refused = await expectProblem(await t.as(owner).PATCH('/api/v1/admin/coupons/{couponId}', { ...path, body: { [field]: 1 } as never }), 400, 'validation_failed');
      expect(refused.errors!.map((e) => e.field)).toContain(field);
    }
    const patched = await t.as(owner).PATCH('/api/v1/admin/coupons/{couponId}', { ...path, body: { name: 'Spring 2027', isActive: false, redeemBy: '2027-05-01T00:00:00.000Z', maxRedemptions: 7 } });
    expect(patched.data).toMatchObject({ name: 'Spring 2027', isActive: false, redeemBy: '2027-05-01T00:00:00.000Z', maxRedemptions: 7, percentOff: 12.5 });
    expect((await t.db.query(`SELECT name, is_active, max_redemptions FROM coupons WHERE id = $1`, [body.id]))[0]).toEqual({ name: 'Spring 2027', is_active: false, max_redemptions: 7 });
    expect((await t.as(owner).GET('/api/v1/admin/coupons/{couponId}', path)).data).toMatchObject({ id: body.id, isActive: false });
    const inactive = await t.as(owner).GET('/api/v1/admin/coupons', { params: { query: { isActive: false, limit: 100 } } });
    expect(inactive.data!.data.map((c) => c.id)).toContain(body.id);
    expect(inactive.data!.data.every((c) => !c.isActive)).toBe(true);
    expect(inactive.data!.meta).toMatchObject({ limit: 100, offset: 0, total: expect.any(Number) });
    await expectProblem(await t.as(owner).GET('/api/v1/admin/coupons/{couponId}', { params: { path: { couponId: randomUUID() } } }), 404, 'coupon_not_found');
  });

  it('staff apply a 20 % forever coupon: prorations and every renewal get a discount line; the invoice totals it in discountCents; the PDF names it', async () => {
    const tenant = await paidTenant(10);
    const c = await coupon({ percentOff: 20, duration: 'forever' });
    clock.set(half);
    const reqId = requestId('discount');
    const res = await rawFetch(t, `/api/v1/admin/tenants/${tenant.id}/subscription/discount`, { method: 'POST', token: owner, headers: { 'X-Request-Id': reqId }, json: { couponCode: c.code.toLowerCase() } });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ kind: 'plan', discount: { couponId: c.id, code: c.code, percentOff: 20, amountOffCents: null, duration: 'forever', periodsRemaining: null, redeemedAt: half.toISOString() } });
    expect(await timesRedeemed(c.id)).toBe(1);
    expect(await redemptions(tenant.id)).toEqual([{ subscription_id: await planSubId(tenant.id), coupon_id: c.id, code: c.code, periods_remaining: null, redeemed_at: half, ended_at: null }]);
    expect((await outboxEvents(t, tenant.id, 'coupon.redeemed')).map((e) => e.payload)).toEqual([{ couponId: c.id, code: c.code, subscriptionId: await planSubId(tenant.id) }]);
    expect((await auditRowsFor(t, reqId)).map((r) => r.action)).toEqual(['subscriptions.discount_apply']);
    // Staff and tenant views show it.
    expect((await t.as(owner).GET('/api/v1/admin/tenants/{tenantId}/subscription', { params: { path: { tenantId: tenant.id } } })).data!.subscription.discount).toMatchObject({ code: c.code, percentOff: 20 });
    expect((await t.as(tenant.token).GET('/api/v1/tenant/subscription')).data!.subscription.discount).toMatchObject({ code: c.code });
    expect((await t.as(owner).GET('/api/v1/admin/subscriptions', { params: { query: { tenantId: tenant.id } } })).data!.data[0].discount).toMatchObject({ code: c.code });

    // Half a month of 2 licenses at 1500 = 1500; 20 % of it = 300 off.
    const add = await t.as(tenant.token).POST('/api/v1/tenant/subscription/licenses/add', { body: { quantity: 2 } });
    expect(add.data!.lines.map((l) => [l.amountCents, l.kind])).toEqual([
      [1500, 'charge'],
      [-300, 'discount'],
    ]);
    const update = (await invoices(tenant.id)).find((i) => i.reason === 'subscription_update')!;
    expect(update).toMatchObject({ subtotal: 1500, discount: 300, total: 1200 });
    expect(await linesOf(update.id)).toEqual([
      expect.objectContaining({ amount: 1500, kind: 'charge', coupon_id: null }),
      { description: `20 % off (${c.code})`, amount: -300, kind: 'discount', coupon_id: c.id },
    ]);
    // May 1: 12 × 1500 = 18000, 20 % = 3600 off; the discount runs on (forever).
    clock.set(new Date('2027-05-01T00:00:01Z'));
    await run();
    const renewal = (await invoices(tenant.id)).find((i) => i.reason === 'subscription_cycle')!;
    expect(renewal).toMatchObject({ subtotal: 18000, discount: 3600, total: 14400 });
    const api = await t.as(owner).GET('/api/v1/admin/invoices/{invoiceId}', { params: { path: { invoiceId: renewal.id } } });
    expect(api.data).toMatchObject({ subtotalCents: 18000, discountCents: 3600, taxCents: 0, totalCents: 14400, amountDueCents: 14400 });
    expect(api.data!.lines.map((l) => [l.kind, l.amountCents, l.couponId])).toEqual([
      ['charge', 18000, null],
      ['discount', -3600, c.id],
    ]);
    expect((await redemptions(tenant.id))[0]).toMatchObject({ periods_remaining: null, ended_at: null });
    const pdf = await pdfText(new Uint8Array(await (await rawFetch(t, `/api/v1/admin/invoices/${renewal.id}/pdf`, { token: owner })).arrayBuffer()));
    expect(pdf).toContain(`20 % off (${c.code})`);
    expect(pdf).toMatch(/144\.00/);
  });

  it('a repeating coupon discounts its months of renewals, then ends; staff remove a discount and later periods are billed in full', async () => {
    const tenant = await paidTenant(10);
    const c = await coupon({ percentOff: 10, duration: 'repeating', durationInMonths: 2 });
    expect((await apply(tenant.id, c.code)).data!.discount).toMatchObject({ duration: 'repeating', periodsRemaining: 2 });
    clock.set(new Date('2027-07-01T00:00:01Z')); // renewals May 1, Jun 1, Jul 1
    await run();
    const cycle = (await invoices(tenant.id)).filter((i) => i.reason === 'subscription_cycle');
    expect(cycle.map((i) => [i.subtotal, i.discount, i.total])).toEqual([
      [15000, 1500, 13500],
      [15000, 1500, 13500],
      [15000, 0, 15000],
    ]);
    const [row] = await redemptions(tenant.id);
    expect(row.periods_remaining).toBe(0);
    expect(row.ended_at).toEqual(new Date('2027-07-01T00:00:01Z'));
    expect((await t.as(owner).GET('/api/v1/admin/tenants/{tenantId}/subscription', { params: { path: { tenantId: tenant.id } } })).data!.subscription.discount).toBeNull();

    // Remove: a forever coupon applied, then removed; the next renewal is in full.
    const forever = await coupon({ percentOff: 50, duration: 'forever' });
    expect((await apply(tenant.id, forever.code)).response.status).toBe(200);
    const removed = await t.as(owner).DELETE('/api/v1/admin/tenants/{tenantId}/subscription/discount', { params: { path: { tenantId: tenant.id } } });
    expect(removed.response.status).toBe(200);
    expect(removed.data!.discount).toBeNull();
    expect((await redemptions(tenant.id))[1]).toMatchObject({ coupon_id: forever.id, ended_at: new Date('2027-07-01T00:00:01Z') });
    await expectProblem(await t.as(owner).DELETE('/api/v1/admin/tenants/{tenantId}/subscription/discount', { params: { path: { tenantId: tenant.id } } }), 404, 'discount_not_found');
    clock.set(new Date('2027-08-01T00:00:01Z'));
    await run();
    expect((await invoices(tenant.id)).at(-1)).toMatchObject({ reason: 'subscription_cycle', subtotal: 15000, discount: 0, total: 15000 });
  });

  it('tenant change-plan with a coupon: the preview counts nothing and equals the real call; the proration pair gets the percentage off its charge', async () => {
    const tenant = await paidTenant(10);
    const c = await coupon({ percentOff: 20, duration: 'once', appliesTo: { planCodes: [bigPlan] } });
    clock.set(half);
    // Not for the current plan's change to itself … and not for another plan.
    const notHere = await expectProblem(await apply(tenant.id, c.code), 422, 'coupon_not_applicable');
    expect(notHere.field).toBe('couponCode');
    const preview = await t.as(tenant.token).POST('/api/v1/tenant/subscription/change-plan', { body: { planCode: bigPlan, couponCode: c.code, preview: true } });
    expect(preview.response.status).toBe(200);
    expect(await timesRedeemed(c.id)).toBe(0);
    expect(await redemptions(tenant.id)).toEqual([]);
    expect(await outboxEvents(t, tenant.id, 'coupon.redeemed')).toEqual([]);
    // Half a month: −7500 (10 × 1500) + 12500 (10 × 2500); 20 % of the charge = 2500 off.
    expect(preview.data!.lines.map((l) => [l.amountCents, l.kind])).toEqual([
      [-7500, 'charge'],
      [12500, 'charge'],
      [-2500, 'discount'],
    ]);
    expect(preview.data!.totalCents).toBe(2500);
    const real = await t.as(tenant.token).POST('/api/v1/tenant/subscription/change-plan', { body: { planCode: bigPlan, couponCode: c.code } });
    expect(real.response.status).toBe(200);
    const strip = (d: typeof real.data) => ({ ...d!, preview: null, subscription: { ...d!.subscription, updatedAt: null, discount: null } });
    expect(strip(real.data)).toEqual(strip(preview.data));
    expect(await timesRedeemed(c.id)).toBe(1);
    expect((await invoices(tenant.id)).find((i) => i.reason === 'subscription_update')).toMatchObject({ subtotal: 5000, discount: 2500, total: 2500 });
    // A once coupon is used by the next full period: May 1 charges 25000 less 20 % = 20000, then it ends.
    expect((await redemptions(tenant.id))[0]).toMatchObject({ periods_remaining: 1, ended_at: null });
    clock.set(new Date('2027-06-01T00:00:01Z'));
    await run();
    expect((await invoices(tenant.id)).filter((i) => i.reason === 'subscription_cycle').map((i) => [i.subtotal, i.discount, i.total])).toEqual([
      [25000, 5000, 20000],
      [25000, 0, 25000],
    ]);
    expect((await redemptions(tenant.id))[0]).toMatchObject({ periods_remaining: 0, ended_at: new Date('2027-06-01T00:00:01Z') });
  });

  it('module subscribe with an amount-off coupon: taken off the first period (never in another currency); the preview counts nothing', async () => {
    const tenant = await paidTenant(1);
    const c = await coupon({ amountOffCents: 1000, currency: 'usd', duration: 'once', appliesTo: { moduleCodes: [flatModule] } });
    const eur = await coupon({ amountOffCents: 1000, currency: 'EUR', duration: 'once' });
    const mp = { params: { path: { moduleCode: flatModule } } };
    const mismatch = await expectProblem(await t.as(tenant.token).POST('/api/v1/tenant/modules/{moduleCode}/subscribe', { ...mp, body: { interval: 'month', couponCode: eur.code } }), 422, 'coupon_currency_mismatch');
    expect(mismatch.field).toBe('couponCode');
    const preview = await t.as(tenant.token).POST('/api/v1/tenant/modules/{moduleCode}/subscribe', { ...mp, body: { interval: 'month', couponCode: c.code, preview: true } });
    expect(preview.data).toMatchObject({ preview: true, totalCents: 2000, subscription: { discount: { code: c.code, amountOffCents: 1000, currency: 'USD', periodsRemaining: 1 } } });
    expect(await timesRedeemed(c.id)).toBe(0);
    const real = await t.as(tenant.token).POST('/api/v1/tenant/modules/{moduleCode}/subscribe', { ...mp, body: { interval: 'month', couponCode: c.code } });
    expect(real.response.status).toBe(200);
    expect(real.data!.lines.map((l) => [l.amountCents, l.kind])).toEqual([
      [3000, 'charge'],
      [-1000, 'discount'],
    ]);
    expect(await timesRedeemed(c.id)).toBe(1);
    const first = (await invoices(tenant.id)).at(-1)!;
    expect(first).toMatchObject({ reason: 'subscription_create', subtotal: 3000, discount: 1000, total: 2000 });
    expect((await linesOf(first.id)).at(-1)).toEqual({ description: `10.00 USD off (${c.code})`, amount: -1000, kind: 'discount', coupon_id: c.id });
    // Used at once: the discount ended with the first period charged.
    const [row] = await redemptions(tenant.id);
    expect(row).toMatchObject({ coupon_id: c.id, periods_remaining: 0, ended_at: start });
    // Applied to the plan subscription it does not apply (modules only).
    await expectProblem(await apply(tenant.id, c.code), 422, 'coupon_not_applicable');
  });

  it('staff discount a module subscription (moduleCode); a 100 % coupon makes a paid invoice of 0; cancelling the module ends its discount', async () => {
    const tenant = await paidTenant(1);
    const mp = { params: { path: { moduleCode: flatModule } } };
    expect((await t.as(tenant.token).POST('/api/v1/tenant/modules/{moduleCode}/subscribe', { ...mp, body: { interval: 'month' } })).response.status).toBe(200);
    const free = await coupon({ percentOff: 100, duration: 'repeating', durationInMonths: 1 });
    const res = await apply(tenant.id, free.code, flatModule);
    expect(res.data).toMatchObject({ kind: 'module', moduleCode: flatModule, discount: { code: free.code, percentOff: 100, periodsRemaining: 1 } });
    const moduleSubId = res.data!.id;
    expect((await redemptions(tenant.id)).map((r) => r.subscription_id)).toEqual([moduleSubId]);
    // The plan subscription is untouched.
    expect((await t.as(owner).GET('/api/v1/admin/tenants/{tenantId}/subscription', { params: { path: { tenantId: tenant.id } } })).data).toMatchObject({
      subscription: { discount: null },
      modules: [{ id: moduleSubId, discount: { code: free.code } }],
    });
    const market = await t.as(tenant.token).GET('/api/v1/tenant/modules', { params: { query: { limit: 100 } } });
    expect(market.data!.data.find((m) => m.code === flatModule)!.subscription).toMatchObject({ id: moduleSubId, discount: { code: free.code } });
    const cancel = await t.as(tenant.token).POST('/api/v1/tenant/modules/{moduleCode}/cancel', mp);
    expect(cancel.data).toMatchObject({ cancelAtPeriodEnd: true, discount: { code: free.code } });
    expect((await t.as(tenant.token).POST('/api/v1/tenant/modules/{moduleCode}/resume', mp)).data).toMatchObject({ cancelAtPeriodEnd: false, discount: { code: free.code } });
    clock.set(new Date('2027-05-01T00:00:01Z'));
    await run();
    // May 1: the plan renews in full (1500); the module's renewal is free (3000 − 3000), an invoice of 0 paid at once.
    const may = await t.db.query(
      `SELECT subtotal_cents::int AS subtotal, discount_cents::int AS discount, total_cents::int AS total, status FROM invoices WHERE tenant_id = $1 AND billing_reason = 'subscription_cycle' ORDER BY subtotal_cents`,
      [tenant.id],
    );
    expect(may).toEqual([
      { subtotal: 1500, discount: 0, total: 1500, status: 'open' },
      { subtotal: 3000, discount: 3000, total: 0, status: 'paid' },
    ]);
    expect((await redemptions(tenant.id))[0]).toMatchObject({ periods_remaining: 0, ended_at: new Date('2027-05-01T00:00:01Z') });
    // A fully discounted module alone: a 100 % forever coupon, the next renewal invoices 0 and is paid at once.
    const forever = await coupon({ percentOff: 100, duration: 'forever' });
    const other = await paidTenant(1);
    const otherToken = other.token;
    clock.set(start);
    const freeModule = unique('cpf').toLowerCase();
    expect((await t.as(owner).POST('/api/v1/admin/modules', { body: { code: freeModule, name: freeModule, monthlyPriceCents: 2000, annualPriceCents: 20000, currency: 'USD', trialDays: 0 } as never })).response.status).toBe(201);
    const sub = await t.as(otherToken).POST('/api/v1/tenant/modules/{moduleCode}/subscribe', { params: { path: { moduleCode: freeModule } }, body: { interval: 'month', couponCode: forever.code } });
    expect(sub.data!.totalCents).toBe(0);
    const [zero] = (await t.db.query(`SELECT status, subtotal_cents::int AS subtotal, discount_cents::int AS discount, total_cents::int AS total, amount_due_cents::int AS due FROM invoices WHERE tenant_id = $1 AND billing_reason = 'subscription_create' AND subtotal_cents = 2000`, [other.id])) as Record<string, unknown>[];
    expect(zero).toEqual({ status: 'paid', subtotal: 2000, discount: 2000, total: 0, due: 0 });
    expect(await t.db.query(`SELECT count(*)::int AS n FROM pending_invoice_items WHERE tenant_id = $1 AND invoice_id IS NULL`, [other.id])).toEqual([{ n: 0 }]);
    // Staff cancel the module now: its discount ends with it.
    clock.set(half);
    expect((await t.as(owner).DELETE('/api/v1/admin/tenants/{tenantId}/subscription/modules/{moduleCode}', { params: { path: { tenantId: other.id, moduleCode: freeModule } } })).response.status).toBe(200);
    expect((await redemptions(other.id)).map((r) => r.ended_at)).toEqual([half]);
  });

  it('checks: unknown, inactive, expired, fully redeemed — each a problem naming couponCode; maxRedemptions never below timesRedeemed', async () => {
    const tenant = await paidTenant(1);
    const other = await paidTenant(1);
    clock.set(half);
    const field = async (res: Parameters<typeof expectProblem>[0], status: number, code: string) => expect((await expectProblem(res, status, code)).field).toBe('couponCode');
    await field(await apply(tenant.id, 'NOSUCHCOUPON'), 404, 'coupon_not_found');
    const off = await coupon({ percentOff: 5, isActive: false });
    await field(await apply(tenant.id, off.code), 422, 'coupon_inactive');
    const old = await coupon({ percentOff: 5, redeemBy: '2027-04-10T00:00:00.000Z' });
    await field(await apply(tenant.id, old.code), 422, 'coupon_expired');
    await field(await t.as(tenant.token).POST('/api/v1/tenant/subscription/change-plan', { body: { planCode: bigPlan, couponCode: old.code } }), 422, 'coupon_expired');
    expect((await t.db.query(`SELECT item_code FROM subscriptions WHERE tenant_id = $1 AND kind = 'plan'`, [tenant.id]))[0].item_code).toBe(seatPlan); // rolled back
    const one = await coupon({ percentOff: 5, maxRedemptions: 1 });
    expect((await apply(tenant.id, one.code)).response.status).toBe(200);
    await field(await apply(other.id, one.code), 409, 'coupon_redemption_limit_reached');
    expect(await timesRedeemed(one.id)).toBe(1);
    const lower = await expectProblem(await t.as(owner).PATCH('/api/v1/admin/coupons/{couponId}', { params: { path: { couponId: one.id } }, body: { maxRedemptions: 0 } }), 400, 'validation_failed');
    expect(lower.errors!.map((e) => e.field)).toEqual(['maxRedemptions']);
    const two = await coupon({ percentOff: 5, maxRedemptions: 2 });
    expect((await apply(tenant.id, two.code)).response.status).toBe(200);
    expect((await apply(other.id, two.code)).response.status).toBe(200);
    const below = await expectProblem(await t.as(owner).PATCH('/api/v1/admin/coupons/{couponId}', { params: { path: { couponId: two.id } }, body: { maxRedemptions: 1 } }), 422, 'coupon_terms_immutable');
    expect(below.field).toBe('maxRedemptions');
    // A second coupon on the same subscription replaces the first (one live discount).
    const live = (await redemptions(tenant.id)).filter((r) => r.ended_at === null);
    expect(live.map((r) => r.coupon_id)).toEqual([two.id]);
    await expectProblem(await apply(randomUUID(), one.code), 404, 'tenant_not_found');
    await expectProblem(await apply(tenant.id, one.code, 'no-such-module'), 404, 'module_not_found');
    await expectProblem(await apply(tenant.id, one.code, flatModule), 409, 'module_not_subscribed');
  });

  it('the last redemption goes to exactly one tenant under concurrency', async () => {
    const tenants = [];
    for (let i = 0; i < 6; i += 1) tenants.push(await paidTenant(1));
    const c = await coupon({ percentOff: 25, duration: 'forever', maxRedemptions: 1 });
    const results = await Promise.all(tenants.map((tn) => apply(tn.id, c.code)));
    const statuses = results.map((r) => r.response.status).sort();
    expect(statuses).toEqual([200, 409, 409, 409, 409, 409]);
    for (const r of results.filter((x) => x.response.status === 409)) expect((r.error as { code: string }).code).toBe('coupon_redemption_limit_reached');
    expect(await timesRedeemed(c.id)).toBe(1);
    expect((await t.db.query(`SELECT count(*)::int AS n FROM subscription_discounts WHERE coupon_id = $1`, [c.id]))[0].n).toBe(1);
    expect((await t.db.query(`SELECT count(*)::int AS n FROM outbox WHERE event_name = 'coupon.redeemed' AND envelope->'payload'->>'couponId' = $1`, [c.id]))[0].n).toBe(1);
  });
});
