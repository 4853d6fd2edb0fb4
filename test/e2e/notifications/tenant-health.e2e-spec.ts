import { randomUUID } from 'node:crypto';
import { createTestApp, loginStaff, TestApp } from '../../support/app';
import { insertPlan, outboxEvents, provisionTenant, signIn, STANDARD_PLAN_LIMITS } from '../../support/fixtures';
import { UnitOfWork } from '../../../src/common/events';
import { TenantHealthService } from '../../../src/modules/notifications/health/tenant-health.service';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;
const DAY_MS = 86_400_000;

/**
 * Tenant health on real data, with the scores hand-computed from health model v1 (weights
 * sign-ins 20, active users 15, seats 10, payments 20, support 5, webhooks 5; not applicable:
 * module usage without metering, trial without a trial, webhooks without endpoints).
 */
describe('tenant health and risk score', () => {
  let t: TestApp;
  let staff: string;
  beforeAll(async () => {
    t = await createTestApp();
    staff = (await loginStaff(t)).accessToken;
  });
  afterAll(() => t?.close());

  const get = async (path: string): Promise<{ status: number; body: Json }> => {
    const res = await fetch(`${t.baseUrl}${path}`, { headers: { Authorization: `Bearer ${staff}` } });
    return { status: res.status, body: await res.json() };
  };
  const tenant = async () => provisionTenant(t, (await insertPlan(t, { limits: STANDARD_PLAN_LIMITS })).code, { trialDays: 0 });
  const signal = (body: Json, name: string) => body.signals.find((s: Json) => s.name === name);

  it('scores what the control plane sees, each signal explained: sign-ins, active users, seats, payments, support notes, failing webhooks', async () => {
    const x = await tenant();
    // No sign-in yet: (0 + 0 + 10×(1/10)/0.5 + 20 + 5) / 70 = 27/70 → 39, high.
    const fresh = await get(`/api/v1/admin/tenants/${x.id}/health`);
    expect(fresh.status).toBe(200);
    expect(fresh.body).toMatchObject({ tenantId: x.id, score: 39, risk: 'high', modelVersion: 'v1' });
    expect(signal(fresh.body, 'sign_in_trend')).toMatchObject({ value: 0, explanation: expect.stringContaining('0 sign-ins in the last 30 days') });
    expect(signal(fresh.body, 'seat_utilisation')).toMatchObject({ value: 0.2, explanation: '1 of 10 seats used (10 %); 50 % or more is healthy.' });
    expect(signal(fresh.body, 'webhooks')).toMatchObject({ value: null, weight: 0 });
    expect(fresh.body.topReason).toMatch(/^sign_in_trend: /);

    // The admin signs in: sign-ins 1 vs 0 and 1 of 1 active users → (20 + 15 + 2 + 20 + 5) / 70 → 89, low.
    await signIn(t, x.slug, x.admin.email, x.admin.password);
    expect((await get(`/api/v1/admin/tenants/${x.id}/health`)).body).toMatchObject({ score: 89, risk: 'low' });

    // A failing webhook endpoint (5 failures in a row) and a #support note: (20 + 15 + 2 + 20 + 5×0.8 + 0) / 75 = 61/75 → 81.
    await t.db.query(`INSERT INTO webhook_endpoints (tenant_id, url, event_types, secret, consecutive_failures) VALUES ($1, 'https://hooks.example.com/h', '{user.*}', 'v1.a.b.c', 5)`, [x.id]);
    await t.db.query(`INSERT INTO tenant_notes (tenant_id, author_id, author_email, body) VALUES ($1, $2, 'owner@example.com', 'Customer called about invoices #support')`, [x.id, randomUUID()]);
    const worse = (await get(`/api/v1/admin/tenants/${x.id}/health`)).body;
    expect(worse).toMatchObject({ score: 81, risk: 'low' });
    expect(signal(worse, 'webhooks')).toMatchObject({ value: 0, explanation: '1 of 1 webhook endpoints failing.' });
    expect(signal(worse, 'support_load')).toMatchObject({ value: 0.8 });

    expect((await get(`/api/v1/admin/tenants/${randomUUID()}/health`)).status).toBe(404);
    expect((await get('/api/v1/admin/tenants/not-a-uuid/health')).body.code).toBe('validation_failed');
  });

  it('keeps a daily history, tells a change of risk level once (tenant.risk_changed), and summarises riskiest tenants and movers', async () => {
    const x = await tenant();
    const service = t.app.get(TenantHealthService);
    const uow = t.app.get(UnitOfWork);
    const now = new Date();
    const today = now.toISOString().slice(0, 10);
    const day = (n: number) => new Date(now.getTime() - n * DAY_MS).toISOString().slice(0, 10);
    // Yesterday it was low risk; a week ago 80.
    await t.db.query(`INSERT INTO tenant_health_snapshots (tenant_id, day, score, risk, signals, model_version) VALUES ($1, $2, 90, 'low', '[]', 'v1'), ($1, $3, 80, 'low', '[]', 'v1')`, [x.id, day(1), day(7)]);

    expect((await uow.run(() => service.snapshot(x.id, today, now))).score).toBe(39);
    await uow.run(() => service.snapshot(x.id, today, now)); // a rerun of the same day tells nothing again
    const changes = await outboxEvents(t, x.id, 'tenant.risk_changed');
    expect(changes.map((e) => e.payload)).toEqual([{ tenantId: x.id, previousRisk: 'low', risk: 'high', previousScore: 90, score: 39, topReason: expect.stringMatching(/^sign_in_trend: /), day: today }]);

    const history = (await get(`/api/v1/admin/tenants/${x.id}/health/history?days=10`)).body;
    expect(history.data.map((p: Json) => [p.day, p.score, p.risk])).toEqual([[day(7), 80, 'low'], [day(1), 90, 'low'], [today, 39, 'high']]);

    const summary = await get('/api/v1/admin/tenants/health-summary');
    expect(summary.status).toBe(200);
    expect(summary.body.day).toBe(today);
    expect(summary.body.counts.high).toBeGreaterThanOrEqual(1);
    expect(summary.body.riskiest.find((e: Json) => e.tenantId === x.id)).toMatchObject({ score: 39, risk: 'high', topReason: expect.stringMatching(/^sign_in_trend/) });
    expect(summary.body.movers.find((e: Json) => e.tenantId === x.id)).toMatchObject({ score: 39, scoreWeekAgo: 80 });
  });

  it('the admin tenant list filters by risk level and sorts by the latest health score, riskiest first, unscored last, page by page', async () => {
    const plan = (await insertPlan(t, { limits: STANDARD_PLAN_LIMITS })).code;
    const tag = `health${randomUUID().slice(0, 8)}`.replace(/[^a-z0-9]/g, 'a');
    const tenants = [];
    for (let i = 0; i < 4; i += 1) {
      const x = await provisionTenant(t, plan, { trialDays: 0 });
      await t.db.query(`UPDATE tenants SET tags = ARRAY[$2]::text[] WHERE id = $1`, [x.id, tag]);
      tenants.push(x);
    }
    const [a, b, c, unscored] = tenants;
    const now = Date.now();
    const day = (n: number) => new Date(now - n * DAY_MS).toISOString().slice(0, 10);
    // a: was high, now 75 low (the latest snapshot counts); b: 30 high; c: 55 medium; unscored: none.
    await t.db.query(
      `INSERT INTO tenant_health_snapshots (tenant_id, day, score, risk, signals, model_version)
       VALUES ($1, $4, 20, 'high', '[]', 'v1'), ($1, $5, 75, 'low', '[]', 'v1'), ($2, $5, 30, 'high', '[]', 'v1'), ($3, $5, 55, 'medium', '[]', 'v1')`,
      [a!.id, b!.id, c!.id, day(2), day(1)],
    );
    const list = async (query: string) => (await get(`/api/v1/admin/tenants?tag=${tag}&${query}`)).body;

    const high = await list('healthRisk=high');
    expect(high.data.map((r: Json) => r.id)).toEqual([b!.id]);
    expect(high.meta.total).toBe(1);
    expect(high.data[0].health).toEqual({ score: 30, risk: 'high', day: day(1) });
    expect((await list('healthRisk=low')).data.map((r: Json) => r.id)).toEqual([a!.id]);

    const sorted = await list('sort=healthScore&order=asc');
    expect(sorted.data.map((r: Json) => [r.id, r.health?.score ?? null])).toEqual([[b!.id, 30], [c!.id, 55], [a!.id, 75], [unscored!.id, null]]);
    expect((await list('sort=healthScore&order=desc')).data.map((r: Json) => r.id)).toEqual([a!.id, c!.id, b!.id, unscored!.id]);
    // Any other sort still shows each row's latest snapshot.
    expect((await list('sort=name')).data.find((r: Json) => r.id === c!.id).health).toEqual({ score: 55, risk: 'medium', day: day(1) });

    // Keyset pages of one row walk the same order, through the unscored tail.
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Json = await list(`sort=healthScore&order=asc&limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...page.data.map((r: Json) => r.id));
      cursor = page.meta.nextCursor;
    } while (cursor && seen.length < 10);
    expect(seen).toEqual([b!.id, c!.id, a!.id, unscored!.id]);

    const bad = await get('/api/v1/admin/tenants?healthRisk=severe');
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: Json) => e.field)).toContain('healthRisk');
  });
});
