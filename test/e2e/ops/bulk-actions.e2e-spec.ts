import { createStaff, createTestApp, loginStaff, TestApp } from '../../support/app';
import { insertPlan, provisionTenant, signInToken, STANDARD_PLAN_LIMITS, waitFor } from '../../support/fixtures';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;
const DAY_MS = 86_400_000;

/**
 * Bulk tenant actions: always a job, per-tenant results, the single-tenant domain rules (skips),
 * a dry run that changes nothing, one audit row per tenant changed plus one for the request.
 */
describe('bulk tenant actions (POST /api/v1/admin/tenants/bulk/*)', () => {
  let t: TestApp;
  let owner: string;
  let ownerId: string;
  beforeAll(async () => {
    t = await createTestApp();
    const login = await loginStaff(t);
    owner = login.accessToken;
    ownerId = (await t.db.query(`SELECT id FROM staff_members WHERE email = 'owner@example.com'`))[0].id;
  });
  afterAll(() => t?.close());

  const call = async (path: string, token: string, method = 'GET', body?: unknown): Promise<{ status: number; body: Json; headers: Headers }> => {
    const res = await fetch(`${t.baseUrl}${path}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
  };
  const finished = async (jobId: string): Promise<Json> => {
    let job: Json;
    await waitFor(async () => {
      job = (await call(`/api/v1/admin/jobs/${jobId}`, owner)).body;
      return ['succeeded', 'failed', 'cancelled'].includes(job.status);
    }, 15_000);
    return job;
  };
  const items = async (jobId: string) => (await call(`/api/v1/admin/jobs/${jobId}/items?limit=100`, owner)).body.data as Json[];
  const trialEnd = async (tenantId: string): Promise<number> => (await t.db.query(`SELECT trial_ends_at FROM subscriptions WHERE tenant_id = $1 AND kind = 'plan'`, [tenantId]))[0].trial_ends_at.getTime();

  it('extend-trial: a dry run says per tenant what would happen and changes nothing; the real run changes, skips and audits per tenant', async () => {
    const plan = await insertPlan(t, { limits: STANDARD_PLAN_LIMITS });
    const a = await provisionTenant(t, plan.code, { trialDays: 3 });
    const b = await provisionTenant(t, plan.code, { trialDays: 5 });
    const paid = await provisionTenant(t, plan.code, { trialDays: 0 });
    const before = { a: await trialEnd(a.id), b: await trialEnd(b.id) };
    const body = { tenantIds: [a.id, b.id, paid.id], days: 14, reason: 'Q4 campaign: two more weeks' };

    const dry = await call('/api/v1/admin/tenants/bulk/extend-trial', owner, 'POST', { ...body, dryRun: true });
    expect(dry.status).toBe(202);
    expect(dry.headers.get('location')).toBe(`/api/v1/admin/jobs/${dry.body.id}`);
    expect(dry.body).toMatchObject({ type: 'tenants.bulk_extend_trial', status: 'queued', tenantId: null, progress: { done: 0, total: 3, percent: 0 }, requestedBy: { type: 'platform', id: ownerId, email: 'owner@example.com' } });
    const dryJob = await finished(dry.body.id);
    expect(dryJob).toMatchObject({ status: 'succeeded', progress: { done: 3, total: 3, percent: 100 }, result: { dryRun: true, tenants: 3, outcomes: { would_change: 2, would_skip: 1 } } });
    const dryItems = await items(dry.body.id);
    expect(dryItems.map((i) => [i.seq, i.itemKey, i.outcome, i.code])).toEqual([
      [0, a.id, 'would_change', null],
      [1, b.id, 'would_change', null],
      [2, paid.id, 'would_skip', 'not_in_trial'],
    ]);
    expect(new Date(dryItems[0].detail.trialEndsAt.after).getTime()).toBe(before.a + 14 * DAY_MS);
    // Nothing changed, and no per-tenant audit row was written by the dry run.
    expect(await trialEnd(a.id)).toBe(before.a);
    expect(await trialEnd(b.id)).toBe(before.b);
    expect((await t.db.query(`SELECT count(*)::int AS n FROM audit_logs WHERE action = 'tenants.bulk_extend_trial' AND tenant_id = ANY($1)`, [[a.id, b.id, paid.id]]))[0].n).toBe(0);

    const real = await call('/api/v1/admin/tenants/bulk/extend-trial', owner, 'POST', body);
    expect(real.status).toBe(202);
    const job = await finished(real.body.id);
    expect(job.result).toEqual({ action: 'extend_trial', dryRun: false, tenants: 3, outcomes: { ok: 2, skipped: 1 } });
    expect((await items(real.body.id)).map((i) => [i.itemKey, i.outcome, i.code])).toEqual([[a.id, 'ok', null], [b.id, 'ok', null], [paid.id, 'skipped', 'not_in_trial']]);
    expect(await trialEnd(a.id)).toBe(before.a + 14 * DAY_MS);
    expect(await trialEnd(b.id)).toBe(before.b + 14 * DAY_MS);
    // The same rule as the single-tenant route moved the quota's trial end too.
    expect((await t.db.query(`SELECT trial_ends_at FROM tenant_quotas WHERE tenant_id = $1`, [a.id]))[0].trial_ends_at.getTime()).toBe(before.a + 14 * DAY_MS);

    // One audit row per tenant changed (as the requester, naming the job) plus one for the request.
    const perTenant = await t.db.query(`SELECT tenant_id, actor_type, actor_id, channel, metadata FROM audit_logs WHERE action = 'tenants.bulk_extend_trial' AND tenant_id = ANY($1) ORDER BY occurred_at`, [[a.id, b.id, paid.id]]);
    expect(perTenant.map((r: Json) => r.tenant_id).sort()).toEqual([a.id, b.id].sort());
    expect(perTenant[0]).toMatchObject({ actor_type: 'platform', actor_id: ownerId, channel: 'job', metadata: { jobId: real.body.id, reason: body.reason } });
    const request = await t.db.query(`SELECT resource_id, status_code, metadata FROM audit_logs WHERE action = 'tenants.bulkExtendTrial' AND resource_id = $1`, [real.body.id]);
    expect(request).toEqual([{ resource_id: real.body.id, status_code: 202, metadata: expect.objectContaining({ action: 'extend_trial', dryRun: false, tenants: 3 }) }]);
  });

  it('suspend / activate / tag follow the single-tenant rules (skips), select by filter, and change only what they say', async () => {
    const plan = await insertPlan(t, { limits: STANDARD_PLAN_LIMITS });
    const x = await provisionTenant(t, plan.code, { trialDays: 0 });
    const y = await provisionTenant(t, plan.code, { trialDays: 0 });
    const tag = `bulk${Date.now().toString(36)}`;
    await t.db.query(`UPDATE tenants SET tags = ARRAY[$2]::text[] WHERE id = ANY($1)`, [[x.id, y.id], tag]);
    await t.db.query(`UPDATE tenants SET status = 'suspended', suspended_at = now(), suspended_reason = 'earlier' WHERE id = $1`, [y.id]);

    const xToken = await signInToken(t, x.slug, x.admin.email, x.admin.password);
    const suspend = await call('/api/v1/admin/tenants/bulk/suspend', owner, 'POST', { filter: { tag }, reason: 'Security review' });
    expect(suspend.status).toBe(202);
    expect(suspend.body.progress.total).toBe(2);
    expect((await finished(suspend.body.id)).result.outcomes).toEqual({ ok: 1, skipped: 1 });
    const statuses = Object.fromEntries((await t.db.query(`SELECT id, status, suspended_reason FROM tenants WHERE id = ANY($1)`, [[x.id, y.id]])).map((r: Json) => [r.id, [r.status, r.suspended_reason]]));
    expect(statuses).toEqual({ [x.id]: ['suspended', 'Security review'], [y.id]: ['suspended', 'earlier'] });
    expect((await items(suspend.body.id)).find((i) => i.itemKey === y.id)).toMatchObject({ outcome: 'skipped', code: 'tenant_already_suspended' });
    // The suspended tenant's signed-in admin may read but no longer write (the same domain service and events as the single route).
    await waitFor(async () => (await call('/api/v1/tenant/settings', xToken, 'PATCH', { name: 'Nope' })).body?.code === 'tenant_suspended');

    const activate = await call('/api/v1/admin/tenants/bulk/activate', owner, 'POST', { tenantIds: [x.id, y.id], reason: 'Review done' });
    expect((await finished(activate.body.id)).result.outcomes).toEqual({ ok: 2 });
    expect((await t.db.query(`SELECT count(*)::int AS n FROM tenants WHERE id = ANY($1) AND status = 'active'`, [[x.id, y.id]]))[0].n).toBe(2);

    const tagged = await call('/api/v1/admin/tenants/bulk/tag', owner, 'POST', { tenantIds: [x.id, y.id], add: ['q4-campaign'], remove: [tag], reason: 'Campaign' });
    expect((await finished(tagged.body.id)).result.outcomes).toEqual({ ok: 2 });
    expect((await t.db.query(`SELECT tags FROM tenants WHERE id = $1`, [x.id]))[0].tags).toEqual(['q4-campaign']);
    const again = await call('/api/v1/admin/tenants/bulk/tag', owner, 'POST', { tenantIds: [x.id], add: ['q4-campaign'], reason: 'Campaign' });
    expect((await items((await finished(again.body.id)).id))[0]).toMatchObject({ outcome: 'skipped', message: 'its tags would not change' });
  });

  it('change-plan moves tenants with the single-tenant rule; an unknown plan is refused before any job', async () => {
    const from = await insertPlan(t, { limits: STANDARD_PLAN_LIMITS });
    const to = await insertPlan(t, { limits: STANDARD_PLAN_LIMITS });
    const x = await provisionTenant(t, from.code, { trialDays: 0 });
    const y = await provisionTenant(t, to.code, { trialDays: 0 });
    const res = await call('/api/v1/admin/tenants/bulk/change-plan', owner, 'POST', { tenantIds: [x.id, y.id], planCode: to.code, effective: 'now', reason: 'Migration to the new catalogue' });
    expect(res.status).toBe(202);
    expect((await finished(res.body.id)).result.outcomes).toEqual({ ok: 1, skipped: 1 });
    expect((await t.db.query(`SELECT p.code FROM tenant_quotas q JOIN plans p ON p.id = q.plan_id WHERE q.tenant_id = $1`, [x.id]))[0].code).toBe(to.code);
    expect((await items(res.body.id)).find((i) => i.itemKey === y.id)).toMatchObject({ outcome: 'skipped', code: 'plan_unchanged' });

    const jobsBefore = (await t.db.query(`SELECT count(*)::int AS n FROM jobs`))[0].n;
    const unknown = await call('/api/v1/admin/tenants/bulk/change-plan', owner, 'POST', { tenantIds: [x.id], planCode: 'no-such-plan', reason: 'typo' });
    expect(unknown.status).toBe(422);
    expect(unknown.body).toMatchObject({ code: 'plan_unavailable', field: 'planCode' });
    expect((await t.db.query(`SELECT count(*)::int AS n FROM jobs`))[0].n).toBe(jobsBefore);
  });

  it('bad input is a 400 naming the field; support staff may not; an unknown tenant is a failed item, not a failed job', async () => {
    const plan = await insertPlan(t, { limits: STANDARD_PLAN_LIMITS });
    const x = await provisionTenant(t, plan.code, { trialDays: 3 });
    const cases: [unknown, string][] = [
      [{ reason: 'no selection', days: 3 }, 'tenantIds'],
      [{ tenantIds: [x.id], filter: { tag: 'x' }, reason: 'both', days: 3 }, 'tenantIds'],
      [{ tenantIds: [x.id], reason: 'neither days nor date' }, 'days'],
      [{ tenantIds: ['not-a-uuid'], reason: 'bad id', days: 3 }, 'tenantIds'],
      [{ tenantIds: [x.id], reason: 'x', days: 3 }, 'reason'],
      [{ filter: { tag: `none${Date.now()}` }, reason: 'matches nothing', days: 3 }, 'filter'],
      [{ tenantIds: Array.from({ length: 1001 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`), reason: 'too many', days: 3 }, 'tenantIds'],
    ];
    for (const [body, field] of cases) {
      const res = await call('/api/v1/admin/tenants/bulk/extend-trial', owner, 'POST', body);
      expect([res.status, res.body.errors?.map((e: Json) => e.field)]).toEqual([400, expect.arrayContaining([field])]);
    }
    const support = await createStaff(t, owner, 'support');
    const supportToken = (await loginStaff(t, support.email, support.password)).accessToken;
    expect((await call('/api/v1/admin/tenants/bulk/extend-trial', supportToken, 'POST', { tenantIds: [x.id], days: 3, reason: 'not allowed' })).status).toBe(403);
    expect((await call(`/api/v1/admin/jobs?type=tenants.bulk_extend_trial`, supportToken)).status).toBe(200);

    const ghost = '00000000-0000-4000-8000-000000000001';
    const res = await call('/api/v1/admin/tenants/bulk/extend-trial', owner, 'POST', { tenantIds: [ghost, x.id], days: 3, reason: 'one unknown' });
    const job = await finished(res.body.id);
    expect(job).toMatchObject({ status: 'succeeded', result: { outcomes: { failed: 1, ok: 1 } } });
    expect((await items(job.id))[0]).toMatchObject({ itemKey: ghost, outcome: 'failed', code: 'tenant_not_found' });
  });
});
