import { createTestApp, expectProblem, loginStaff, TestApp, unique } from '../../support/app';
import { addUser, provisionSignedInTenant, TenantFixture } from '../../support/fixtures';

/**
 * What tenant-side callers of tenant A can reach of tenant B, beyond the per-route 404s of
 * test/e2e/iam-tenant (users) and the list isolation of test/e2e/audit-tenant and
 * test/e2e/impersonation: B's notes and impersonation sessions by id, B's audit rows through the
 * filters, and uniqueness that is per tenant (the scoped insert), docs/adr/0013.
 */
describe('tenant A cannot read or change tenant B’s rows', () => {
  let t: TestApp;
  let staff: string;
  let a: TenantFixture;
  let b: TenantFixture;
  beforeAll(async () => {
    t = await createTestApp();
    staff = (await loginStaff(t)).accessToken;
    a = await provisionSignedInTenant(t, { members: 10 });
    b = await provisionSignedInTenant(t, { members: 10 });
  });
  afterAll(() => t.close());

  it('an email taken in B is free in A: each tenant’s users are unique within it only', async () => {
    const email = `${unique('same')}@example.test`;
    const body = { email, fullName: 'Same Person', role: 'member' as const };
    expect((await t.as(b.admin.accessToken).POST('/api/v1/tenant/users', { body })).response.status).toBe(201);
    const inA = await t.as(a.admin.accessToken).POST('/api/v1/tenant/users', { body });
    expect(inA.response.status).toBe(201);
    await expectProblem(await t.as(a.admin.accessToken).POST('/api/v1/tenant/users', { body }), 409, 'user_email_taken');
    const rows: { tenant_id: string }[] = await t.db.query(`SELECT tenant_id FROM tenant_users WHERE email = $1 ORDER BY tenant_id`, [email]);
    expect(rows.map((r) => r.tenant_id).sort()).toEqual([a.id, b.id].sort());
    // A sees its own user only.
    const listed = (await t.as(a.admin.accessToken).GET('/api/v1/tenant/users', { params: { query: { q: email } } })).data!.data;
    expect(listed.map((u) => u.id)).toEqual([inA.data!.id]);
  });

  it('B’s notes are staff-only: A’s token is refused (403) on list, create and delete by id, and the note stays', async () => {
    const note = await t.as(staff).POST('/api/v1/admin/tenants/{tenantId}/notes', { params: { path: { tenantId: b.id } }, body: { body: 'B internal' } });
    expect(note.response.status).toBe(201);
    const c = t.as(a.admin.accessToken);
    await expectProblem(await c.GET('/api/v1/admin/tenants/{tenantId}/notes', { params: { path: { tenantId: b.id }, query: {} } }), 403);
    await expectProblem(await c.POST('/api/v1/admin/tenants/{tenantId}/notes', { params: { path: { tenantId: b.id } }, body: { body: 'planted' } }), 403);
    await expectProblem(await c.DELETE('/api/v1/admin/tenants/{tenantId}/notes/{noteId}', { params: { path: { tenantId: b.id, noteId: note.data!.id } } }), 403);
    const notes: { body: string }[] = await t.db.query(`SELECT body FROM tenant_notes WHERE tenant_id = $1`, [b.id]);
    expect(notes.map((n) => n.body)).toEqual(['B internal']);
  });

  it('B’s impersonation session: A cannot end it (403) nor see it; the impersonation token of B finds none of A’s users (404)', async () => {
    const started = await t.as(staff).POST('/api/v1/admin/impersonations', { body: { tenantId: b.id, reason: 'Cross-tenant isolation check' } });
    expect(started.response.status).toBe(201);
    const { id: sessionId, accessToken: asB } = started.data!;
    await expectProblem(await t.as(a.admin.accessToken).POST('/api/v1/admin/impersonations/{sessionId}/end', { params: { path: { sessionId } } }), 403);
    const [session] = await t.db.query(`SELECT ended_at FROM impersonation_sessions WHERE id = $1`, [sessionId]);
    expect(session).toEqual({ ended_at: null });
    const seenByA = (await t.as(a.admin.accessToken).GET('/api/v1/tenant/impersonations', { params: { query: { limit: 100 } } })).data!.data;
    expect(seenByA.map((s) => s.id)).not.toContain(sessionId);
    expect((await t.as(b.admin.accessToken).GET('/api/v1/tenant/impersonations', { params: { query: { limit: 100 } } })).data!.data.map((s) => s.id)).toContain(sessionId);

    // Staff acting as B's admin: A's users are 404 on read and write routes, unchanged.
    const victim = await addUser(t, a, 'member', false);
    const path = { userId: victim.id };
    await expectProblem(await t.as(asB).GET('/api/v1/tenant/users/{userId}', { params: { path } }), 404, 'user_not_found');
    await expectProblem(await t.as(asB).PATCH('/api/v1/tenant/users/{userId}', { params: { path }, body: { fullName: 'Renamed by B' } }), 404, 'user_not_found');
    await expectProblem(await t.as(asB).POST('/api/v1/tenant/users/{userId}/deactivate', { params: { path } }), 404, 'user_not_found');
    const [row] = await t.db.query(`SELECT full_name, is_active FROM tenant_users WHERE id = $1`, [victim.id]);
    expect(row).toEqual({ full_name: 'Test member', is_active: true });
  });

  it('B’s audit rows do not appear in A’s log under any filter that names them', async () => {
    const created = await t.as(b.admin.accessToken).POST('/api/v1/tenant/users', { body: { email: `${unique('aud')}@example.test`, fullName: 'B user', role: 'viewer' } });
    const bUserId = created.data!.id;
    const [bRow]: { id: string; request_id: string }[] = await t.db.query(
      `SELECT id, request_id FROM audit_logs WHERE tenant_id = $1 AND resource_id = $2 AND action = 'tenantUsers.create'`,
      [b.id, bUserId],
    );
    expect(bRow).toBeDefined();
    const list = (token: string, query: Record<string, unknown>) => t.as(token).GET('/api/v1/tenant/audit-logs', { params: { query: { limit: 100, ...query } } });
    expect((await list(a.admin.accessToken, { resourceId: bUserId })).data!.data).toEqual([]);
    expect((await list(a.admin.accessToken, { resourceType: 'tenant_user', action: 'tenantUsers.create' })).data!.data.every((r) => r.tenantId === a.id)).toBe(true);
    expect((await list(a.admin.accessToken, { module: 'impersonation' })).data!.data.every((r) => r.tenantId === a.id)).toBe(true);
    expect((await list(b.admin.accessToken, { resourceId: bUserId })).data!.data.map((r) => r.id)).toEqual([bRow.id]);
    // A's viewer is not even allowed to look (admins only).
    const viewer = await addUser(t, a, 'viewer');
    await expectProblem(await list(viewer.accessToken, { resourceId: bUserId }), 403);
  });
});
