/**
 * Revenue metrics latency: GET /api/v1/admin/billing/metrics on 10,000 tenants with two years of
 * MRR movements. Target: p95 ≤ 200 ms.
 *
 * Run: `node -r @swc-node/register bench/billing-metrics.ts` (PostgreSQL + Redis up). It (re)creates
 * the database `control_plane_bench_hot_metrics`, migrates it and bulk-inserts, in SQL:
 * - BENCH_TENANTS (default 10,000) tenants, 90 % billed in USD and 10 % in EUR, each with a
 *   monthly MRR level over 24 months (Dec 2024 – Nov 2026): starts in one of the first 6 months,
 *   moves most months (expansion/contraction), one in 13 churns for 3–7 months then reactivates
 *   — the movements are the level changes (≈ 230,000 rows), classified as the recorder would;
 * - each tenant's `tenant_mrr` state, its plan subscription (one in 5 in trial, ending within the
 *   next 40 days) and its subscription history with a trial end for one in 3 tenants;
 * - one payment per tenant per month (≈ 240,000, 2 % failed);
 * then ANALYZE, runs the rollup of closed months as the daily `billing:mrr-rollup` job's first run
 * would, boots the service on it (Redis db 12) and issues BENCH_REQUESTS (default 200)
 * requests per query shape from BENCH_CONCURRENCY (default 4) clients, after a warm-up, printing
 * p50/p95/p99 in ms as JSON (the results file of bench/results/), then the 24-month shape once more
 * with the rollup invalidated (the raw fallback), from one client.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { DataSource } from 'typeorm';
import { ROLL_UP_SQL } from '../src/modules/billing/revenue/mrr-rollup.service';
import { measure, recreateDatabase, ShapeResult } from './tenant-list';

const TENANTS = Number(process.env.BENCH_TENANTS ?? 10_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 200);
const PORT = 3912;
const REDIS_URL = 'redis://127.0.0.1:6379/12';
const DB = 'control_plane_bench_hot_metrics';

/** The query shapes measured. */
export const METRICS_SHAPES = [
  '/api/v1/admin/billing/metrics',
  '/api/v1/admin/billing/metrics?from=2024-12-01T00:00:00Z&to=2026-12-01T00:00:00Z',
  '/api/v1/admin/billing/metrics?from=2025-12-01T00:00:00Z&to=2026-12-01T00:00:00Z&currency=EUR',
  '/api/v1/admin/billing/metrics?from=2026-09-01T00:00:00Z&to=2026-12-01T00:00:00Z&currency=USD',
];

/** Inserts the tenants, their movements, state, subscriptions, history and payments (see the file comment), then ANALYZE. */
export async function seedMetrics(ds: DataSource, tenants: number): Promise<void> {
  await ds.query(`INSERT INTO plans (code, name, currency, limits, monthly_price_cents, annual_price_cents) VALUES ('bench', 'Bench', 'USD', '{}', 1000, 10000)`);
  await ds.query(
    `INSERT INTO tenants (name, slug, contact_email) SELECT 'Tenant ' || i, 'tenant-' || i, 'ops' || i || '@example.com' FROM generate_series(1, $1) AS i`,
    [tenants],
  );
  await ds.query(`
    CREATE TEMP TABLE bench_levels AS
    WITH t AS (
      SELECT id, row_number() OVER (ORDER BY slug)::int AS i FROM tenants WHERE slug LIKE 'tenant-%'
    ), p AS (
      SELECT id, i, CASE WHEN i % 10 = 0 THEN 'EUR' ELSE 'USD' END AS currency, i % 6 AS start_m,
             2000 + (i * 37 % 40) * 500 AS base, i % 13 = 0 AS churner, 6 + i % 12 AS churn_m, 3 + i % 5 AS gap
        FROM t
    )
    SELECT p.id AS tenant_id, p.i, p.currency, m,
           CASE WHEN m < start_m THEN 0
                WHEN churner AND m >= churn_m AND m < churn_m + gap THEN 0
                ELSE base + ((m * 7 + i) % 5) * 250 END AS lvl
      FROM p CROSS JOIN generate_series(0, 23) AS m`);
  await ds.query(`
    INSERT INTO mrr_movements (tenant_id, subscription_id, change_id, currency, occurred_at, kind, mrr_before_cents, mrr_after_cents, delta_cents, cause)
    SELECT tenant_id, NULL, gen_random_uuid(), currency,
           timestamptz '2024-12-01 00:00:00+00' + m * interval '1 month' + (i % 27) * interval '1 day' + (i % 24) * interval '1 hour',
           CASE WHEN prev = 0 AND NOT had THEN 'new' WHEN prev = 0 THEN 'reactivation' WHEN lvl = 0 THEN 'churn'
                WHEN lvl > prev THEN 'expansion' ELSE 'contraction' END,
           prev, lvl, lvl - prev, 'bench'
      FROM (
        SELECT *, COALESCE(lag(lvl) OVER w, 0) AS prev,
               COALESCE(bool_or(lvl > 0) OVER (PARTITION BY tenant_id ORDER BY m ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), false) AS had
          FROM bench_levels WINDOW w AS (PARTITION BY tenant_id ORDER BY m)
      ) x
     WHERE lvl <> prev`);
  await ds.query(`INSERT INTO tenant_mrr (tenant_id, currency, mrr_cents) SELECT tenant_id, currency, lvl FROM bench_levels WHERE m = 23`);
  await ds.query(`
    INSERT INTO subscriptions (tenant_id, kind, plan_id, item_code, status, interval, quantity, unit_amount_cents, currency,
                               billing_cycle_anchor, current_period_start, current_period_end, trial_start, trial_ends_at)
    SELECT l.tenant_id, 'plan', p.id, 'bench', CASE WHEN l.i % 5 = 0 THEN 'trial' ELSE 'active' END, 'month', NULL, l.lvl, l.currency,
           now(), now() - interval '10 days', now() + ((l.i % 40) || ' days')::interval,
           CASE WHEN l.i % 5 = 0 THEN now() - interval '10 days' END, CASE WHEN l.i % 5 = 0 THEN now() + ((l.i % 40) || ' days')::interval END
      FROM bench_levels l CROSS JOIN plans p WHERE p.code = 'bench' AND l.m = 23`);
  await ds.query(`
    INSERT INTO subscription_history (tenant_id, subscription_id, change_id, valid_from, kind, item_code, status, previous_status, interval, quantity,
                                      per_seat, unit_amount_cents, seat_unit_amount_cents, currency, cause)
    SELECT s.tenant_id, s.id, gen_random_uuid(), timestamptz '2024-12-01 00:00:00+00' + (row_number() OVER () % 730) * interval '1 day', 'plan', 'bench',
           CASE WHEN row_number() OVER () % 5 = 0 THEN 'cancelled' ELSE 'active' END, 'trial', 'month', NULL, false, s.unit_amount_cents, 0, s.currency, 'bench'
      FROM subscriptions s WHERE s.item_code = 'bench' AND abs(hashtext(s.tenant_id::text)) % 3 = 0`);
  await ds.query(`
    INSERT INTO payments (tenant_id, invoice_id, amount_cents, currency, status, method, method_label, gateway, processed_at, created_at)
    SELECT tenant_id, gen_random_uuid(), GREATEST(lvl, 100), currency, CASE WHEN (i + m) % 50 = 0 THEN 'failed' ELSE 'succeeded' END,
           'bank_transfer', 'Bank transfer', 'offline', ts, ts
      FROM (SELECT *, timestamptz '2024-12-01 00:00:00+00' + m * interval '1 month' + (i % 27) * interval '1 day' AS ts FROM bench_levels) x`);
  await ds.query('VACUUM ANALYZE');
}

/** What the daily `billing:mrr-rollup` job does on its first run: every closed month summed, the horizon at this month. */
export async function rollUp(ds: DataSource): Promise<void> {
  const target = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), 1));
  await ds.query(ROLL_UP_SQL, [null, target]);
  await ds.query(`INSERT INTO mrr_rollup_state (id, closed_until) VALUES (1, $1)`, [target]);
  await ds.query('ANALYZE mrr_month_totals');
}

function start(): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', '@swc-node/register', 'bench/bench-app.ts', 'full', String(PORT)], {
      env: {
        ...process.env,
        DATABASE_URL: `postgres://postgres@127.0.0.1:5432/${DB}`,
        REDIS_URL,
        LOG_LEVEL: 'silent',
        MIGRATIONS_RUN: 'false',
        AUTH_RATE_LIMIT_PER_MINUTE: '10000000',
        BOOTSTRAP_OWNER_EMAIL: 'owner@example.com',
        BOOTSTRAP_OWNER_PASSWORD: 'change-me-owner-password',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    child.stdout!.on('data', (d: Buffer) => d.toString().includes('ready') && resolve(child));
    child.on('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
}

async function main(): Promise<void> {
  const ds = await recreateDatabase(DB);
  const seeded = Date.now();
  await seedMetrics(ds, TENANTS);
  const rolled = Date.now();
  await rollUp(ds);
  const rollupSeconds = Math.round((Date.now() - rolled) / 100) / 10;
  const [counts] = await ds.query(
    `SELECT (SELECT count(*) FROM mrr_movements)::int AS movements, (SELECT count(*) FROM payments)::int AS payments, (SELECT count(*) FROM subscription_history)::int AS history, (SELECT count(*) FROM subscriptions)::int AS subscriptions, (SELECT count(*) FROM mrr_month_totals)::int AS monthTotals`,
  );
  await ds.destroy();
  const seedSeconds = Math.round((Date.now() - seeded) / 100) / 10;
  const server = await start();
  try {
    const base = `http://127.0.0.1:${PORT}`;
    const login = await fetch(`${base}/api/v1/admin/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'owner@example.com', password: 'change-me-owner-password' }) });
    const { accessToken } = (await login.json()) as { accessToken: string };
    const sample = await (await fetch(`${base}${METRICS_SHAPES[1]}`, { headers: { authorization: `Bearer ${accessToken}` } })).json();
    await measure(base, METRICS_SHAPES[0], accessToken, CONCURRENCY, 40); // warm-up
    const results: ShapeResult[] = [];
    for (const path of METRICS_SHAPES) results.push(await measure(base, path, accessToken, CONCURRENCY, REQUESTS));
    const single: ShapeResult[] = [];
    for (const path of METRICS_SHAPES) single.push(await measure(base, path, accessToken, 1, Math.min(REQUESTS, 100)));
    // The fallback before the rollup has run (or after it was invalidated): every movement read raw.
    const admin = new DataSource({ type: 'postgres', url: `postgres://postgres@127.0.0.1:5432/${DB}` });
    await admin.initialize();
    await admin.query(`UPDATE mrr_rollup_state SET closed_until = NULL`);
    const withoutRollup = [await measure(base, METRICS_SHAPES[1], accessToken, 1, 20)];
    await admin.destroy();
    const usd = (sample as { currencies: { currency: string; mrrCents: number; payingTenants: number; months: unknown[] }[] }).currencies.map((c) => ({ currency: c.currency, mrrCents: c.mrrCents, payingTenants: c.payingTenants, months: c.months.length }));
    process.stdout.write(`${JSON.stringify({ date: new Date().toISOString(), tenants: TENANTS, rows: counts, seedSeconds, rollupSeconds, concurrency: CONCURRENCY, requestsPerShape: REQUESTS, results, singleClient: single, withoutRollup, sample: usd }, null, 2)}\n`);
  } finally {
    server.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 1000));
  }
}

if (require.main === module) void main();
