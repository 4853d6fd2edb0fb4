import { randomUUID } from 'node:crypto';
import { BillingLifecycleService } from '../../../src/modules/billing/billing-lifecycle.service';
import { createTestApp, expectProblem, loginStaff, rawFetch, TestApp, unique } from '../../support/app';
import { ControllableClock } from '../../support/clock';
import { addTenantUserViaApi, outboxEvents, provisionTenantViaApi, signIn } from '../../support/fixtures';
import { pdfText as extractPdfText } from '../../support/pdf';

/**
 * Invoices: made from the pending charges when a subscription starts, renews or is charged
 * mid-period; manual invoices (Idempotency-Key required); gapless numbers per year under
 * concurrency; frozen once finalized; PDFs in the tenant's locale; the tenant's billing history.
 */
describe('invoices', () => {
  const start = new Date('2027-04-01T00:00:00Z');
  const half = new Date('2027-04-16T00:00:00Z');
  const clock = new ControllableClock(start);
  let t: TestApp;
  let owner: string;
  let seatPlan: string;

  beforeAll(async () => {
    t = await createTestApp({ BILLING_LIFECYCLE_INTERVAL_MS: '3600000' }, [], { clock });
    owner = (await loginStaff(t)).accessToken;
    seatPlan = unique('inv').toLowerCase();
    expect(
      (await t.as(owner).POST('/api/v1/admin/plans', { body: { code: seatPlan, name: 'Seats', monthlyPriceCents: 0, annualPriceCents: 0, seatMonthlyPriceCents: 1500, seatAnnualPriceCents: 15000, currency: 'USD' } as never }))
        .response.status,
    ).toBe(201);
  });
  afterAll(() => t.close());

  const paidTenant = async (licenses = 10, overrides: Record<string, unknown> = {}) => {
    clock.set(start);
    const tenant = await provisionTenantViaApi(t, owner, seatPlan, { licenses, trialDays: 0, ...overrides });
    return { ...tenant, token: (await signIn(t, tenant.slug, tenant.admin.email, tenant.admin.password)).accessToken };
  };
  const invoicesOf = async (tenantId: string) =>
    (await t.db.query(`SELECT id, number, status, billing_reason, total_cents::int AS total, amount_due_cents::int AS due FROM invoices WHERE tenant_id = $1 ORDER BY created_at, number`, [tenantId])) as {
      id: string;
      number: string | null;
      status: string;
      billing_reason: string;
      total: number;
      due: number;
    }[];
  const manual = (body: Record<string, unknown>, key: string | null = randomUUID()) =>
    rawFetch(t, '/api/v1/admin/invoices', { method: 'POST', token: owner, json: body, headers: key ? { 'Idempotency-Key': key } : {} });
  const pdfText = async (res: Response) => extractPdfText(new Uint8Array(await res.arrayBuffer()));

  it('a paid start is invoiced at once from its pending charges: numbered, open, due now, who is billed copied, the tax stated', async () => {
    const tenant = await paidTenant(10);
    const [inv] = await invoicesOf(tenant.id);
    expect(inv).toMatchObject({ status: 'open', billing_reason: 'subscription_create', total: 15000, due: 15000 });
    expect(inv.number).toMatch(/^INV-2027-\d{6}$/);
    const res = await t.as(owner).GET('/api/v1/admin/invoices/{invoiceId}', { params: { path: { invoiceId: inv.id } } });
    expect(res.data).toMatchObject({
      number: inv.number,
      currency: 'USD',
      subtotalCents: 15000,
      taxCents: 0,
      taxNote: expect.stringContaining('No tax calculated'),
      totalCents: 15000,
      amountPaidCents: 0,
      amountDueCents: 15000,
      finalizedAt: start.toISOString(),
      dueAt: start.toISOString(),
      billedTo: { name: expect.any(String), email: expect.stringContaining('@') },
      lines: [{ description: expect.stringContaining('license'), quantity: 10, unitAmountCents: 1500, amountCents: 15000, periodStart: start.toISOString(), periodEnd: '2027-05-01T00:00:00.000Z', proration: false }],
    });
    // The pending item is taken by the invoice (never billed twice).
    expect(await t.db.query(`SELECT invoice_id FROM pending_invoice_items WHERE tenant_id = $1`, [tenant.id])).toEqual([{ invoice_id: inv.id }]);
    expect((await outboxEvents(t, tenant.id)).map((e) => e.event_name)).toEqual(expect.arrayContaining(['invoice.created', 'invoice.finalized']));
  });

  it('mid-period: adding licenses is invoiced now; a removal’s credit stays pending and reduces the renewal invoice; each renewal is its own invoice', async () => {
    const tenant = await paidTenant(10);
    clock.set(half);
    expect((await t.as(owner).POST('/api/v1/admin/tenants/{tenantId}/subscription/licenses/add', { params: { path: { tenantId: tenant.id } }, body: { quantity: 2 } })).response.status).toBe(200);
    expect((await invoicesOf(tenant.id)).map((i) => [i.billing_reason, i.total])).toEqual([
      ['subscription_create', 15000],
      ['subscription_update', 1500], // half a month of 2 × 1500
    ]);
    expect((await t.as(owner).POST('/api/v1/admin/tenants/{tenantId}/subscription/licenses/remove', { params: { path: { tenantId: tenant.id } }, body: { quantity: 4 } })).response.status).toBe(200);
    expect(await invoicesOf(tenant.id)).toHaveLength(2);
    expect(await t.db.query(`SELECT amount_cents::int AS amount FROM pending_invoice_items WHERE tenant_id = $1 AND invoice_id IS NULL`, [tenant.id])).toEqual([{ amount: -3000 }]);
    clock.set(new Date('2027-06-01T00:00:01Z')); // two renewals: May 1 and Jun 1
    await t.app.get(BillingLifecycleService).runDue();
    const renewals = (await invoicesOf(tenant.id)).filter((i) => i.billing_reason === 'subscription_cycle');
    // 8 × 1500 = 12000, less the 3000 credit on the first; the second in full.
    expect(renewals.map((i) => i.total)).toEqual([9000, 12000]);
    expect(new Set(renewals.map((i) => i.number)).size).toBe(2);
  });

  it('manual invoices need an Idempotency-Key; a retry replays, another body is 422, ten concurrent identical requests make one invoice', async () => {
    const tenant = await paidTenant(1);
    const body = { tenantId: tenant.id, lines: [{ description: 'Onboarding workshop', quantity: 2, unitAmountCents: 60000 }], netDays: 14 };
    const missing = await expectProblem(await manual(body, null), 400, 'validation_failed');
    expect(missing.errors).toEqual([expect.objectContaining({ field: 'Idempotency-Key' })]);
    const key = randomUUID();
    const results = await Promise.all(Array.from({ length: 10 }, () => manual(body, key)));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 201).length + statuses.filter((s) => s === 409).length).toBe(10);
    const drafts = (await invoicesOf(tenant.id)).filter((i) => i.billing_reason === 'manual');
    expect(drafts).toEqual([expect.objectContaining({ status: 'draft', number: null, total: 120000 })]);
    const replay = await manual(body, key);
    expect(replay.status).toBe(201);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(((await replay.json()) as { id: string }).id).toBe(drafts[0].id);
    await expectProblem(await manual({ ...body, netDays: 30 }, key), 422, 'idempotency_key_reused');
    const bad = await expectProblem(await manual({ ...body, lines: [{ description: '', quantity: 0, unitAmountCents: 1.5 }] }), 400, 'validation_failed');
    expect(bad.errors!.map((e) => e.field)).toEqual(expect.arrayContaining(['lines.0.description', 'lines.0.quantity', 'lines.0.unitAmountCents']));
    await expectProblem(await manual({ ...body, tenantId: randomUUID() }), 404, 'tenant_not_found');
  });

  it('finalize gives the next number and freezes the invoice (the database refuses changes); void, uncollectible and their 409s', async () => {
    const tenant = await paidTenant(1);
    const created = (await (await manual({ tenantId: tenant.id, lines: [{ description: 'Consulting', quantity: 1, unitAmountCents: 5000 }], netDays: 7 })).json()) as { id: string };
    const path = { params: { path: { invoiceId: created.id } } };
    // A draft is not the tenant's to see.
    await expectProblem(await t.as(tenant.token).GET('/api/v1/tenant/invoices/{invoiceId}', path), 404, 'invoice_not_found');
    const fin = await t.as(owner).POST('/api/v1/admin/invoices/{invoiceId}/finalize', path);
    expect(fin.data).toMatchObject({ status: 'open', number: expect.stringMatching(/^INV-2027-\d{6}$/), dueAt: '2027-04-08T00:00:00.000Z' });
    expect((await expectProblem(await t.as(owner).POST('/api/v1/admin/invoices/{invoiceId}/finalize', path), 409, 'invoice_not_draft')).currentStatus).toBe('open');
    await expect(t.db.query(`UPDATE invoices SET subtotal_cents = 1, total_cents = 1 WHERE id = $1`, [created.id])).rejects.toThrow(/immutable/);
    await expect(t.db.query(`UPDATE invoice_lines SET amount_cents = 1 WHERE invoice_id = $1`, [created.id])).rejects.toThrow(/immutable/);
    expect((await t.as(owner).POST('/api/v1/admin/invoices/{invoiceId}/mark-uncollectible', path)).data).toMatchObject({ status: 'uncollectible' });
    await expectProblem(await t.as(owner).POST('/api/v1/admin/invoices/{invoiceId}/mark-uncollectible', path), 409, 'invoice_not_open');
    expect((await t.as(owner).POST('/api/v1/admin/invoices/{invoiceId}/void', path)).data).toMatchObject({ status: 'void', amountDueCents: 0 });
    expect((await t.db.query(`SELECT status, number FROM invoices WHERE id = $1`, [created.id]))[0]).toEqual({ status: 'void', number: fin.data!.number });
    await expectProblem(await t.as(owner).POST('/api/v1/admin/invoices/{invoiceId}/void', path), 409, 'invoice_not_voidable');
    expect((await outboxEvents(t, tenant.id)).map((e) => e.event_name)).toEqual(expect.arrayContaining(['invoice.uncollectible', 'invoice.voided']));
    await expectProblem(await t.as(owner).POST('/api/v1/admin/invoices/{invoiceId}/void', { params: { path: { invoiceId: randomUUID() } } }), 404, 'invoice_not_found');
  });

  it('20 parallel finalizations take 20 consecutive numbers, no gaps and no duplicates', async () => {
    const tenant = await paidTenant(1);
    const ids: string[] = [];
    for (let i = 0; i < 20; i += 1) ids.push(((await (await manual({ tenantId: tenant.id, lines: [{ description: `Item ${i}`, quantity: 1, unitAmountCents: 100 }] })).json()) as { id: string }).id);
    const results = await Promise.all(ids.map((invoiceId) => t.as(owner).POST('/api/v1/admin/invoices/{invoiceId}/finalize', { params: { path: { invoiceId } } })));
    expect(results.map((r) => r.response.status)).toEqual(ids.map(() => 200));
    const numbers = results.map((r) => Number(r.data!.number!.slice(-6))).sort((a, b) => a - b);
    expect(numbers).toEqual(numbers.map((_, i) => numbers[0] + i));
  });

  it('PDF: the number, lines and total in the tenant’s locale, named after the number; the tenant downloads its own, another tenant’s is a 404', async () => {
    const tenant = await paidTenant(10, { currency: 'EUR', locale: 'de-DE' });
    const created = (await (await manual({ tenantId: tenant.id, lines: [{ description: 'Datenmigration', quantity: 1, unitAmountCents: 1234567 }], finalize: true })).json()) as { id: string; number: string; currency: string };
    expect(created.currency).toBe('EUR');
    const res = await rawFetch(t, `/api/v1/admin/invoices/${created.id}/pdf`, { token: owner });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="${created.number}.pdf"`);
    const text = await pdfText(res);
    expect(text).toContain(`Invoice ${created.number}`);
    expect(text).toContain('Datenmigration');
    expect(text).toMatch(/12\.345,67\s€/);
    expect(text).toContain('No tax calculated');

    const mine = await rawFetch(t, `/api/v1/tenant/invoices/${created.id}/pdf`, { token: tenant.token });
    expect(mine.status).toBe(200);
    expect(await pdfText(mine)).toContain(created.number);
    const other = await paidTenant(1);
    await expectProblem(await rawFetch(t, `/api/v1/tenant/invoices/${created.id}/pdf`, { token: other.token }), 404, 'invoice_not_found');
    await expectProblem(await t.as(other.token).GET('/api/v1/tenant/invoices/{invoiceId}', { params: { path: { invoiceId: created.id } } }), 404, 'invoice_not_found');
  });

  it('billing history: the tenant lists its invoices (no drafts), managers read, members 403; staff filter by tenant, status, number and overdue', async () => {
    const tenant = await paidTenant(3);
    await manual({ tenantId: tenant.id, lines: [{ description: 'Draft only', quantity: 1, unitAmountCents: 100 }] });
    const list = await t.as(tenant.token).GET('/api/v1/tenant/invoices');
    expect(list.data!.data.map((i) => i.billingReason)).toEqual(['subscription_create']);
    const manager = await addTenantUserViaApi(t, tenant.token, 'manager');
    const member = await addTenantUserViaApi(t, tenant.token, 'member');
    expect((await t.as((await signIn(t, tenant.slug, manager.email, manager.password)).accessToken).GET('/api/v1/tenant/invoices')).response.status).toBe(200);
    await expectProblem(await t.as((await signIn(t, tenant.slug, member.email, member.password)).accessToken).GET('/api/v1/tenant/invoices'), 403, 'forbidden');

    const q = (query: Record<string, unknown>) => t.as(owner).GET('/api/v1/admin/invoices', { params: { query: { tenantId: tenant.id, ...query } as never } });
    expect((await q({})).data!.meta.total).toBe(2);
    expect((await q({ status: 'draft' })).data!.data.map((i) => i.memo ?? i.billingReason)).toEqual(['manual']);
    const number = list.data!.data[0].number!;
    expect((await q({ number })).data!.data.map((i) => i.number)).toEqual([number]);
    expect((await q({ overdue: true })).data!.meta.total).toBe(0);
    clock.set(new Date('2027-04-02T00:00:00Z'));
    expect((await q({ overdue: true })).data!.data.map((i) => [i.number, i.overdue])).toEqual([[number, true]]);
    const bad = await expectProblem(await q({ number: 'nope' }), 400, 'validation_failed');
    expect(bad.errors![0].field).toBe('number');
  });
});
