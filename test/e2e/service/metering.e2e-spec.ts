import { randomUUID } from 'node:crypto';
import { createTestApp, loginStaff, TestApp } from '../../support/app';
import { UsageRecalculationService } from '../../../src/modules/usage';
import { UsageProcessor } from '../../../src/modules/usage/jobs/usage.processor';
import { ensureCatalogModule, insertPlan, outboxEvents, provisionTenant, serviceToken, STANDARD_PLAN_LIMITS } from '../../support/fixtures';

/** A JSON body, loosely typed for assertions. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;
const json = (res: Response): Promise<Json> => res.json() as Promise<Json>;

describe('product-module metering: reservations, releases, usage events, thresholds', () => {
  let t: TestApp;
  let token: string;
  beforeAll(async () => {
    t = await createTestApp();
    token = await serviceToken(t, ['quota:reserve', 'usage:write']);
  });
  afterAll(() => t?.close());

  const post = (path: string, body: unknown, as = token) =>
    fetch(`${t.baseUrl}${path}`, { method: 'POST', headers: { Authorization: `Bearer ${as}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  const counter = async (tenantId: string, metric: string): Promise<number> => {
    const rows = await t.db.query(`SELECT value FROM usage_counters WHERE tenant_id = $1 AND metric = $2 ORDER BY period_start DESC LIMIT 1`, [tenantId, metric]);
    return rows.length ? Number(rows[0].value) : 0;
  };
  const tenantWith = async (limits = STANDARD_PLAN_LIMITS) => provisionTenant(t, (await insertPlan(t, { limits })).code, { trialDays: 0 });

  it('of 50 concurrent reservations with 7 left, exactly 7 succeed; the rest are 402 with metric, limit, used', async () => {
    const tenant = await tenantWith({ ...STANDARD_PLAN_LIMITS, projects: 7 });
    const results = await Promise.all(Array.from({ length: 50 }, () => post('/api/v1/service/quota/reservations', { tenantId: tenant.id, metric: 'projects', amount: 1, idempotencyKey: randomUUID() })));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(7);
    expect(statuses.filter((s) => s === 402)).toHaveLength(43);
    const refused = await json(results.find((r) => r.status === 402)!);
    expect(refused).toMatchObject({ code: 'quota_exceeded', metric: 'projects', limit: 7, used: 7 });
    expect(await counter(tenant.id, 'projects')).toBe(7);
    const [row] = await t.db.query(`SELECT count(*)::int AS n FROM quota_reservations WHERE tenant_id = $1 AND kind = 'reserve'`, [tenant.id]);
    expect(row.n).toBe(7);
  });

  it('the same idempotencyKey answers the same and counts once, also concurrently; another request with it is a 422', async () => {
    const tenant = await tenantWith();
    const key = randomUUID();
    const body = { tenantId: tenant.id, metric: 'projects', amount: 2, idempotencyKey: key, resourceType: 'project', resourceId: 'prj_1' };
    const answers = await Promise.all(Array.from({ length: 10 }, () => post('/api/v1/service/quota/reservations', body)));
    const bodies = await Promise.all(answers.map(json));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
    expect(new Set(bodies.map((b) => b.reservationId)).size).toBe(1);
    expect(bodies.every((b) => b.used === 2 && b.limit === 5 && b.remaining === 3)).toBe(true);
    expect(await counter(tenant.id, 'projects')).toBe(2);
    const reused = await post('/api/v1/service/quota/reservations', { ...body, amount: 3 });
    expect(reused.status).toBe(422);
    expect(await json(reused)).toMatchObject({ code: 'idempotency_key_reused', field: 'idempotencyKey' });

    // Releases: never below 0, idempotent.
    const release = { tenantId: tenant.id, metric: 'projects', amount: 5, idempotencyKey: randomUUID(), resourceId: 'prj_1' };
    const first = await post('/api/v1/service/quota/releases', release);
    expect(first.status).toBe(201);
    expect((await json(first)).used).toBe(0);
    expect((await post('/api/v1/service/quota/releases', release)).status).toBe(200);
    expect(await counter(tenant.id, 'projects')).toBe(0);
  });

  it('refuses seats and period totals, suspended and unknown tenants, and callers without the scope', async () => {
    const tenant = await tenantWith();
    for (const metric of ['members', 'automationsPerMonth']) {
      const res = await post('/api/v1/service/quota/reservations', { tenantId: tenant.id, metric, amount: 1, idempotencyKey: randomUUID() });
      expect(res.status).toBe(422);
      expect((await json(res)).code).toBe('metric_not_reservable');
    }
    const missing = await post('/api/v1/service/quota/reservations', { tenantId: randomUUID(), metric: 'projects', amount: 1, idempotencyKey: randomUUID() });
    expect(missing.status).toBe(404);
    const owner = (await loginStaff(t)).accessToken;
    await fetch(`${t.baseUrl}/api/v1/admin/tenants/${tenant.id}/suspend`, { method: 'POST', headers: { Authorization: `Bearer ${owner}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ reason: 'Chargeback under review' }) });
    const suspended = await post('/api/v1/service/quota/reservations', { tenantId: tenant.id, metric: 'projects', amount: 1, idempotencyKey: randomUUID() });
    expect(suspended.status).toBe(403);
    expect((await json(suspended)).code).toBe('tenant_suspended');
    const readOnly = await serviceToken(t, ['entitlements:read']);
    expect((await post('/api/v1/service/quota/reservations', { tenantId: tenant.id, metric: 'projects', amount: 1, idempotencyKey: randomUUID() }, readOnly)).status).toBe(403);
    expect((await post('/api/v1/service/usage/events', { events: [] }, readOnly)).status).toBe(403);
  });

  it('publishes each threshold once per period, and again only after falling below', async () => {
    const tenant = await tenantWith({ ...STANDARD_PLAN_LIMITS, projects: 10 });
    const reserve = (amount: number) => post('/api/v1/service/quota/reservations', { tenantId: tenant.id, metric: 'projects', amount, idempotencyKey: randomUUID() });
    const release = (amount: number) => post('/api/v1/service/quota/releases', { tenantId: tenant.id, metric: 'projects', amount, idempotencyKey: randomUUID() });
    const crossed = async () => (await outboxEvents(t, tenant.id, 'usage.threshold_reached')).map((e) => (e.envelope.payload as { threshold: number }).threshold);
    expect((await reserve(7)).status).toBe(201);
    expect(await crossed()).toEqual([]);
    expect((await reserve(1)).status).toBe(201); // 8/10
    expect(await crossed()).toEqual([80]);
    expect((await reserve(1)).status).toBe(201); // 9/10
    expect((await release(1)).status).toBe(201); // 8/10: 90 re-armed
    expect((await reserve(1)).status).toBe(201); // 9/10 again
    expect((await reserve(1)).status).toBe(201); // 10/10
    expect((await crossed()).sort((a, b) => a - b)).toEqual([80, 90, 90, 100]);
    expect(await outboxEvents(t, tenant.id, 'usage.limit_reached')).toHaveLength(1);
    expect((await outboxEvents(t, tenant.id, 'usage.limit_reached'))[0].envelope.payload).toMatchObject({ metric: 'projects', threshold: 100, limit: 10, used: 10 });
  });

  it('ingests events idempotently by eventId: duplicates (in a batch, across batches, concurrently) are reported, never counted; bad events are rejected with a reason', async () => {
    const tenant = await tenantWith({ ...STANDARD_PLAN_LIMITS, automationsPerMonth: 100 });
    const now = Date.now();
    const event = (eventId: string, amount = 1, over: Record<string, unknown> = {}) => ({ eventId, tenantId: tenant.id, metric: 'automationsPerMonth', amount, occurredAt: new Date(now - 1000).toISOString(), ...over });
    const batch = [event('a', 3), event('b', 2), event('a', 3), event('c', 0), event('d', 1, { metric: 'projects' }), event('e', 1, { metric: 'nope' }), event('f', 1, { tenantId: randomUUID() }), event('g', 1, { occurredAt: new Date(now - 40 * 86_400_000).toISOString() }), event('h', 1, { occurredAt: new Date(now + 10 * 60_000).toISOString() }), event('i', 1, { occurredAt: 'yesterday' })];
    const res = await post('/api/v1/service/usage/events', { events: batch });
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body).toMatchObject({ accepted: 2, duplicates: 1, rejected: 7 });
    expect(body.results.map((r: Json) => `${r.eventId}:${r.status}${r.reason ? `:${r.reason}` : ''}`)).toEqual([
      'a:accepted', 'b:accepted', 'a:duplicate', 'c:rejected:invalid_amount', 'd:rejected:metric_not_metered', 'e:rejected:unknown_metric', 'f:rejected:unknown_tenant', 'g:rejected:too_old', 'h:rejected:in_the_future', 'i:rejected:invalid_occurred_at',
    ]);
    expect(await counter(tenant.id, 'automationsPerMonth')).toBe(5);

    // A resent batch (the same eventIds), concurrently with itself: nothing counted twice.
    const resend = [event('a', 3), event('b', 2), event('j', 4)];
    const answers = await Promise.all(Array.from({ length: 5 }, () => post('/api/v1/service/usage/events', { events: resend }).then(json)));
    expect(answers.reduce((n, a) => n + a.accepted, 0)).toBe(1);
    expect(answers.every((a) => a.accepted + a.duplicates === 3)).toBe(true);
    expect(await counter(tenant.id, 'automationsPerMonth')).toBe(9);
    const [stored] = await t.db.query(`SELECT count(*)::int AS n, sum(amount)::int AS total FROM usage_events WHERE tenant_id = $1`, [tenant.id]);
    expect(stored).toEqual({ n: 3, total: 9 });

    // Crossing 80 % of the monthly allowance is told once.
    await post('/api/v1/service/usage/events', { events: [event('k', 71)] });
    await post('/api/v1/service/usage/events', { events: [event('l', 1)] });
    const thresholds = (await outboxEvents(t, tenant.id, 'usage.threshold_reached')).map((e) => e.envelope.payload as Json);
    expect(thresholds).toEqual([expect.objectContaining({ metric: 'automationsPerMonth', threshold: 80, limit: 100, used: 80 })]);

    const tooMany = await post('/api/v1/service/usage/events', { events: Array.from({ length: 1001 }, (_, i) => event(`x${i}`)) });
    expect(tooMany.status).toBe(400);
  });

  it('what-if (staff): another plan or overrides show what would be over its limit and which modules would turn off, changing nothing', async () => {
    await ensureCatalogModule(t, 'integrations');
    const current = await insertPlan(t, { limits: { ...STANDARD_PLAN_LIMITS, projects: 10 }, features: { integrations: true } });
    const smaller = await insertPlan(t, { limits: { ...STANDARD_PLAN_LIMITS, projects: 2 } });
    const tenant = await provisionTenant(t, current.code, { trialDays: 0 });
    for (let i = 0; i < 4; i += 1) await post('/api/v1/service/quota/reservations', { tenantId: tenant.id, metric: 'projects', amount: 1, idempotencyKey: randomUUID() });
    const owner = (await loginStaff(t)).accessToken;
    const whatIf = (body: unknown) => fetch(`${t.baseUrl}/api/v1/admin/tenants/${tenant.id}/quota/what-if`, { method: 'POST', headers: { Authorization: `Bearer ${owner}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    const res = await whatIf({ planCode: smaller.code });
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body).toMatchObject({ planCode: smaller.code, overLimit: ['projects'], modulesTurningOff: [{ code: 'integrations', reason: 'not_subscribed' }] });
    expect(body.metrics.find((m: Json) => m.metric === 'projects')).toEqual({ metric: 'projects', limit: 2, used: 4, overLimit: true });
    const overrides = await json(await whatIf({ limitOverrides: { projects: 3 } }));
    expect(overrides).toMatchObject({ planCode: current.code, overLimit: ['projects'], modulesTurningOff: [] });
    expect(await json(await whatIf({ limitOverrides: { projects: null } }))).toMatchObject({ overLimit: [] });
    expect((await whatIf({ planCode: 'no-such-plan' })).status).toBe(422);
    // Nothing changed.
    const [q] = await t.db.query(`SELECT p.code FROM tenant_quotas q JOIN plans p ON p.id = q.plan_id WHERE q.tenant_id = $1`, [tenant.id]);
    expect(q.code).toBe(current.code);
    expect(await counter(tenant.id, 'projects')).toBe(4);
  });

  it('gauges: the latest observation is kept, and the recount corrects the counter to it (audited, usage.drift_corrected)', async () => {
    const tenant = await tenantWith();
    for (let i = 0; i < 3; i += 1) await post('/api/v1/service/quota/reservations', { tenantId: tenant.id, metric: 'projects', amount: 1, idempotencyKey: randomUUID() });
    const put = (value: number, observedAt: string) =>
      fetch(`${t.baseUrl}/api/v1/service/usage/gauges`, { method: 'PUT', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ tenantId: tenant.id, metric: 'projects', value, observedAt }) });
    const first = await json(await put(1, '2026-12-03T10:00:00Z'));
    expect(first).toMatchObject({ metric: 'projects', value: 1, counter: 3, stored: true });
    expect(await json(await put(9, '2026-12-03T09:00:00Z'))).toMatchObject({ value: 1, stored: false });
    expect((await put(1, 'later')).status).toBe(400);
    const bad = await fetch(`${t.baseUrl}/api/v1/service/usage/gauges`, { method: 'PUT', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ tenantId: tenant.id, metric: 'members', value: 1, observedAt: '2026-12-03T10:00:00Z' }) });
    expect((await json(bad)).code).toBe('metric_not_reservable');
    const drift = await t.app.get(UsageRecalculationService).recalculate(tenant.id);
    expect(drift).toMatchObject({ projects: { before: 3, after: 1 } });
    expect(await counter(tenant.id, 'projects')).toBe(1);
    expect(await outboxEvents(t, tenant.id, 'usage.drift_corrected')).toHaveLength(1);
  });

  it('prunes dedupe keys past the 36-day window only', async () => {
    const tenant = await tenantWith();
    await t.db.query(`INSERT INTO usage_event_keys (tenant_id, event_id, occurred_at) VALUES ($1, 'old', now() - interval '37 days'), ($1, 'recent', now() - interval '30 days')`, [tenant.id]);
    expect(await t.app.get(UsageProcessor).pruneEventKeys()).toBeGreaterThanOrEqual(1);
    const rows = await t.db.query(`SELECT event_id FROM usage_event_keys WHERE tenant_id = $1 ORDER BY event_id`, [tenant.id]);
    expect(rows.map((r: { event_id: string }) => r.event_id)).toEqual(['recent']);
  });
});
