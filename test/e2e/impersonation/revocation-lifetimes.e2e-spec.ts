import type Redis from 'ioredis';
import { IMPERSONATION_MAX_MINUTES, JWT_CLOCK_TOLERANCE_SECONDS } from '../../../src/common/auth';
import { REDIS } from '../../../src/common/redis';
import { createStaff, createTestApp, CreatedStaff, expectProblem, loginStaff, TestApp } from '../../support/app';
import { decodeJwt, insertPlan, provisionTenant, signInToken } from '../../support/fixtures';

/** Polls `probe` until it returns a truthy value (event listeners run just after commit). */
async function eventually<T>(probe: () => Promise<T>, seconds = 10): Promise<T> {
  const until = Date.now() + seconds * 1000;
  for (;;) {
    const value = await probe();
    if (value || Date.now() > until) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
}

// A short access-token lifetime: revocations used to last only this long, while impersonation
// tokens live up to 60 minutes, so a deactivated impersonator regained access 30 s later.
describe('with a 30 s access-token lifetime, no revocation is shorter than a token it covers', () => {
  let t: TestApp;
  let owner: string;
  let redis: Redis;

  beforeAll(async () => {
    t = await createTestApp({ JWT_ACCESS_TTL_SECONDS: '30' });
    owner = (await loginStaff(t)).accessToken;
    redis = t.app.get(REDIS);
  });
  afterAll(() => t.close());

  async function impersonate(staff: CreatedStaff, tenantId: string): Promise<{ id: string; accessToken: string; exp: number }> {
    const token = (await loginStaff(t, staff.email, staff.password)).accessToken;
    const res = await t.as(token).POST('/api/v1/admin/impersonations', {
      body: { tenantId, reason: 'customer asked for help', durationMinutes: IMPERSONATION_MAX_MINUTES },
    });
    expect(res.response.status).toBe(201);
    return { id: res.data!.id, accessToken: res.data!.accessToken, exp: decodeJwt(res.data!.accessToken).exp as number };
  }

  /** Unix seconds until which a Redis key lives. */
  const keyLivesUntil = async (key: string): Promise<number> => Math.floor(Date.now() / 1000) + (await redis.ttl(key));

  type SessionRow = { ended_at: Date | null; ended_by: string | null; end_reason: string | null };
  const sessionRow = async (id: string): Promise<SessionRow> =>
    ((await t.db.query(`SELECT ended_at, ended_by, end_reason FROM impersonation_sessions WHERE id = $1`, [id])) as SessionRow[])[0];

  it('deactivating the impersonator: the token stops now and stays stopped past its own exp; the session ends in the database', async () => {
    const tenant = await provisionTenant(t, (await insertPlan(t)).code);
    const support = await createStaff(t, owner, 'support');
    const session = await impersonate(support, tenant.id);
    expect((await t.as(session.accessToken).GET('/api/v1/tenant/users')).response.status).toBe(200);

    const patched = await t.as(owner).PATCH('/api/v1/admin/staff/{staffId}', { params: { path: { staffId: support.id } }, body: { isActive: false } });
    expect(patched.response.status).toBe(200);
    await expectProblem(await t.as(session.accessToken).GET('/api/v1/tenant/users'), 401, 'token_revoked');

    // The revocation outlives the impersonation token plus the verifier's leeway (it was 30 s).
    expect(await keyLivesUntil(`revoked:sub:${support.id}`)).toBeGreaterThanOrEqual(session.exp + JWT_CLOCK_TOLERANCE_SECONDS);

    // The session is ended in PostgreSQL, for everyone who lists it.
    const row = await eventually(async () => ((await sessionRow(session.id)).ended_at ? sessionRow(session.id) : null));
    expect(row).toMatchObject({ ended_at: expect.any(Date), ended_by: null, end_reason: 'staff_deactivated' });
    const listed = await t.as(owner).GET('/api/v1/admin/impersonations', { params: { query: { staffId: support.id } } });
    expect(listed.data!.data).toEqual([expect.objectContaining({ id: session.id, status: 'ended', endReason: 'staff_deactivated' })]);
    const active = await t.as(owner).GET('/api/v1/admin/impersonations', { params: { query: { staffId: support.id, status: 'active' } } });
    expect(active.data!.meta.total).toBe(0);

    // Tenant admins see that it ended, and the audit trail records why.
    const admin = await signInToken(t, tenant.slug, tenant.admin.email, tenant.admin.password);
    const mine = await t.as(admin).GET('/api/v1/tenant/impersonations');
    expect(mine.data!.data).toEqual([expect.objectContaining({ id: session.id, status: 'ended', endReason: 'staff_deactivated' })]);
    const [audit]: { action: string; tenant_id: string; metadata: unknown; method: string }[] = await t.db.query(
      `SELECT action, tenant_id, metadata, method FROM audit_logs WHERE resource_id = $1 AND action = 'impersonations.end'`,
      [session.id],
    );
    expect(audit).toEqual({ action: 'impersonations.end', tenant_id: tenant.id, metadata: { reason: 'staff_deactivated' }, method: 'JOB' });

    // The session's own revocation also lasts past the token's exp.
    expect(await keyLivesUntil(`revoked:sid:${session.id}`)).toBeGreaterThanOrEqual(session.exp + JWT_CLOCK_TOLERANCE_SECONDS);

    // Re-activation does not bring the old token back.
    await t.as(owner).PATCH('/api/v1/admin/staff/{staffId}', { params: { path: { staffId: support.id } }, body: { isActive: true } });
    await expectProblem(await t.as(session.accessToken).GET('/api/v1/tenant/users'), 401, 'token_revoked');
  });

  it('changing the impersonator’s role ends their sessions too (staff_role_changed)', async () => {
    const tenant = await provisionTenant(t, (await insertPlan(t)).code);
    const admin = await createStaff(t, owner, 'admin');
    const session = await impersonate(admin, tenant.id);
    await t.as(owner).PATCH('/api/v1/admin/staff/{staffId}', { params: { path: { staffId: admin.id } }, body: { role: 'support' } });
    await expectProblem(await t.as(session.accessToken).GET('/api/v1/tenant/users'), 401, 'token_revoked');
    const row = await eventually(async () => ((await sessionRow(session.id)).ended_at ? sessionRow(session.id) : null));
    expect(row).toMatchObject({ end_reason: 'staff_role_changed' });
  });

  it('a renamed impersonator keeps the session', async () => {
    const tenant = await provisionTenant(t, (await insertPlan(t)).code);
    const support = await createStaff(t, owner, 'support');
    const session = await impersonate(support, tenant.id);
    await t.as(owner).PATCH('/api/v1/admin/staff/{staffId}', { params: { path: { staffId: support.id } }, body: { fullName: 'New Name' } });
    expect((await t.as(session.accessToken).GET('/api/v1/tenant/users')).response.status).toBe(200);
    expect((await sessionRow(session.id)).ended_at).toBeNull();
  });

  it('logout and tenant-user deactivation revocations outlive the longest token as well', async () => {
    const tenant = await provisionTenant(t, (await insertPlan(t)).code);
    const pair = await t.api.POST('/api/v1/auth/login', { body: { tenantSlug: tenant.slug, email: tenant.admin.email, password: tenant.admin.password } });
    const fid = decodeJwt(pair.data!.accessToken).fid as string;
    expect((await t.as(pair.data!.accessToken).POST('/api/v1/auth/logout')).response.status).toBe(204);
    const longest = Math.floor(Date.now() / 1000) + IMPERSONATION_MAX_MINUTES * 60 + JWT_CLOCK_TOLERANCE_SECONDS;
    expect(await keyLivesUntil(`revoked:fid:${fid}`)).toBeGreaterThanOrEqual(longest);
  });
});
