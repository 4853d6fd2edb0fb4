import { createTestApp, expectProblem, loginStaff, rawFetch, requestId, TestApp, unique } from '../../support/app';
import { addUser, provisionSignedInTenant, TenantFixture } from '../../support/fixtures';

describe('tenant-side audit log', () => {
  let t: TestApp;
  let a: TenantFixture;
  let b: TenantFixture;
  let staffToken: string;
  const ids = { created: [] as string[], denied: '', impersonation: '', other: '' };

  beforeAll(async () => {
    t = await createTestApp();
    staffToken = (await loginStaff(t)).accessToken;
    a = await provisionSignedInTenant(t, { members: 3 });
    b = await provisionSignedInTenant(t, { members: 10 });
    for (let i = 0; i < 2; i++) {
      const res = await t.as(a.admin.accessToken).POST('/api/v1/tenant/users', { body: { email: `${unique('aud')}@example.test`, fullName: `User ${i}`, role: 'member' } });
      ids.created.push(res.data!.id);
    }
    ids.denied = requestId('denied');
    const denied = await t.as(a.admin.accessToken).POST('/api/v1/tenant/users', {
      body: { email: `${unique('aud')}@example.test`, fullName: 'Too many', role: 'member' },
      headers: { 'X-Request-Id': ids.denied },
    });
    expect(denied.response.status).toBe(402);
    const imp = await t.as(staffToken).POST('/api/v1/admin/impersonations', { body: { tenantId: a.id, reason: 'Checking the audit trail visibility' } });
    ids.impersonation = imp.data!.id;
    ids.other = requestId('other');
    await t.as(b.admin.accessToken).POST('/api/v1/tenant/users', {
      body: { email: `${unique('aud')}@example.test`, fullName: 'Other tenant', role: 'member' },
      headers: { 'X-Request-Id': ids.other },
    });
  });
  afterAll(() => t.close());

  const list = (token: string, query: Record<string, unknown> = {}) => t.as(token).GET('/api/v1/tenant/audit-logs', { params: { query } });

  it('shows only the caller’s tenant rows, including staff actions in it', async () => {
    const res = await list(a.admin.accessToken, { limit: 100 });
    expect(res.response.status).toBe(200);
    const rows = res.data!.data;
    expect(rows.length).toBeGreaterThanOrEqual(4);
    expect(rows.every((r) => r.tenantId === a.id)).toBe(true);
    expect(rows.map((r) => r.requestId)).not.toContain(ids.other);
    expect(rows.filter((r) => r.action === 'tenantUsers.create' && r.outcome === 'success').map((r) => r.resourceId).sort()).toEqual([...ids.created].sort());
    expect(rows.find((r) => r.action === 'impersonations.start')).toMatchObject({ actorType: 'platform', resourceId: ids.impersonation });
    const [total] = await t.db.query(`SELECT count(*)::int AS n FROM audit_logs WHERE tenant_id = $1`, [a.id]);
    expect(rows).toHaveLength(total.n);
    const bRows = (await list(b.admin.accessToken, { limit: 100 })).data!.data;
    expect(bRows.every((r) => r.tenantId === b.id)).toBe(true);
    expect(bRows.map((r) => r.requestId)).toContain(ids.other);
  });

  it('filters by action, outcome, module, actor, resource and date range', async () => {
    const creates = (await list(a.admin.accessToken, { action: 'tenantUsers.create' })).data!.data;
    expect(creates).toHaveLength(3);
    const denied = (await list(a.admin.accessToken, { outcome: 'denied' })).data!.data;
    expect(denied.map((r) => r.requestId)).toEqual([ids.denied]);
    expect(denied[0]).toMatchObject({ statusCode: 402, errorCode: 'quota_exceeded' });
    const imp = (await list(a.admin.accessToken, { module: 'impersonation' })).data!.data;
    expect(imp.map((r) => r.resourceId)).toEqual([ids.impersonation]);
    const byActor = (await list(a.admin.accessToken, { actorId: a.admin.id, action: 'tenantUsers.create' })).data!.data;
    expect(byActor).toHaveLength(3);
    const byResource = (await list(a.admin.accessToken, { resourceType: 'tenant_user', resourceId: ids.created[0] })).data!.data;
    expect(byResource.map((r) => r.action)).toEqual(['tenantUsers.create']);
    const future = new Date(Date.now() + 3_600_000).toISOString();
    expect((await list(a.admin.accessToken, { from: future })).data!.data).toHaveLength(0);
    expect((await list(a.admin.accessToken, { to: future, action: 'tenantUsers.create' })).data!.data).toHaveLength(3);
    // Another tenant's actor finds nothing here.
    expect((await list(a.admin.accessToken, { actorId: b.admin.id })).data!.data).toHaveLength(0);
  });

  it('cursor pagination walks every row once, newest first', async () => {
    const all = (await list(a.admin.accessToken, { limit: 100 })).data!.data.map((r) => r.id);
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 50; i++) {
      const page = await list(a.admin.accessToken, { limit: 2, ...(cursor ? { cursor } : {}) });
      seen.push(...page.data!.data.map((r) => r.id));
      expect(page.data!.meta.limit).toBe(2);
      if (!page.data!.meta.nextCursor) break;
      cursor = page.data!.meta.nextCursor;
    }
    expect(seen).toEqual(all);
    await expectProblem(await rawFetch(t, '/api/v1/tenant/audit-logs?cursor=garbage', { token: a.admin.accessToken }), 400);
  });

  it('a tenantId parameter is rejected (400), so no tenant can read another’s rows', async () => {
    const res = await rawFetch(t, `/api/v1/tenant/audit-logs?tenantId=${b.id}`, { token: a.admin.accessToken });
    const problem = await expectProblem(res, 400);
    expect(JSON.stringify(problem.errors)).toContain('tenantId');
  });

  it('managers, members, viewers and platform staff → 403', async () => {
    for (const role of ['manager', 'member', 'viewer'] as const) {
      const u = await addUser(t, b, role);
      await expectProblem(await list(u.accessToken), 403, 'forbidden');
    }
    await expectProblem(await list(staffToken), 403);
  });
});
