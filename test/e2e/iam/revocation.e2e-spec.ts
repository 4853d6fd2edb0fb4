import { createStaff, createTestApp, loginStaff, TestApp } from '../../support/app';
import { addUser, insertPlan, provisionTenant, signInToken } from '../../support/fixtures';

/** Access tokens stop at once when the rights behind them change; tokens issued afterwards work. */
describe('revocation up to an instant', () => {
  let t: TestApp;
  let owner: string;
  beforeAll(async () => {
    t = await createTestApp();
    owner = (await loginStaff(t)).accessToken;
  });
  afterAll(() => t.close());

  it('a demoted owner loses owner rights at once; a fresh sign-in carries the new role', async () => {
    const second = await createStaff(t, owner, 'owner');
    const before = (await loginStaff(t, second.email, second.password)).accessToken;
    expect((await t.as(before).GET('/api/v1/admin/staff')).response.status).toBe(200);

    const demote = await t.as(owner).PATCH('/api/v1/admin/staff/{staffId}', { params: { path: { staffId: second.id } }, body: { role: 'support' } });
    expect(demote.response.status).toBe(200);
    expect((await t.as(before).GET('/api/v1/admin/staff')).response.status).toBe(401);

    const after = (await loginStaff(t, second.email, second.password)).accessToken;
    expect((await t.as(after).GET('/api/v1/auth/me')).data?.role).toBe('support');
    expect((await t.as(after).GET('/api/v1/admin/staff')).response.status).toBe(403);
  });

  it('re-activating a tenant user does not revive tokens issued before the deactivation', async () => {
    const tenant = await provisionTenant(t, (await insertPlan(t, { limits: { members: 10 } })).code);
    const admin = await signInToken(t, tenant.slug, tenant.admin.email, tenant.admin.password);
    const email = `${tenant.slug}-m@example.com`;
    const created = await t.as(admin).POST('/api/v1/tenant/users', { body: { email, fullName: 'M', role: 'member', password: 'member-password-1' } });
    const userId = created.data!.id;
    const old = await signInToken(t, tenant.slug, email, 'member-password-1');

    await t.as(admin).POST('/api/v1/tenant/users/{userId}/deactivate', { params: { path: { userId } } });
    expect((await t.as(old).GET('/api/v1/auth/me')).response.status).toBe(401);
    await t.as(admin).POST('/api/v1/tenant/users/{userId}/activate', { params: { path: { userId } } });

    expect((await t.as(old).GET('/api/v1/auth/me')).response.status).toBe(401);
    const fresh = await signInToken(t, tenant.slug, email, 'member-password-1');
    expect((await t.as(fresh).GET('/api/v1/auth/me')).response.status).toBe(200);
  });

  it('a role change of a tenant user stops tokens carrying the old role', async () => {
    const tenant = await provisionTenant(t, (await insertPlan(t, { limits: { members: 10 } })).code);
    const admin = await signInToken(t, tenant.slug, tenant.admin.email, tenant.admin.password);
    const manager = await addUser(t, tenant, 'manager');
    expect((await t.as(manager.accessToken).GET('/api/v1/tenant/users')).response.status).toBe(200);
    await t.as(admin).PATCH('/api/v1/tenant/users/{userId}', { params: { path: { userId: manager.id } }, body: { role: 'viewer' } });
    expect((await t.as(manager.accessToken).GET('/api/v1/tenant/users')).response.status).toBe(401);
  });
});
