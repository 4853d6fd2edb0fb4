import { randomUUID } from 'node:crypto';
import { UnitOfWork } from '../../../src/common/events';
import { PersonalDataErasers, PersonalDataSubject } from '../../../src/common/tenancy';
import { ComplianceRequests } from '../../../src/modules/compliance';
import { createStaff, createTestApp, CreatedStaff, loginStaff, TestApp } from '../../support/app';
import { addTenantUserViaApi, insertPlan, provisionTenantViaApi, signIn, signInToken, STANDARD_PLAN_LIMITS, waitFor } from '../../support/fixtures';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

/**
 * GDPR requests with two-person approval: exports (archive content, signed link, audited
 * download), erasures that wait for a second owner or admin within 48 hours, and what an erasure
 * leaves behind (invoices and audit rows, pseudonymised).
 */
describe('compliance requests (POST /api/v1/admin/tenants/{tenantId}/gdpr/…, /api/v1/admin/compliance/requests)', () => {
  let t: TestApp;
  let owner: string;
  let ownerId: string;
  let admin: CreatedStaff;
  let adminToken: string;
  let support: string;
  let planCode: string;

  beforeAll(async () => {
    t = await createTestApp();
    owner = (await loginStaff(t)).accessToken;
    ownerId = (await t.db.query(`SELECT id FROM staff_members WHERE email = 'owner@example.com'`))[0].id;
    admin = await createStaff(t, owner, 'admin');
    adminToken = (await loginStaff(t, admin.email, admin.password)).accessToken;
    const sup = await createStaff(t, owner, 'support');
    support = (await loginStaff(t, sup.email, sup.password)).accessToken;
    planCode = (await insertPlan(t, { limits: STANDARD_PLAN_LIMITS })).code;
  });
  afterAll(() => t?.close());

  const call = async (path: string, token: string | null, method = 'GET', body?: unknown): Promise<{ status: number; body: Json; text: string; headers: Headers }> => {
    const res = await fetch(`${t.baseUrl}${path}`, {
      method,
      headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: Json = null;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = null;
    }
    return { status: res.status, body: parsed, text, headers: res.headers };
  };
  const settled = async (requestId: string): Promise<Json> => {
    let dto: Json;
    await waitFor(async () => {
      dto = (await call(`/api/v1/admin/compliance/requests/${requestId}`, owner)).body;
      return ['completed', 'failed'].includes(dto.status);
    }, 20_000);
    return dto;
  };
  const auditActions = async (requestId: string): Promise<string[]> =>
    (await t.db.query(`SELECT action, outcome FROM audit_logs WHERE resource_type = 'compliance_request' AND resource_id = $1 ORDER BY occurred_at, id`, [requestId])).map(
      (r: { action: string; outcome: string }) => (r.outcome === 'success' ? r.action : `${r.action}:${r.outcome}`),
    );

  /** A tenant with an admin and a member who signed in (their sign-ins are audit rows), a note, an open invoice billed to the admin. */
  const tenantWithPeople = async () => {
    const tenant = await provisionTenantViaApi(t, owner, planCode);
    const adminTokens = await signIn(t, tenant.slug, tenant.admin.email, tenant.admin.password);
    const member = await addTenantUserViaApi(t, adminTokens.accessToken, 'member');
    await signIn(t, tenant.slug, member.email, member.password);
    expect((await call(`/api/v1/admin/tenants/${tenant.id}/notes`, owner, 'POST', { body: `Call ${member.email} about the renewal` })).status).toBe(201);
    const number = `INV-GDPR-${randomUUID().slice(0, 8)}`;
    const [invoice] = await t.db.query(
      `INSERT INTO invoices (tenant_id, number, status, billing_reason, currency, subtotal_cents, discount_cents, tax_cents, tax_note, total_cents, amount_paid_cents, amount_due_cents, net_days, billed_to, finalized_at, due_at)
       VALUES ($1, $2, 'open', 'manual', 'USD', 4900, 0, 0, 'No tax', 4900, 0, 4900, 14, $3, now(), now() + interval '14 days') RETURNING id`,
      [tenant.id, number, JSON.stringify({ name: `Tenant ${tenant.slug}`, email: tenant.admin.email, phone: '+49 30 1234567', locale: 'en' })],
    );
    return { tenant, member, invoiceId: invoice.id as string, adminToken: adminTokens.accessToken };
  };

  it('exports a tenant as a JSON archive (no password hashes, counts match) behind a signed 10-minute link; each step and the download are audited', async () => {
    const { tenant, member } = await tenantWithPeople();
    const created = await call(`/api/v1/admin/tenants/${tenant.id}/gdpr/export`, owner, 'POST', { reason: 'Data subject access request, ticket SUP-1' });
    expect(created.status).toBe(202);
    expect(created.headers.get('location')).toBe(`/api/v1/admin/compliance/requests/${created.body.id}`);
    expect(created.body).toMatchObject({ kind: 'export', status: 'approved', subject: { kind: 'tenant', email: null }, tenantId: tenant.id, approval: null, jobId: expect.any(String), requestedBy: { id: ownerId } });
    const done = await settled(created.body.id);
    expect(done).toMatchObject({ status: 'completed', archive: { bytes: expect.any(Number), sha256: expect.stringMatching(/^[0-9a-f]{64}$/), purged: false } });
    expect(new Date(done.archive.expiresAt).getTime() - new Date(done.completedAt).getTime()).toBe(7 * 86_400_000);
    const job = await call(`/api/v1/admin/jobs/${done.jobId}`, owner);
    expect(job.body).toMatchObject({ type: 'compliance.gdpr_export', status: 'succeeded', tenantId: tenant.id });

    const link = await call(`/api/v1/admin/compliance/requests/${done.id}/download`, owner);
    expect(link.status).toBe(200);
    expect(new Date(link.body.expiresAt).getTime() - Date.now()).toBeGreaterThan(590_000);
    const file = await call(link.body.url, null);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(file.headers.get('content-disposition')).toMatch(/^attachment; filename="gdpr-tenant-\d{4}-\d{2}-\d{2}-[0-9a-f]{8}\.json"$/);
    expect(file.text).not.toMatch(/password_hash|passwordHash|\$argon2/);
    expect(file.text).not.toMatch(/key_hash|"secret"/);
    const archive = file.body;
    expect(archive).toMatchObject({ format: 'control-plane.gdpr-archive/v1', request: { id: done.id, tenantId: tenant.id, subject: { kind: 'tenant' } } });
    // The manifest's counts are the sections' lengths, and the rows the database holds.
    for (const [name, rows] of Object.entries(archive.sections as Record<string, unknown[]>)) expect({ name, n: rows.length }).toEqual({ name, n: archive.manifest.counts[name] });
    expect(done.result).toEqual(archive.manifest.counts);
    const users = archive.sections['iam.tenant_users'];
    expect(users.map((u: Json) => u.email).sort()).toEqual([tenant.admin.email, member.email].sort());
    expect(archive.sections['tenants.tenants']).toEqual([expect.objectContaining({ id: tenant.id, slug: tenant.slug })]);
    expect(archive.sections['billing.invoices']).toHaveLength(1);
    expect(archive.sections['tenants.tenant_notes']).toHaveLength(1);
    const [{ n: auditRows }] = await t.db.query(`SELECT count(*)::int AS n FROM audit_logs WHERE tenant_id = $1 AND occurred_at <= $2`, [tenant.id, archive.generatedAt]);
    expect(archive.manifest.counts['audit.audit_logs']).toBeGreaterThanOrEqual(auditRows - 1);
    expect(archive.manifest.counts['audit.audit_logs']).toBeGreaterThan(2);

    // A tampered or foreign link opens nothing.
    expect((await call(link.body.url.replace(/signature=[^&]+/, 'signature=AAAA'), null)).status).toBe(403);
    expect((await call(link.body.url.replace(done.id, randomUUID()), null)).status).toBe(403);
    expect(await auditActions(done.id)).toEqual(['compliance.requestExport', 'compliance.complete', 'compliance.link', 'compliance.download']);

    // Exports need no approval: there is nothing to approve.
    const approve = await call(`/api/v1/admin/compliance/requests/${done.id}/approve`, adminToken, 'POST', {});
    expect(approve.status).toBe(409);
    expect(approve.body).toMatchObject({ code: 'compliance_request_not_pending', state: 'completed' });
  });

  it('a person’s export holds their user row and their own audit rows only; an unknown email is a 404', async () => {
    const { tenant, member } = await tenantWithPeople();
    expect((await call(`/api/v1/admin/tenants/${tenant.id}/gdpr/export`, owner, 'POST', { email: 'nobody@example.test', reason: 'Access request' })).body).toMatchObject({ status: 404, code: 'compliance_subject_not_found' });
    const created = await call(`/api/v1/admin/tenants/${tenant.id}/gdpr/export`, owner, 'POST', { email: member.email.toUpperCase(), reason: 'Access request' });
    expect(created.status).toBe(202);
    expect(created.body.subject).toMatchObject({ kind: 'person', email: member.email, pseudonym: expect.stringMatching(/^erased-[0-9a-f]{16}@invalid$/) });
    await settled(created.body.id);
    const link = await call(`/api/v1/admin/compliance/requests/${created.body.id}/download`, owner);
    const archive = (await call(link.body.url, null)).body;
    expect(archive.sections['iam.tenant_users']).toEqual([expect.objectContaining({ id: member.id, email: member.email })]);
    expect(archive.sections['billing.invoices']).toEqual([]); // billed to the admin, not to this person
    expect(archive.sections['tenants.tenant_notes']).toHaveLength(1); // the note names them
    const audit = archive.sections['audit.audit_logs'] as Json[];
    expect(audit.length).toBeGreaterThan(0);
    for (const row of audit) expect(row.actor_id === member.id || row.actor_email === member.email).toBe(true);
    expect(archive.sections['tenants.tenants']).toBeUndefined();
  });

  it('an erasure waits for a second owner or admin: pending erases nothing, the requester and support cannot approve; a second admin approves → the job erases; invoices and audit rows stay pseudonymised; the person cannot sign in', async () => {
    const { tenant, member, invoiceId } = await tenantWithPeople();
    const memberUserToken = await signInToken(t, tenant.slug, member.email, member.password);
    const [{ n: memberAuditRows }] = await t.db.query(`SELECT count(*)::int AS n FROM audit_logs WHERE tenant_id = $1 AND lower(actor_email) = $2`, [tenant.id, member.email]);
    expect(memberAuditRows).toBeGreaterThan(0);

    const created = await call(`/api/v1/admin/tenants/${tenant.id}/gdpr/delete`, owner, 'POST', { email: member.email, reason: 'Erasure request by email, ticket SUP-2' });
    expect(created.status).toBe(202);
    const id = created.body.id;
    expect(created.body).toMatchObject({ kind: 'delete', status: 'pending_approval', jobId: null, subject: { kind: 'person', email: member.email } });
    expect(new Date(created.body.expiresAt).getTime() - new Date(created.body.requestedAt).getTime()).toBe(48 * 3_600_000);
    // Pending: nothing is erased.
    expect((await t.db.query(`SELECT email, is_active FROM tenant_users WHERE id = $1`, [member.id]))[0]).toEqual({ email: member.email, is_active: true });

    // Approval by the requester is refused (two-person rule), and support cannot approve at all.
    const self = await call(`/api/v1/admin/compliance/requests/${id}/approve`, owner, 'POST', {});
    expect(self.status).toBe(403);
    expect(self.body).toMatchObject({ code: 'approval_by_requester' });
    expect((await call(`/api/v1/admin/compliance/requests/${id}/approve`, support, 'POST', {})).status).toBe(403);
    expect((await call(`/api/v1/admin/compliance/requests/${id}`, owner)).body).toMatchObject({ status: 'pending_approval', approval: null });
    expect((await t.db.query(`SELECT email FROM tenant_users WHERE id = $1`, [member.id]))[0].email).toBe(member.email);

    // A second admin approves: the job erases the person.
    const approved = await call(`/api/v1/admin/compliance/requests/${id}/approve`, adminToken, 'POST', { note: 'Identity checked' });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ status: 'approved', approval: { staffId: admin.id, email: admin.email, note: 'Identity checked' }, jobId: expect.any(String) });
    const done = await settled(id);
    expect(done.status).toBe('completed');
    const pseudonym = created.body.subject.pseudonym;
    expect(done.subject).toEqual({ kind: 'person', email: null, pseudonym });
    expect(done.result).toMatchObject({ tenant_users: 1, tenant_notes: 1 });
    expect(done.result.audit_logs).toBeGreaterThanOrEqual(memberAuditRows);

    // Erasure is idempotent: every context run again on the same person (a retried job) changes nothing and does not fail.
    const subject: PersonalDataSubject = { kind: 'person', tenantId: tenant.id, email: member.email, principals: [{ id: member.id, email: member.email, names: ['Test member'], pseudonym }] };
    for (const { context, eraser } of t.app.get(PersonalDataErasers).all()) {
      const again = await t.app.get(UnitOfWork).run(() => eraser.erase(subject));
      expect({ context, changed: Object.values(again).reduce((x, y) => x + y, 0) }).toEqual({ context, changed: 0 });
    }
    // The email is nowhere in the tenant's trail any more (checked before the sign-in attempt below, which is a new row naming it).
    expect((await t.db.query(`SELECT count(*)::int AS n FROM audit_logs WHERE tenant_id = $1 AND (lower(actor_email) = $2 OR changes::text ILIKE '%' || $2 || '%' OR metadata::text ILIKE '%' || $2 || '%')`, [tenant.id, member.email]))[0].n).toBe(0);
    // Their user row: pseudonymised and inactive; they cannot sign in, their tokens are dead.
    expect((await t.db.query(`SELECT email, full_name, is_active FROM tenant_users WHERE id = $1`, [member.id]))[0]).toEqual({ email: pseudonym, full_name: 'Erased person', is_active: false });
    expect((await call('/api/v1/auth/login', null, 'POST', { tenantSlug: tenant.slug, email: member.email, password: member.password })).status).toBe(401);
    expect((await t.db.query(`SELECT count(*)::int AS n FROM refresh_tokens WHERE principal_id = $1`, [member.id]))[0].n).toBe(0);
    expect((await call('/api/v1/auth/me', memberUserToken)).status).toBe(401);
    // Their audit rows stay, with the actor pseudonymised.
    const [{ n: kept }] = await t.db.query(`SELECT count(*)::int AS n FROM audit_logs WHERE tenant_id = $1 AND actor_email = $2 AND ip IS NULL AND pseudonymised_at IS NOT NULL`, [tenant.id, pseudonym]);
    expect(kept).toBeGreaterThanOrEqual(memberAuditRows);
    // The note no longer names them; only that person was touched: the admin and the invoice billed to the admin are as they were.
    expect((await t.db.query(`SELECT body FROM tenant_notes WHERE tenant_id = $1`, [tenant.id]))[0].body).toBe(`Call ${pseudonym} about the renewal`);
    expect((await t.db.query(`SELECT email, is_active FROM tenant_users WHERE id = $1`, [tenant.admin.id]))[0]).toEqual({ email: tenant.admin.email, is_active: true });
    expect((await t.db.query(`SELECT billed_to->>'email' AS email FROM invoices WHERE id = $1`, [invoiceId]))[0].email).toBe(tenant.admin.email);
    expect((await t.db.query(`SELECT count(*)::int AS n FROM audit_logs WHERE tenant_id = $1 AND lower(actor_email) = $2`, [tenant.id, tenant.admin.email]))[0].n).toBeGreaterThan(0);
    await signIn(t, tenant.slug, tenant.admin.email, tenant.admin.password);

    // Every step is on the audit trail: the request, the refused self-approval, the denied support call, the approval, each context, the completion.
    const actions = await auditActions(id);
    expect(actions.slice(0, 3)).toEqual(['compliance.requestErasure', 'compliance.approve:denied', 'compliance.approve:denied']);
    expect(actions[3]).toBe('compliance.approve');
    const contexts = t.app.get(PersonalDataErasers).all().map((e) => e.context);
    expect(contexts).toEqual(expect.arrayContaining(['audit', 'billing', 'iam', 'impersonation', 'integrations.partners', 'integrations.webhooks', 'notifications', 'tenants', 'usage']));
    expect(actions.filter((a) => a === 'compliance.erase')).toHaveLength(contexts.length);
    expect(actions[actions.length - 1]).toBe('compliance.complete');
    const [eraseRow] = await t.db.query(`SELECT actor_id, metadata FROM audit_logs WHERE resource_id = $1 AND action = 'compliance.erase' AND metadata->>'context' = 'iam'`, [id]);
    expect(eraseRow).toMatchObject({ actor_id: admin.id, metadata: { rows: { tenant_users: 1 }, subject: pseudonym } });
    expect((await t.db.query(`SELECT count(*)::int AS n FROM outbox WHERE event_name = 'compliance.request_completed' AND envelope->'payload'->>'requestId' = $1`, [id]))[0].n).toBe(1);

  });

  it('a tenant-wide erasure deletes the tenant, pseudonymises every user and the invoices’ billed_to, keeps invoices and audit rows', async () => {
    const { tenant, member, invoiceId } = await tenantWithPeople();
    const created = await call(`/api/v1/admin/tenants/${tenant.id}/gdpr/delete`, adminToken, 'POST', { reason: 'Customer asked to erase its account' });
    expect(created.status).toBe(202);
    expect((await call(`/api/v1/admin/compliance/requests/${created.body.id}/approve`, owner, 'POST', {})).status).toBe(200);
    const done = await settled(created.body.id);
    expect(done).toMatchObject({ status: 'completed', subject: { kind: 'tenant', email: null } });
    expect(done.result).toMatchObject({ tenant_users: 2, tenants: 1, invoices: 1 });

    const [row] = await t.db.query(`SELECT status, name, contact_email, contact_phone FROM tenants WHERE id = $1`, [tenant.id]);
    expect(row).toMatchObject({ status: 'deleted', name: expect.stringMatching(/^Erased tenant [0-9a-f]{8}$/), contact_email: expect.stringMatching(/^erased-[0-9a-f]{16}@invalid$/), contact_phone: null });
    const users = await t.db.query(`SELECT email, full_name, is_active FROM tenant_users WHERE tenant_id = $1`, [tenant.id]);
    expect(users).toHaveLength(2);
    for (const u of users) expect(u).toMatchObject({ email: expect.stringMatching(/^erased-[0-9a-f]{16}@invalid$/), full_name: 'Erased person', is_active: false });
    const [invoice] = await t.db.query(`SELECT number, total_cents, billed_to FROM invoices WHERE id = $1`, [invoiceId]);
    expect(invoice).toMatchObject({ total_cents: '4900', billed_to: { name: 'Erased person', email: expect.stringMatching(/^erased-[0-9a-f]{16}@invalid$/), phone: null, locale: 'en' } });
    expect((await t.db.query(`SELECT count(*)::int AS n FROM tenant_notes WHERE tenant_id = $1`, [tenant.id]))[0].n).toBe(0);
    const [{ n: leaked }] = await t.db.query(
      `SELECT count(*)::int AS n FROM audit_logs WHERE tenant_id = $1 AND (lower(actor_email) IN ($2, $3) OR changes::text ILIKE '%' || $3 || '%')`,
      [tenant.id, tenant.admin.email, member.email],
    );
    expect(leaked).toBe(0);
    expect((await t.db.query(`SELECT count(*)::int AS n FROM audit_logs WHERE tenant_id = $1 AND action = 'tenants.delete' OR (tenant_id = $1 AND actor_type = 'tenant')`, [tenant.id]))[0].n).toBeGreaterThan(0);
    expect((await call('/api/v1/auth/login', null, 'POST', { tenantSlug: tenant.slug, email: tenant.admin.email, password: tenant.admin.password })).status).toBeGreaterThanOrEqual(400);
    // The trail still verifies after the authorised pseudonymisation.
    const verify = await call(`/api/v1/admin/audit-logs/verify?tenantId=${tenant.id}`, owner);
    if (verify.status === 200) expect(verify.body).toMatchObject({ firstBrokenLink: null, pseudonymised: expect.any(Number) });
  });

  it('a rejected erasure erases nothing; a rejected request cannot be approved', async () => {
    const { tenant, member } = await tenantWithPeople();
    const created = await call(`/api/v1/admin/tenants/${tenant.id}/gdpr/delete`, owner, 'POST', { email: member.email, reason: 'Erasure request' });
    expect((await call(`/api/v1/admin/compliance/requests/${created.body.id}/reject`, adminToken, 'POST', {})).status).toBe(400);
    const rejected = await call(`/api/v1/admin/compliance/requests/${created.body.id}/reject`, adminToken, 'POST', { note: 'Not from the account holder' });
    expect(rejected.status).toBe(200);
    expect(rejected.body).toMatchObject({ status: 'rejected', rejection: { staffId: admin.id, note: 'Not from the account holder' }, jobId: null });
    const late = await call(`/api/v1/admin/compliance/requests/${created.body.id}/approve`, adminToken, 'POST', {});
    expect(late.body).toMatchObject({ status: 409, code: 'compliance_request_not_pending', state: 'rejected' });
    expect((await t.db.query(`SELECT email, is_active FROM tenant_users WHERE id = $1`, [member.id]))[0]).toEqual({ email: member.email, is_active: true });
    expect(await auditActions(created.body.id)).toEqual(['compliance.requestErasure', 'compliance.reject:failure', 'compliance.reject', 'compliance.approve:failure']);
  });

  it('an erasure not approved within 48 hours expires (at approval and by the sweep): it cannot be approved and nothing is erased', async () => {
    const { tenant, member } = await tenantWithPeople();
    const a = await call(`/api/v1/admin/tenants/${tenant.id}/gdpr/delete`, owner, 'POST', { email: member.email, reason: 'Erasure request' });
    const b = await call(`/api/v1/admin/tenants/${tenant.id}/gdpr/delete`, owner, 'POST', { email: member.email, reason: 'Erasure request, again' });
    await t.db.query(`UPDATE compliance_requests SET expires_at = now() - interval '1 second' WHERE id = ANY($1::uuid[])`, [[a.body.id, b.body.id]]);

    const late = await call(`/api/v1/admin/compliance/requests/${a.body.id}/approve`, adminToken, 'POST', {});
    expect(late.status).toBe(409);
    expect(late.body).toMatchObject({ code: 'compliance_request_expired', state: 'expired' });
    await waitFor(async () => (await call(`/api/v1/admin/compliance/requests/${a.body.id}`, owner)).body.status === 'expired');
    // The sweep expires the other (and any due elsewhere).
    expect(await t.app.get(ComplianceRequests).expireDue()).toBeGreaterThanOrEqual(0);
    expect((await call(`/api/v1/admin/compliance/requests/${b.body.id}`, owner)).body).toMatchObject({ status: 'expired', jobId: null });
    expect((await call(`/api/v1/admin/compliance/requests/${b.body.id}/approve`, adminToken, 'POST', {})).body).toMatchObject({ code: 'compliance_request_not_pending', state: 'expired' });
    expect((await t.db.query(`SELECT email, is_active FROM tenant_users WHERE id = $1`, [member.id]))[0]).toEqual({ email: member.email, is_active: true });
    expect((await auditActions(a.body.id)).filter((x) => x === 'compliance.expire')).toHaveLength(1);
    expect((await auditActions(b.body.id)).filter((x) => x === 'compliance.expire')).toHaveLength(1);
  });

  it('lists requests with filters (status, kind, tenantId); support staff cannot see them', async () => {
    const { tenant, member } = await tenantWithPeople();
    const created = await call(`/api/v1/admin/tenants/${tenant.id}/gdpr/delete`, owner, 'POST', { email: member.email, reason: 'Erasure request' });
    const page = await call(`/api/v1/admin/compliance/requests?tenantId=${tenant.id}&kind=delete&status=pending_approval`, owner);
    expect(page.status).toBe(200);
    expect(page.body).toMatchObject({ data: [expect.objectContaining({ id: created.body.id })], meta: { total: 1, limit: 20, offset: 0 } });
    expect((await call(`/api/v1/admin/compliance/requests?tenantId=${tenant.id}&kind=export`, owner)).body.meta.total).toBe(0);
    expect((await call('/api/v1/admin/compliance/requests', support)).status).toBe(403);
    expect((await call(`/api/v1/admin/tenants/${tenant.id}/gdpr/delete`, support, 'POST', { reason: 'x-y-z' })).status).toBe(403);
    expect((await call(`/api/v1/admin/tenants/${randomUUID()}/gdpr/export`, owner, 'POST', { reason: 'Access request' })).body).toMatchObject({ code: 'tenant_not_found' });
  });
});
