import { randomUUID } from 'node:crypto';
import { createTestApp, expectProblem, loginStaff, rawFetch, requestId, TestApp, unique } from '../../support/app';
import { activeUsersOf, addUser, eventsSettled, outboxEvents, provisionSignedInTenant, signIn, TenantFixture, usageOf } from '../../support/fixtures';

describe('tenant users (tenant side)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const newUser = (role: 'admin' | 'manager' | 'member' | 'viewer' = 'member', password?: string) => ({
    email: `${unique('u')}@Example.TEST`,
    fullName: 'New User',
    role,
    ...(password ? { password } : {}),
  });

  describe('create', () => {
    it('creates a user with a generated password shown once, takes a seat and publishes user.created', async () => {
      const tenant = await provisionSignedInTenant(t, { members: 10, orgAdmins: 3 });
      const body = newUser('member');
      const reqId = requestId('create');
      const res = await t.as(tenant.admin.accessToken).POST('/api/v1/tenant/users', { body, headers: { 'X-Request-Id': reqId } });
      expect(res.response.status).toBe(201);
      const created = res.data!;
      expect(created).toMatchObject({ email: body.email.toLowerCase(), fullName: 'New User', role: 'member', status: 'active', mustChangePassword: true });
      expect(created.temporaryPassword).toEqual(expect.any(String));
      expect(JSON.stringify(created)).not.toMatch(/passwordHash|argon2/);
      expect(await usageOf(t, tenant.id)).toEqual({ members: 2, orgAdmins: 1 });
      // The temporary password signs in.
      await signIn(t, tenant.slug, created.email, created.temporaryPassword!);
      // It is never shown again.
      const again = await t.as(tenant.admin.accessToken).GET('/api/v1/tenant/users/{userId}', { params: { path: { userId: created.id } } });
      expect(again.data).not.toHaveProperty('temporaryPassword');
      const events = await outboxEvents(t, tenant.id, 'user.created');
      expect(events.map((e) => e.payload.userId)).toContain(created.id);
      const [audit] = await t.db.query(`SELECT action, module, tenant_id, resource_id, changes::text AS changes FROM audit_logs WHERE request_id = $1`, [reqId]);
      expect(audit).toMatchObject({ action: 'tenantUsers.create', module: 'iam', tenant_id: tenant.id, resource_id: created.id });
      expect(audit.changes).not.toContain(created.temporaryPassword);
    });

    it('with a password: no temporaryPassword, no forced change; 409 user_email_taken on a duplicate email', async () => {
      const tenant = await provisionSignedInTenant(t, { members: 10 });
      const body = newUser('viewer', 'a-good-long-password-1');
      const res = await t.as(tenant.admin.accessToken).POST('/api/v1/tenant/users', { body });
      expect(res.response.status).toBe(201);
      expect(res.data).not.toHaveProperty('temporaryPassword');
      expect(res.data!.mustChangePassword).toBe(false);
      await signIn(t, tenant.slug, body.email.toLowerCase(), 'a-good-long-password-1');
      const dup = await t.as(tenant.admin.accessToken).POST('/api/v1/tenant/users', { body: { ...body, email: body.email.toUpperCase() } });
      await expectProblem(dup, 409, 'user_email_taken');
      expect(await usageOf(t, tenant.id)).toEqual({ members: 2, orgAdmins: 1 });
    });

    it('rejects a tenantId (or any unknown) field: the tenant cannot be switched', async () => {
      const tenant = await provisionSignedInTenant(t);
      const other = await provisionSignedInTenant(t);
      const res = await rawFetch(t, '/api/v1/tenant/users', { method: 'POST', token: tenant.admin.accessToken, json: { ...newUser(), tenantId: other.id } });
      const problem = await expectProblem(res, 400);
      expect(JSON.stringify(problem.errors)).toContain('tenantId');
      const list = await rawFetch(t, `/api/v1/tenant/users?tenantId=${other.id}`, { token: tenant.admin.accessToken });
      await expectProblem(list, 400);
      expect((await activeUsersOf(t, other.id)).members).toBe(1);
    });

    it('402 quota_exceeded with { metric, limit, used } and a detail once the members limit is reached', async () => {
      const tenant = await provisionSignedInTenant(t, { members: 2 });
      expect((await t.as(tenant.admin.accessToken).POST('/api/v1/tenant/users', { body: newUser() })).response.status).toBe(201);
      const over = await t.as(tenant.admin.accessToken).POST('/api/v1/tenant/users', { body: newUser() });
      const problem = await expectProblem(over, 402, 'quota_exceeded');
      expect(problem).toMatchObject({ metric: 'members', limit: 2, used: 2 });
      expect(problem.detail).toMatch(/2 members/);
      expect(await usageOf(t, tenant.id)).toEqual({ members: 2, orgAdmins: 1 });
      expect(await activeUsersOf(t, tenant.id)).toEqual({ members: 2, orgAdmins: 1 });
    });

    it('402 on orgAdmins for role admin while members are left; nothing is kept', async () => {
      const tenant = await provisionSignedInTenant(t, { members: 10, orgAdmins: 1 });
      const over = await t.as(tenant.admin.accessToken).POST('/api/v1/tenant/users', { body: newUser('admin') });
      expect(await expectProblem(over, 402, 'quota_exceeded')).toMatchObject({ metric: 'orgAdmins', limit: 1, used: 1 });
      expect(await usageOf(t, tenant.id)).toEqual({ members: 1, orgAdmins: 1 });
      expect(await activeUsersOf(t, tenant.id)).toEqual({ members: 1, orgAdmins: 1 });
    });

    it('N=8 concurrent creations with 3 seats left: exactly 3 succeed and the counter stays exact', async () => {
      const tenant = await provisionSignedInTenant(t, { members: 4 });
      const results = await Promise.all(
        Array.from({ length: 8 }, () => t.as(tenant.admin.accessToken).POST('/api/v1/tenant/users', { body: newUser('member', 'a-good-long-password-1') })),
      );
      const statuses = results.map((r) => r.response.status).sort();
      expect(statuses).toEqual([201, 201, 201, 402, 402, 402, 402, 402]);
      for (const r of results.filter((x) => x.response.status === 402)) expect(r.error).toMatchObject({ code: 'quota_exceeded', metric: 'members', limit: 4 });
      const usage = await usageOf(t, tenant.id);
      expect(usage.members).toBe(4);
      expect((await activeUsersOf(t, tenant.id)).members).toBe(4);
      // Every request has its one audit row, the losers' included: a reservation that fails at
      // commit rolls back the success row and leaves the denied one.
      const ids = results.map((r) => r.response.headers.get('x-request-id'));
      const rows: { request_id: string; outcome: string; error_code: string | null }[] = await t.db.query(
        `SELECT request_id, outcome, error_code FROM audit_logs WHERE request_id = ANY($1::text[])`,
        [ids],
      );
      expect(rows.map((r) => `${r.outcome}:${r.error_code}`).sort()).toEqual([...Array(5).fill('denied:quota_exceeded'), 'success:null', 'success:null', 'success:null']);
      expect(new Set(rows.map((r) => r.request_id)).size).toBe(8);
    });
  });

  describe('list and read', () => {
    let tenant: TenantFixture;
    beforeAll(async () => {
      tenant = await provisionSignedInTenant(t, { members: 20 });
    });

    it('searches, filters by role and status, paginates, and carries meta.quota', async () => {
      const tag = unique('needle');
      const admin = t.as(tenant.admin.accessToken);
      const a = await admin.POST('/api/v1/tenant/users', { body: { email: `${tag}-a@example.test`, fullName: 'Alice Needle', role: 'manager' } });
      const b = await admin.POST('/api/v1/tenant/users', { body: { email: `b-${randomUUID()}@example.test`, fullName: `Bob ${tag}`, role: 'viewer' } });
      await admin.POST('/api/v1/tenant/users', { body: newUser('member') });
      await admin.POST(`/api/v1/tenant/users/{userId}/deactivate`, { params: { path: { userId: b.data!.id } } });

      const all = await admin.GET('/api/v1/tenant/users');
      expect(all.data!.meta).toEqual({ total: 4, limit: 20, offset: 0, quota: { metric: 'members', limit: 20, used: 3, remaining: 17 } });

      const found = await admin.GET('/api/v1/tenant/users', { params: { query: { q: tag.toUpperCase() } } });
      expect(found.data!.data.map((u) => u.id).sort()).toEqual([a.data!.id, b.data!.id].sort());
      const byRole = await admin.GET('/api/v1/tenant/users', { params: { query: { role: 'manager' } } });
      expect(byRole.data!.data.map((u) => u.id)).toEqual([a.data!.id]);
      const inactive = await admin.GET('/api/v1/tenant/users', { params: { query: { status: 'inactive' } } });
      expect(inactive.data!.data.map((u) => u.id)).toEqual([b.data!.id]);
      expect(inactive.data!.meta.total).toBe(1);
      const wildcard = await admin.GET('/api/v1/tenant/users', { params: { query: { q: '%' } } });
      expect(wildcard.data!.meta.total).toBe(0);

      const page = await admin.GET('/api/v1/tenant/users', { params: { query: { limit: 2, offset: 2 } } });
      expect(page.data!.data).toHaveLength(2);
      expect(page.data!.meta).toMatchObject({ total: 4, limit: 2, offset: 2 });
      const first = await admin.GET('/api/v1/tenant/users', { params: { query: { limit: 2, offset: 0 } } });
      expect(new Set([...first.data!.data, ...page.data!.data].map((u) => u.id)).size).toBe(4);
    });

    it('managers may list and read but not manage; members and viewers get 403', async () => {
      const manager = await addUser(t, tenant, 'manager');
      const member = await addUser(t, tenant, 'member');
      const viewer = await addUser(t, tenant, 'viewer');
      const m = t.as(manager.accessToken);
      expect((await m.GET('/api/v1/tenant/users')).response.status).toBe(200);
      expect((await m.GET('/api/v1/tenant/users/{userId}', { params: { path: { userId: member.id } } })).data!.id).toBe(member.id);
      await expectProblem(await m.POST('/api/v1/tenant/users', { body: newUser() }), 403, 'forbidden');
      await expectProblem(await m.PATCH('/api/v1/tenant/users/{userId}', { params: { path: { userId: member.id } }, body: { fullName: 'X' } }), 403);
      await expectProblem(await m.POST('/api/v1/tenant/users/{userId}/deactivate', { params: { path: { userId: member.id } } }), 403);
      await expectProblem(await m.POST('/api/v1/tenant/users/{userId}/password-reset', { params: { path: { userId: member.id } } }), 403);
      for (const u of [member, viewer]) {
        const c = t.as(u.accessToken);
        await expectProblem(await c.GET('/api/v1/tenant/users'), 403);
        await expectProblem(await c.GET('/api/v1/tenant/users/{userId}', { params: { path: { userId: u.id } } }), 403);
        await expectProblem(await c.POST('/api/v1/tenant/users', { body: newUser() }), 403);
        await expectProblem(await c.POST('/api/v1/tenant/users/{userId}/activate', { params: { path: { userId: u.id } } }), 403);
      }
      const [denied] = await t.db.query(`SELECT outcome, status_code FROM audit_logs WHERE actor_id = $1 AND action = 'tenantUsers.create'`, [viewer.id]);
      expect(denied).toMatchObject({ outcome: 'denied', status_code: 403 });
    });

    it('tenant tokens on admin routes → 403', async () => {
      await expectProblem(await t.as(tenant.admin.accessToken).GET('/api/v1/admin/staff'), 403);
      await expectProblem(await t.as(tenant.admin.accessToken).GET('/api/v1/admin/audit-logs'), 403);
      await expectProblem(await t.as(tenant.admin.accessToken).GET('/api/v1/admin/impersonations'), 403);
    });

    it('platform staff tokens on tenant routes → 403', async () => {
      const staff = await loginStaff(t);
      await expectProblem(await t.as(staff.accessToken).GET('/api/v1/tenant/users'), 403);
    });
  });

  describe('another tenant’s user is a 404 on every route', () => {
    it('GET, PATCH, deactivate, activate, password-reset', async () => {
      const mine = await provisionSignedInTenant(t);
      const theirs = await provisionSignedInTenant(t);
      const victim = await addUser(t, theirs, 'member', false);
      const c = t.as(mine.admin.accessToken);
      const path = { userId: victim.id };
      await expectProblem(await c.GET('/api/v1/tenant/users/{userId}', { params: { path } }), 404, 'user_not_found');
      await expectProblem(await c.PATCH('/api/v1/tenant/users/{userId}', { params: { path }, body: { fullName: 'Hijacked', role: 'viewer' } }), 404, 'user_not_found');
      await expectProblem(await c.POST('/api/v1/tenant/users/{userId}/deactivate', { params: { path } }), 404, 'user_not_found');
      await expectProblem(await c.POST('/api/v1/tenant/users/{userId}/activate', { params: { path } }), 404, 'user_not_found');
      await expectProblem(await c.POST('/api/v1/tenant/users/{userId}/password-reset', { params: { path } }), 404, 'user_not_found');
      const [row] = await t.db.query(`SELECT full_name, role, is_active FROM tenant_users WHERE id = $1`, [victim.id]);
      expect(row).toEqual({ full_name: 'Test member', role: 'member', is_active: true });
      expect(await t.db.query(`SELECT 1 FROM password_reset_tokens WHERE user_id = $1`, [victim.id])).toHaveLength(0);
      expect(await usageOf(t, theirs.id)).toEqual({ members: 2, orgAdmins: 1 });
      // Not a uuid → 400, unknown uuid → 404.
      await expectProblem(await rawFetch(t, '/api/v1/tenant/users/not-a-uuid', { token: mine.admin.accessToken }), 400);
      await expectProblem(await c.GET('/api/v1/tenant/users/{userId}', { params: { path: { userId: randomUUID() } } }), 404, 'user_not_found');
    });
  });

  describe('update', () => {
    it('changes name and role, publishes user.updated and records before/after', async () => {
      const tenant = await provisionSignedInTenant(t, { members: 10, orgAdmins: 2 });
      const user = await addUser(t, tenant, 'member', false);
      const reqId = requestId('patch');
      const res = await t.as(tenant.admin.accessToken).PATCH('/api/v1/tenant/users/{userId}', {
        params: { path: { userId: user.id } },
        body: { fullName: 'Renamed', role: 'manager' },
        headers: { 'X-Request-Id': reqId },
      });
      expect(res.data).toMatchObject({ id: user.id, fullName: 'Renamed', role: 'manager' });
      const [event] = await outboxEvents(t, tenant.id, 'user.updated');
      expect(event.payload).toMatchObject({ userId: user.id, role: 'manager', changed: ['fullName', 'role'] });
      const [audit] = await t.db.query(`SELECT action, changes FROM audit_logs WHERE request_id = $1`, [reqId]);
      expect(audit.action).toBe('tenantUsers.update');
      expect(audit.changes).toMatchObject({ before: { role: 'member', fullName: 'Test member' }, after: { role: 'manager', fullName: 'Renamed' } });
      expect(await usageOf(t, tenant.id)).toEqual({ members: 2, orgAdmins: 1 });
    });

    it('a name-only change reaches only the webhook fan-out; a role change is delivered to iam.revoke-user-tokens once', async () => {
      const tenant = await provisionSignedInTenant(t, { members: 10, orgAdmins: 2 });
      const user = await addUser(t, tenant, 'member', false);
      const admin = t.as(tenant.admin.accessToken);
      await admin.PATCH('/api/v1/tenant/users/{userId}', { params: { path: { userId: user.id } }, body: { fullName: 'Only The Name' } });
      await admin.PATCH('/api/v1/tenant/users/{userId}', { params: { path: { userId: user.id } }, body: { role: 'viewer' } });
      await eventsSettled(t); // the webhook fan-out runs after the response (a deferred consumer)
      const rows: { changed: string[]; dispatched: boolean; delivered: string[] }[] = await t.db.query(
        `SELECT o.envelope->'payload'->'changed' AS changed, o.dispatched_at IS NOT NULL AS dispatched,
                coalesce((SELECT array_agg(p.consumer ORDER BY p.consumer) FROM processed_events p WHERE p.event_id = o.id), '{}') AS delivered
           FROM outbox o WHERE o.tenant_id = $1 AND o.event_name = 'user.updated' ORDER BY o.occurred_at`,
        [tenant.id],
      );
      expect(rows).toEqual([
        { changed: ['fullName'], dispatched: true, delivered: ['integrations.webhook-fan-out'] },
        { changed: ['role'], dispatched: true, delivered: ['iam.revoke-user-tokens', 'integrations.webhook-fan-out'] },
      ]);
    });

    it('a change to admin takes an orgAdmins seat (402 when none), a change from admin frees it', async () => {
      const tenant = await provisionSignedInTenant(t, { members: 10, orgAdmins: 2 });
      const a = await addUser(t, tenant, 'member', false);
      const b = await addUser(t, tenant, 'member', false);
      const c = t.as(tenant.admin.accessToken);
      expect((await c.PATCH('/api/v1/tenant/users/{userId}', { params: { path: { userId: a.id } }, body: { role: 'admin' } })).data!.role).toBe('admin');
      expect(await usageOf(t, tenant.id)).toEqual({ members: 3, orgAdmins: 2 });
      const over = await c.PATCH('/api/v1/tenant/users/{userId}', { params: { path: { userId: b.id } }, body: { role: 'admin' } });
      expect(await expectProblem(over, 402, 'quota_exceeded')).toMatchObject({ metric: 'orgAdmins', limit: 2, used: 2 });
      const [row] = await t.db.query(`SELECT role FROM tenant_users WHERE id = $1`, [b.id]);
      expect(row.role).toBe('member');
      expect((await c.PATCH('/api/v1/tenant/users/{userId}', { params: { path: { userId: a.id } }, body: { role: 'viewer' } })).data!.role).toBe('viewer');
      expect(await usageOf(t, tenant.id)).toEqual({ members: 3, orgAdmins: 1 });
      expect((await c.PATCH('/api/v1/tenant/users/{userId}', { params: { path: { userId: b.id } }, body: { role: 'admin' } })).response.status).toBe(200);
      expect(await usageOf(t, tenant.id)).toEqual(await activeUsersOf(t, tenant.id));
    });

    it('a role change of an inactive user takes no seat', async () => {
      const tenant = await provisionSignedInTenant(t, { members: 10, orgAdmins: 1 });
      const u = await addUser(t, tenant, 'member', false);
      const c = t.as(tenant.admin.accessToken);
      await c.POST('/api/v1/tenant/users/{userId}/deactivate', { params: { path: { userId: u.id } } });
      expect((await c.PATCH('/api/v1/tenant/users/{userId}', { params: { path: { userId: u.id } }, body: { role: 'admin' } })).data).toMatchObject({ role: 'admin', status: 'inactive' });
      expect(await usageOf(t, tenant.id)).toEqual({ members: 1, orgAdmins: 1 });
      // Re-activating it now needs an orgAdmins seat too.
      expect(await expectProblem(await c.POST('/api/v1/tenant/users/{userId}/activate', { params: { path: { userId: u.id } } }), 402)).toMatchObject({ metric: 'orgAdmins' });
      expect(await usageOf(t, tenant.id)).toEqual({ members: 1, orgAdmins: 1 });
    });
  });

  describe('deactivate and activate', () => {
    it('deactivation frees the seat and revokes the user’s access and refresh tokens at once', async () => {
      const tenant = await provisionSignedInTenant(t, { members: 10 });
      const user = await addUser(t, tenant, 'member');
      expect((await t.as(user.accessToken).GET('/api/v1/auth/me')).response.status).toBe(200);
      expect(await usageOf(t, tenant.id)).toEqual({ members: 2, orgAdmins: 1 });
      const res = await t.as(tenant.admin.accessToken).POST('/api/v1/tenant/users/{userId}/deactivate', { params: { path: { userId: user.id } } });
      expect(res.response.status).toBe(200);
      expect(res.data).toMatchObject({ id: user.id, status: 'inactive' });
      expect(await usageOf(t, tenant.id)).toEqual({ members: 1, orgAdmins: 1 });
      await expectProblem(await t.as(user.accessToken).GET('/api/v1/auth/me'), 401, 'token_revoked');
      await expectProblem(await t.api.POST('/api/v1/auth/refresh', { body: { refreshToken: user.refreshToken } }), 401);
      await expectProblem(await t.api.POST('/api/v1/auth/login', { body: { tenantSlug: tenant.slug, email: user.email, password: user.password } }), 401);
      const [event] = await outboxEvents(t, tenant.id, 'user.deactivated');
      expect(event.payload).toMatchObject({ userId: user.id, isActive: false });
      // The admin's own token is untouched.
      expect((await t.as(tenant.admin.accessToken).GET('/api/v1/tenant/users')).response.status).toBe(200);

      // Idempotent: a second deactivation changes nothing (no second seat release, no event).
      const again = await t.as(tenant.admin.accessToken).POST('/api/v1/tenant/users/{userId}/deactivate', { params: { path: { userId: user.id } } });
      expect(again.data).toMatchObject({ status: 'inactive' });
      expect(await usageOf(t, tenant.id)).toEqual({ members: 1, orgAdmins: 1 });
      expect(await outboxEvents(t, tenant.id, 'user.deactivated')).toHaveLength(1);
    });

    it('activation takes the seat again and lets the user sign in; 402 when no seat is left', async () => {
      const tenant = await provisionSignedInTenant(t, { members: 2 });
      const user = await addUser(t, tenant, 'member');
      const c = t.as(tenant.admin.accessToken);
      await c.POST('/api/v1/tenant/users/{userId}/deactivate', { params: { path: { userId: user.id } } });
      const res = await c.POST('/api/v1/tenant/users/{userId}/activate', { params: { path: { userId: user.id } } });
      expect(res.data).toMatchObject({ status: 'active' });
      expect(await usageOf(t, tenant.id)).toEqual({ members: 2, orgAdmins: 1 });
      const [event] = await outboxEvents(t, tenant.id, 'user.activated');
      expect(event.payload).toMatchObject({ userId: user.id, isActive: true });
      const fresh = await signIn(t, tenant.slug, user.email, user.password);
      expect((await t.as(fresh.accessToken).GET('/api/v1/auth/me')).response.status).toBe(200);
      // Idempotent when already active.
      expect((await c.POST('/api/v1/tenant/users/{userId}/activate', { params: { path: { userId: user.id } } })).data!.status).toBe('active');
      expect(await usageOf(t, tenant.id)).toEqual({ members: 2, orgAdmins: 1 });

      // Free the seat, fill it with someone else, then activation finds none.
      await c.POST('/api/v1/tenant/users/{userId}/deactivate', { params: { path: { userId: user.id } } });
      expect((await c.POST('/api/v1/tenant/users', { body: newUser() })).response.status).toBe(201);
      const over = await c.POST('/api/v1/tenant/users/{userId}/activate', { params: { path: { userId: user.id } } });
      expect(await expectProblem(over, 402, 'quota_exceeded')).toMatchObject({ metric: 'members', limit: 2, used: 2 });
      const [row] = await t.db.query(`SELECT is_active FROM tenant_users WHERE id = $1`, [user.id]);
      expect(row.is_active).toBe(false);
      expect(await usageOf(t, tenant.id)).toEqual(await activeUsersOf(t, tenant.id));
    });

    it('the last active admin cannot deactivate or demote themselves (409 last_admin)', async () => {
      const tenant = await provisionSignedInTenant(t, { members: 10 });
      const c = t.as(tenant.admin.accessToken);
      const path = { userId: tenant.admin.id };
      await expectProblem(await c.POST('/api/v1/tenant/users/{userId}/deactivate', { params: { path } }), 409, 'last_admin');
      await expectProblem(await c.PATCH('/api/v1/tenant/users/{userId}', { params: { path }, body: { role: 'manager' } }), 409, 'last_admin');
      const [row] = await t.db.query(`SELECT role, is_active FROM tenant_users WHERE id = $1`, [tenant.admin.id]);
      expect(row).toEqual({ role: 'admin', is_active: true });
      expect(await usageOf(t, tenant.id)).toEqual({ members: 1, orgAdmins: 1 });
      // With a second admin, demoting oneself is fine.
      await addUser(t, tenant, 'admin', false);
      expect((await c.PATCH('/api/v1/tenant/users/{userId}', { params: { path }, body: { role: 'manager' } })).data!.role).toBe('manager');
      expect(await usageOf(t, tenant.id)).toEqual({ members: 2, orgAdmins: 1 });
    });

    it('two admins deactivating each other at once leave exactly one active admin', async () => {
      const tenant = await provisionSignedInTenant(t, { members: 10 });
      const other = await addUser(t, tenant, 'admin');
      const [r1, r2] = await Promise.all([
        t.as(tenant.admin.accessToken).POST('/api/v1/tenant/users/{userId}/deactivate', { params: { path: { userId: other.id } } }),
        t.as(other.accessToken).POST('/api/v1/tenant/users/{userId}/deactivate', { params: { path: { userId: tenant.admin.id } } }),
      ]);
      const statuses = [r1.response.status, r2.response.status];
      expect(statuses.filter((s) => s === 200)).toHaveLength(1);
      expect(statuses.every((s) => [200, 401, 409].includes(s))).toBe(true);
      expect(await activeUsersOf(t, tenant.id)).toEqual({ members: 1, orgAdmins: 1 });
      expect(await usageOf(t, tenant.id)).toEqual({ members: 1, orgAdmins: 1 });
    });
  });

  describe('password reset issued by a tenant admin', () => {
    it('returns a prt_ token valid for one hour, stored only as its SHA-256', async () => {
      const tenant = await provisionSignedInTenant(t);
      const user = await addUser(t, tenant, 'member', false);
      const reqId = requestId('reset');
      const res = await t.as(tenant.admin.accessToken).POST('/api/v1/tenant/users/{userId}/password-reset', {
        params: { path: { userId: user.id } },
        headers: { 'X-Request-Id': reqId },
      });
      expect(res.response.status).toBe(201);
      const { resetToken, expiresAt } = res.data!;
      expect(resetToken).toMatch(/^prt_[A-Za-z0-9_-]{43}$/);
      const ttl = Date.parse(expiresAt) - Date.now();
      expect(ttl).toBeGreaterThan(59 * 60_000);
      expect(ttl).toBeLessThanOrEqual(60 * 60_000);
      const rows = await t.db.query(`SELECT token_hash, requested_by, tenant_id, used_at FROM password_reset_tokens WHERE user_id = $1`, [user.id]);
      expect(rows).toHaveLength(1);
      const { createHash } = await import('node:crypto');
      expect(rows[0]).toEqual({ token_hash: createHash('sha256').update(resetToken).digest('hex'), requested_by: tenant.admin.id, tenant_id: tenant.id, used_at: null });
      const [audit] = await t.db.query(`SELECT action, resource_id, changes::text AS changes, metadata::text AS metadata FROM audit_logs WHERE request_id = $1`, [reqId]);
      expect(audit).toMatchObject({ action: 'tenantUsers.issuePasswordReset', resource_id: user.id });
      expect(`${audit.changes}${audit.metadata}`).not.toContain(resetToken);
    });

    it('409 user_inactive for a deactivated user', async () => {
      const tenant = await provisionSignedInTenant(t);
      const user = await addUser(t, tenant, 'member', false);
      const c = t.as(tenant.admin.accessToken);
      await c.POST('/api/v1/tenant/users/{userId}/deactivate', { params: { path: { userId: user.id } } });
      await expectProblem(await c.POST('/api/v1/tenant/users/{userId}/password-reset', { params: { path: { userId: user.id } } }), 409, 'user_inactive');
    });
  });
});
