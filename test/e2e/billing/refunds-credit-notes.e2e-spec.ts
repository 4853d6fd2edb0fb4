import { getQueueToken } from '@nestjs/bull';
import type { Queue } from 'bull';
import { randomUUID } from 'node:crypto';
import { BillingLifecycleService } from '../../../src/modules/billing/billing-lifecycle.service';
import { BILLING_QUEUE } from '../../../src/modules/billing/billing-queue';
import { createTestApp, expectProblem, loginStaff, rawFetch, TestApp, unique } from '../../support/app';
import { ControllableClock } from '../../support/clock';
import { outboxEvents, provisionTenantViaApi, signIn, waitFor } from '../../support/fixtures';
import { pdfText } from '../../support/pdf';

jest.setTimeout(60_000);

/**
 * Refunds (offline at once, card through the gateway after commit), each with its credit note
 * (CN-YYYY-NNNNNN and a PDF); never more than what is left; goodwill and correcting credit notes
 * (an open invoice's amount due reduced, a paid invoice's credit put on the tenant's balance and
 * used by its next invoice); the tenant's credit notes and balance.
 */
describe('refunds and credit notes', () => {
  const clock = new ControllableClock(new Date('2028-02-01T00:00:00Z'));
  let t: TestApp;
  let owner: string;
  let plan: string;

  beforeAll(async () => {
    t = await createTestApp({ BILLING_LIFECYCLE_INTERVAL_MS: '3600000' }, [], { clock });
    owner = (await loginStaff(t)).accessToken;
    plan = unique('ref').toLowerCase();
    expect(
      (await t.as(owner).POST('/api/v1/admin/plans', { body: { code: plan, name: 'Seats', monthlyPriceCents: 0, annualPriceCents: 0, seatMonthlyPriceCents: 1500, seatAnnualPriceCents: 15000, currency: 'USD' } as never })).response.status,
    ).toBe(201);
  });
  afterAll(() => t.close());

  const post = (path: string, json: unknown, key: string | null = randomUUID(), token = owner) => rawFetch(t, path, { method: 'POST', token, json, headers: key ? { 'Idempotency-Key': key } : {} });
  /** A tenant on 10 licenses whose first invoice (15000) staff were paid by bank transfer. */
  const paidTenant = async () => {
    const tenant = await provisionTenantViaApi(t, owner, plan, { licenses: 10, trialDays: 0 });
    const [invoice] = await t.db.query(`SELECT id, number FROM invoices WHERE tenant_id = $1`, [tenant.id]);
    const paid = await post(`/api/v1/admin/invoices/${invoice.id}/payments`, { method: 'bank_transfer' });
    expect(paid.status).toBe(201);
    return { tenant, invoice: invoice as { id: string; number: string }, payment: (await paid.json()) as { id: string } };
  };
  const paymentRow = async (id: string) => (await t.db.query(`SELECT status, refunded_cents::int AS refunded FROM payments WHERE id = $1`, [id]))[0];
  const invoiceRow = async (id: string) =>
    (await t.db.query(`SELECT status, amount_due_cents::int AS due, credited_cents::int AS credited, applied_balance_cents::int AS applied FROM invoices WHERE id = $1`, [id]))[0];

  it('an offline payment refunded in two parts: each a credit note with its PDF; never more than is left (422 naming what is left); then nothing is refundable', async () => {
    const { tenant, invoice, payment } = await paidTenant();
    const first = await post(`/api/v1/admin/payments/${payment.id}/refunds`, { amountCents: 5000, reason: 'requested_by_customer', reference: 'SEPA back 0042' });
    expect(first.status).toBe(201);
    const refund = (await first.json()) as { status: string; creditNoteId: string; creditNoteNumber: string };
    expect(refund).toMatchObject({ status: 'succeeded', amountCents: 5000, gateway: 'offline', reference: 'SEPA back 0042', creditNoteNumber: expect.stringMatching(/^CN-2028-\d{6}$/) });
    expect(await paymentRow(payment.id)).toEqual({ status: 'partially_refunded', refunded: 5000 });
    expect(await invoiceRow(invoice.id)).toMatchObject({ status: 'paid', due: 0, credited: 5000 });
    const note = await t.as(owner).GET('/api/v1/admin/credit-notes/{creditNoteId}', { params: { path: { creditNoteId: refund.creditNoteId } } });
    expect(note.data).toMatchObject({ number: refund.creditNoteNumber, invoiceId: invoice.id, invoiceNumber: invoice.number, kind: 'refund', reason: 'refund', amountCents: 5000, currency: 'USD' });
    const pdf = await rawFetch(t, `/api/v1/admin/credit-notes/${refund.creditNoteId}/pdf`, { token: owner });
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(pdf.headers.get('content-disposition')).toBe(`attachment; filename="${refund.creditNoteNumber}.pdf"`);
    const text = await pdfText(Buffer.from(await pdf.arrayBuffer()));
    expect(text).toContain(refund.creditNoteNumber);
    expect(text).toContain(invoice.number);
    expect(text).toContain('$50.00');
    expect((await outboxEvents(t, tenant.id, 'payment.refunded'))[0].payload).toMatchObject({ refundedCents: 5000, totalRefundedCents: 5000, creditNoteNumber: refund.creditNoteNumber });
    expect((await outboxEvents(t, tenant.id, 'credit_note.created'))[0].payload).toMatchObject({ kind: 'refund', amountCents: 5000 });

    const tooMuch = await expectProblem(await post(`/api/v1/admin/payments/${payment.id}/refunds`, { amountCents: 10001, reason: 'duplicate' }), 422, 'refund_exceeds_remaining');
    expect(tooMuch).toMatchObject({ field: 'amountCents', remainingCents: 10000 });
    expect((await post(`/api/v1/admin/payments/${payment.id}/refunds`, { reason: 'duplicate' })).status).toBe(201); // the rest
    expect(await paymentRow(payment.id)).toEqual({ status: 'refunded', refunded: 15000 });
    expect((await expectProblem(await post(`/api/v1/admin/payments/${payment.id}/refunds`, { reason: 'duplicate' }), 409, 'payment_not_refundable')).currentStatus).toBe('refunded');
    const refunds = await t.as(owner).GET('/api/v1/admin/payments/{paymentId}/refunds', { params: { path: { paymentId: payment.id } } });
    expect(refunds.data!.map((r) => r.amountCents)).toEqual([5000, 10000]);
    const [audit] = await t.db.query(`SELECT actor_type, resource_type FROM audit_logs WHERE tenant_id = $1 AND action = 'payments.refund' LIMIT 1`, [tenant.id]);
    expect(audit).toEqual({ actor_type: 'platform', resource_type: 'refund' });
    // Missing key → 400; bad reason → 400 naming it; unknown payment → 404.
    expect((await expectProblem(await post(`/api/v1/admin/payments/${payment.id}/refunds`, { reason: 'duplicate' }, null), 400, 'validation_failed')).errors![0].field).toBe('Idempotency-Key');
    expect((await expectProblem(await post(`/api/v1/admin/payments/${payment.id}/refunds`, { reason: 'because' }), 400, 'validation_failed')).errors![0].field).toBe('reason');
    await expectProblem(await post(`/api/v1/admin/payments/${randomUUID()}/refunds`, { reason: 'duplicate' }), 404, 'payment_not_found');
  });

  it('ten identical refund requests (one key) refund once', async () => {
    const { payment } = await paidTenant();
    const key = randomUUID();
    const answers = await Promise.all(Array.from({ length: 10 }, () => post(`/api/v1/admin/payments/${payment.id}/refunds`, { amountCents: 700, reason: 'duplicate' }, key)));
    expect(answers.every((r) => r.status === 201)).toBe(true);
    expect(await t.db.query(`SELECT amount_cents::int AS amount FROM refunds WHERE payment_id = $1`, [payment.id])).toEqual([{ amount: 700 }]);
    expect(await paymentRow(payment.id)).toEqual({ status: 'partially_refunded', refunded: 700 });
  });

  it('a card payment is refunded through the gateway after commit: pending, then succeeded with its reference and credit note', async () => {
    const tenant = await provisionTenantViaApi(t, owner, plan, { licenses: 2, trialDays: 0 });
    const admin = (await signIn(t, tenant.slug, tenant.admin.email, tenant.admin.password)).accessToken;
    expect((await t.as(admin).PUT('/api/v1/tenant/billing/payment-method', { body: { token: 'pm_card_ok' } })).response.status).toBe(200);
    const [invoice] = await t.db.query(`SELECT id FROM invoices WHERE tenant_id = $1`, [tenant.id]);
    expect((await post(`/api/v1/tenant/invoices/${invoice.id}/pay`, undefined, randomUUID(), admin)).status).toBe(201);
    await waitFor(async () => (await t.db.query(`SELECT status FROM payments WHERE tenant_id = $1`, [tenant.id]))[0].status === 'succeeded', 10_000);
    const [payment] = await t.db.query(`SELECT id FROM payments WHERE tenant_id = $1`, [tenant.id]);
    const started = await post(`/api/v1/admin/payments/${payment.id}/refunds`, { amountCents: 1000, reason: 'service_issue' });
    expect(started.status).toBe(201);
    const refund = (await started.json()) as { id: string };
    expect(refund).toMatchObject({ status: 'pending', gateway: 'sandbox', creditNoteId: null });
    // A reference is only for an offline refund.
    expect((await expectProblem(await post(`/api/v1/admin/payments/${payment.id}/refunds`, { amountCents: 1, reason: 'duplicate', reference: 'x' }), 400, 'validation_failed')).errors![0].field).toBe('reference');
    await waitFor(async () => (await t.db.query(`SELECT status FROM refunds WHERE id = $1`, [refund.id]))[0].status !== 'pending', 10_000);
    const [done] = await t.db.query(`SELECT status, reference, credit_note_id FROM refunds WHERE id = $1`, [refund.id]);
    expect(done).toMatchObject({ status: 'succeeded', reference: expect.stringMatching(/^re_sandbox_[0-9a-f]{24}$/), credit_note_id: expect.any(String) });
    expect(await paymentRow(payment.id)).toEqual({ status: 'partially_refunded', refunded: 1000 });
    const [audit] = await t.db.query(`SELECT actor_type FROM audit_logs WHERE tenant_id = $1 AND action = 'refunds.succeeded'`, [tenant.id]);
    expect(audit).toEqual({ actor_type: 'system' });
    // The tenant sees its credit note and downloads it; another tenant cannot.
    const mine = await t.as(admin).GET('/api/v1/tenant/credit-notes');
    expect(mine.data!.data).toMatchObject([{ id: done.credit_note_id, kind: 'refund', amountCents: 1000 }]);
    expect((await rawFetch(t, `/api/v1/tenant/credit-notes/${done.credit_note_id}/pdf`, { token: admin })).headers.get('content-type')).toBe('application/pdf');
    // A refund whose job was lost (paused queue: as after a crash) is sent again by the lifecycle run a minute later.
    const queue = t.app.get<Queue>(getQueueToken(BILLING_QUEUE));
    await queue.pause(true);
    try {
      const lost = (await (await post(`/api/v1/admin/payments/${payment.id}/refunds`, { amountCents: 500, reason: 'duplicate' })).json()) as { id: string };
      await t.db.query(`UPDATE refunds SET updated_at = updated_at - interval '2 minutes' WHERE id = $1`, [lost.id]);
      expect((await t.app.get(BillingLifecycleService).runDue()).collection.reconciled).toBeGreaterThanOrEqual(1);
      expect((await t.db.query(`SELECT status FROM refunds WHERE id = $1`, [lost.id]))[0].status).toBe('succeeded');
      expect(await paymentRow(payment.id)).toEqual({ status: 'partially_refunded', refunded: 1500 });
    } finally {
      await queue.resume(true);
    }
    const other = await provisionTenantViaApi(t, owner, plan, { licenses: 1, trialDays: 0 });
    const otherAdmin = (await signIn(t, other.slug, other.admin.email, other.admin.password)).accessToken;
    await expectProblem(await rawFetch(t, `/api/v1/tenant/credit-notes/${done.credit_note_id}`, { token: otherAdmin }), 404, 'credit_note_not_found');
  });

  it('goodwill credit: on a paid invoice it goes to the tenant\'s balance, which pays the next invoice first; on an open one it reduces what is due (to 0: paid); never more than the invoice', async () => {
    const { tenant, invoice } = await paidTenant();
    const admin = (await signIn(t, tenant.slug, tenant.admin.email, tenant.admin.password)).accessToken;
    const credit = await post(`/api/v1/admin/invoices/${invoice.id}/credit-notes`, { amountCents: 2500, reason: 'goodwill', memo: 'Outage on 3 February' });
    expect(credit.status).toBe(201);
    expect(await credit.json()).toMatchObject({ kind: 'credit_balance', reason: 'goodwill', amountCents: 2500, memo: 'Outage on 3 February' });
    expect((await t.as(admin).GET('/api/v1/tenant/billing/credit-balance')).data).toEqual({ balances: [{ currency: 'USD', amountCents: 2500 }] });
    const tooMuch = await expectProblem(await post(`/api/v1/admin/invoices/${invoice.id}/credit-notes`, { amountCents: 12501, reason: 'goodwill' }), 422, 'credit_exceeds_invoice_total');
    expect(tooMuch.field).toBe('amountCents');

    // The next invoice (5 licenses added mid-period) is paid from the balance first.
    expect((await t.as(owner).POST('/api/v1/admin/tenants/{tenantId}/subscription/licenses/add', { params: { path: { tenantId: tenant.id } }, body: { quantity: 1 } })).response.status).toBe(200);
    const [next] = await t.db.query(`SELECT id, total_cents::int AS total FROM invoices WHERE tenant_id = $1 AND id <> $2 ORDER BY created_at DESC LIMIT 1`, [tenant.id, invoice.id]);
    expect(next.total).toBe(1500);
    expect(await invoiceRow(next.id)).toMatchObject({ status: 'paid', due: 0, applied: 1500 });
    expect((await t.as(owner).GET('/api/v1/admin/tenants/{tenantId}/billing/credit-balance', { params: { path: { tenantId: tenant.id } } })).data).toEqual({ balances: [{ currency: 'USD', amountCents: 1000 }] });

    // An open manual invoice of 4000: 1000 of balance applied at finalization, then a correction of the rest → paid.
    const manual = await post('/api/v1/admin/invoices', { tenantId: tenant.id, lines: [{ description: 'Onboarding', quantity: 1, unitAmountCents: 4000 }], finalize: true });
    expect(manual.status).toBe(201);
    const open = (await manual.json()) as { id: string; amountDueCents: number; appliedBalanceCents: number };
    expect(open).toMatchObject({ status: 'open', appliedBalanceCents: 1000, amountDueCents: 3000 });
    expect((await expectProblem(await post(`/api/v1/admin/invoices/${open.id}/credit-notes`, { amountCents: 3001, reason: 'order_change' }), 422, 'credit_exceeds_amount_due')).field).toBe('amountCents');
    const correction = await post(`/api/v1/admin/invoices/${open.id}/credit-notes`, { amountCents: 3000, reason: 'order_change' });
    expect(await correction.json()).toMatchObject({ kind: 'amount_due', amountCents: 3000 });
    expect(await invoiceRow(open.id)).toMatchObject({ status: 'paid', due: 0, credited: 3000, applied: 1000 });
    expect((await t.as(admin).GET('/api/v1/tenant/billing/credit-balance')).data).toEqual({ balances: [{ currency: 'USD', amountCents: 0 }] });
    // A void invoice takes no credit note.
    const draft = (await (await post('/api/v1/admin/invoices', { tenantId: tenant.id, lines: [{ description: 'X', quantity: 1, unitAmountCents: 100 }] })).json()) as { id: string };
    expect((await t.as(owner).POST('/api/v1/admin/invoices/{invoiceId}/void', { params: { path: { invoiceId: draft.id } } })).response.status).toBe(200);
    expect((await expectProblem(await post(`/api/v1/admin/invoices/${draft.id}/credit-notes`, { amountCents: 1, reason: 'duplicate' }), 409, 'invoice_not_creditable')).currentStatus).toBe('void');
    const list = await t.as(owner).GET('/api/v1/admin/credit-notes', { params: { query: { tenantId: tenant.id } } });
    expect(list.data!.data.map((c) => c.kind)).toEqual(['amount_due', 'credit_balance']);
  });
});
