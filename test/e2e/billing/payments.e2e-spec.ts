import { randomUUID } from 'node:crypto';
import { createTestApp, expectProblem, loginStaff, rawFetch, TestApp, unique } from '../../support/app';
import { ControllableClock } from '../../support/clock';
import { outboxEvents, provisionTenantViaApi, signIn } from '../../support/fixtures';

/**
 * Offline payments recorded by staff against an invoice: partial then full (the invoice becomes
 * paid), never more than due, Idempotency-Key required and double clicks recorded once; the
 * platform's payment history and the tenant's own.
 */
describe('offline payments', () => {
  const clock = new ControllableClock(new Date('2027-04-01T00:00:00Z'));
  let t: TestApp;
  let owner: string;
  let plan: string;

  beforeAll(async () => {
    t = await createTestApp({ BILLING_LIFECYCLE_INTERVAL_MS: '3600000' }, [], { clock });
    owner = (await loginStaff(t)).accessToken;
    plan = unique('pay').toLowerCase();
    expect(
      (await t.as(owner).POST('/api/v1/admin/plans', { body: { code: plan, name: 'Seats', monthlyPriceCents: 0, annualPriceCents: 0, seatMonthlyPriceCents: 1500, seatAnnualPriceCents: 15000, currency: 'USD' } as never })).response
        .status,
    ).toBe(201);
  });
  afterAll(() => t.close());

  /** A tenant on 10 paid licenses: its first invoice (15000) is open. */
  const tenantWithOpenInvoice = async () => {
    const tenant = await provisionTenantViaApi(t, owner, plan, { licenses: 10, trialDays: 0 });
    const [invoice] = await t.db.query(`SELECT id, number FROM invoices WHERE tenant_id = $1`, [tenant.id]);
    return { tenant, invoice: invoice as { id: string; number: string } };
  };
  const pay = (invoiceId: string, body: Record<string, unknown>, key: string | null = randomUUID()) =>
    rawFetch(t, `/api/v1/admin/invoices/${invoiceId}/payments`, { method: 'POST', token: owner, json: body, headers: key ? { 'Idempotency-Key': key } : {} });
  const invoiceRow = async (id: string) => (await t.db.query(`SELECT status, amount_paid_cents::int AS paid, amount_due_cents::int AS due, paid_at FROM invoices WHERE id = $1`, [id]))[0];

  it('a partial then the rest: the invoice is paid when nothing is due, with payment.succeeded and invoice.paid; more than due → 422 naming amountCents', async () => {
    const { tenant, invoice } = await tenantWithOpenInvoice();
    const first = await pay(invoice.id, { method: 'bank_transfer', amountCents: 5000, reference: 'SEPA 0042' });
    expect(first.status).toBe(201);
    expect(await first.json()).toMatchObject({ status: 'succeeded', amountCents: 5000, currency: 'USD', method: 'bank_transfer', methodLabel: 'Bank transfer', gateway: 'offline', reference: 'SEPA 0042', invoiceNumber: invoice.number });
    expect(await invoiceRow(invoice.id)).toMatchObject({ status: 'open', paid: 5000, due: 10000, paid_at: null });
    const tooMuch = await expectProblem(await pay(invoice.id, { method: 'cheque', amountCents: 10001 }), 422, 'payment_exceeds_amount_due');
    expect(tooMuch.field).toBe('amountCents');
    expect((await pay(invoice.id, { method: 'cheque' })).status).toBe(201); // the rest (10000)
    expect(await invoiceRow(invoice.id)).toMatchObject({ status: 'paid', paid: 15000, due: 0, paid_at: clock.now() });
    expect((await outboxEvents(t, tenant.id, 'payment.succeeded')).map((e) => e.payload.amountCents)).toEqual([5000, 10000]);
    expect(await outboxEvents(t, tenant.id, 'invoice.paid')).toHaveLength(1);
    const paid = await expectProblem(await pay(invoice.id, { method: 'cash', amountCents: 1 }), 409, 'invoice_not_payable');
    expect(paid.currentStatus).toBe('paid');
    const [audit] = await t.db.query(`SELECT action, resource_type, actor_type FROM audit_logs WHERE tenant_id = $1 AND action = 'payments.record' LIMIT 1`, [tenant.id]);
    expect(audit).toEqual({ action: 'payments.record', resource_type: 'payment', actor_type: 'platform' });
  });

  it('Idempotency-Key is required; ten concurrent identical requests record one payment', async () => {
    const { invoice } = await tenantWithOpenInvoice();
    const missing = await expectProblem(await pay(invoice.id, { method: 'bank_transfer', amountCents: 100 }, null), 400, 'validation_failed');
    expect(missing.errors![0].field).toBe('Idempotency-Key');
    const key = randomUUID();
    await Promise.all(Array.from({ length: 10 }, () => pay(invoice.id, { method: 'bank_transfer', amountCents: 100 }, key)));
    expect(await t.db.query(`SELECT amount_cents::int AS amount FROM payments WHERE invoice_id = $1`, [invoice.id])).toEqual([{ amount: 100 }]);
    expect(await invoiceRow(invoice.id)).toMatchObject({ paid: 100, due: 14900 });
    const bad = await expectProblem(await pay(invoice.id, { method: 'cheque-ish' }), 400, 'validation_failed');
    expect(bad.errors![0].field).toBe('method');
    // `card` charges the method on file; this tenant has none.
    expect((await expectProblem(await pay(invoice.id, { method: 'card' }), 422, 'payment_method_required')).field).toBe('method');
    await expectProblem(await pay(randomUUID(), { method: 'cash' }), 404, 'invoice_not_found');
  });

  it('payment history: staff filter by tenant and status; the tenant lists its own', async () => {
    const { tenant, invoice } = await tenantWithOpenInvoice();
    expect((await pay(invoice.id, { method: 'cash', amountCents: 700 })).status).toBe(201);
    const list = await t.as(owner).GET('/api/v1/admin/payments', { params: { query: { tenantId: tenant.id, status: 'succeeded' } } });
    expect(list.data!.data.map((p) => [p.amountCents, p.invoiceNumber])).toEqual([[700, invoice.number]]);
    expect((await t.as(owner).GET('/api/v1/admin/payments', { params: { query: { tenantId: tenant.id, status: 'failed' } } })).data!.meta.total).toBe(0);
    const admin = (await signIn(t, tenant.slug, tenant.admin.email, tenant.admin.password)).accessToken;
    const mine = await t.as(admin).GET('/api/v1/tenant/payments');
    expect(mine.data!.data.map((p) => p.amountCents)).toEqual([700]);
    const other = await provisionTenantViaApi(t, owner, plan, { licenses: 1, trialDays: 0 });
    const otherAdmin = (await signIn(t, other.slug, other.admin.email, other.admin.password)).accessToken;
    expect((await t.as(otherAdmin).GET('/api/v1/tenant/payments')).data!.meta.total).toBe(0);
  });
});
