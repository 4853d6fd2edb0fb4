import { Logger } from '@nestjs/common';
import { UnitOfWork } from '../../../src/common/events';
import { PasswordResets } from '../../../src/modules/iam';
import { createTestApp, expectProblem, requestId, TestApp } from '../../support/app';
import { addUser, provisionSignedInTenant, signIn, TenantFixture, UserFixture } from '../../support/fixtures';

describe('password reset', () => {
  let t: TestApp;
  let tenant: TenantFixture;
  beforeAll(async () => {
    t = await createTestApp();
    tenant = await provisionSignedInTenant(t, { members: 50 });
  });
  afterAll(() => t.close());
  afterEach(() => jest.restoreAllMocks());

  const issue = async (user: UserFixture) => {
    const res = await t.as(tenant.admin.accessToken).POST('/api/v1/tenant/users/{userId}/password-reset', { params: { path: { userId: user.id } } });
    expect(res.response.status).toBe(201);
    return res.data!.resetToken;
  };
  const redeem = (token: string, newPassword = 'brand-new-password-42', headers: Record<string, string> = {}) =>
    t.api.POST('/api/v1/auth/password/reset', { body: { token, newPassword }, headers });

  it('issue → redeem → sign in with the new password; refresh tokens revoked; mustChangePassword cleared', async () => {
    const user = await addUser(t, tenant, 'member');
    await t.db.query(`UPDATE tenant_users SET must_change_password = true WHERE id = $1`, [user.id]);
    const token = await issue(user);
    const reqId = requestId('redeem');
    const res = await redeem(token, 'brand-new-password-42', { 'X-Request-Id': reqId });
    expect(res.response.status).toBe(204);
    const fresh = await signIn(t, tenant.slug, user.email, 'brand-new-password-42');
    expect((await t.as(fresh.accessToken).GET('/api/v1/auth/me')).data).toMatchObject({ id: user.id, mustChangePassword: false });
    await expectProblem(await t.api.POST('/api/v1/auth/login', { body: { tenantSlug: tenant.slug, email: user.email, password: user.password } }), 401);
    await expectProblem(await t.api.POST('/api/v1/auth/refresh', { body: { refreshToken: user.refreshToken } }), 401);
    const [row] = await t.db.query(`SELECT used_at FROM password_reset_tokens WHERE user_id = $1`, [user.id]);
    expect(row.used_at).toBeInstanceOf(Date);
    const [audit] = await t.db.query(`SELECT action, actor_type, actor_id, tenant_id, resource_id, outcome, changes::text AS changes FROM audit_logs WHERE request_id = $1`, [reqId]);
    expect(audit).toMatchObject({ action: 'auth.resetPassword', actor_type: 'tenant', actor_id: user.id, tenant_id: tenant.id, resource_id: user.id, outcome: 'success' });
    expect(audit.changes).not.toContain(token);
    expect(audit.changes).not.toContain('brand-new-password-42');
  });

  it('a token is single-use: reuse → 400 invalid_reset_token', async () => {
    const user = await addUser(t, tenant, 'member', false);
    const token = await issue(user);
    expect((await redeem(token)).response.status).toBe(204);
    const reuse = await redeem(token, 'another-new-password-1');
    const problem = await expectProblem(reuse, 400, 'invalid_reset_token');
    expect(problem.errors).toEqual([expect.objectContaining({ field: 'token' })]);
    await signIn(t, tenant.slug, user.email, 'brand-new-password-42');
  });

  it('two concurrent redemptions of one token: exactly one succeeds', async () => {
    const user = await addUser(t, tenant, 'member', false);
    const token = await issue(user);
    const results = await Promise.all([redeem(token, 'first-new-password-1'), redeem(token, 'second-new-password-2')]);
    expect(results.map((r) => r.response.status).sort()).toEqual([204, 400]);
  });

  it('an expired token → 400 and the password is unchanged', async () => {
    const user = await addUser(t, tenant, 'member', false);
    const token = await issue(user);
    await t.db.query(`UPDATE password_reset_tokens SET expires_at = now() - interval '1 second' WHERE user_id = $1`, [user.id]);
    await expectProblem(await redeem(token), 400, 'invalid_reset_token');
    await signIn(t, tenant.slug, user.email, user.password);
  });

  it('an unknown token → 400; a short newPassword → 400 naming newPassword', async () => {
    await expectProblem(await redeem('prt_not-a-real-token'), 400, 'invalid_reset_token');
    const user = await addUser(t, tenant, 'member', false);
    const token = await issue(user);
    const short = await redeem(token, 'short');
    const problem = await expectProblem(short, 400, 'validation_failed');
    expect(JSON.stringify(problem.errors)).toContain('newPassword');
    expect((await redeem(token)).response.status).toBe(204);
  });

  it('a new token supersedes the earlier unused one', async () => {
    const user = await addUser(t, tenant, 'member', false);
    const first = await issue(user);
    const second = await issue(user);
    await expectProblem(await redeem(first), 400, 'invalid_reset_token');
    expect((await redeem(second)).response.status).toBe(204);
  });

  it('a token of a user deactivated since → 400', async () => {
    const user = await addUser(t, tenant, 'member', false);
    const token = await issue(user);
    await t.as(tenant.admin.accessToken).POST('/api/v1/tenant/users/{userId}/deactivate', { params: { path: { userId: user.id } } });
    await expectProblem(await redeem(token), 400, 'invalid_reset_token');
  });

  it('PasswordResets.issue (facade for staff-initiated resets) mails the link through the logging placeholder without the full token', async () => {
    const user = await addUser(t, tenant, 'admin', false);
    const log = jest.spyOn(Logger.prototype, 'log');
    const { resetToken, expiresAt } = await t.app.get(UnitOfWork).run(() => t.app.get(PasswordResets).issue(tenant.id, user.id, null));
    expect(resetToken).toMatch(/^prt_/);
    expect(expiresAt).toBeInstanceOf(Date);
    const lines = log.mock.calls.map((c) => String(c[0])).filter((l) => l.includes(user.email));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('placeholder');
    expect(lines[0]).toContain(resetToken.slice(0, 8));
    expect(lines[0]).not.toContain(resetToken);
    const [row] = await t.db.query(`SELECT requested_by FROM password_reset_tokens WHERE user_id = $1`, [user.id]);
    expect(row.requested_by).toBeNull();
    expect((await redeem(resetToken)).response.status).toBe(204);
  });

  it('the facade refuses another tenant’s user (404)', async () => {
    const other = await provisionSignedInTenant(t);
    await expect(t.app.get(UnitOfWork).run(() => t.app.get(PasswordResets).issue(tenant.id, other.admin.id, null))).rejects.toMatchObject({
      status: 404,
      code: 'user_not_found',
    });
  });
});
