import { randomUUID } from 'node:crypto';
import type { Job } from 'bull';
import { UnitOfWork } from '../../../src/common/events';
import { UsageRecalculationService } from '../../../src/modules/usage';
import { TenantPurgeProcessor } from '../../../src/modules/tenants/jobs/tenant-purge.processor';
import { PurgeJobData } from '../../../src/modules/tenants/jobs/tenants-queue';
import { createTestApp, loginStaff, rawFetch, TestApp } from '../../support/app';
import { addTenantUserViaApi, insertPlan, outboxEvents, provisionTenantViaApi, signIn, STANDARD_PLAN_LIMITS, waitFor } from '../../support/fixtures';

/**
 * Tables with a `tenant_id` column that the purge keeps on purpose, each with its reason. Every
 * other such table must be emptied of the tenant's rows by some context's `@ErasesTenantData`
 * eraser (docs/adr/0008): a table added later without an eraser makes this file fail.
 */
const RETAINED: Readonly<Record<string, string>> = {
  audit_logs: 'the audit trail is append-only and outlives the tenant (who did what, including the purge itself)',
  outbox: 'event rows (tenant.purged among them) are retained until the relay’s daily prune removes dispatched rows',
};

describe('tenant purge erases every tenant-owned table', () => {
  let t: TestApp;
  let owner: string;

  beforeAll(async () => {
    t = await createTestApp();
    owner = (await loginStaff(t)).accessToken;
  });
  afterAll(() => t.close());

  /** Every base table of schema public with a `tenant_id` column, read from the live schema. */
  const tenantOwnedTables = async (): Promise<string[]> =>
    (
      await t.db.query(
        `SELECT c.table_name FROM information_schema.columns c
           JOIN information_schema.tables tb ON tb.table_schema = c.table_schema AND tb.table_name = c.table_name
          JOIN pg_class pc ON pc.relname = c.table_name AND pc.relnamespace = 'public'::regnamespace
          -- A partition is reached through its partitioned table (usage_events), never on its own.
          WHERE c.table_schema = 'public' AND c.column_name = 'tenant_id' AND tb.table_type = 'BASE TABLE' AND NOT pc.relispartition
          ORDER BY c.table_name`,
      )
    ).map((r: { table_name: string }) => r.table_name);

  /** Rows of `tenantId` per table (table names come from information_schema, quoted as identifiers). */
  const rowsPerTable = async (tables: string[], tenantId: string): Promise<Record<string, number>> => {
    const counts: Record<string, number> = {};
    for (const table of tables) {
      const [row] = await t.db.query(`SELECT count(*)::int AS n FROM "${table.replace(/"/g, '""')}" WHERE tenant_id = $1`, [tenantId]);
      counts[table] = row.n;
    }
    return counts;
  };

  it('after the purge no table but the allow-listed ones holds a row of the tenant; the audit row names every table', async () => {
    const tables = await tenantOwnedTables();
    // The allow-list names real tables (a renamed or dropped table must not linger here).
    for (const table of Object.keys(RETAINED)) expect(tables).toContain(table);
    const erased = tables.filter((table) => !(table in RETAINED));

    // A tenant with data in every context.
    const plan = await insertPlan(t, { limits: STANDARD_PLAN_LIMITS }); // tenant_quotas (plans), tenant_usage (usage)
    const tenant = await provisionTenantViaApi(t, owner, plan.code); // tenants, admin in tenant_users (iam)
    const admin = await signIn(t, tenant.slug, tenant.admin.email, tenant.admin.password); // refresh_tokens (iam)
    const member = await addTenantUserViaApi(t, admin.accessToken, 'member');
    await signIn(t, tenant.slug, member.email, member.password);
    const p = { params: { path: { tenantId: tenant.id } } };
    expect((await t.as(owner).POST('/api/v1/admin/tenants/{tenantId}/notes', { ...p, body: { body: 'Renewal call in May' } })).response.status).toBe(201); // tenant_notes
    expect((await t.as(owner).POST('/api/v1/admin/tenants/{tenantId}/admin-password-reset', p)).response.status).toBeLessThan(300); // password_reset_tokens (iam)
    expect((await t.as(owner).POST('/api/v1/admin/impersonations', { body: { tenantId: tenant.id, reason: 'Customer asked for help with SSO setup' } })).response.status).toBe(201); // impersonation_sessions
    await t.app.get(UnitOfWork).run(() => t.app.get(UsageRecalculationService).snapshotAll('2020-01-01')); // tenant_usage_snapshots
    // Billing: a module trial (subscriptions, module_trials), switched off (module_deactivations),
    // and a paid module (pending_invoice_items; its MRR recording writes mrr_movements, tenant_mrr and
    // subscription_history).
    for (const [code, trialDays] of [[`trial-${tenant.slug}`.slice(0, 60), 14], [`paid-${tenant.slug}`.slice(0, 60), 0]] as const) {
      expect((await t.as(owner).POST('/api/v1/admin/modules', { body: { code, name: code, monthlyPriceCents: 900, annualPriceCents: 9000, currency: 'USD', trialDays } })).response.status).toBe(201);
      const mp = { params: { path: { moduleCode: code } } };
      expect((await t.as(admin.accessToken).POST('/api/v1/tenant/modules/{moduleCode}/subscribe', { ...mp, body: { interval: 'month' } })).response.status).toBe(200);
      if (trialDays) expect((await t.as(admin.accessToken).POST('/api/v1/tenant/modules/{moduleCode}/deactivate', mp)).response.status).toBe(200);
    }

    // A coupon redeemed on the plan subscription (subscription_discounts; the coupon itself is platform-owned and stays).
    const couponCode = `PURGE${randomUUID().replace(/-/g, '').slice(0, 20)}`;
    expect((await t.as(owner).POST('/api/v1/admin/coupons', { body: { code: couponCode, name: 'Purge test', percentOff: 10, duration: 'forever' } })).response.status).toBe(201);
    expect((await t.as(owner).POST('/api/v1/admin/tenants/{tenantId}/subscription/discount', { ...p, body: { couponCode } })).response.status).toBe(200);

    // The paid module's invoice (invoices, invoice_lines) takes an offline payment (payments).
    const [invoice] = await t.db.query(`SELECT id FROM invoices WHERE tenant_id = $1`, [tenant.id]);
    const paid = await rawFetch(t, `/api/v1/admin/invoices/${invoice.id}/payments`, { method: 'POST', token: owner, json: { method: 'bank_transfer' }, headers: { 'Idempotency-Key': randomUUID() } });
    expect(paid.status).toBe(201);
    // Part of it refunded (refunds, credit_notes) and a goodwill credit on the paid invoice (credit_balance_transactions).
    const payment = (await paid.json()) as { id: string };
    expect((await rawFetch(t, `/api/v1/admin/payments/${payment.id}/refunds`, { method: 'POST', token: owner, json: { amountCents: 100, reason: 'requested_by_customer' }, headers: { 'Idempotency-Key': randomUUID() } })).status).toBe(201);
    expect((await rawFetch(t, `/api/v1/admin/invoices/${invoice.id}/credit-notes`, { method: 'POST', token: owner, json: { amountCents: 100, reason: 'goodwill' }, headers: { 'Idempotency-Key': randomUUID() } })).status).toBe(201);
    // A card on file (payment_methods), enforcement paused (billing_accounts), and the invoice's
    // dunning case (dunning_cases; written directly: reaching one through the API takes a declined renewal).
    expect((await t.as(admin.accessToken).PUT('/api/v1/tenant/billing/payment-method', { body: { token: 'pm_card_ok' } })).response.status).toBe(200);
    expect((await t.as(owner).PUT('/api/v1/admin/tenants/{tenantId}/billing/enforcement', { ...p, body: { paused: true, reason: 'Pays by purchase order' } })).response.status).toBe(200);
    await t.db.query(`INSERT INTO dunning_cases (tenant_id, invoice_id, status, started_at) VALUES ($1, $2, 'recovered', now())`, [tenant.id, invoice.id]);
    // A partner with an API key (partners, partner_api_keys; written directly: the partner routes need the integrations module).
    const [partner] = await t.db.query(`INSERT INTO partners (tenant_id, name) VALUES ($1, 'Purge partner') RETURNING id`, [tenant.id]);
    // An alert of a platform rule (alerts; the rule itself is platform-wide and stays).
    const [alertRule] = await t.db.query(`INSERT INTO alert_rules (name, type, is_active) VALUES ('Purge rule', 'payment_failed', false) RETURNING id`);
    await t.db.query(`INSERT INTO alerts (rule_id, tenant_id, type, severity, title, detail, first_seen_at, last_seen_at) VALUES ($1, $2, 'payment_failed', 'warning', 't', 'd', now(), now())`, [alertRule.id, tenant.id]);
    // A health snapshot (tenant_health_snapshots).
    await t.db.query(`INSERT INTO tenant_health_snapshots (tenant_id, day, score, risk, signals, model_version) VALUES ($1, current_date, 50, 'medium', '[]', 'v1')`, [tenant.id]);
    // A webhook endpoint with a message and its attempt (webhook_endpoints, webhook_messages, webhook_attempts).
    const [endpoint] = await t.db.query(`INSERT INTO webhook_endpoints (tenant_id, url, event_types, secret) VALUES ($1, 'https://hooks.example.com/x', '{user.*}', 'v1.x.y.z') RETURNING id`, [tenant.id]);
    const [message] = await t.db.query(
      `INSERT INTO webhook_messages (id, endpoint_id, tenant_id, event_tenant_id, event_id, event_type, body) VALUES (gen_random_uuid(), $1, $2, $2, gen_random_uuid(), 'user.created', '{}') RETURNING id`,
      [endpoint.id, tenant.id],
    );
    await t.db.query(
      `INSERT INTO webhook_attempts (message_id, endpoint_id, tenant_id, attempt_number, url, request_headers, request_body, duration_ms, success) VALUES ($1, $2, $3, 1, 'https://hooks.example.com/x', '{}', '{}', 5, true)`,
      [message.id, endpoint.id, tenant.id],
    );
    await t.db.query(`INSERT INTO partner_api_keys (tenant_id, partner_id, name, prefix, key_hash, scopes) VALUES ($1, $2, 'k', $3, 'x', '{users:read}')`, [tenant.id, partner.id, `cpk_live_${randomUUID().replace(/-/g, '').slice(0, 12)}`]);
    // A notification, a rule and a muted type (tenant_notifications, notification_rules, notification_preferences).
    await t.db.query(`INSERT INTO tenant_notifications (tenant_id, recipient_id, type, title, body, event_id) VALUES ($1, $2, 'user.created', 'New user', 'x', $3)`, [tenant.id, tenant.admin.id, randomUUID()]);
    await t.db.query(`INSERT INTO notification_rules (tenant_id, name, event_type) VALUES ($1, 'Purge rule', 'user.created')`, [tenant.id]);
    await t.db.query(`INSERT INTO notification_preferences (recipient_id, tenant_id, muted_types) VALUES ($1, $2, '{user.created}')`, [tenant.admin.id, tenant.id]);
    await t.db.query(`INSERT INTO staff_notifications (recipient_id, tenant_id, type, title, body, event_id) VALUES ($1, $2, 'payment.failed', 'Payment failed', 'x', $3)`, [randomUUID(), tenant.id, randomUUID()]);
    // Metering: a reservation, a usage event with its dedupe key, a threshold state (written directly).
    await t.db.query(`INSERT INTO quota_reservations (tenant_id, client_id, kind, idempotency_key, request_hash, metric, amount, used_after) VALUES ($1, $2, 'reserve', 'k', 'h', 'projects', 1, 1)`, [tenant.id, randomUUID()]);
    await t.db.query(`INSERT INTO usage_event_keys (tenant_id, event_id, occurred_at) VALUES ($1, 'e1', now())`, [tenant.id]);
    await t.db.query(`INSERT INTO usage_events (tenant_id, event_id, metric, amount, occurred_at) VALUES ($1, 'e1', 'automationsPerMonth', 1, now())`, [tenant.id]);
    await t.db.query(`INSERT INTO usage_threshold_states (tenant_id, metric, period_start, threshold) VALUES ($1, 'projects', '1970-01-01', 80)`, [tenant.id]);
    await t.db.query(`INSERT INTO usage_gauges (tenant_id, metric, value, observed_at, client_id) VALUES ($1, 'projects', 3, now(), $2)`, [tenant.id, randomUUID()]);
    // A tenant admin's export of its audit log and the job that wrote it (data_exports, jobs, job_items).
    const exported = await rawFetch(t, '/api/v1/tenant/exports', { method: 'POST', token: admin.accessToken, json: { type: 'audit_logs' } });
    expect(exported.status).toBe(202);
    const exportJob = ((await exported.json()) as { job: { id: string } }).job.id;
    await t.db.query(`INSERT INTO job_items (id, job_id, seq, item_key, outcome) VALUES (gen_random_uuid(), $1, 0, 'x', 'ok')`, [exportJob]);
    // A tenant admin's backup (tenant_backups) and a restore of an upload (tenant_restores, written directly).
    expect((await rawFetch(t, '/api/v1/tenant/backups', { method: 'POST', token: admin.accessToken, json: {} })).status).toBe(202);
    await t.db.query(
      `INSERT INTO tenant_restores (id, tenant_id, job_id, dry_run, requested_by, manifest, file_key, byte_size, sha256) VALUES (gen_random_uuid(), $1, gen_random_uuid(), true, '{}', '{}', 'restores/none.json', 0, 'x')`,
      [tenant.id],
    );
    // A GDPR export of the tenant, completed, with its archive (compliance_requests).
    const gdpr = await rawFetch(t, `/api/v1/admin/tenants/${tenant.id}/gdpr/export`, { method: 'POST', token: owner, json: { reason: 'Access request before the purge' } });
    expect(gdpr.status).toBe(202);
    const gdprId = ((await gdpr.json()) as { id: string }).id;
    await waitFor(async () => (await t.db.query(`SELECT status FROM compliance_requests WHERE id = $1`, [gdprId]))[0].status === 'completed', 15_000);
    expect((await t.as(owner).DELETE('/api/v1/admin/tenants/{tenantId}', p)).response.status).toBe(202);
    await t.db.query(`UPDATE tenants SET purge_after = now() - interval '1 second' WHERE id = $1`, [tenant.id]);

    // Every table this test checks really holds the tenant's data before the purge: a new
    // tenant-owned table needs data here (and an eraser), or this line names it.
    const before = await rowsPerTable(tables, tenant.id);
    expect(Object.entries(before).filter(([, n]) => n === 0).map(([table]) => table)).toEqual([]);

    const runPurge = () => t.app.get(TenantPurgeProcessor).handle({ data: { tenantId: tenant.id, deletedAt: new Date().toISOString() } } as Job<PurgeJobData>);
    expect(await runPurge()).toBe(true);

    const after = await rowsPerTable(tables, tenant.id);
    expect(Object.fromEntries(erased.map((table) => [table, after[table]]))).toEqual(Object.fromEntries(erased.map((table) => [table, 0])));
    // Retained on purpose, and still there.
    for (const table of Object.keys(RETAINED)) expect(after[table]).toBeGreaterThanOrEqual(before[table]);
    expect((await t.db.query(`SELECT count(*)::int AS n FROM tenants WHERE id = $1`, [tenant.id]))[0].n).toBe(0);

    // The audit row of the purge names each erased table (and the tenants row) with its count.
    const [audit] = await t.db.query(`SELECT actor_type, metadata FROM audit_logs WHERE tenant_id = $1 AND action = 'tenants.purge'`, [tenant.id]);
    expect(audit).toMatchObject({ actor_type: 'system', metadata: { slug: tenant.slug } });
    const deletedRows = audit.metadata.deletedRows as Record<string, number>;
    expect(Object.keys(deletedRows).sort()).toEqual([...erased, 'tenants'].sort());
    expect(deletedRows).toEqual({ ...Object.fromEntries(erased.map((table) => [table, before[table]])), tenants: 1 });
    expect(await outboxEvents(t, tenant.id, 'tenant.purged')).toHaveLength(1);

    // A second run finds nothing due and changes nothing.
    expect(await runPurge()).toBe(false);
    expect(await outboxEvents(t, tenant.id, 'tenant.purged')).toHaveLength(1);
  });
});
