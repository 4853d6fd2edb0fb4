import { randomUUID } from 'node:crypto';
import { TokenService } from '../../../src/modules/iam';
import { createStaff, createTestApp, expectProblem, loginStaff, rawFetch, requestId, TestApp } from '../../support/app';
import { addUser, decodeJwt, outboxEvents, provisionSignedInTenant, TenantFixture } from '../../support/fixtures';

describe('impersonation', () => {
  let t: TestApp;
  let owner: { id: string; token: string };
  let tenant: TenantFixture;
  const reason = 'Customer asked for help with SSO setup';

  beforeAll(async () => {
    t = await createTestApp();
    const pair = await loginStaff(t);
    owner = { id: decodeJwt(pair.accessToken).sub as string, token: pair.accessToken };
    tenant = await provisionSignedInTenant(t, { members: 20, orgAdmins: 5 });
  });
  afterAll(() => t.close());

  const start = (token: string, body: Record<string, unknown>, headers: Record<string, string> = {}) =>
    rawFetch(t, '/api/v1/admin/impersonations', { method: 'POST', token, json: body, headers });

  it('starts a session as the tenant’s admin by default: token with act.sub, sid and exp = expiresAt, no refresh token', async () => {
    const reqId = requestId('imp');
    const res = await t.as(owner.token).POST('/api/v1/admin/impersonations', {
      body: { tenantId: tenant.id, reason, ticketRef: 'SUP-1' },
      headers: { 'X-Request-Id': reqId },
    });
    expect(res.response.status).toBe(201);
    const s = res.data!;
    expect(s).toMatchObject({ tenantId: tenant.id, targetUser: { id: tenant.admin.id, email: tenant.admin.email, fullName: 'Org Admin', role: 'admin' } });
    expect(s).not.toHaveProperty('refreshToken');
    const claims = decodeJwt(s.accessToken);
    expect(claims).toMatchObject({ sub: tenant.admin.id, kind: 'tenant', tenantId: tenant.id, role: 'admin', act: { sub: owner.id }, sid: s.id });
    expect((claims.exp as number) * 1000).toBe(Date.parse(s.expiresAt));
    expect((claims.exp as number) - (claims.iat as number)).toBe(30 * 60);

    const [row] = await t.db.query(`SELECT * FROM impersonation_sessions WHERE id = $1`, [s.id]);
    expect(row).toMatchObject({ staff_id: owner.id, staff_email: 'owner@example.com', tenant_id: tenant.id, target_user_id: tenant.admin.id, reason, ticket_ref: 'SUP-1', duration_minutes: 30, ended_at: null });
    expect(row.expires_at.toISOString()).toBe(s.expiresAt);
    const events = await outboxEvents(t, tenant.id, 'impersonation.started');
    expect(events.map((e) => e.payload.sessionId)).toContain(s.id);
    const [audit] = await t.db.query(`SELECT action, module, actor_id, tenant_id, resource_id, changes::text AS changes FROM audit_logs WHERE request_id = $1`, [reqId]);
    expect(audit).toMatchObject({ action: 'impersonations.start', module: 'impersonation', actor_id: owner.id, tenant_id: tenant.id, resource_id: s.id });
    expect(audit.changes).not.toContain(s.accessToken);

    // /auth/me shows the impersonator.
    const me = await t.as(s.accessToken).GET('/api/v1/auth/me');
    expect(me.data).toMatchObject({ id: tenant.admin.id, kind: 'tenant', tenantId: tenant.id, impersonator: { staffId: owner.id, sessionId: s.id } });
    // No refresh token was issued (the admin's only one is from its own sign-in), and the access token cannot refresh.
    const refreshRows = await t.db.query(`SELECT created_at FROM refresh_tokens WHERE principal_id = $1`, [tenant.admin.id]);
    expect(refreshRows).toHaveLength(1);
    await expectProblem(await t.api.POST('/api/v1/auth/refresh', { body: { refreshToken: s.accessToken } }), 400);
  });

  it('writes under it carry impersonatorId in the audit row (and in events); denied routes → 403 impersonation_forbidden', async () => {
    const member = await addUser(t, tenant, 'member', false);
    const s = (await t.as(owner.token).POST('/api/v1/admin/impersonations', { body: { tenantId: tenant.id, reason } })).data!;
    const as = t.as(s.accessToken);
    const reqId = requestId('under');
    const res = await as.PATCH('/api/v1/tenant/users/{userId}', { params: { path: { userId: member.id } }, body: { fullName: 'Changed By Support' }, headers: { 'X-Request-Id': reqId } });
    expect(res.response.status).toBe(200);
    const [audit] = await t.db.query(`SELECT actor_id, impersonator_id, tenant_id, action FROM audit_logs WHERE request_id = $1`, [reqId]);
    expect(audit).toEqual({ actor_id: tenant.admin.id, impersonator_id: owner.id, tenant_id: tenant.id, action: 'tenantUsers.update' });
    const [event] = await t.db.query(`SELECT envelope->'actor' AS actor FROM outbox WHERE event_name = 'user.updated' AND envelope->'payload'->>'userId' = $1`, [member.id]);
    expect(event.actor).toMatchObject({ type: 'tenant', id: tenant.admin.id, impersonatorId: owner.id });

    const denyId = requestId('deny');
    const pw = await as.POST('/api/v1/auth/password', { body: { currentPassword: tenant.admin.password, newPassword: 'a-new-password-123' }, headers: { 'X-Request-Id': denyId } });
    await expectProblem(pw, 403, 'impersonation_forbidden');
    const reset = await as.POST('/api/v1/tenant/users/{userId}/password-reset', { params: { path: { userId: member.id } } });
    await expectProblem(reset, 403, 'impersonation_forbidden');
    expect(await t.db.query(`SELECT 1 FROM password_reset_tokens WHERE user_id = $1`, [member.id])).toHaveLength(0);
    const [denied] = await t.db.query(`SELECT outcome, error_code, impersonator_id FROM audit_logs WHERE request_id = $1`, [denyId]);
    expect(denied).toEqual({ outcome: 'denied', error_code: 'impersonation_forbidden', impersonator_id: owner.id });
  });

  it('acts as a chosen user; support staff may start; duration bounds and reason are validated', async () => {
    const viewer = await addUser(t, tenant, 'viewer', false);
    const support = await createStaff(t, owner.token, 'support');
    const supportToken = (await loginStaff(t, support.email, support.password)).accessToken;
    const res = await t.as(supportToken).POST('/api/v1/admin/impersonations', { body: { tenantId: tenant.id, userId: viewer.id, reason, durationMinutes: 1 } });
    expect(res.response.status).toBe(201);
    const body = res.data!;
    expect(body.targetUser).toMatchObject({ id: viewer.id, role: 'viewer' });
    const claims = decodeJwt(body.accessToken);
    expect(claims).toMatchObject({ sub: viewer.id, role: 'viewer', act: { sub: support.id } });
    expect((claims.exp as number) - (claims.iat as number)).toBe(60);

    for (const durationMinutes of [61, 0, 1.5]) {
      const p = await expectProblem(await start(owner.token, { tenantId: tenant.id, reason, durationMinutes }), 400, 'validation_failed');
      expect(p.errors).toEqual([expect.objectContaining({ field: 'durationMinutes' })]);
    }
    const short = await expectProblem(await start(owner.token, { tenantId: tenant.id, reason: 'too short' }), 400);
    expect(short.errors).toEqual([expect.objectContaining({ field: 'reason' })]);
    await expectProblem(await start(owner.token, { tenantId: tenant.id }), 400);
  });

  it('tenant users cannot start one (403)', async () => {
    await expectProblem(await start(tenant.admin.accessToken, { tenantId: tenant.id, reason }), 403, 'forbidden');
  });

  it('targets must be active users of an active tenant; staff can never be targets', async () => {
    const other = await provisionSignedInTenant(t);
    const inactive = await addUser(t, tenant, 'member', false);
    await t.as(tenant.admin.accessToken).POST('/api/v1/tenant/users/{userId}/deactivate', { params: { path: { userId: inactive.id } } });
    await expectProblem(await start(owner.token, { tenantId: tenant.id, userId: inactive.id, reason }), 404, 'user_not_found');
    await expectProblem(await start(owner.token, { tenantId: tenant.id, userId: other.admin.id, reason }), 404, 'user_not_found');
    await expectProblem(await start(owner.token, { tenantId: tenant.id, userId: owner.id, reason }), 404, 'user_not_found');
    await expectProblem(await start(owner.token, { tenantId: randomUUID(), reason }), 404, 'tenant_not_found');

    await t.db.query(`UPDATE tenants SET status = 'suspended' WHERE id = $1`, [other.id]);
    const suspended = await expectProblem(await start(owner.token, { tenantId: other.id, reason }), 409, 'tenant_not_active');
    expect(suspended.state).toBe('suspended');
    await t.db.query(`UPDATE tenants SET status = 'deleted' WHERE id = $1`, [other.id]);
    await expectProblem(await start(owner.token, { tenantId: other.id, reason }), 409, 'tenant_not_active');

    const noAdmin = await provisionSignedInTenant(t);
    await t.db.query(`UPDATE tenant_users SET is_active = false WHERE tenant_id = $1`, [noAdmin.id]);
    await expectProblem(await start(owner.token, { tenantId: noAdmin.id, reason }), 409, 'no_active_admin');
    expect(await t.db.query(`SELECT 1 FROM impersonation_sessions WHERE tenant_id = ANY($1)`, [[other.id, noAdmin.id]])).toHaveLength(0);
  });

  it('ending revokes the token at once; a second end → 409', async () => {
    const s = (await t.as(owner.token).POST('/api/v1/admin/impersonations', { body: { tenantId: tenant.id, reason } })).data!;
    expect((await t.as(s.accessToken).GET('/api/v1/auth/me')).response.status).toBe(200);
    const end = await t.as(owner.token).POST('/api/v1/admin/impersonations/{sessionId}/end', { params: { path: { sessionId: s.id } } });
    expect(end.response.status).toBe(200);
    expect(end.data).toMatchObject({ id: s.id, status: 'ended', endedBy: owner.id, endReason: 'ended_by_staff', endedAt: expect.any(String) });
    await expectProblem(await t.as(s.accessToken).GET('/api/v1/auth/me'), 401, 'token_revoked');
    const events = await outboxEvents(t, tenant.id, 'impersonation.ended');
    expect(events.map((e) => e.payload.sessionId)).toContain(s.id);
    const again = await t.as(owner.token).POST('/api/v1/admin/impersonations/{sessionId}/end', { params: { path: { sessionId: s.id } } });
    expect(await expectProblem(again, 409, 'impersonation_not_active')).toMatchObject({ state: 'ended' });
    // The impersonated user's own session is unaffected.
    expect((await t.as(tenant.admin.accessToken).GET('/api/v1/auth/me')).data!.impersonator).toBeNull();
    await expectProblem(await t.as(owner.token).POST('/api/v1/admin/impersonations/{sessionId}/end', { params: { path: { sessionId: randomUUID() } } }), 404);
  });

  it('expiry: an expired session is listed as expired and cannot be ended; an expired token → 401', async () => {
    const s = (await t.as(owner.token).POST('/api/v1/admin/impersonations', { body: { tenantId: tenant.id, reason } })).data!;
    await t.db.query(`UPDATE impersonation_sessions SET expires_at = now() - interval '1 minute' WHERE id = $1`, [s.id]);
    const active = await t.as(owner.token).GET('/api/v1/admin/impersonations', { params: { query: { tenantId: tenant.id, status: 'active', limit: 100 } } });
    expect(active.data!.data.map((x) => x.id)).not.toContain(s.id);
    const inactive = await t.as(owner.token).GET('/api/v1/admin/impersonations', { params: { query: { tenantId: tenant.id, status: 'expired', limit: 100 } } });
    expect(inactive.data!.data.find((x) => x.id === s.id)).toMatchObject({ status: 'expired', endedAt: null });
    const end = await t.as(owner.token).POST('/api/v1/admin/impersonations/{sessionId}/end', { params: { path: { sessionId: s.id } } });
    expect(await expectProblem(end, 409, 'impersonation_not_active')).toMatchObject({ state: 'expired' });

    // The token itself stops at its exp (signed here already past, beyond the verifier's clock tolerance).
    const expired = t.app
      .get(TokenService)
      .signAccessToken({ kind: 'tenant', id: tenant.admin.id, email: tenant.admin.email, role: 'admin', tenantId: tenant.id }, { act: { sub: owner.id }, sid: s.id }, -30);
    await expectProblem(await t.as(expired).GET('/api/v1/auth/me'), 401, 'token_expired');
  });

  it('admin list filters by tenant, staff and status (active, ended, expired); the tenant’s admins see only their own sessions', async () => {
    const mine = await provisionSignedInTenant(t);
    const theirs = await provisionSignedInTenant(t);
    const admin = await createStaff(t, owner.token, 'admin');
    const adminToken = (await loginStaff(t, admin.email, admin.password)).accessToken;
    const a1 = (await t.as(adminToken).POST('/api/v1/admin/impersonations', { body: { tenantId: mine.id, reason, ticketRef: 'SUP-77', durationMinutes: 15 } })).data!;
    const a2 = (await t.as(owner.token).POST('/api/v1/admin/impersonations', { body: { tenantId: mine.id, reason } })).data!;
    const b1 = (await t.as(adminToken).POST('/api/v1/admin/impersonations', { body: { tenantId: theirs.id, reason } })).data!;
    await t.as(owner.token).POST('/api/v1/admin/impersonations/{sessionId}/end', { params: { path: { sessionId: a2.id } } });

    const list = (query: Record<string, unknown>) => t.as(owner.token).GET('/api/v1/admin/impersonations', { params: { query: { limit: 100, ...query } } });
    const byTenant = await list({ tenantId: mine.id });
    expect(byTenant.data!.data.map((x) => x.id)).toEqual([a2.id, a1.id]);
    expect(byTenant.data!.meta).toEqual({ total: 2, limit: 100, offset: 0 });
    expect((await list({ tenantId: mine.id, status: 'active' })).data!.data.map((x) => x.id)).toEqual([a1.id]);
    expect((await list({ tenantId: mine.id, status: 'ended' })).data!.data.map((x) => x.id)).toEqual([a2.id]);
    expect((await list({ staffId: admin.id })).data!.data.map((x) => x.id).sort()).toEqual([a1.id, b1.id].sort());
    const page = await list({ tenantId: mine.id, limit: 1, offset: 1 });
    expect(page.data!.data.map((x) => x.id)).toEqual([a1.id]);
    expect(page.data!.data[0]).toMatchObject({ staffId: admin.id, staffEmail: admin.email, reason, ticketRef: 'SUP-77', durationMinutes: 15, status: 'active' });
    await expectProblem(await rawFetch(t, '/api/v1/admin/impersonations?status=maybe', { token: owner.token }), 400);
    expect((await list({ tenantId: theirs.id, status: 'expired' })).data!.meta.total).toBe(0);
    await t.db.query(`UPDATE impersonation_sessions SET expires_at = now() - interval '1 minute' WHERE id = $1`, [b1.id]);
    const expired = await list({ tenantId: theirs.id, status: 'expired' });
    expect(expired.data!.data).toEqual([expect.objectContaining({ id: b1.id, status: 'expired', endedAt: null })]);
    expect((await list({ tenantId: theirs.id, status: 'active' })).data!.meta.total).toBe(0);

    const seen = await t.as(mine.admin.accessToken).GET('/api/v1/tenant/impersonations');
    expect(seen.data!.meta.total).toBe(2);
    expect(seen.data!.data.map((x) => x.id)).toEqual([a2.id, a1.id]);
    expect(seen.data!.data[1]).toEqual({
      id: a1.id,
      staffEmail: admin.email,
      targetUserId: mine.admin.id,
      targetUserEmail: mine.admin.email,
      reason,
      ticketRef: 'SUP-77',
      durationMinutes: 15,
      startedAt: expect.any(String),
      expiresAt: a1.expiresAt,
      endedAt: null,
      endReason: null,
      status: 'active',
    });
    expect(seen.data!.data[0].endedAt).toEqual(expect.any(String));
    expect(seen.data!.data[0].endReason).toBe('ended_by_staff');
    const theirsSeen = await t.as(theirs.admin.accessToken).GET('/api/v1/tenant/impersonations');
    expect(theirsSeen.data!.data.map((x) => x.id)).toEqual([b1.id]);
    const manager = await addUser(t, mine, 'manager');
    await expectProblem(await t.as(manager.accessToken).GET('/api/v1/tenant/impersonations'), 403);
    await expectProblem(await t.as(owner.token).GET('/api/v1/tenant/impersonations'), 403);
  });
});
