import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildOpenApiDocument } from '../../../src/app.setup';
import { HttpMetrics } from '../../../src/modules/platform/metrics';
import { InstanceHeartbeat } from '../../../src/modules/platform/system';
import { createTestApp, loginStaff, rawFetch, TestApp } from '../../support/app';
import { insertPlan, provisionTenant, signIn } from '../../support/fixtures';
import type { components } from '../../support/openapi';

type Metrics = components['schemas']['SystemMetricsDto'];
type Dashboard = components['schemas']['DashboardDto'];

const METRICS_TOKEN = `scrape-${randomUUID()}`;

/** Requests of `group` in the window named `window` (0 when the group has none). */
function requestsOf(m: Metrics, window: string, group: string) {
  const w = m.windows.find((x) => x.window === window)!;
  return w.routeGroups.find((g) => g.group === group) ?? { requests: 0, clientErrors: 0, serverErrors: 0 };
}

describe('system visibility for staff: health, instances, metrics, Prometheus, dashboard', () => {
  let a: TestApp;
  let b: TestApp;
  let exportsDir: string;
  let owner: string;

  beforeAll(async () => {
    exportsDir = mkdtempSync(join(tmpdir(), 'cp-exports-'));
    // Two instances on one PostgreSQL and Redis: `a` scrapes with a token and has its export store,
    // `b` has no METRICS_TOKEN and an export directory that does not exist. Built one after the other
    // (each reads the environment while it is built); `b` first, because the last test shuts it down
    // and the transaction host of an app built in the same process after another is shared with it.
    b = await createTestApp({ EXPORTS_DIR: join(exportsDir, 'missing') });
    a = await createTestApp({ METRICS_TOKEN, EXPORTS_DIR: exportsDir });
    owner = (await loginStaff(a)).accessToken;
  });
  afterAll(async () => {
    await Promise.all([a.close(), bOpen ? b.close() : undefined]);
    rmSync(exportsDir, { recursive: true, force: true });
  });
  let bOpen = true;

  const metricsOf = async (t: TestApp): Promise<Metrics> => {
    // Another instance adds its counts to Redis every 10 s; the test does not wait for that.
    await Promise.all([a, b].map((x) => x.app.get(HttpMetrics).flush()));
    const { data, response } = await t.as(owner).GET('/api/v1/admin/system/metrics');
    expect(response.status).toBe(200);
    return data!;
  };

  it('health reports each component with status and latency; a missing export directory is down in a 200 report', async () => {
    const ok = await a.as(owner).GET('/api/v1/admin/system/health');
    expect(ok.response.status).toBe(200);
    expect(ok.data!.components.map((c) => c.name)).toEqual(['postgres', 'redis', 'queues', 'outbox', 'exportStore']);
    for (const c of ok.data!.components) {
      expect(['up', 'degraded']).toContain(c.status);
      expect(c.latencyMs).toBeGreaterThanOrEqual(0);
      expect(c.latencyMs).toBeLessThan(1500);
    }
    const store = ok.data!.components.find((c) => c.name === 'exportStore')!;
    expect(store).toMatchObject({ status: 'up', detail: { path: exportsDir } });
    expect(store.detail.totalBytes as number).toBeGreaterThan(0);
    expect(store.detail.freeBytes as number).toBeGreaterThan(0);
    const queues = ok.data!.components.find((c) => c.name === 'queues')!.detail.queues as { name: string }[];
    expect(queues.map((q) => q.name)).toEqual(expect.arrayContaining(['alerts', 'billing', 'outbox', 'usage', 'webhooks']));

    const down = await b.as(owner).GET('/api/v1/admin/system/health');
    expect(down.response.status).toBe(200);
    expect(down.data!.status).toBe('down');
    expect(down.data!.components.find((c) => c.name === 'exportStore')).toMatchObject({ status: 'down', detail: { error: 'the directory does not exist' } });
    expect(down.data!.components.find((c) => c.name === 'postgres')!.status).not.toBe('down');
  });

  it('health shows the outbox lag of an event left undispatched', async () => {
    const id = randomUUID();
    // Claimed by nobody (locked for an hour), committed two minutes ago.
    await a.db.query(
      `INSERT INTO outbox (id, event_name, tenant_id, envelope, occurred_at, locked_until, created_at) VALUES ($1, 'test.system-lag', NULL, '{}', now(), now() + interval '1 hour', now() - interval '120 seconds')`,
      [id],
    );
    try {
      const { data } = await a.as(owner).GET('/api/v1/admin/system/health');
      const outbox = data!.components.find((c) => c.name === 'outbox')!;
      expect(outbox.status).toBe('degraded');
      expect(outbox.detail.undispatched as number).toBeGreaterThanOrEqual(1);
      expect(outbox.detail.oldestAgeSeconds as number).toBeGreaterThanOrEqual(120);
      const text = await (await rawFetch(a, '/metrics', { token: METRICS_TOKEN })).text();
      expect(Number(/^outbox_oldest_undispatched_age_seconds ([\d.]+)$/m.exec(text)![1])).toBeGreaterThanOrEqual(120);
    } finally {
      await a.db.query(`DELETE FROM outbox WHERE id = $1`, [id]);
    }
  });

  it('services lists both instances with version and uptime', async () => {
    const ids = [a, b].map((t) => t.app.get(InstanceHeartbeat).info.instanceId);
    const { data, response } = await b.as(owner).GET('/api/v1/admin/system/services');
    expect(response.status).toBe(200);
    const listed = data!.data.filter((s) => ids.includes(s.instanceId));
    expect(listed).toHaveLength(2);
    for (const s of listed) {
      expect(s.version).toBe('0.1.0');
      expect(s.pid).toBe(process.pid);
      expect(s.uptimeSeconds).toBeGreaterThanOrEqual(0);
      expect(Date.now() - Date.parse(s.lastSeenAt)).toBeLessThan(60_000);
    }
    expect(listed.find((s) => s.self)!.instanceId).toBe(ids[1]);

  });

  it('metrics count requests per route group across instances (route templates, not paths) with latency percentiles', async () => {
    const before = await metricsOf(a);
    for (let i = 0; i < 3; i++) expect((await a.as(owner).GET('/api/v1/admin/system/services')).response.status).toBe(200);
    for (let i = 0; i < 4; i++) expect((await b.as(owner).GET('/api/v1/auth/me')).response.status).toBe(200);
    for (let i = 0; i < 2; i++) expect((await rawFetch(b, `/api/v1/no-such-route-${randomUUID()}`)).status).toBe(404);
    const after = await metricsOf(a);

    // 24 h: nothing can leave the window between the two reads. The first read is itself an admin request.
    const delta = (group: string) => requestsOf(after, '24h', group).requests - requestsOf(before, '24h', group).requests;
    expect(delta('admin')).toBe(4);
    expect(delta('auth')).toBe(4);
    expect(delta('unmatched')).toBe(2);
    expect(requestsOf(after, '24h', 'unmatched').clientErrors - requestsOf(before, '24h', 'unmatched').clientErrors).toBe(2);
    expect(requestsOf(after, '5m', 'auth').requests).toBeGreaterThanOrEqual(4);
    expect(after.windows.map((w) => [w.window, w.minutes])).toEqual([['5m', 5], ['1h', 60], ['24h', 1440]]);

    const auth = after.windows.find((w) => w.window === '5m')!.routeGroups.find((g) => g.group === 'auth')!;
    expect(auth.latencyMs.p50).toBeGreaterThan(0);
    expect(auth.latencyMs.p50).toBeLessThanOrEqual(auth.latencyMs.p95);
    expect(auth.latencyMs.p95).toBeLessThanOrEqual(auth.latencyMs.p99);
    expect(auth.errorRate).toBe(0);
    const total = after.windows.find((w) => w.window === '24h')!.allGroups;
    expect(total.group).toBe('all');
    expect(total.requests).toBe(after.windows.find((w) => w.window === '24h')!.routeGroups.reduce((s, g) => s + g.requests, 0));

    expect(after.queues.map((q) => q.name)).toEqual(expect.arrayContaining(['outbox', 'webhooks']));
    expect(after.outbox.undispatched).toBeGreaterThanOrEqual(0);
    expect(after.webhooks.map((w) => w.window)).toEqual(['1h', '24h']);
    expect(after.database.sizeBytes).toBeGreaterThan(1_000_000);
  });

  it('GET /metrics: Prometheus text behind the bearer token (401 without or with a wrong one), 404 when no token is configured; not in the OpenAPI document', async () => {
    expect((await b.as(owner).GET('/api/v1/auth/me')).response.status).toBe(200);
    expect((await a.as(owner).GET('/api/v1/auth/me')).response.status).toBe(200);

    const missing = await rawFetch(a, '/metrics');
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(await missing.json()).toMatchObject({ status: 401, code: 'unauthorized' });
    const wrong = await rawFetch(a, '/metrics', { token: `${METRICS_TOKEN}x` });
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as { code: string }).code).toBe('invalid_token');
    const disabled = await rawFetch(b, '/metrics', { token: METRICS_TOKEN });
    expect(disabled.status).toBe(404);
    expect(await disabled.json()).toMatchObject({ status: 404, code: 'metrics_disabled' });
    expect((await rawFetch(a, '/api/v1/metrics', { token: METRICS_TOKEN })).status).toBe(404);

    const ok = await rawFetch(a, '/metrics', { token: METRICS_TOKEN });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await ok.text();
    expect(text).toMatch(/^http_request_duration_seconds_bucket\{le="0\.005",method="GET",route="\/api\/v1\/auth\/me",status_class="2xx"\} \d+$/m);
    expect(text).toMatch(/^http_request_duration_seconds_count\{method="GET",route="\/api\/v1\/admin\/system\/health",status_class="2xx"\} \d+$/m);
    expect(text).not.toMatch(/route="\/api\/v1\/no-such-route/);
    expect(text).toMatch(/^bull_queue_jobs\{queue="webhooks",state="waiting"\} \d+$/m);
    expect(text).toMatch(/^bull_queue_jobs\{queue="outbox",state="delayed"\} \d+$/m);
    expect(text).toMatch(/^bull_queue_oldest_waiting_age_seconds\{queue="usage"\} [\d.]+$/m);
    expect(text).toMatch(/^outbox_undispatched_events \d+$/m);
    expect(text).toMatch(/^db_pool_connections_max 20$/m);
    expect(text).toContain('process_resident_memory_bytes');

    const paths = Object.keys(buildOpenApiDocument(a.app).paths);
    expect(paths).toEqual(expect.arrayContaining(['/api/v1/admin/system/health', '/api/v1/admin/dashboard']));
    expect(paths.filter((p) => p.endsWith('/metrics') && !p.includes('/admin/'))).toEqual([]);
  });

  it('system and dashboard routes are for staff only', async () => {
    const plan = await insertPlan(a);
    const tenant = await provisionTenant(a, plan.code, { trialDays: 0 });
    const user = await signIn(a, tenant.slug, tenant.admin.email, tenant.admin.password);
    expect((await a.as(user.accessToken).GET('/api/v1/admin/system/health')).response.status).toBe(403);
    expect((await a.as(user.accessToken).GET('/api/v1/admin/dashboard')).response.status).toBe(403);
    expect((await a.api.GET('/api/v1/admin/system/metrics')).response.status).toBe(401);
  });

  it('dashboard: tenants by status, trials, MRR, users active today, usage outliers and open alerts, on seeded tenants', async () => {
    const get = async (): Promise<Dashboard> => {
      const { data, response } = await a.as(owner).GET('/api/v1/admin/dashboard');
      expect(response.status).toBe(200);
      return data!;
    };
    const before = await get();
    const plan = await insertPlan(a, { limits: { members: 2 } });
    const paying = await provisionTenant(a, plan.code, { trialDays: 0 });
    const trialSoon = await provisionTenant(a, plan.code, { trialDays: 5 });
    const trialLater = await provisionTenant(a, plan.code, { trialDays: 20 });
    await signIn(a, trialSoon.slug, trialSoon.admin.email, trialSoon.admin.password);
    await a.db.query(`UPDATE tenants SET status = 'suspended', suspended_at = now(), suspended_reason = 'test' WHERE id = $1`, [trialLater.id]);
    await a.db.query(`UPDATE usage_counters SET value = 500 WHERE tenant_id = $1 AND metric = 'members' AND period_start = DATE '1970-01-01'`, [paying.id]);
    const [rule]: { id: string }[] = await a.db.query(`INSERT INTO alert_rules (name, type, severity, is_active) VALUES ('dashboard test', 'payment_failed', 'critical', false) RETURNING id`);
    await a.db.query(
      `INSERT INTO alerts (rule_id, tenant_id, type, severity, status, title, detail, first_seen_at, last_seen_at) VALUES ($1, $2, 'payment_failed', 'critical', 'open', 'Payment failed', 'test', now(), now())`,
      [rule.id, paying.id],
    );
    try {
      const after = await get();
      expect(after.tenants.total - before.tenants.total).toBe(3);
      expect(after.tenants.activeTenants - before.tenants.activeTenants).toBe(2);
      expect(after.tenants.suspendedTenants - before.tenants.suspendedTenants).toBe(1);
      expect(after.tenants.trialTenants - before.tenants.trialTenants).toBe(2);
      expect(after.tenants.newThisMonth - before.tenants.newThisMonth).toBe(3);
      expect(after.trialsExpiring.within7Days - before.trialsExpiring.within7Days).toBe(1);
      expect(after.trialsExpiring.within30Days - before.trialsExpiring.within30Days).toBe(2);
      expect(after.users.total - before.users.total).toBe(3);
      expect(after.users.activeToday - before.users.activeToday).toBe(1);
      const usd = (d: Dashboard) => d.mrr.find((m) => m.currency === 'USD') ?? { mrrCents: 0, payingTenants: 0 };
      expect(usd(after).mrrCents - usd(before).mrrCents).toBe(4900);
      expect(usd(after).payingTenants - usd(before).payingTenants).toBe(1);
      expect(after.alerts.open - before.alerts.open).toBe(1);
      expect(after.alerts.bySeverity.critical - before.alerts.bySeverity.critical).toBe(1);
      expect(after.topUsageOutliers.length).toBeLessThanOrEqual(10);
      expect(after.topUsageOutliers[0]).toEqual({ tenantId: paying.id, tenantName: `Tenant ${paying.slug}`, tenantSlug: paying.slug, metric: 'members', used: 500, limit: 2, percent: 25000 });
      const percents = after.topUsageOutliers.map((o) => o.percent);
      expect(percents).toEqual([...percents].sort((x, y) => y - x));
    } finally {
      await a.db.query(`DELETE FROM alert_rules WHERE id = $1`, [rule.id]);
      await a.db.query(`UPDATE usage_counters SET value = 1 WHERE tenant_id = $1 AND metric = 'members' AND period_start = DATE '1970-01-01'`, [paying.id]);
    }
  });

  it('an instance that shuts down gracefully leaves the services list at once', async () => {
    const bId = b.app.get(InstanceHeartbeat).info.instanceId;
    expect((await a.as(owner).GET('/api/v1/admin/system/services')).data!.data.map((s) => s.instanceId)).toContain(bId);
    await b.close();
    bOpen = false;
    const { data } = await a.as(owner).GET('/api/v1/admin/system/services');
    expect(data!.data.map((s) => s.instanceId)).not.toContain(bId);
    expect(data!.data.find((s) => s.self)!.instanceId).toBe(a.app.get(InstanceHeartbeat).info.instanceId);
  });
});
