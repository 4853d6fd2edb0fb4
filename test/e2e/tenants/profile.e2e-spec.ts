import { randomUUID } from 'node:crypto';
import { auditRowsFor, createStaff, createTestApp, expectProblem, loginStaff, rawFetch, requestId, TestApp } from '../../support/app';
import { addTenantUserViaApi, ApiProvisionedTenant, insertPlan, outboxEvents, provisionTenantViaApi, signIn, TestPlan } from '../../support/fixtures';

describe('tenant detail, PATCH with If-Match, and the tenant’s own profile', () => {
  let t: TestApp;
  let owner: string;
  let plan: TestPlan;
  let tenant: ApiProvisionedTenant;

  beforeAll(async () => {
    t = await createTestApp();
    owner = (await loginStaff(t)).accessToken;
    plan = await insertPlan(t, { limits: { members: 8, orgAdmins: 2, projects: null } });
  });
  beforeEach(async () => {
    tenant = await provisionTenantViaApi(t, owner, plan.code, { trialDays: 14, tags: ['vip'] });
  });
  afterAll(() => t.close());

  const detail = (tenantId: string, token = owner) => t.as(token).GET('/api/v1/admin/tenants/{tenantId}', { params: { path: { tenantId } } });
  const patch = (tenantId: string, body: unknown, ifMatch?: string) =>
    rawFetch(t, `/api/v1/admin/tenants/${tenantId}`, { method: 'PATCH', token: owner, json: body, headers: ifMatch ? { 'If-Match': ifMatch } : {} });

  it('GET detail: profile, quota with allowances, usage, admin contact, notes count, latest audit events, and an ETag', async () => {
    await t.as(owner).POST('/api/v1/admin/tenants/{tenantId}/notes', { params: { path: { tenantId: tenant.id } }, body: { body: 'first note' } });
    const { data, response } = await detail(tenant.id);
    expect(response.status).toBe(200);
    expect(response.headers.get('etag')).toBe('"1"');
    expect(data).toMatchObject({
      id: tenant.id,
      slug: tenant.slug,
      status: 'active',
      tags: ['vip'],
      version: 1,
      quota: {
        plan: { code: plan.code, name: plan.name },
        billingStatus: 'trial',
        trialEndsAt: expect.any(String),
        trialDaysRemaining: 14,
        currentPeriodEndsAt: data!.quota.trialEndsAt, // a trial's period is the trial
      },
      usage: { members: 1, orgAdmins: 1, projects: 0, domains: 0, automationsPerMonth: 0, lastCalculatedAt: expect.any(String) },
      adminContact: { id: tenant.admin.id, email: tenant.admin.email, fullName: 'Ada Admin' },
      notesCount: 1,
    });
    expect(data!.quota.allowances).toEqual(
      expect.arrayContaining([
        { metric: 'members', limit: 8, used: 1, remaining: 7 },
        { metric: 'orgAdmins', limit: 2, used: 1, remaining: 1 },
        { metric: 'projects', limit: null, used: 0, remaining: null },
      ]),
    );
    const actions = data!.recentAuditEvents.map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['tenants.create', 'tenantNotes.create']));
    expect(data!.recentAuditEvents.length).toBeLessThanOrEqual(10);
    expect(data!.recentAuditEvents.every((e) => e.tenantId === tenant.id)).toBe(true);
  });

  it('recentAuditEvents holds the 10 latest rows, newest first', async () => {
    for (let i = 0; i < 11; i++) {
      await t.as(owner).POST('/api/v1/admin/tenants/{tenantId}/notes', { params: { path: { tenantId: tenant.id } }, body: { body: `note ${i}` } });
    }
    const { data } = await detail(tenant.id);
    expect(data!.recentAuditEvents).toHaveLength(10);
    const times = data!.recentAuditEvents.map((e) => e.occurredAt);
    expect([...times].sort().reverse()).toEqual(times);
    expect(data!.notesCount).toBe(11);
  });

  it('an unknown tenant → 404 tenant_not_found; a malformed id → 400', async () => {
    await expectProblem(await detail(randomUUID()), 404, 'tenant_not_found');
    const bad = await expectProblem(await rawFetch(t, '/api/v1/admin/tenants/not-a-uuid', { token: owner }), 400, 'validation_failed');
    expect(bad.errors).toEqual([expect.objectContaining({ field: 'tenantId' })]);
  });

  it('PATCH with a stale If-Match → 412 and the row is unchanged; with the current one → 200 and a new ETag', async () => {
    const first = await patch(tenant.id, { name: 'Renamed once' }, '"1"');
    expect(first.status).toBe(200);
    expect(first.headers.get('etag')).toBe('"2"');
    expect(await first.json()).toMatchObject({ name: 'Renamed once', version: 2 });

    const id = requestId('stale');
    const stale = await rawFetch(t, `/api/v1/admin/tenants/${tenant.id}`, {
      method: 'PATCH',
      token: owner,
      json: { name: 'Lost update' },
      headers: { 'If-Match': '"1"', 'X-Request-Id': id },
    });
    const problem = await expectProblem(stale, 412, 'precondition_failed');
    expect(problem.etag).toBe('"2"');
    const [row] = await t.db.query(`SELECT name, version FROM tenants WHERE id = $1`, [tenant.id]);
    expect(row).toEqual({ name: 'Renamed once', version: 2 });
    const [audit] = await auditRowsFor(t, id);
    expect(audit).toMatchObject({ action: 'tenants.update', outcome: 'failure', statusCode: 412, errorCode: 'precondition_failed' });

    // Without If-Match the change applies unconditionally; `*` matches any version.
    expect((await patch(tenant.id, { contactPhone: '+1 555 0100' })).status).toBe(200);
    const star = await patch(tenant.id, { locale: 'fr-ca' }, '*');
    expect(star.status).toBe(200);
    expect(await star.json()).toMatchObject({ locale: 'fr-CA', contactPhone: '+1 555 0100', version: 4 });
  });

  it('PATCH changes contacts, localization and tags, emits tenant.updated and audits before/after', async () => {
    const id = requestId('patch');
    const res = await rawFetch(t, `/api/v1/admin/tenants/${tenant.id}`, {
      method: 'PATCH',
      token: owner,
      json: { contactEmail: 'NEW@Example.test', billingEmail: 'bill@example.test', timezone: 'America/New_York', currency: 'cad', tags: ['a', 'b'] },
      headers: { 'If-Match': '"1"', 'X-Request-Id': id },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      contactEmail: 'new@example.test',
      billingEmail: 'bill@example.test',
      timezone: 'America/New_York',
      currency: 'CAD',
      tags: ['a', 'b'],
      version: 2,
    });
    const [event] = await outboxEvents(t, tenant.id, 'tenant.updated');
    expect(event.envelope.payload).toEqual({
      tenantId: tenant.id,
      slug: tenant.slug,
      changed: ['contactEmail', 'billingEmail', 'timezone', 'currency', 'tags'],
      version: 2,
    });
    const [audit] = await auditRowsFor(t, id);
    expect(audit).toMatchObject({ action: 'tenants.update', outcome: 'success', resourceId: tenant.id, tenantId: tenant.id });
    expect(audit.changes).toMatchObject({ before: { currency: 'USD', tags: ['vip'] }, after: { currency: 'CAD', tags: ['a', 'b'] } });

    // Sending the same values again changes nothing: no new version, no event.
    const again = await patch(tenant.id, { currency: 'CAD' }, '"2"');
    expect(again.status).toBe(200);
    expect(again.headers.get('etag')).toBe('"2"');
    expect(await outboxEvents(t, tenant.id, 'tenant.updated')).toHaveLength(1);
  });

  it('PATCH rejects invalid values, unknown fields and null for required fields (400), and slug is immutable', async () => {
    for (const body of [{ timezone: 'Nowhere/City' }, { currency: 'EURO' }, { name: null }, { slug: 'new-slug' }, { tags: 'vip' }]) {
      await expectProblem(await patch(tenant.id, body), 400, 'validation_failed');
    }
    const [row] = await t.db.query(`SELECT version FROM tenants WHERE id = $1`, [tenant.id]);
    expect(row.version).toBe(1);
  });

  it('PATCH of a deleted or unknown tenant → 404; support staff → 403', async () => {
    await t.as(owner).DELETE('/api/v1/admin/tenants/{tenantId}', { params: { path: { tenantId: tenant.id } } });
    await expectProblem(await patch(tenant.id, { name: 'x' }), 404, 'tenant_not_found');
    await expectProblem(await patch(randomUUID(), { name: 'x' }), 404, 'tenant_not_found');
    const support = await createStaff(t, owner, 'support');
    const token = (await loginStaff(t, support.email, support.password)).accessToken;
    await expectProblem(await rawFetch(t, `/api/v1/admin/tenants/${tenant.id}`, { method: 'PATCH', token, json: { name: 'x' } }), 403);
    // Support may still read.
    expect((await detail(tenant.id, token)).response.status).toBe(200);
  });

  describe('tenant side: GET /api/v1/tenant and PATCH /api/v1/tenant/settings', () => {
    it('any user of the tenant reads its own profile (the tenant comes from the token)', async () => {
      const adminToken = (await signIn(t, tenant.slug, tenant.admin.email, tenant.admin.password)).accessToken;
      const member = await addTenantUserViaApi(t, adminToken, 'member');
      const memberToken = (await signIn(t, tenant.slug, member.email, member.password)).accessToken;
      const { data, response } = await t.as(memberToken).GET('/api/v1/tenant');
      expect(response.status).toBe(200);
      expect(response.headers.get('etag')).toBe('"1"');
      expect(data).toEqual({
        id: tenant.id,
        name: tenant.result.tenant.name,
        slug: tenant.slug,
        status: 'active',
        timezone: 'UTC',
        currency: 'USD',
        locale: 'en',
        plan: { code: plan.code, name: plan.name },
        billingStatus: 'trial',
        trialEndsAt: expect.any(String),
      });
    });

    it('its admins change name, time zone, currency and locale (tenant.updated); other roles → 403', async () => {
      const adminToken = (await signIn(t, tenant.slug, tenant.admin.email, tenant.admin.password)).accessToken;
      const id = requestId('settings');
      const res = await t.as(adminToken).PATCH('/api/v1/tenant/settings', {
        body: { name: 'Self-named', timezone: 'Asia/Tokyo', currency: 'JPY', locale: 'ja' },
        headers: { 'X-Request-Id': id },
      });
      expect(res.response.status).toBe(200);
      expect(res.response.headers.get('etag')).toBe('"2"');
      expect(res.data).toMatchObject({ id: tenant.id, name: 'Self-named', timezone: 'Asia/Tokyo', currency: 'JPY', locale: 'ja' });
      const [row] = await t.db.query(`SELECT name, timezone, currency, locale FROM tenants WHERE id = $1`, [tenant.id]);
      expect(row).toEqual({ name: 'Self-named', timezone: 'Asia/Tokyo', currency: 'JPY', locale: 'ja' });
      expect((await outboxEvents(t, tenant.id, 'tenant.updated')).map((e) => e.envelope.payload.changed)).toEqual([['name', 'timezone', 'currency', 'locale']]);
      const [audit] = await auditRowsFor(t, id);
      expect(audit).toMatchObject({ action: 'tenantProfile.updateSettings', actorId: tenant.admin.id, tenantId: tenant.id, outcome: 'success' });

      // Contacts and tags are not tenant settings.
      await expectProblem(await t.as(adminToken).PATCH('/api/v1/tenant/settings', { body: { tags: ['x'] } as never }), 400);
      // Stale If-Match → 412.
      await expectProblem(await t.as(adminToken).PATCH('/api/v1/tenant/settings', { body: { name: 'x' }, headers: { 'If-Match': '"1"' } }), 412, 'precondition_failed');

      const manager = await addTenantUserViaApi(t, adminToken, 'manager');
      const managerToken = (await signIn(t, tenant.slug, manager.email, manager.password)).accessToken;
      await expectProblem(await t.as(managerToken).PATCH('/api/v1/tenant/settings', { body: { name: 'Nope' } }), 403);
    });

    it('staff tokens on tenant routes → 403; a tenant can only ever see itself', async () => {
      await expectProblem(await t.as(owner).GET('/api/v1/tenant'), 403);
      const other = await provisionTenantViaApi(t, owner, plan.code);
      const otherToken = (await signIn(t, other.slug, other.admin.email, other.admin.password)).accessToken;
      const { data } = await t.as(otherToken).GET('/api/v1/tenant');
      expect(data!.id).toBe(other.id);
      // Tenant tokens on admin routes → 403, even for the own tenant id.
      await expectProblem(await detail(other.id, otherToken), 403);
    });
  });
});
