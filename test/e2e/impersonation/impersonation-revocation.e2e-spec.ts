import { createStaff, createTestApp, loginStaff, TestApp } from '../../support/app';
import { insertPlan, provisionTenant, signInToken } from '../../support/fixtures';

describe('impersonation tokens stop with the people behind them', () => {
  let t: TestApp;
  let owner: string;
  beforeAll(async () => {
    t = await createTestApp();
    owner = (await loginStaff(t)).accessToken;
  });
  afterAll(() => t.close());

  async function impersonate(staffToken: string, tenantId: string): Promise<{ id: string; accessToken: string }> {
    const res = await t.as(staffToken).POST('/api/v1/admin/impersonations', { body: { tenantId, reason: 'customer asked for help', durationMinutes: 30 } });
    expect(res.response.status).toBe(201);
    return { id: res.data!.id, accessToken: res.data!.accessToken };
  }

  it('deactivating the impersonating staff member revokes the session token at once', async () => {
    const tenant = await provisionTenant(t, (await insertPlan(t)).code);
    const support = await createStaff(t, owner, 'support');
    const supportToken = (await loginStaff(t, support.email, support.password)).accessToken;
    const session = await impersonate(supportToken, tenant.id);
    expect((await t.as(session.accessToken).GET('/api/v1/tenant')).response.status).toBe(200);

    await t.as(owner).PATCH('/api/v1/admin/staff/{staffId}', { params: { path: { staffId: support.id } }, body: { isActive: false } });
    const after = await t.as(session.accessToken).GET('/api/v1/tenant');
    expect(after.response.status).toBe(401);
    expect(after.error).toMatchObject({ code: 'token_revoked' });
  });

  it('logging out with an impersonation token revokes that token', async () => {
    const tenant = await provisionTenant(t, (await insertPlan(t)).code);
    const session = await impersonate(owner, tenant.id);
    expect((await t.as(session.accessToken).POST('/api/v1/auth/logout')).response.status).toBe(204);
    expect((await t.as(session.accessToken).GET('/api/v1/auth/me')).response.status).toBe(401);
    // The tenant's own admin is unaffected.
    const admin = await signInToken(t, tenant.slug, tenant.admin.email, tenant.admin.password);
    expect((await t.as(admin).GET('/api/v1/auth/me')).response.status).toBe(200);
  });
});
