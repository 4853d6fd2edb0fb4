import { getQueueToken } from '@nestjs/bull';
import type { Queue } from 'bull';
import { createHash, randomUUID } from 'node:crypto';
import { IDEMPOTENCY_QUEUE, IdempotencyCleanupProcessor } from '../../../src/common/http/idempotency-cleanup.processor';
import { auditRowsFor, createStaff, createTestApp, expectProblem, loginStaff, rawFetch, requestId, TestApp, unique } from '../../support/app';
import { insertPlan, outboxEvents, provisionTenantViaApi, signIn, STANDARD_PLAN_LIMITS, tenantBody, TestPlan, usageOf } from '../../support/fixtures';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

describe('tenant provisioning (POST /api/v1/admin/tenants)', () => {
  let t: TestApp;
  let owner: string;
  let plan: TestPlan;

  beforeAll(async () => {
    t = await createTestApp();
    owner = (await loginStaff(t)).accessToken;
    plan = await insertPlan(t, { limits: { members: 5, orgAdmins: 2 } });
  });
  afterAll(() => t.close());

  const countTenants = async (slug: string): Promise<number> => (await t.db.query(`SELECT count(*)::int AS n FROM tenants WHERE slug = $1`, [slug]))[0].n;

  it('creates tenant, quota, usage row and admin in one go, with events and an audit row', async () => {
    const id = requestId('provision');
    const body = tenantBody(plan.code, {
      contactPhone: '+49 30 1234567',
      billingEmail: 'Billing@Example.TEST',
      timezone: 'europe/berlin',
      currency: 'eur',
      locale: 'de-de',
      trialDays: 30,
      tags: ['Enterprise', 'eu', 'eu'],
    });
    const { data, response } = await t.as(owner).POST('/api/v1/admin/tenants', { body, headers: { 'X-Request-Id': id } });
    expect(response.status).toBe(201);
    expect(data).toEqual({
      tenant: expect.objectContaining({
        id: expect.any(String),
        name: body.name,
        slug: body.slug,
        status: 'active',
        contactEmail: body.contactEmail,
        contactPhone: '+49 30 1234567',
        billingEmail: 'billing@example.test',
        timezone: 'Europe/Berlin',
        currency: 'EUR',
        locale: 'de-DE',
        tags: ['enterprise', 'eu'],
        suspendedAt: null,
        deletedAt: null,
        purgeAfter: null,
        version: 1,
      }),
      admin: { id: expect.any(String), email: body.admin.email, fullName: 'Ada Admin', role: 'admin', mustChangePassword: false },
      adminTemporaryPassword: null,
    });
    const tenantId = data!.tenant.id;

    const [tenant] = await t.db.query(`SELECT slug, status, timezone, currency, locale, tags FROM tenants WHERE id = $1`, [tenantId]);
    expect(tenant).toEqual({ slug: body.slug, status: 'active', timezone: 'Europe/Berlin', currency: 'EUR', locale: 'de-DE', tags: ['enterprise', 'eu'] });
    const [quota] = await t.db.query(`SELECT plan_id, billing_status, trial_ends_at FROM tenant_quotas WHERE tenant_id = $1`, [tenantId]);
    expect(quota).toMatchObject({ plan_id: plan.id, billing_status: 'trial' });
    const trialDays = (quota.trial_ends_at.getTime() - Date.now()) / 86_400_000;
    expect(trialDays).toBeGreaterThan(29.9);
    expect(trialDays).toBeLessThanOrEqual(30);
    expect(await usageOf(t, tenantId)).toEqual({ members: 1, orgAdmins: 1 });
    const users = await t.db.query(`SELECT id, email, role, is_active, must_change_password FROM tenant_users WHERE tenant_id = $1`, [tenantId]);
    expect(users).toEqual([{ id: data!.admin.id, email: body.admin.email, role: 'admin', is_active: true, must_change_password: false }]);

    const events = await outboxEvents(t, tenantId);
    expect(events.map((e) => e.event_name).sort()).toEqual(['subscription.created', 'tenant.created', 'user.created']);
    // The plan subscription starts with the quota, in the same transaction: trial, the plan's code.
    const subs = await t.db.query(`SELECT kind, item_code, status, trial_ends_at IS NOT NULL AS has_trial FROM subscriptions WHERE tenant_id = $1`, [tenantId]);
    expect(subs).toEqual([{ kind: 'plan', item_code: plan.code, status: 'trial', has_trial: true }]);
    const created = events.find((e) => e.event_name === 'tenant.created')!;
    expect(created.envelope.payload).toMatchObject({ tenantId, slug: body.slug, planCode: plan.code, billingStatus: 'trial', adminUserId: data!.admin.id });

    const [row] = await auditRowsFor(t, id);
    expect(row).toMatchObject({ action: 'tenants.create', module: 'tenants', resourceType: 'tenant', resourceId: tenantId, tenantId, outcome: 'success', statusCode: 201 });
    expect(JSON.stringify(row.changes)).not.toContain(body.admin.password!);
  });

  it('without a password generates one, returns it once, and the admin must change it; the admin can sign in', async () => {
    const body = tenantBody(plan.code, { trialDays: 0 });
    delete body.admin.password;
    const { data, response } = await t.as(owner).POST('/api/v1/admin/tenants', { body });
    expect(response.status).toBe(201);
    const password = data!.adminTemporaryPassword!;
    expect(password).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(data!.admin.mustChangePassword).toBe(true);
    const [user] = await t.db.query(`SELECT must_change_password, password_hash FROM tenant_users WHERE id = $1`, [data!.admin.id]);
    expect(user.must_change_password).toBe(true);
    expect(user.password_hash).toMatch(/^\$argon2id\$/);
    expect(user.password_hash).not.toContain(password);
    // trialDays 0 = no trial.
    const [quota] = await t.db.query(`SELECT billing_status, trial_ends_at FROM tenant_quotas WHERE tenant_id = $1`, [data!.tenant.id]);
    expect(quota).toEqual({ billing_status: 'active', trial_ends_at: null });
    // Defaults.
    expect(data!.tenant).toMatchObject({ timezone: 'UTC', currency: 'USD', locale: 'en', tags: [] });

    const tokens = await signIn(t, body.slug, body.admin.email, password);
    const me = await t.as(tokens.accessToken).GET('/api/v1/auth/me');
    expect(me.data).toMatchObject({ id: data!.admin.id, kind: 'tenant', role: 'admin', tenantId: data!.tenant.id, mustChangePassword: true });
    // The password is not stored anywhere in clear, not even in the idempotency or outbox tables.
    const leaks = await t.db.query(`SELECT count(*)::int AS n FROM outbox WHERE envelope::text LIKE $1`, [`%${password}%`]);
    expect(leaks[0].n).toBe(0);
  });

  it.each([
    ['too short', 'ab'],
    ['uppercase', 'Acme-Inc'],
    ['underscore', 'acme_inc'],
    ['leading hyphen', '-acme'],
    ['too long', 'a'.repeat(64)],
  ])('a malformed slug (%s) → 400 naming slug', async (_label, slug) => {
    const res = await t.as(owner).POST('/api/v1/admin/tenants', { body: tenantBody(plan.code, { slug }) });
    const problem = await expectProblem(res, 400, 'validation_failed');
    expect(problem.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'slug' })]));
  });

  it.each([
    ['timezone', { timezone: 'Mars/Olympus' }],
    ['currency', { currency: 'XYZ1' }],
    ['locale', { locale: 'not a locale!' }],
    ['trialDays', { trialDays: 366 }],
    ['tags', { tags: ['Not Valid!'] }],
    ['admin.password', { admin: { email: 'a@b.example', fullName: 'A', password: 'short' } }],
  ])('an invalid %s → 400 naming it', async (field, overrides) => {
    const res = await t.as(owner).POST('/api/v1/admin/tenants', { body: tenantBody(plan.code, overrides as never) });
    const problem = await expectProblem(res, 400, 'validation_failed');
    expect(problem.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: expect.stringMatching(new RegExp(`^${field.replace('.', '\\.')}`)) })]));
  });

  it('a taken slug → 409 tenant_slug_taken and nothing else is written', async () => {
    const first = await provisionTenantViaApi(t, owner, plan.code);
    const body = tenantBody(plan.code, { slug: first.slug });
    const res = await t.as(owner).POST('/api/v1/admin/tenants', { body });
    const problem = await expectProblem(res, 409, 'tenant_slug_taken');
    expect(problem.field).toBe('slug');
    expect(await countTenants(first.slug)).toBe(1);
    const users = await t.db.query(`SELECT count(*)::int AS n FROM tenant_users WHERE email = $1`, [body.admin.email]);
    expect(users[0].n).toBe(0);
  });

  it('concurrent creations with the same slug: exactly one succeeds, the others get 409', async () => {
    const slug = unique('race');
    const results = await Promise.all(
      Array.from({ length: 4 }, () => t.as(owner).POST('/api/v1/admin/tenants', { body: tenantBody(plan.code, { slug }) })),
    );
    expect(results.map((r) => r.response.status).sort()).toEqual([201, 409, 409, 409]);
    expect(await countTenants(slug)).toBe(1);
  });

  it.each([
    ['unknown', async () => `no-such-plan-${randomUUID().slice(0, 8)}`],
    ['inactive', async () => (await insertPlan(t, { limits: STANDARD_PLAN_LIMITS, isActive: false })).code],
  ])('an %s plan → 422 plan_unavailable and nothing half-written', async (_label, planCode) => {
    const code = await planCode();
    const body = tenantBody(code);
    const res = await t.as(owner).POST('/api/v1/admin/tenants', { body });
    await expectProblem(res, 422, 'plan_unavailable');
    expect(await countTenants(body.slug)).toBe(0);
    const users = await t.db.query(`SELECT count(*)::int AS n FROM tenant_users WHERE email = $1`, [body.admin.email]);
    expect(users[0].n).toBe(0);
    const events = await t.db.query(`SELECT count(*)::int AS n FROM outbox WHERE envelope->'payload'->>'slug' = $1`, [body.slug]);
    expect(events[0].n).toBe(0);
  });

  it('a plan that allows no admin → 402 quota_exceeded and no tenant', async () => {
    const tight = await insertPlan(t, { limits: { members: 5, orgAdmins: 0 } });
    const body = tenantBody(tight.code);
    const res = await t.as(owner).POST('/api/v1/admin/tenants', { body });
    const problem = await expectProblem(res, 402, 'quota_exceeded');
    expect(problem).toMatchObject({ metric: 'orgAdmins', limit: 0 });
    expect(await countTenants(body.slug)).toBe(0);
  });

  describe('Idempotency-Key', () => {
    const post = (body: unknown, key: string, token = owner) =>
      rawFetch(t, '/api/v1/admin/tenants', { method: 'POST', token, json: body, headers: { 'Idempotency-Key': key } });

    it('the same key and body replays the first response (status and body) without creating again', async () => {
      const key = randomUUID();
      const body = tenantBody(plan.code);
      delete body.admin.password;
      const first = await post(body, key);
      expect(first.status).toBe(201);
      const firstBody = (await first.json()) as { adminTemporaryPassword: string; tenant: { id: string } };
      expect(firstBody.adminTemporaryPassword).toEqual(expect.any(String));

      // Same body with another key order is the same request.
      const reordered = Object.fromEntries(Object.entries(body).reverse());
      const second = await post(reordered, key);
      expect(second.status).toBe(201);
      expect(second.headers.get('idempotent-replayed')).toBe('true');
      expect(await second.json()).toEqual(firstBody);

      expect(await countTenants(body.slug)).toBe(1);
      expect((await outboxEvents(t, firstBody.tenant.id, 'tenant.created')).length).toBe(1);
      // The stored response is encrypted at rest: the temporary password is not readable in the table.
      const leaks = await t.db.query(`SELECT count(*)::int AS n FROM idempotency_keys WHERE response_body::text LIKE $1 OR key = $2`, [
        `%${firstBody.adminTemporaryPassword}%`,
        key,
      ]);
      expect(leaks[0].n).toBe(0);
      const stored = await t.db.query(`SELECT status_code, extract(epoch FROM expires_at - created_at)::int AS ttl_seconds FROM idempotency_keys WHERE key = $1`, [sha256(key)]);
      expect(stored[0].status_code).toBe(201);
      expect(stored[0].ttl_seconds).toBe(24 * 3600);
    });

    it('the same key with a different body → 422 idempotency_key_reused and nothing is created', async () => {
      const key = randomUUID();
      const body = tenantBody(plan.code);
      expect((await post(body, key)).status).toBe(201);
      const other = tenantBody(plan.code);
      const res = await post(other, key);
      await expectProblem(res, 422, 'idempotency_key_reused');
      expect(await countTenants(other.slug)).toBe(0);
    });

    it('keys are scoped per principal: another staff member may use the same key', async () => {
      const admin = await createStaff(t, owner, 'admin');
      const adminToken = (await loginStaff(t, admin.email, admin.password)).accessToken;
      const key = randomUUID();
      const a = tenantBody(plan.code);
      const b = tenantBody(plan.code);
      expect((await post(a, key)).status).toBe(201);
      expect((await post(b, key, adminToken)).status).toBe(201);
      expect(await countTenants(b.slug)).toBe(1);
    });

    it('concurrent requests with the same key create one tenant and all get the same response', async () => {
      const key = randomUUID();
      const body = tenantBody(plan.code);
      const responses = await Promise.all(Array.from({ length: 3 }, () => post(body, key)));
      expect(responses.map((r) => r.status)).toEqual([201, 201, 201]);
      const bodies = await Promise.all(responses.map((r) => r.json()));
      expect(bodies[1]).toEqual(bodies[0]);
      expect(bodies[2]).toEqual(bodies[0]);
      expect(await countTenants(body.slug)).toBe(1);
    });

    it('a failed request does not burn the key: the retry runs', async () => {
      const key = randomUUID();
      const body = tenantBody(`missing-${randomUUID().slice(0, 8)}`);
      expect((await post(body, key)).status).toBe(422);
      const fixed = { ...body, planCode: plan.code };
      // A different body after a failure is a new attempt, not a reuse.
      expect((await post(fixed, key)).status).toBe(201);
      expect(await countTenants(body.slug)).toBe(1);
    });

    it('an expired key is replaced by a new request', async () => {
      const key = randomUUID();
      const body = tenantBody(plan.code);
      expect((await post(body, key)).status).toBe(201);
      const updated = await t.db.query(`UPDATE idempotency_keys SET expires_at = now() - interval '1 second' WHERE key = $1`, [sha256(key)]);
      expect(updated[1]).toBe(1);
      const other = tenantBody(plan.code);
      expect((await post(other, key)).status).toBe(201);
      expect(await countTenants(other.slug)).toBe(1);
    });

    it('an hourly repeatable job sweeps expired keys and keeps live ones', async () => {
      const queue = t.app.get<Queue>(getQueueToken(IDEMPOTENCY_QUEUE));
      expect((await queue.getRepeatableJobs()).map((j) => j.name)).toContain('sweep-expired');
      const scope = `test:${randomUUID()}`;
      await t.db.query(
        `INSERT INTO idempotency_keys (scope, key, method, path, request_hash, status_code, expires_at)
         VALUES ($1, 'expired', 'POST', '/x', 'h', 201, now() - interval '1 minute'), ($1, 'live', 'POST', '/x', 'h', 201, now() + interval '1 hour')`,
        [scope],
      );
      expect(await t.app.get(IdempotencyCleanupProcessor).sweep()).toBeGreaterThanOrEqual(1);
      expect(await t.db.query(`SELECT key FROM idempotency_keys WHERE scope = $1`, [scope])).toEqual([{ key: 'live' }]);
    });

    it('a malformed key → 400 naming Idempotency-Key', async () => {
      const res = await post(tenantBody(plan.code), 'x'.repeat(256));
      const problem = await expectProblem(res, 400, 'validation_failed');
      expect(problem.errors).toEqual([expect.objectContaining({ field: 'Idempotency-Key' })]);
    });
  });

  it('only owner and admin staff may provision; support → 403; tenant tokens → 403', async () => {
    const support = await createStaff(t, owner, 'support');
    const supportToken = (await loginStaff(t, support.email, support.password)).accessToken;
    await expectProblem(await t.as(supportToken).POST('/api/v1/admin/tenants', { body: tenantBody(plan.code) }), 403);

    const tenant = await provisionTenantViaApi(t, owner, plan.code);
    const tenantToken = (await signIn(t, tenant.slug, tenant.admin.email, tenant.admin.password)).accessToken;
    await expectProblem(await t.as(tenantToken).POST('/api/v1/admin/tenants', { body: tenantBody(plan.code) }), 403);
    await expectProblem(await t.as(tenantToken).GET('/api/v1/admin/tenants'), 403);
    await expectProblem(await t.as(tenantToken).GET('/api/v1/admin/tenants/{tenantId}', { params: { path: { tenantId: tenant.id } } }), 403);
  });
});
