import { PasswordHasher } from '../../../src/modules/iam';
import { auditRowsFor, createTestApp, expectProblem, requestId, TestApp, unique } from '../../support/app';

/**
 * Tenant users exist as a model in this issue (their management comes next), so the tenant and
 * user are inserted directly; sign-in, refresh and the token's kind go through the API.
 */
describe('tenant user sign-in: POST /api/v1/auth/login', () => {
  let t: TestApp;
  let tenant: { id: string; slug: string };
  let user: { id: string; email: string; password: string };

  beforeAll(async () => {
    t = await createTestApp();
    const slug = unique('acme').toLowerCase().slice(0, 60);
    [tenant] = await t.db.query(`INSERT INTO tenants (name, slug, contact_email) VALUES ($1, $2, 'ops@acme.test') RETURNING id, slug`, ['Acme', slug]);
    const password = 'tenant-user-password-1';
    const hash = await t.app.get(PasswordHasher).hash(password);
    const email = `${unique('member')}@acme.test`;
    const [row] = await t.db.query(
      `INSERT INTO tenant_users (tenant_id, email, full_name, role, password_hash) VALUES ($1, $2, 'Mia Member', 'member', $3) RETURNING id`,
      [tenant.id, email, hash],
    );
    user = { id: row.id, email, password };
  });
  afterAll(() => t.close());

  const login = (tenantSlug: string, email: string, password: string, headers: Record<string, string> = {}) =>
    t.api.POST('/api/v1/auth/login', { body: { tenantSlug, email, password }, headers });

  it('signs in; the token is a tenant token carrying the tenant id; the row is audited under the tenant', async () => {
    const id = requestId('tenant-login');
    const { data, response } = await login(tenant.slug, user.email, user.password, { 'X-Request-Id': id });
    expect(response.status).toBe(200);
    const me = await t.as(data!.accessToken).GET('/api/v1/auth/me');
    expect(me.data).toMatchObject({ id: user.id, email: user.email, kind: 'tenant', role: 'member', tenantId: tenant.id, fullName: 'Mia Member' });
    const [row] = await auditRowsFor(t, id);
    expect(row).toMatchObject({ action: 'auth.login.tenant', outcome: 'success', actorType: 'tenant', actorId: user.id, tenantId: tenant.id });
  });

  it('a tenant token on a platform route → 403', async () => {
    const { data } = await login(tenant.slug, user.email, user.password);
    const res = await t.as(data!.accessToken).GET('/api/v1/admin/staff');
    const problem = await expectProblem(res, 403, 'forbidden');
    expect(problem.detail).toMatch(/platform staff/);
  });

  it('wrong password, unknown email and unknown tenant all give the same 401', async () => {
    const bodies = [];
    for (const [slug, email] of [
      [tenant.slug, user.email],
      [tenant.slug, `${unique('ghost')}@acme.test`],
      [unique('nowhere').toLowerCase().slice(0, 60), user.email],
    ]) {
      const problem = await expectProblem(await login(slug, email, 'wrong-password-xyz'), 401, 'invalid_credentials');
      bodies.push({ ...problem, requestId: undefined });
    }
    expect(bodies[1]).toEqual(bodies[0]);
    expect(bodies[2]).toEqual(bodies[0]);
  });

  it('once the tenant is deleted, sign-in fails and its users’ refresh tokens are refused and revoked', async () => {
    const [other] = await t.db.query(`INSERT INTO tenants (name, slug, contact_email) VALUES ('Gone', $1, 'ops@gone.test') RETURNING id, slug`, [unique('gone').toLowerCase().slice(0, 60)]);
    const hash = await t.app.get(PasswordHasher).hash('tenant-user-password-2');
    const email = `${unique('gone')}@gone.test`;
    await t.db.query(`INSERT INTO tenant_users (tenant_id, email, full_name, role, password_hash) VALUES ($1, $2, 'G', 'admin', $3)`, [other.id, email, hash]);
    const pair = (await login(other.slug, email, 'tenant-user-password-2')).data!;

    await t.db.query(`UPDATE tenants SET status = 'deleted' WHERE id = $1`, [other.id]);
    await expectProblem(await login(other.slug, email, 'tenant-user-password-2'), 401, 'invalid_credentials');
    await expectProblem(await t.api.POST('/api/v1/auth/refresh', { body: { refreshToken: pair.refreshToken } }), 401, 'account_inactive');
    const rows: { revoked_at: Date | null }[] = await t.db.query(`SELECT revoked_at FROM refresh_tokens WHERE tenant_id = $1`, [other.id]);
    expect(rows).toHaveLength(1);
    expect(rows[0].revoked_at).toBeInstanceOf(Date);
  });
});
