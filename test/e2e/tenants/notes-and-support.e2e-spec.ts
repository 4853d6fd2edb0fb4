import { createHash, randomUUID } from 'node:crypto';
import { auditRowsFor, createStaff, CreatedStaff, createTestApp, expectProblem, loginStaff, requestId, TestApp } from '../../support/app';
import { ApiProvisionedTenant, insertPlan, provisionTenantViaApi, signIn, STANDARD_PLAN_LIMITS, TestPlan } from '../../support/fixtures';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

describe('tenant notes and the admin password reset', () => {
  let t: TestApp;
  let owner: string;
  let supportStaff: CreatedStaff;
  let support: string;
  let plan: TestPlan;
  let tenant: ApiProvisionedTenant;
  let other: ApiProvisionedTenant;

  beforeAll(async () => {
    t = await createTestApp();
    owner = (await loginStaff(t)).accessToken;
    supportStaff = await createStaff(t, owner, 'support');
    support = (await loginStaff(t, supportStaff.email, supportStaff.password)).accessToken;
    plan = await insertPlan(t, { limits: STANDARD_PLAN_LIMITS });
    other = await provisionTenantViaApi(t, owner, plan.code);
  });
  beforeEach(async () => {
    tenant = await provisionTenantViaApi(t, owner, plan.code);
  });
  afterAll(() => t.close());

  const p = (tenantId: string) => ({ params: { path: { tenantId } } });
  const addNote = (tenantId: string, body: { body: string; pinned?: boolean }, token = owner, headers: Record<string, string> = {}) =>
    t.as(token).POST('/api/v1/admin/tenants/{tenantId}/notes', { ...p(tenantId), body, headers });
  const listNotes = (tenantId: string, query: { limit?: number; offset?: number } = {}) =>
    t.as(support).GET('/api/v1/admin/tenants/{tenantId}/notes', { params: { path: { tenantId }, query } });
  const deleteNote = (tenantId: string, noteId: string, token = owner) =>
    t.as(token).DELETE('/api/v1/admin/tenants/{tenantId}/notes/{noteId}', { params: { path: { tenantId, noteId } } });

  describe('notes', () => {
    it('any staff member adds notes; they are listed pinned first, newest first, with pagination', async () => {
      const id = requestId('note');
      const first = await addNote(tenant.id, { body: 'First contact' }, owner, { 'X-Request-Id': id });
      expect(first.response.status).toBe(201);
      expect(first.data).toEqual({
        id: expect.any(String),
        tenantId: tenant.id,
        authorId: expect.any(String),
        authorEmail: 'owner@example.com',
        body: 'First contact',
        pinned: false,
        createdAt: expect.any(String),
      });
      const [audit] = await auditRowsFor(t, id);
      expect(audit).toMatchObject({ action: 'tenantNotes.create', module: 'tenants', resourceType: 'tenant_note', resourceId: first.data!.id, tenantId: tenant.id });

      await addNote(tenant.id, { body: 'Pinned: VIP customer', pinned: true }, support);
      await addNote(tenant.id, { body: 'Second contact' }, support);
      await addNote(other.id, { body: 'Other tenant' });

      const page = await listNotes(tenant.id);
      expect(page.response.status).toBe(200);
      expect(page.data!.data.map((n) => n.body)).toEqual(['Pinned: VIP customer', 'Second contact', 'First contact']);
      expect(page.data!.meta).toEqual({ total: 3, limit: 20, offset: 0 });
      expect(page.data!.data[0]).toMatchObject({ pinned: true, authorId: supportStaff.id, authorEmail: supportStaff.email });

      const second = await listNotes(tenant.id, { limit: 2, offset: 2 });
      expect(second.data!.data.map((n) => n.body)).toEqual(['First contact']);
      expect(second.data!.meta).toEqual({ total: 3, limit: 2, offset: 2 });
    });

    it('validates the body (1..5000 characters)', async () => {
      await expectProblem(await addNote(tenant.id, { body: '' }), 400, 'validation_failed');
      await expectProblem(await addNote(tenant.id, { body: 'x'.repeat(5001) }), 400, 'validation_failed');
      expect((await addNote(tenant.id, { body: 'x'.repeat(5000) })).response.status).toBe(201);
    });

    it('only the author deletes a note (403 otherwise); another tenant’s note or an unknown tenant → 404', async () => {
      const note = (await addNote(tenant.id, { body: 'mine' }, support)).data!;
      await expectProblem(await deleteNote(tenant.id, note.id, owner), 403, 'note_author_only');
      // Through another tenant's path, the note does not exist.
      await expectProblem(await deleteNote(other.id, note.id, support), 404, 'tenant_note_not_found');
      await expectProblem(await deleteNote(tenant.id, randomUUID(), support), 404, 'tenant_note_not_found');

      const res = await deleteNote(tenant.id, note.id, support);
      expect(res.response.status).toBe(204);
      expect((await t.db.query(`SELECT count(*)::int AS n FROM tenant_notes WHERE id = $1`, [note.id]))[0].n).toBe(0);

      await expectProblem(await listNotes(randomUUID()), 404, 'tenant_not_found');
      await expectProblem(await addNote(randomUUID(), { body: 'x' }), 404, 'tenant_not_found');
    });

    it('tenant tokens → 403', async () => {
      const token = (await signIn(t, tenant.slug, tenant.admin.email, tenant.admin.password)).accessToken;
      await expectProblem(await t.as(token).GET('/api/v1/admin/tenants/{tenantId}/notes', { params: { path: { tenantId: tenant.id }, query: {} } }), 403);
      await expectProblem(await addNote(tenant.id, { body: 'x' }, token), 403);
    });
  });

  describe('POST /admin/tenants/:tenantId/admin-password-reset', () => {
    const reset = (tenantId: string, token = owner, headers: Record<string, string> = {}) =>
      t.as(token).POST('/api/v1/admin/tenants/{tenantId}/admin-password-reset', { ...p(tenantId), headers });

    it('issues a single-use token for the first active admin, stored hashed; it sets a new password', async () => {
      const id = requestId('reset');
      const res = await reset(tenant.id, owner, { 'X-Request-Id': id });
      expect(res.response.status).toBe(201);
      expect(res.data).toEqual({ resetToken: expect.any(String), expiresAt: expect.any(String), userId: tenant.admin.id, email: tenant.admin.email });
      const expiresIn = new Date(res.data!.expiresAt).getTime() - Date.now();
      expect(expiresIn).toBeGreaterThan(55 * 60_000);
      expect(expiresIn).toBeLessThanOrEqual(60 * 60_000);

      const rows = await t.db.query(`SELECT user_id, tenant_id, token_hash, requested_by, used_at FROM password_reset_tokens WHERE user_id = $1`, [tenant.admin.id]);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ user_id: tenant.admin.id, tenant_id: tenant.id, token_hash: sha256(res.data!.resetToken), used_at: null });
      const [audit] = await auditRowsFor(t, id);
      expect(audit).toMatchObject({ action: 'tenants.adminPasswordReset', tenantId: tenant.id, resourceId: tenant.admin.id, outcome: 'success' });

      const newPassword = `new-${randomUUID()}`;
      const done = await t.api.POST('/api/v1/auth/password/reset', { body: { token: res.data!.resetToken, newPassword } });
      expect(done.response.status).toBeLessThan(300);
      expect((await signIn(t, tenant.slug, tenant.admin.email, newPassword)).accessToken).toEqual(expect.any(String));
    });

    it('no active admin → 409; deleted tenant → 409; unknown tenant → 404; support staff → 403', async () => {
      await t.db.query(`UPDATE tenant_users SET is_active = false WHERE tenant_id = $1`, [tenant.id]);
      await expectProblem(await reset(tenant.id), 409, 'no_active_admin');
      await t.db.query(`UPDATE tenant_users SET is_active = true WHERE tenant_id = $1`, [tenant.id]);

      await expectProblem(await reset(tenant.id, support), 403);
      await expectProblem(await reset(randomUUID()), 404, 'tenant_not_found');
      await t.as(owner).DELETE('/api/v1/admin/tenants/{tenantId}', p(tenant.id));
      await expectProblem(await reset(tenant.id), 409, 'tenant_deleted');
    });
  });
});
