import { getQueueToken } from '@nestjs/bull';
import type { Job, Queue } from 'bull';
import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { REDIS } from '../../../src/common/redis';
import { TenantPurgeProcessor } from '../../../src/modules/tenants/jobs/tenant-purge.processor';
import { TenantAccessState } from '../../../src/modules/tenants/tenant-access-state.service';
import { purgeJobId, PurgeJobData, TENANTS_QUEUE } from '../../../src/modules/tenants/jobs/tenants-queue';
import { auditRowsFor, createStaff, createTestApp, expectProblem, loginStaff, requestId, TestApp } from '../../support/app';
import { addTenantUserViaApi, ApiProvisionedTenant, insertPlan, outboxEvents, provisionTenantViaApi, signIn, STANDARD_PLAN_LIMITS, TestPlan } from '../../support/fixtures';

const DAY_MS = 86_400_000;

describe('tenant lifecycle: suspend, activate, delete, restore, purge', () => {
  let t: TestApp;
  let owner: string;
  let plan: TestPlan;
  let tenant: ApiProvisionedTenant;
  let adminToken: string;

  beforeAll(async () => {
    t = await createTestApp();
    owner = (await loginStaff(t)).accessToken;
    plan = await insertPlan(t, { limits: STANDARD_PLAN_LIMITS });
  });
  beforeEach(async () => {
    tenant = await provisionTenantViaApi(t, owner, plan.code);
    adminToken = (await signIn(t, tenant.slug, tenant.admin.email, tenant.admin.password)).accessToken;
  });
  afterAll(() => t.close());

  /**
   * Replaces the app with a freshly booted one (boot hooks run again). One app at a time: Passport
   * keeps one global 'jwt' strategy per process, bound to the last booted app's Redis client.
   */
  const reboot = async (env: Record<string, string> = {}) => {
    await t.close();
    t = await createTestApp(env);
    owner = (await loginStaff(t)).accessToken;
  };

  const p = (tenantId: string) => ({ params: { path: { tenantId } } });
  const suspend = (tenantId: string, reason = 'Chargeback under review', token = owner, headers: Record<string, string> = {}) =>
    t.as(token).POST('/api/v1/admin/tenants/{tenantId}/suspend', { ...p(tenantId), body: { reason }, headers });
  const activate = (tenantId: string, token = owner) => t.as(token).POST('/api/v1/admin/tenants/{tenantId}/activate', { ...p(tenantId), body: { reason: 'Paid' } });
  const remove = (tenantId: string, headers: Record<string, string> = {}) => t.as(owner).DELETE('/api/v1/admin/tenants/{tenantId}', { ...p(tenantId), headers });
  const restore = (tenantId: string) => t.as(owner).POST('/api/v1/admin/tenants/{tenantId}/restore', p(tenantId));
  const queue = () => t.app.get<Queue<PurgeJobData>>(getQueueToken(TENANTS_QUEUE));

  describe('suspension', () => {
    it('suspend → members get 403 tenant_suspended everywhere, admins may read but not write; activate → both work again', async () => {
      const member = await addTenantUserViaApi(t, adminToken, 'member');
      const memberToken = (await signIn(t, tenant.slug, member.email, member.password)).accessToken;
      expect((await t.as(memberToken).GET('/api/v1/tenant')).response.status).toBe(200);

      const id = requestId('suspend');
      const res = await suspend(tenant.id, 'Chargeback under review', owner, { 'X-Request-Id': id });
      expect(res.response.status).toBe(200);
      expect(res.data).toMatchObject({ id: tenant.id, status: 'suspended', suspendedReason: 'Chargeback under review', suspendedAt: expect.any(String) });
      const [row] = await t.db.query(`SELECT status, suspended_reason, suspended_at FROM tenants WHERE id = $1`, [tenant.id]);
      expect(row).toMatchObject({ status: 'suspended', suspended_reason: 'Chargeback under review', suspended_at: expect.any(Date) });
      const [event] = await outboxEvents(t, tenant.id, 'tenant.suspended');
      expect(event.envelope.payload).toMatchObject({ tenantId: tenant.id, slug: tenant.slug, reason: 'Chargeback under review' });
      const [audit] = await auditRowsFor(t, id);
      expect(audit).toMatchObject({ action: 'tenants.suspend', tenantId: tenant.id, resourceId: tenant.id, outcome: 'success' });

      // The same tokens, issued before the suspension, are affected at once.
      await expectProblem(await t.as(memberToken).GET('/api/v1/tenant'), 403, 'tenant_suspended');
      expect((await t.as(adminToken).GET('/api/v1/tenant')).response.status).toBe(200);
      await expectProblem(await t.as(adminToken).PATCH('/api/v1/tenant/settings', { body: { name: 'Nope' } }), 403, 'tenant_suspended');
      // Signing in still works for the admin (read-only), and staff are unaffected.
      const fresh = await signIn(t, tenant.slug, tenant.admin.email, tenant.admin.password);
      expect((await t.as(fresh.accessToken).GET('/api/v1/tenant')).data!.status).toBe('suspended');
      expect((await t.as(owner).GET('/api/v1/admin/tenants/{tenantId}', p(tenant.id))).response.status).toBe(200);

      const again = await activate(tenant.id);
      expect(again.response.status).toBe(200);
      expect(again.data).toMatchObject({ status: 'active', suspendedReason: null, suspendedAt: null });
      expect(await outboxEvents(t, tenant.id, 'tenant.activated')).toHaveLength(1);
      expect((await t.as(memberToken).GET('/api/v1/tenant')).response.status).toBe(200);
      expect((await t.as(adminToken).PATCH('/api/v1/tenant/settings', { body: { name: 'Back' } })).response.status).toBe(200);
    });

    it('suspending twice or activating an active tenant → 409; support staff → 403; unknown → 404', async () => {
      await expectProblem(await activate(tenant.id), 409, 'tenant_not_suspended');
      expect((await suspend(tenant.id)).response.status).toBe(200);
      await expectProblem(await suspend(tenant.id), 409, 'tenant_already_suspended');
      const support = await createStaff(t, owner, 'support');
      const supportToken = (await loginStaff(t, support.email, support.password)).accessToken;
      await expectProblem(await activate(tenant.id, supportToken), 403);
      await expectProblem(await suspend(randomUUID()), 404, 'tenant_not_found');
      await expectProblem(await t.as(owner).POST('/api/v1/admin/tenants/{tenantId}/suspend', { ...p(tenant.id), body: {} as never }), 400, 'validation_failed');
    });

    it('a suspension survives a Redis flush: the flags are rebuilt from PostgreSQL at boot', async () => {
      const member = await addTenantUserViaApi(t, adminToken, 'member');
      const memberToken = (await signIn(t, tenant.slug, member.email, member.password)).accessToken;
      await suspend(tenant.id);
      await t.app.get<Redis>(REDIS).del(`suspended:admin:${tenant.id}`);
      // Flag lost: the suspension no longer applies ...
      expect((await t.as(memberToken).GET('/api/v1/tenant')).response.status).toBe(200);
      // ... until an instance boots and rebuilds it.
      await reboot();
      await expectProblem(await t.as(memberToken).GET('/api/v1/tenant'), 403, 'tenant_suspended');
    });
  });

  describe('deletion and restore', () => {
    it('DELETE → 202; sign-in refused, existing tokens revoked at once, delayed purge job scheduled; restore undoes it', async () => {
      const refresh = (await signIn(t, tenant.slug, tenant.admin.email, tenant.admin.password)).refreshToken;
      const id = requestId('delete');
      const res = await remove(tenant.id, { 'X-Request-Id': id });
      expect(res.response.status).toBe(202);
      expect(res.data).toEqual({ id: tenant.id, status: 'deleted', deletedAt: expect.any(String), purgeAfter: expect.any(String) });
      const deletedAt = new Date(res.data!.deletedAt);
      const purgeAfter = new Date(res.data!.purgeAfter);
      expect(purgeAfter.getTime() - deletedAt.getTime()).toBe(30 * DAY_MS); // TENANT_PURGE_GRACE_DAYS default

      const [row] = await t.db.query(`SELECT status, deleted_at, purge_after FROM tenants WHERE id = $1`, [tenant.id]);
      expect(row).toEqual({ status: 'deleted', deleted_at: deletedAt, purge_after: purgeAfter });
      const [event] = await outboxEvents(t, tenant.id, 'tenant.deleted');
      expect(event.envelope.payload).toEqual({ tenantId: tenant.id, slug: tenant.slug, deletedAt: res.data!.deletedAt, purgeAfter: res.data!.purgeAfter });
      const [audit] = await auditRowsFor(t, id);
      expect(audit).toMatchObject({ action: 'tenants.delete', statusCode: 202, tenantId: tenant.id, outcome: 'success' });

      // Tokens stop at once; sign-in and refresh are refused.
      await expectProblem(await t.as(adminToken).GET('/api/v1/tenant'), 401, 'token_revoked');
      await expectProblem(await t.api.POST('/api/v1/auth/login', { body: { tenantSlug: tenant.slug, email: tenant.admin.email, password: tenant.admin.password } }), 401);
      expect((await t.api.POST('/api/v1/auth/refresh', { body: { refreshToken: refresh } })).response.status).toBe(401);

      // The purge is a delayed Bull job, keyed by tenant and deletion, due after the grace period.
      const job = await queue().getJob(purgeJobId(tenant.id, deletedAt));
      expect(job).toBeTruthy();
      expect(await job!.getState()).toBe('delayed');
      expect(job!.data).toEqual({ tenantId: tenant.id, deletedAt: res.data!.deletedAt });
      expect(Math.abs(job!.timestamp + (job!.opts.delay ?? 0) - purgeAfter.getTime())).toBeLessThan(60_000);

      // Deleting again → 409; the tenant is still visible to staff.
      await expectProblem(await remove(tenant.id), 409, 'tenant_already_deleted');
      expect((await t.as(owner).GET('/api/v1/admin/tenants/{tenantId}', p(tenant.id))).data!.status).toBe('deleted');
      await expectProblem(await suspend(tenant.id), 409, 'tenant_deleted');

      const restored = await restore(tenant.id);
      expect(restored.response.status).toBe(200);
      expect(restored.data).toMatchObject({ status: 'active', deletedAt: null, purgeAfter: null });
      expect((await outboxEvents(t, tenant.id, 'tenant.restored'))[0].envelope.payload).toMatchObject({ status: 'active', previousDeletedAt: res.data!.deletedAt });
      expect(await queue().getJob(purgeJobId(tenant.id, deletedAt))).toBeNull();
      const again = await signIn(t, tenant.slug, tenant.admin.email, tenant.admin.password);
      expect((await t.as(again.accessToken).GET('/api/v1/tenant')).response.status).toBe(200);
      await expectProblem(await restore(tenant.id), 409, 'tenant_not_deleted');
    });

    it('a tenant suspended when deleted comes back suspended', async () => {
      await suspend(tenant.id);
      await remove(tenant.id);
      const restored = await restore(tenant.id);
      expect(restored.data).toMatchObject({ status: 'suspended', suspendedReason: 'Chargeback under review' });
      await expectProblem(await t.as(adminToken).PATCH('/api/v1/tenant/settings', { body: { name: 'x' } }), 403, 'tenant_suspended');
    });

    it('restore after the grace period → 409 tenant_grace_period_over', async () => {
      await remove(tenant.id);
      await t.db.query(`UPDATE tenants SET purge_after = now() - interval '1 minute' WHERE id = $1`, [tenant.id]);
      await expectProblem(await restore(tenant.id), 409, 'tenant_grace_period_over');
    });
  });

  describe('purge job', () => {
    const runPurge = (tenantId: string) =>
      t.app.get(TenantPurgeProcessor).handle({ data: { tenantId, deletedAt: new Date().toISOString() } } as Job<PurgeJobData>);

    it('erases the tenant’s rows once due, keeps its audit rows, publishes tenant.purged and frees the slug', async () => {
      const member = await addTenantUserViaApi(t, adminToken, 'member');
      await t.as(owner).POST('/api/v1/admin/tenants/{tenantId}/notes', { ...p(tenant.id), body: { body: 'to be purged' } });
      await t.as(owner).POST('/api/v1/admin/tenants/{tenantId}/admin-password-reset', p(tenant.id));
      const auditBefore = (await t.db.query(`SELECT count(*)::int AS n FROM audit_logs WHERE tenant_id = $1`, [tenant.id]))[0].n;
      expect(auditBefore).toBeGreaterThan(0);

      await remove(tenant.id);
      // Not yet due: nothing happens.
      expect(await runPurge(tenant.id)).toBe(false);
      expect((await t.db.query(`SELECT count(*)::int AS n FROM tenants WHERE id = $1`, [tenant.id]))[0].n).toBe(1);

      await t.db.query(`UPDATE tenants SET purge_after = now() - interval '1 second' WHERE id = $1`, [tenant.id]);
      expect(await runPurge(tenant.id)).toBe(true);

      const counts = await t.db.query(
        `SELECT (SELECT count(*) FROM tenants WHERE id = $1)::int AS tenants,
                (SELECT count(*) FROM tenant_users WHERE tenant_id = $1)::int AS users,
                (SELECT count(*) FROM tenant_quotas WHERE tenant_id = $1)::int AS quotas,
                (SELECT count(*) FROM tenant_usage WHERE tenant_id = $1)::int AS usage,
                (SELECT count(*) FROM tenant_notes WHERE tenant_id = $1)::int AS notes,
                (SELECT count(*) FROM refresh_tokens WHERE tenant_id = $1)::int AS refresh_tokens,
                (SELECT count(*) FROM password_reset_tokens WHERE tenant_id = $1)::int AS reset_tokens`,
        [tenant.id],
      );
      expect(counts[0]).toEqual({ tenants: 0, users: 0, quotas: 0, usage: 0, notes: 0, refresh_tokens: 0, reset_tokens: 0 });
      expect((await t.db.query(`SELECT count(*)::int AS n FROM tenant_users WHERE id = $1`, [member.id]))[0].n).toBe(0);

      const audit = await t.db.query(`SELECT action, actor_type, metadata FROM audit_logs WHERE tenant_id = $1 ORDER BY occurred_at`, [tenant.id]);
      expect(audit.length).toBe(auditBefore + 2); // + tenants.delete + tenants.purge
      expect(audit[audit.length - 1]).toMatchObject({ action: 'tenants.purge', actor_type: 'system', metadata: { slug: tenant.slug } });
      const [purged] = await outboxEvents(t, tenant.id, 'tenant.purged');
      expect(purged.envelope.payload).toMatchObject({ tenantId: tenant.id, slug: tenant.slug });

      // Running it again is harmless, tokens stay revoked, and the slug can be used again.
      expect(await runPurge(tenant.id)).toBe(false);
      await expectProblem(await t.as(adminToken).GET('/api/v1/tenant'), 401, 'token_revoked');
      expect((await provisionTenantViaApi(t, owner, plan.code, { slug: tenant.slug })).slug).toBe(tenant.slug);
    });

    it('a purge job that used up its attempts is retried when the access state is rebuilt', async () => {
      const res = await remove(tenant.id);
      const jobId = purgeJobId(tenant.id, new Date(res.data!.deletedAt));
      // Put the job where Bull leaves it after its last failed attempt.
      const q = queue() as Queue<PurgeJobData> & { toKey(name: string): string };
      await q.client.multi().zrem(q.toKey('delayed'), jobId).zadd(q.toKey('failed'), Date.now(), jobId).exec();
      expect(await (await q.getJob(jobId))!.getState()).toBe('failed');

      await t.app.get(TenantAccessState).rebuild();
      const after = await q.getJob(jobId);
      // Retried: waiting, running, or already done (not due yet, so it purged nothing).
      expect(after === null || (await after.getState()) !== 'failed').toBe(true);
      expect((await t.db.query(`SELECT status FROM tenants WHERE id = $1`, [tenant.id]))[0].status).toBe('deleted');
    });

    it('a restored tenant is not purged by a stale job', async () => {
      await remove(tenant.id);
      await t.db.query(`UPDATE tenants SET purge_after = now() - interval '1 second' WHERE id = $1`, [tenant.id]);
      await t.db.query(`UPDATE tenants SET status = 'active', deleted_at = NULL, purge_after = NULL WHERE id = $1`, [tenant.id]);
      expect(await runPurge(tenant.id)).toBe(false);
      expect((await t.db.query(`SELECT count(*)::int AS n FROM tenant_users WHERE tenant_id = $1`, [tenant.id]))[0].n).toBe(1);
    });
  });

  it('with a grace period of 0 days the purge job runs right away', async () => {
    await reboot({ TENANT_PURGE_GRACE_DAYS: '0' });
    const doomed = await provisionTenantViaApi(t, owner, plan.code);
    const res = await remove(doomed.id);
    expect(res.response.status).toBe(202);
    expect(res.data!.purgeAfter).toBe(res.data!.deletedAt);
    const job = await queue().getJob(purgeJobId(doomed.id, new Date(res.data!.deletedAt)));
    // The job is due at once: wait for it (it is removed once completed).
    if (job) await job.finished();
    const remaining = await t.db.query(`SELECT count(*)::int AS n FROM tenants WHERE id = $1`, [doomed.id]);
    expect(remaining[0].n).toBe(0);
  });
});
