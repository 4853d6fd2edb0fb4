import { randomUUID } from 'node:crypto';
import { createStaff, createTestApp, loginStaff, TestApp } from '../../support/app';
import { eventsSettled, insertPlan, outboxEvents, provisionTenant, STANDARD_PLAN_LIMITS, waitFor } from '../../support/fixtures';
import { EventBus, UnitOfWork } from '../../../src/common/events';
import { InvoicePaidEvent, PaymentFailedEvent } from '../../../src/modules/billing/events';
import { AlertEvaluator } from '../../../src/modules/notifications/alerts/alert-evaluator';
import { AlertRule } from '../../../src/modules/notifications/alerts/alert.entity';
import { ErrorRateRecorder } from '../../../src/modules/notifications/alerts/error-rate';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

describe('super-admin alerts: rules, evaluation, dedup, auto-resolve, acknowledgement', () => {
  let t: TestApp;
  let owner: string;
  let ownerId: string;
  beforeAll(async () => {
    t = await createTestApp();
    const login = await loginStaff(t);
    owner = login.accessToken;
    ownerId = (await t.db.query(`SELECT id FROM staff_members WHERE email = 'owner@example.com'`))[0].id;
  });
  // Rules are platform-wide: remove this file's, so later files on this database see none of their alerts.
  const created: string[] = [];
  afterAll(async () => {
    if (created.length) await t?.db.query(`DELETE FROM alert_rules WHERE id = ANY($1::uuid[])`, [created]);
    await t?.close();
  });

  const call = async (path: string, token: string, method = 'GET', body?: unknown): Promise<{ status: number; body: Json }> => {
    const res = await fetch(`${t.baseUrl}${path}`, { method, headers: { Authorization: `Bearer ${token}`, ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
  const rule = async (body: Record<string, unknown>) => {
    const res = await call('/api/v1/admin/alerts/rules', owner, 'POST', { name: `r-${randomUUID().slice(0, 6)}`, ...body });
    if (res.status !== 201) throw new Error(JSON.stringify(res.body));
    created.push((res.body as Json).id);
    return res.body as Json;
  };
  const evaluate = async (ruleId: string) => {
    const entity = await t.db.getRepository(AlertRule).findOneByOrFail({ id: ruleId });
    await t.app.get(UnitOfWork).run(() => t.app.get(AlertEvaluator).evaluate(entity));
  };
  const alertsOf = (ruleId: string) => t.db.query(`SELECT * FROM alerts WHERE rule_id = $1 ORDER BY created_at`, [ruleId]);
  const publish = (event: PaymentFailedEvent | InvoicePaidEvent) => t.app.get(UnitOfWork).run(() => t.app.get(EventBus).publish(event));

  it('validates rules by field, is for owners and admins, and replaces them on PUT', async () => {
    expect((await call('/api/v1/admin/alerts/rules', owner, 'POST', { name: 'x', type: 'trial_expiring' })).body.errors[0].field).toBe('threshold');
    expect((await call('/api/v1/admin/alerts/rules', owner, 'POST', { name: 'x', type: 'usage_over_limit', threshold: 150 })).body.errors[0].field).toBe('threshold');
    expect((await call('/api/v1/admin/alerts/rules', owner, 'POST', { name: 'x', type: 'payment_failed', scope: { kind: 'plan' } })).body.errors[0].field).toBe('scope.value');
    expect((await call('/api/v1/admin/alerts/rules', owner, 'POST', { name: 'x', type: 'nope' })).body.errors[0].field).toBe('type');
    const member = await createStaff(t, owner, 'support');
    const support = (await loginStaff(t, member.email, member.password)).accessToken;
    expect((await call('/api/v1/admin/alerts/rules', support, 'POST', { name: 'x', type: 'payment_failed' })).status).toBe(403);
    expect((await call('/api/v1/admin/alerts', support)).status).toBe(200);

    const created = await rule({ type: 'tenant_inactive', threshold: 30, severity: 'info' });
    expect(created).toMatchObject({ type: 'tenant_inactive', threshold: 30, severity: 'info', scope: { kind: 'all' }, recipientRoles: ['owner', 'admin'], isActive: true });
    const put = await call(`/api/v1/admin/alerts/rules/${created.id}`, owner, 'PUT', { name: 'Quiet tenants', type: 'tenant_inactive', threshold: 45 });
    expect(put.body).toMatchObject({ name: 'Quiet tenants', threshold: 45, severity: 'warning' });
    expect((await call(`/api/v1/admin/alerts/rules/${created.id}`, owner, 'DELETE')).status).toBe(204);
    expect((await call(`/api/v1/admin/alerts/rules/${created.id}`, owner)).body.code).toBe('alert_rule_not_found');
  });

  it('a new rule is evaluated at once, not at the next five-minute pass', async () => {
    const plan = await insertPlan(t, { limits: STANDARD_PLAN_LIMITS });
    const tenant = await provisionTenant(t, plan.code, { trialDays: 2 });
    const r = await rule({ type: 'trial_expiring', threshold: 5, scope: { kind: 'plan', value: plan.code } });
    await waitFor(async () => (await alertsOf(r.id)).length === 1, 10_000);
    expect((await alertsOf(r.id))[0]).toMatchObject({ tenant_id: tenant.id, status: 'open' });
  });

  it('trial_expiring: one alert per (rule, tenant) however often it is evaluated, staff notified once; resolved when the trial is no longer ending', async () => {
    const plan = await insertPlan(t, { limits: STANDARD_PLAN_LIMITS });
    const tenant = await provisionTenant(t, plan.code, { trialDays: 3 });
    const r = await rule({ type: 'trial_expiring', threshold: 7, scope: { kind: 'plan', value: plan.code } });
    const elsewhere = await rule({ type: 'trial_expiring', threshold: 7, scope: { kind: 'plan', value: 'some-other-plan' } });
    await evaluate(r.id);
    await evaluate(r.id);
    await evaluate(elsewhere.id);
    const [alert, ...more] = await alertsOf(r.id);
    expect(more).toEqual([]);
    expect(alert).toMatchObject({ tenant_id: tenant.id, status: 'open', type: 'trial_expiring', count: 1 });
    expect(alert.detail).toMatch(/^The trial ends .* UTC \(3 day\(s\) left\)\.$/);
    expect(await alertsOf(elsewhere.id)).toEqual([]);
    expect((await outboxEvents(t, tenant.id, 'alert.opened')).map((e) => (e.payload as Json).alertId)).toEqual([alert.id]);
    await eventsSettled(t); // staff notifications are a deferred consumer of alert.opened
    const notified = await t.db.query(`SELECT recipient_id, title FROM staff_notifications WHERE resource_id = $1`, [alert.id]);
    expect(notified).toEqual(expect.arrayContaining([{ recipient_id: ownerId, title: expect.stringContaining(`Trial ending within 7 days: ${tenant.slug}`) }]));

    await t.db.query(`UPDATE tenant_quotas SET trial_ends_at = now() + interval '30 days' WHERE tenant_id = $1`, [tenant.id]);
    await evaluate(r.id);
    expect((await alertsOf(r.id))[0]).toMatchObject({ status: 'resolved', resolved_at: expect.any(Date) });
    expect(await outboxEvents(t, tenant.id, 'alert.resolved')).toHaveLength(1);
  });

  it('payment_failed from the event: a repeat counts on the open alert; a paid invoice resolves it; acknowledgement is audited', async () => {
    const tenant = await provisionTenant(t, (await insertPlan(t, { limits: STANDARD_PLAN_LIMITS })).code, { trialDays: 0 });
    const r = await rule({ type: 'payment_failed', severity: 'critical' });
    const failed = () =>
      new PaymentFailedEvent(tenant.id, { paymentId: randomUUID(), invoiceId: randomUUID(), invoiceNumber: 'INV-000042', amountCents: 4900, currency: 'USD', method: 'card', gateway: 'sandbox', failureCode: 'card_declined', declineCode: 'generic_decline', failureMessage: 'Your card was declined.', attempt: 1, trigger: 'automatic', nextRetryAt: null });
    await publish(failed());
    await publish(failed());
    const [alert] = await alertsOf(r.id);
    expect(alert).toMatchObject({ status: 'open', count: 2, severity: 'critical', title: `Payment failed: ${tenant.slug}`, detail: '49.00 USD for invoice INV-000042 failed (Your card was declined.); attempt 1.' });

    const listed = await call(`/api/v1/admin/alerts?status=open&type=payment_failed&tenantId=${tenant.id}`, owner);
    expect(listed.body.data.map((a: Json) => a.id)).toContain(alert.id);
    expect(listed.body.data.every((a: Json) => a.status === 'open' && a.type === 'payment_failed' && a.tenantId === tenant.id)).toBe(true);
    const ack = await call(`/api/v1/admin/alerts/${alert.id}/acknowledge`, owner, 'PUT', { note: 'Called the customer' });
    expect(ack.body).toMatchObject({ status: 'acknowledged', acknowledgedBy: ownerId, acknowledgeNote: 'Called the customer', acknowledgedAt: expect.any(String) });
    const [audit] = await t.db.query(`SELECT actor_id, tenant_id FROM audit_logs WHERE action = 'alert.acknowledge' AND resource_id = $1`, [alert.id]);
    expect(audit).toEqual({ actor_id: ownerId, tenant_id: tenant.id });
    await publish(failed()); // still failing: counted on the acknowledged alert, not a new one
    expect((await alertsOf(r.id)).map((a: Json) => [a.status, a.count])).toEqual([['acknowledged', 3]]);

    await publish(new InvoicePaidEvent(tenant.id, { invoiceId: randomUUID(), number: 'INV-000042', status: 'paid', billingReason: 'subscription_cycle', currency: 'USD', totalCents: 4900, amountDueCents: 0 } as never));
    expect((await alertsOf(r.id))[0].status).toBe('resolved');
    expect((await call(`/api/v1/admin/alerts/${alert.id}/acknowledge`, owner, 'PUT', {})).body.errors[0].field).toBe('alertId');
    expect((await call(`/api/v1/admin/alerts/${randomUUID()}/acknowledge`, owner, 'PUT', {})).body.code).toBe('alert_not_found');
  });

  it('tenant_inactive: opens for a tenant without a sign-in for the rule’s days and resolves after a sign-in', async () => {
    const tenant = await provisionTenant(t, (await insertPlan(t, { limits: STANDARD_PLAN_LIMITS })).code, { trialDays: 0 });
    await t.db.query(`UPDATE tenants SET created_at = now() - interval '40 days' WHERE id = $1`, [tenant.id]);
    const r = await rule({ type: 'tenant_inactive', threshold: 30 });
    await evaluate(r.id);
    const mine = (await alertsOf(r.id)).filter((a: Json) => a.tenant_id === tenant.id);
    expect(mine).toEqual([expect.objectContaining({ status: 'open', detail: 'No sign-in for 30 days (never signed in).' })]);
    await t.db.query(
      `INSERT INTO audit_logs (id, tenant_id, actor_type, actor_id, action, outcome, occurred_at, module, resource_type, method, path, status_code, request_id) VALUES (gen_random_uuid(), $1, 'tenant', $2, 'auth.login.tenant', 'success', now() - interval '1 day', 'iam', 'session', 'POST', '/api/v1/auth/login', 200, $3)`,
      [tenant.id, tenant.admin.id, randomUUID()],
    );
    await evaluate(r.id);
    expect((await alertsOf(r.id)).find((a: Json) => a.tenant_id === tenant.id).status).toBe('resolved');
  });

  it('error_rate_spike: the API’s own 5xx share over the window opens one platform-wide alert, which resolves when the share falls', async () => {
    expect((await call('/api/v1/admin/alerts/rules', owner, 'POST', { name: 'x', type: 'error_rate_spike', threshold: 20, scope: { kind: 'tag', value: 'vip' } })).body.errors[0].field).toBe('scope');
    expect((await call('/api/v1/admin/alerts/rules', owner, 'POST', { name: 'x', type: 'payment_failed', windowMinutes: 5 })).body.errors[0].field).toBe('windowMinutes');
    const r = await rule({ type: 'error_rate_spike', threshold: 50, windowMinutes: 5, severity: 'critical' });
    expect(r).toMatchObject({ windowMinutes: 5, threshold: 50 });
    const recorder = t.app.get(ErrorRateRecorder);
    const minuteAgo = Date.now() - 60_000;
    // Whatever else this Redis database counted in the window, the 5xx share goes above 50 %.
    const base = await recorder.window(5);
    const errors = 2 * base.requests + 1000;
    for (let i = 0; i < errors; i++) recorder.record(503, minuteAgo);
    await recorder.flush();
    await evaluate(r.id);
    await evaluate(r.id);
    const alerts = await alertsOf(r.id);
    expect(alerts).toEqual([expect.objectContaining({ tenant_id: null, status: 'open', type: 'error_rate_spike', title: 'API error rate above 50 %', count: 1 })]);
    expect(alerts[0].detail).toMatch(/^\d+ of \d+ responses in the last 5 minutes were 5xx \(\d+\.\d %\)\.$/);
    const listed = await call(`/api/v1/admin/alerts?type=error_rate_spike&status=open`, owner);
    expect(listed.body.data.find((a: Json) => a.id === alerts[0].id)).toMatchObject({ tenantId: null, severity: 'critical' });

    for (let i = 0; i < 4 * (base.requests + errors); i++) recorder.record(200, minuteAgo);
    await recorder.flush();
    await evaluate(r.id);
    expect((await alertsOf(r.id)).map((a: Json) => a.status)).toEqual(['resolved']);
  });

  it('the service counts its own responses: a 404 and a 200 are recorded for the window', async () => {
    const recorder = t.app.get(ErrorRateRecorder);
    await recorder.flush();
    const before = (recorder as unknown as { pending: Map<number, { requests: number }> }).pending.size;
    await call('/api/v1/admin/alerts', owner);
    await call(`/api/v1/admin/alerts/rules/${randomUUID()}`, owner);
    const pending = [...(recorder as unknown as { pending: Map<number, { requests: number; errors: number }> }).pending.values()];
    expect(before).toBe(0);
    expect(pending.reduce((n, c) => n + c.requests, 0)).toBeGreaterThanOrEqual(2);
  });

  it('tenant_at_risk: opens on tenant.risk_changed below the score and from the latest snapshot; resolves when the score recovers', async () => {
    const tenant = await provisionTenant(t, (await insertPlan(t, { limits: STANDARD_PLAN_LIMITS })).code, { trialDays: 0 });
    const r = await rule({ type: 'tenant_at_risk', threshold: 40, severity: 'warning' });
    expect((await call('/api/v1/admin/alerts/rules', owner, 'POST', { name: 'x', type: 'tenant_at_risk', threshold: 140 })).body.errors[0].field).toBe('threshold');
    const { TenantRiskChangedEvent } = await import('../../../src/modules/notifications/events');
    const today = new Date().toISOString().slice(0, 10);
    await t.app.get(UnitOfWork).run(() =>
      t.app.get(EventBus).publish(new TenantRiskChangedEvent(tenant.id, { tenantId: tenant.id, previousRisk: 'medium', risk: 'high', previousScore: 55, score: 31, topReason: 'payments: 2 failed payments in 30 days, 1 past-due invoice open.', day: today })),
    );
    const [opened] = await alertsOf(r.id);
    expect(opened).toMatchObject({ tenant_id: tenant.id, status: 'open', title: `Health score below 40: ${tenant.slug}` });
    expect(opened.detail).toBe(`Health score 31 (high risk, was 55, medium) on ${today}; top reason: payments: 2 failed payments in 30 days, 1 past-due invoice open.`);
    // The latest snapshot says it recovered: the five-minute pass resolves it.
    await t.db.query(`INSERT INTO tenant_health_snapshots (tenant_id, day, score, risk, signals, model_version) VALUES ($1, $2, 72, 'low', '[]', 'v1')`, [tenant.id, today]);
    await evaluate(r.id);
    expect((await alertsOf(r.id)).find((a: Json) => a.tenant_id === tenant.id).status).toBe('resolved');
  });
});
