import { getQueueToken } from '@nestjs/bull';
import type { Queue } from 'bull';
import { randomUUID } from 'node:crypto';
import { BillingLifecycleService } from '../../../src/modules/billing/billing-lifecycle.service';
import { BILLING_QUEUE } from '../../../src/modules/billing/billing-queue';
import { PaymentCollectionService } from '../../../src/modules/billing/collection/payment-collection.service';
import { createTestApp, expectProblem, loginStaff, rawFetch, TestApp, unique } from '../../support/app';
import { ControllableClock } from '../../support/clock';
import { outboxEvents, provisionTenantViaApi, signIn, waitFor } from '../../support/fixtures';

jest.setTimeout(60_000);

/**
 * Collection through the sandbox gateway and dunning, driven by the Clock: the card on file,
 * paying an open invoice, automatic charges at trial end and renewal, a declined renewal retried
 * on the policy's days and then enforced per subscription (a module only turns the module off; the
 * plan suspends the tenant), enforcement paused by staff, and reactivation by payment — with the
 * guarantee that a charge is never made twice (idempotent requests, a re-run collection).
 */
describe('payment collection and dunning (sandbox gateway)', () => {
  const clock = new ControllableClock(new Date('2027-01-01T00:00:00Z'));
  let t: TestApp;
  let owner: string;
  let seats: string;
  let lite: string;
  let annual: string;
  let mod: string;

  beforeAll(async () => {
    t = await createTestApp({ BILLING_LIFECYCLE_INTERVAL_MS: '3600000' }, [], { clock });
    owner = (await loginStaff(t)).accessToken;
    const plan = async (body: Record<string, unknown>) => {
      const code = unique('col').toLowerCase();
      expect((await t.as(owner).POST('/api/v1/admin/plans', { body: { code, name: code, monthlyPriceCents: 0, annualPriceCents: 0, seatAnnualPriceCents: 0, currency: 'USD', ...body } as never })).response.status).toBe(201);
      return code;
    };
    seats = await plan({ seatMonthlyPriceCents: 1500 });
    lite = await plan({ seatMonthlyPriceCents: 1000 });
    annual = await plan({ annualPriceCents: 120000, seatMonthlyPriceCents: 0 });
    mod = unique('colmod').toLowerCase();
    expect((await t.as(owner).POST('/api/v1/admin/modules', { body: { code: mod, name: 'Analytics', monthlyPriceCents: 900, annualPriceCents: 9000, currency: 'USD', trialDays: 0 } })).response.status).toBe(201);
  });
  afterAll(() => t.close());

  /** Runs the lifecycle at `at`, then waits until every charge it started has its outcome. */
  const runAt = async (at: string | Date) => {
    clock.set(new Date(at));
    const result = await t.app.get(BillingLifecycleService).runDue();
    await settled();
    return result;
  };
  const settled = () => waitFor(async () => (await t.db.query(`SELECT count(*)::int AS n FROM payments WHERE status = 'pending'`))[0].n === 0, 10_000);
  const sub = async (tenantId: string, kind = 'plan') => (await t.db.query(`SELECT id, status, item_code, current_period_end FROM subscriptions WHERE tenant_id = $1 AND kind = $2 ORDER BY created_at DESC LIMIT 1`, [tenantId, kind]))[0];
  const billingStatus = async (tenantId: string) => (await t.db.query(`SELECT billing_status FROM tenant_quotas WHERE tenant_id = $1`, [tenantId]))[0].billing_status as string;
  const payments = async (tenantId: string) =>
    t.db.query(`SELECT id, status, amount_cents::int AS amount, failure_code, decline_code, trigger, attempt, reference FROM payments WHERE tenant_id = $1 ORDER BY created_at, attempt`, [tenantId]);
  const dunningCase = async (invoiceId: string) => (await t.db.query(`SELECT status, retries, next_retry_at, enforce_at, last_failure_code FROM dunning_cases WHERE invoice_id = $1`, [invoiceId]))[0];
  const latestInvoice = async (tenantId: string) => (await t.db.query(`SELECT id, number, status, amount_due_cents::int AS due FROM invoices WHERE tenant_id = $1 ORDER BY created_at DESC, number DESC LIMIT 1`, [tenantId]))[0];
  const setCard = async (adminToken: string, token: string) => t.as(adminToken).PUT('/api/v1/tenant/billing/payment-method', { body: { token } });
  const payAsTenant = (adminToken: string, invoiceId: string, key: string | null = randomUUID()) =>
    rawFetch(t, `/api/v1/tenant/invoices/${invoiceId}/pay`, { method: 'POST', token: adminToken, headers: key ? { 'Idempotency-Key': key } : {} });
  /** A tenant in trial (ends 1 day after `at`) with `card` on file. */
  const trialTenantWithCard = async (at: string, card: string, planCode = seats) => {
    clock.set(new Date(at));
    const tenant = await provisionTenantViaApi(t, owner, planCode, { licenses: 2, trialDays: 1 });
    const admin = (await signIn(t, tenant.slug, tenant.admin.email, tenant.admin.password)).accessToken;
    expect((await setCard(admin, card)).response.status).toBe(200);
    return { tenant, admin };
  };

  it('the card on file: a sandbox token is stored as "Visa •••• 4242"; an unknown token → 422 naming token; never during impersonation; managers read it', async () => {
    clock.set(new Date('2027-01-01T00:00:00Z'));
    const tenant = await provisionTenantViaApi(t, owner, seats, { licenses: 2, trialDays: 14 });
    const admin = (await signIn(t, tenant.slug, tenant.admin.email, tenant.admin.password)).accessToken;
    expect((await t.as(admin).GET('/api/v1/tenant/billing/payment-method')).data).toEqual({ paymentMethod: null, gateway: 'sandbox' });
    const set = await setCard(admin, 'pm_card_ok');
    expect(set.data!.paymentMethod).toMatchObject({ type: 'card', brand: 'Visa', last4: '4242', label: 'Visa •••• 4242', gateway: 'sandbox' });
    const bad = await expectProblem(await rawFetch(t, '/api/v1/tenant/billing/payment-method', { method: 'PUT', token: admin, json: { token: 'pm_typo' } }), 422, 'payment_method_invalid');
    expect(bad.field).toBe('token');
    // Replacing it keeps one method on file; the old one is detached.
    expect((await setCard(admin, 'pm_card_mastercard')).data!.paymentMethod!.label).toBe('Mastercard •••• 4444');
    expect(await t.db.query(`SELECT label, detached_at IS NULL AS active FROM payment_methods WHERE tenant_id = $1 ORDER BY created_at`, [tenant.id])).toEqual([
      { label: 'Visa •••• 4242', active: false },
      { label: 'Mastercard •••• 4444', active: true },
    ]);
    const [audit] = await t.db.query(`SELECT action, actor_type FROM audit_logs WHERE tenant_id = $1 AND action = 'tenantBilling.payment_method_set' LIMIT 1`, [tenant.id]);
    expect(audit).toEqual({ action: 'tenantBilling.payment_method_set', actor_type: 'tenant' });
    // Staff in "login as" may not set the tenant's card.
    const imp = await t.as(owner).POST('/api/v1/admin/impersonations', { body: { tenantId: tenant.id, reason: 'Customer asked for help with billing' } });
    expect(imp.response.status).toBe(201);
    await expectProblem(await rawFetch(t, '/api/v1/tenant/billing/payment-method', { method: 'PUT', token: imp.data!.accessToken, json: { token: 'pm_card_ok' } }), 403, 'impersonation_forbidden');
  });

  it('a tenant pays an open invoice with its card: pending at once, then succeeded with the gateway reference; ten identical requests make one payment; a decline is recorded, not retried', async () => {
    clock.set(new Date('2027-01-02T00:00:00Z'));
    const tenant = await provisionTenantViaApi(t, owner, seats, { licenses: 3, trialDays: 0 }); // invoice 4500, no card yet
    const admin = (await signIn(t, tenant.slug, tenant.admin.email, tenant.admin.password)).accessToken;
    const invoice = await latestInvoice(tenant.id);
    await expectProblem(await payAsTenant(admin, invoice.id), 422, 'payment_method_required');
    expect((await expectProblem(await payAsTenant(admin, invoice.id, null), 400, 'validation_failed')).errors![0].field).toBe('Idempotency-Key');

    // A declining card: the charge fails with the issuer's reason; the invoice stays open.
    await setCard(admin, 'pm_card_declined');
    const declined = await payAsTenant(admin, invoice.id);
    expect(declined.status).toBe(201);
    const declinedBody = (await declined.json()) as { id: string };
    expect(declinedBody).toMatchObject({ status: 'pending', method: 'card', methodLabel: 'Visa •••• 0002', gateway: 'sandbox', trigger: 'tenant', amountCents: 4500 });
    await settled();
    const outcome = await t.as(admin).GET('/api/v1/tenant/payments/{paymentId}', { params: { path: { paymentId: declinedBody.id } } });
    expect(outcome.data).toMatchObject({ status: 'failed', failureCode: 'card_declined', declineCode: 'generic_decline', failureMessage: 'Your card was declined.' });
    expect((await latestInvoice(tenant.id)).status).toBe('open');
    expect((await outboxEvents(t, tenant.id, 'payment.failed'))[0].payload).toMatchObject({ failureCode: 'card_declined', trigger: 'tenant', nextRetryAt: null });
    // Failed payments across the platform.
    const failed = await t.as(owner).GET('/api/v1/admin/payments', { params: { query: { tenantId: tenant.id, status: 'failed' } } });
    expect(failed.data!.data.map((p) => p.declineCode)).toEqual(['generic_decline']);

    // A good card; a double-clicked (ten times) pay with one key makes one payment.
    await setCard(admin, 'pm_card_ok');
    const key = randomUUID();
    const answers = await Promise.all(Array.from({ length: 10 }, () => payAsTenant(admin, invoice.id, key)));
    expect(answers.map((r) => r.status).sort()).toEqual(Array(10).fill(201));
    await settled();
    const rows = await payments(tenant.id);
    expect(rows.map((p: { status: string }) => p.status)).toEqual(['failed', 'succeeded']);
    expect(rows[1].reference).toMatch(/^ch_sandbox_[0-9a-f]{24}$/);
    expect(await latestInvoice(tenant.id)).toMatchObject({ status: 'paid', due: 0 });
    expect(await outboxEvents(t, tenant.id, 'invoice.paid')).toHaveLength(1);
    await expectProblem(await payAsTenant(admin, invoice.id), 409, 'invoice_not_payable');
    // Another tenant's invoice does not exist for this tenant.
    const other = await provisionTenantViaApi(t, owner, seats, { licenses: 1, trialDays: 0 });
    await expectProblem(await payAsTenant(admin, (await latestInvoice(other.id)).id), 404, 'invoice_not_found');
    await expectProblem(await rawFetch(t, `/api/v1/tenant/payments/${(await payments(tenant.id))[0].id}`, { token: (await signIn(t, other.slug, other.admin.email, other.admin.password)).accessToken }), 404, 'payment_not_found');
  });

  it('a charge is made once even when collected twice (a crash before its outcome): the re-run gets the same gateway answer and records nothing more', async () => {
    const { tenant, admin } = await trialTenantWithCard('2027-01-03T00:00:00Z', 'pm_card_ok');
    expect(admin).toBeTruthy();
    const queue = t.app.get<Queue>(getQueueToken(BILLING_QUEUE));
    await queue.pause(true); // this instance takes no job: the charge stays pending, as after a crash
    try {
      clock.set(new Date('2027-01-04T00:00:01Z'));
      await t.app.get(BillingLifecycleService).runDue(); // the trial converts; its invoice's charge is pending
      const [pending] = await payments(tenant.id);
      expect(pending).toMatchObject({ status: 'pending', trigger: 'automatic', amount: 3000 });
      // Two collections at once (the job and the reconciliation), same idempotency key: one outcome.
      const collection = t.app.get(PaymentCollectionService);
      expect((await Promise.all([collection.collect(pending.id), collection.collect(pending.id)])).sort()).toEqual(['succeeded', 'succeeded']);
      expect(await outboxEvents(t, tenant.id, 'payment.succeeded')).toHaveLength(1);
      const [done] = await payments(tenant.id);
      expect(done).toMatchObject({ status: 'succeeded', reference: expect.stringMatching(/^ch_sandbox_/) });
      expect((await latestInvoice(tenant.id)).status).toBe('paid');

      // A charge whose job never ran (lost with a crash): a minute later the lifecycle run collects it.
      const invoice = await t.as(owner).POST('/api/v1/admin/invoices', {
        body: { tenantId: tenant.id, lines: [{ description: 'Setup', quantity: 1, unitAmountCents: 1234 }], finalize: true },
        params: { header: { 'Idempotency-Key': randomUUID() } },
      } as never);
      const manualId = (invoice.data as unknown as { id: string }).id;
      expect((await payAsTenant(admin, manualId)).status).toBe(201);
      const [lost] = await t.db.query(`SELECT id FROM payments WHERE invoice_id = $1`, [manualId]);
      expect((await t.app.get(BillingLifecycleService).runDue()).collection.reconciled).toBe(0); // not stale yet
      await t.db.query(`UPDATE payments SET updated_at = updated_at - interval '2 minutes' WHERE id = $1`, [lost.id]);
      expect((await t.app.get(BillingLifecycleService).runDue()).collection.reconciled).toBe(1);
      expect((await t.db.query(`SELECT status FROM payments WHERE id = $1`, [lost.id]))[0].status).toBe('succeeded');
      expect((await t.db.query(`SELECT status FROM invoices WHERE id = $1`, [manualId]))[0].status).toBe('paid');
    } finally {
      await queue.resume(true);
    }
    await settled();
    // The paused jobs ran after all and found nothing pending: still one payment per invoice.
    expect((await payments(tenant.id)).map((p: { status: string }) => p.status)).toEqual(['succeeded', 'succeeded']);
    expect(await outboxEvents(t, tenant.id, 'payment.succeeded')).toHaveLength(2);
  });

  it('a year of billing: trial → paid → renewal ok → renewal declined → retries on +1, +3, +5, +7 days → suspension after the grace days → payment → reactivation → downgrade at period end → cancellation', async () => {
    const { tenant, admin } = await trialTenantWithCard('2027-01-14T00:00:00Z', 'pm_card_ok'); // trial ends Jan 15
    // Trial end: converted and charged at once.
    await runAt('2027-01-15T00:00:01Z');
    expect(await sub(tenant.id)).toMatchObject({ status: 'active' });
    expect(await payments(tenant.id)).toMatchObject([{ status: 'succeeded', amount: 3000, trigger: 'automatic' }]);
    // Renewal paid.
    await runAt('2027-02-15T00:00:01Z');
    expect((await payments(tenant.id)).map((p: { status: string }) => p.status)).toEqual(['succeeded', 'succeeded']);
    expect((await latestInvoice(tenant.id)).status).toBe('paid');

    // The card runs out of money: the next renewal is declined → past_due, retries scheduled.
    await setCard(admin, 'pm_insufficient_funds');
    await runAt('2027-03-15T00:00:01Z');
    const invoice = await latestInvoice(tenant.id);
    expect(invoice).toMatchObject({ status: 'open', due: 3000 });
    expect((await payments(tenant.id))[2]).toMatchObject({ status: 'failed', failure_code: 'card_declined', decline_code: 'insufficient_funds', trigger: 'automatic', attempt: 1 });
    expect(await sub(tenant.id)).toMatchObject({ status: 'past_due' });
    expect(await billingStatus(tenant.id)).toBe('past_due');
    expect(await dunningCase(invoice.id)).toMatchObject({ status: 'retrying', retries: 0, next_retry_at: new Date('2027-03-16T00:00:01Z') });
    expect((await outboxEvents(t, tenant.id, 'payment.failed'))[0].payload).toMatchObject({ declineCode: 'insufficient_funds', nextRetryAt: '2027-03-16T00:00:01.000Z' });
    expect(await outboxEvents(t, tenant.id, 'subscription.past_due')).toHaveLength(1);
    // Past due is still in service: the admin writes.
    expect((await rawFetch(t, '/api/v1/tenant/settings', { method: 'PATCH', token: admin, json: { name: 'Still in service' } })).status).toBe(200);

    // Retries at +1, +3, +5, +7 days after the first failure; nothing in between.
    await runAt('2027-03-15T12:00:00Z');
    expect((await dunningCase(invoice.id)).retries).toBe(0);
    for (const [day, retries] of [['2027-03-16T00:00:02Z', 1], ['2027-03-18T00:00:02Z', 2], ['2027-03-20T00:00:02Z', 3], ['2027-03-22T00:00:02Z', 4]] as const) {
      await runAt(day);
      expect((await dunningCase(invoice.id)).retries).toBe(retries);
    }
    const attempts = (await payments(tenant.id)).slice(2);
    expect(attempts.map((p: { trigger: string; attempt: number; status: string }) => [p.trigger, p.attempt, p.status])).toEqual([
      ['automatic', 1, 'failed'],
      ['retry', 2, 'failed'],
      ['retry', 3, 'failed'],
      ['retry', 4, 'failed'],
      ['retry', 5, 'failed'],
    ]);
    expect(await dunningCase(invoice.id)).toMatchObject({ status: 'exhausted', next_retry_at: null, enforce_at: new Date('2027-03-25T00:00:02Z') });
    expect(await sub(tenant.id)).toMatchObject({ status: 'past_due' });

    // Grace days over: the plan subscription is suspended, so is the tenant (admins read, nobody writes).
    await runAt('2027-03-25T00:00:01Z');
    expect(await sub(tenant.id)).toMatchObject({ status: 'past_due' }); // a second before the grace ends
    expect((await runAt('2027-03-25T00:00:03Z')).collection.enforcements).toBeGreaterThanOrEqual(1);
    expect(await sub(tenant.id)).toMatchObject({ status: 'suspended' });
    expect(await billingStatus(tenant.id)).toBe('suspended');
    expect((await outboxEvents(t, tenant.id, 'subscription.suspended'))[0].payload).toMatchObject({ invoiceId: invoice.id, tenantSuspended: true });
    await expectProblem(await rawFetch(t, '/api/v1/tenant/settings', { method: 'PATCH', token: admin, json: { name: 'Blocked' } }), 403, 'tenant_suspended');
    expect((await t.as(admin).GET('/api/v1/tenant/invoices')).response.status).toBe(200);
    // A suspended period does not renew.
    await runAt('2027-04-16T00:00:00Z');
    expect(await sub(tenant.id)).toMatchObject({ status: 'suspended', current_period_end: new Date('2027-04-15T00:00:00Z') });

    // The way out works while suspended for non-payment: a new card, pay the open invoice.
    expect((await setCard(admin, 'pm_card_ok')).response.status).toBe(200);
    const paid = await payAsTenant(admin, invoice.id);
    expect(paid.status).toBe(201);
    await settled();
    expect(await latestInvoice(tenant.id)).toMatchObject({ id: invoice.id, status: 'paid' });
    expect(await sub(tenant.id)).toMatchObject({ status: 'active' });
    expect(await billingStatus(tenant.id)).toBe('active');
    expect(await dunningCase(invoice.id)).toMatchObject({ status: 'recovered' });
    expect((await outboxEvents(t, tenant.id, 'subscription.reactivated'))[0].payload).toMatchObject({ previousStatus: 'suspended', status: 'active' });
    const [recovered] = await t.db.query(`SELECT actor_type FROM audit_logs WHERE tenant_id = $1 AND action = 'billing.dunning_recovered'`, [tenant.id]);
    expect(recovered).toEqual({ actor_type: 'system' });
    await waitFor(async () => (await rawFetch(t, '/api/v1/tenant/settings', { method: 'PATCH', token: admin, json: { name: 'Back in business' } })).status === 200);

    // The period that ended while suspended is renewed by the next run and charged.
    await runAt('2027-04-16T00:00:01Z');
    expect(await sub(tenant.id)).toMatchObject({ status: 'active', current_period_end: new Date('2027-05-15T00:00:00Z') });
    expect((await latestInvoice(tenant.id)).status).toBe('paid');

    // Downgrade at period end, then cancel at the end of the next one.
    expect((await t.as(admin).POST('/api/v1/tenant/subscription/change-plan', { body: { planCode: lite, effective: 'period_end' } })).response.status).toBe(200);
    await runAt('2027-05-15T00:00:01Z');
    expect(await sub(tenant.id)).toMatchObject({ status: 'active', item_code: lite });
    expect(await payments(tenant.id)).toEqual(expect.arrayContaining([expect.objectContaining({ amount: 2000, status: 'succeeded' })]));
    expect((await t.as(admin).POST('/api/v1/tenant/subscription/cancel')).response.status).toBe(200);
    await runAt('2027-06-15T00:00:01Z');
    expect(await sub(tenant.id)).toMatchObject({ status: 'cancelled' });
    expect(await billingStatus(tenant.id)).toBe('cancelled');
    // Nothing charged after the cancellation.
    const charged = (await payments(tenant.id)).length;
    await runAt('2027-07-15T00:00:01Z');
    expect((await payments(tenant.id)).length).toBe(charged);
  });

  it('an unpaid module invoice turns only that module off: a tenant whose annual plan is paid is never suspended for it', async () => {
    clock.set(new Date('2027-08-01T00:00:00Z'));
    const tenant = await provisionTenantViaApi(t, owner, annual, { trialDays: 0, billingInterval: 'year' } as never);
    const admin = (await signIn(t, tenant.slug, tenant.admin.email, tenant.admin.password)).accessToken;
    const planInvoice = await latestInvoice(tenant.id);
    expect((await rawFetch(t, `/api/v1/admin/invoices/${planInvoice.id}/payments`, { method: 'POST', token: owner, json: { method: 'bank_transfer' }, headers: { 'Idempotency-Key': randomUUID() } })).status).toBe(201);
    await setCard(admin, 'pm_card_declined');
    expect((await t.as(admin).POST('/api/v1/tenant/modules/{moduleCode}/subscribe', { params: { path: { moduleCode: mod } }, body: { interval: 'month', trial: false } })).response.status).toBe(200);
    await settled();
    const moduleInvoice = await latestInvoice(tenant.id);
    expect(moduleInvoice.id).not.toBe(planInvoice.id);
    expect(await dunningCase(moduleInvoice.id)).toMatchObject({ status: 'retrying', last_failure_code: 'card_declined' });
    expect(await sub(tenant.id, 'module')).toMatchObject({ status: 'past_due' });
    expect(await sub(tenant.id)).toMatchObject({ status: 'active' });
    for (const day of ['2027-08-02T00:00:01Z', '2027-08-04T00:00:01Z', '2027-08-06T00:00:01Z', '2027-08-08T00:00:01Z', '2027-08-11T00:00:02Z']) await runAt(day);
    expect(await sub(tenant.id, 'module')).toMatchObject({ status: 'suspended' });
    expect(await sub(tenant.id)).toMatchObject({ status: 'active' });
    expect(await billingStatus(tenant.id)).toBe('active');
    const entitlements = await t.as(admin).GET('/api/v1/tenant/entitlements', { params: { query: { limit: 100 } } });
    expect(entitlements.data!.data.find((e) => e.module === mod)).toMatchObject({ isEntitled: false });
    expect((await outboxEvents(t, tenant.id, 'subscription.suspended'))[0].payload).toMatchObject({ kind: 'module', tenantSuspended: false });
    expect((await rawFetch(t, '/api/v1/tenant/settings', { method: 'PATCH', token: admin, json: { name: 'Plan paid, module off' } })).status).toBe(200);
    // Staff record the module payment offline: the module is back at once.
    expect((await rawFetch(t, `/api/v1/admin/invoices/${moduleInvoice.id}/payments`, { method: 'POST', token: owner, json: { method: 'bank_transfer' }, headers: { 'Idempotency-Key': randomUUID() } })).status).toBe(201);
    expect(await sub(tenant.id, 'module')).toMatchObject({ status: 'active' });
    expect(await dunningCase(moduleInvoice.id)).toMatchObject({ status: 'recovered' });
  });

  it('staff pause enforcement for a tenant (audited, shown in the tenant list): retries run, nothing is suspended until the pause is lifted; the policy is staff-editable', async () => {
    // A shorter policy: one retry a day after the failure, no grace.
    expect((await t.as(owner).PUT('/api/v1/admin/billing/dunning-policy', { body: { retryDays: [1], graceDays: 0 } })).data).toMatchObject({ retryDays: [1], graceDays: 0 });
    try {
      const { tenant } = await trialTenantWithCard('2027-09-01T00:00:00Z', 'pm_insufficient_funds');
      const put = await t.as(owner).PUT('/api/v1/admin/tenants/{tenantId}/billing/enforcement', { params: { path: { tenantId: tenant.id } }, body: { paused: true, reason: 'Pays by purchase order' } });
      expect(put.data).toMatchObject({ tenantId: tenant.id, enforcementPaused: true, reason: 'Pays by purchase order' });
      const [audit] = await t.db.query(`SELECT action, actor_type FROM audit_logs WHERE tenant_id = $1 AND action = 'billing.enforcement_set'`, [tenant.id]);
      expect(audit).toEqual({ action: 'billing.enforcement_set', actor_type: 'platform' });
      const list = await t.as(owner).GET('/api/v1/admin/tenants', { params: { query: { q: tenant.slug } } });
      expect(list.data!.data[0].subscription).toMatchObject({ enforcementPaused: true });

      await runAt('2027-09-02T00:00:01Z'); // trial converts; charge declined → past_due
      const invoice = await latestInvoice(tenant.id);
      await runAt('2027-09-03T00:00:02Z'); // the one retry fails → exhausted, enforce now
      expect(await dunningCase(invoice.id)).toMatchObject({ status: 'exhausted' });
      await runAt('2027-09-04T00:00:00Z');
      expect(await sub(tenant.id)).toMatchObject({ status: 'past_due' });
      expect(await billingStatus(tenant.id)).toBe('past_due');

      await t.as(owner).PUT('/api/v1/admin/tenants/{tenantId}/billing/enforcement', { params: { path: { tenantId: tenant.id } }, body: { paused: false, reason: 'Purchase order expired' } });
      await runAt('2027-09-04T00:00:01Z');
      expect(await sub(tenant.id)).toMatchObject({ status: 'suspended' });
      // Voiding the invoice ends its dunning: nothing is owed, the tenant is active again.
      expect((await t.as(owner).POST('/api/v1/admin/invoices/{invoiceId}/void', { params: { path: { invoiceId: invoice.id } } })).response.status).toBe(200);
      expect(await sub(tenant.id)).toMatchObject({ status: 'active' });
      expect(await dunningCase(invoice.id)).toMatchObject({ status: 'closed' });
      const cases = await t.as(owner).GET('/api/v1/admin/billing/dunning-cases', { params: { query: { tenantId: tenant.id } } });
      expect(cases.data!.data).toMatchObject([{ invoiceId: invoice.id, status: 'closed', retries: 1, lastFailureCode: 'card_declined' }]);
    } finally {
      await t.as(owner).PUT('/api/v1/admin/billing/dunning-policy', { body: { retryDays: [1, 3, 5, 7], graceDays: 3 } });
    }
    await expectProblem(await rawFetch(t, '/api/v1/admin/billing/dunning-policy', { method: 'PUT', token: owner, json: { retryDays: [0], graceDays: -1 } }), 400, 'validation_failed');
    expect((await t.as(owner).GET('/api/v1/admin/billing/dunning-policy')).data).toMatchObject({ retryDays: [1, 3, 5, 7], graceDays: 3 });
  });

  it('staff charge the card on file (method card): pending, then the outcome; a pending charge blocks a second payment and voiding', async () => {
    clock.set(new Date('2027-10-01T00:00:00Z'));
    const tenant = await provisionTenantViaApi(t, owner, seats, { licenses: 1, trialDays: 0 });
    const admin = (await signIn(t, tenant.slug, tenant.admin.email, tenant.admin.password)).accessToken;
    await setCard(admin, 'pm_card_expired');
    const invoice = await latestInvoice(tenant.id);
    const queue = t.app.get<Queue>(getQueueToken(BILLING_QUEUE));
    await queue.pause(true);
    try {
      const charge = await rawFetch(t, `/api/v1/admin/invoices/${invoice.id}/payments`, { method: 'POST', token: owner, json: { method: 'card' }, headers: { 'Idempotency-Key': randomUUID() } });
      expect(charge.status).toBe(201);
      expect(await charge.json()).toMatchObject({ status: 'pending', trigger: 'staff' });
      await expectProblem(await rawFetch(t, `/api/v1/admin/invoices/${invoice.id}/payments`, { method: 'POST', token: owner, json: { method: 'cash' }, headers: { 'Idempotency-Key': randomUUID() } }), 409, 'payment_in_progress');
      await expectProblem(await rawFetch(t, `/api/v1/admin/invoices/${invoice.id}/void`, { method: 'POST', token: owner }), 409, 'payment_in_progress');
      const badField = await expectProblem(
        await rawFetch(t, `/api/v1/admin/invoices/${invoice.id}/payments`, { method: 'POST', token: owner, json: { method: 'card', reference: 'x' }, headers: { 'Idempotency-Key': randomUUID() } }),
        400,
        'validation_failed',
      );
      expect(badField.errors![0].field).toBe('reference');
    } finally {
      await queue.resume(true);
    }
    await waitFor(async () => (await payments(tenant.id))[0].status !== 'pending', 10_000);
    expect((await payments(tenant.id))[0]).toMatchObject({ status: 'failed', failure_code: 'expired_card', trigger: 'staff' });
    // A charge staff asked for does not start dunning.
    expect(await dunningCase(invoice.id)).toBeUndefined();
  });
});

describe('payment collection with PAYMENT_GATEWAY=manual', () => {
  let t: TestApp;
  let owner: string;

  beforeAll(async () => {
    t = await createTestApp({ BILLING_LIFECYCLE_INTERVAL_MS: '3600000', PAYMENT_GATEWAY: 'manual' });
    owner = (await loginStaff(t)).accessToken;
  });
  afterAll(() => t.close());

  it('stores no card and charges nothing: 422 payment_method_unsupported and automatic_collection_disabled; offline payments are recorded as before', async () => {
    const plan = unique('man').toLowerCase();
    expect((await t.as(owner).POST('/api/v1/admin/plans', { body: { code: plan, name: plan, monthlyPriceCents: 5000, annualPriceCents: 0, seatMonthlyPriceCents: 0, seatAnnualPriceCents: 0, currency: 'USD' } as never })).response.status).toBe(201);
    const tenant = await provisionTenantViaApi(t, owner, plan, { trialDays: 0 });
    const admin = (await signIn(t, tenant.slug, tenant.admin.email, tenant.admin.password)).accessToken;
    expect((await t.as(admin).GET('/api/v1/tenant/billing/payment-method')).data).toEqual({ paymentMethod: null, gateway: 'manual' });
    expect((await expectProblem(await rawFetch(t, '/api/v1/tenant/billing/payment-method', { method: 'PUT', token: admin, json: { token: 'pm_card_ok' } }), 422, 'payment_method_unsupported')).field).toBe('token');
    const [invoice] = await t.db.query(`SELECT id FROM invoices WHERE tenant_id = $1`, [tenant.id]);
    await expectProblem(await rawFetch(t, `/api/v1/tenant/invoices/${invoice.id}/pay`, { method: 'POST', token: admin, headers: { 'Idempotency-Key': randomUUID() } }), 422, 'automatic_collection_disabled');
    expect(await t.db.query(`SELECT 1 FROM payments WHERE tenant_id = $1`, [tenant.id])).toHaveLength(0);
    expect((await rawFetch(t, `/api/v1/admin/invoices/${invoice.id}/payments`, { method: 'POST', token: owner, json: { method: 'cheque' }, headers: { 'Idempotency-Key': randomUUID() } })).status).toBe(201);
    expect((await t.db.query(`SELECT status FROM invoices WHERE id = $1`, [invoice.id]))[0].status).toBe('paid');
  });
});
