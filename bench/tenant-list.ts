/**
 * Admin tenant list latency at 10,000 tenants. Targets: p95 ≤ 50 ms for every page shape with 20
 * concurrent clients on this 2-core machine, and p95(10,000 tenants) / p95(100 tenants) ≤ 1.5
 * (the page must not get slower with the number of tenants).
 *
 * Run: `node -r @swc-node/register bench/tenant-list.ts` (PostgreSQL + Redis up). For each size
 * (BENCH_TENANTS, default 10,000, and BENCH_BASE_TENANTS, default 100) it (re)creates the database
 * `control_plane_bench_hot_list_<n>`, migrates it, inserts the tenants with quotas, usage rows,
 * tags and a spread of plans/statuses/trials in bulk SQL, boots the service on it (Redis db 13),
 * then measures GET /api/v1/admin/tenants for several query shapes with BENCH_CONCURRENCY
 * (default 20) clients for BENCH_REQUESTS (default 400) requests each, and prints p50/p95/p99 and
 * the ratio. A deep keyset page is measured when the route accepts `cursor` (openapi.json).
 * bench/hot-paths.ts reuses {@link seedTenants}, {@link measureShapes} and {@link LIST_SHAPES}.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions, ENTITY_GLOB } from '../src/database/typeorm-options';

const TENANTS = Number(process.env.BENCH_TENANTS ?? 10_000);
const BASE_TENANTS = Number(process.env.BENCH_BASE_TENANTS ?? 100);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 20);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 400);
const PORT = 3910;
const REDIS_URL = 'redis://127.0.0.1:6379/13';

/** The page shapes measured (a person's pages, plus a deep 100-row offset page). */
export const LIST_SHAPES = [
  '/api/v1/admin/tenants?limit=20',
  '/api/v1/admin/tenants?limit=100&offset=5000&sort=name&order=asc',
  '/api/v1/admin/tenants?q=tenant-99&limit=20',
  '/api/v1/admin/tenants?q=ops12&limit=20&sort=createdAt&order=desc',
  '/api/v1/admin/tenants?status=active&billingStatus=trial&planCode=growth&sort=trialEndsAt&order=asc&limit=20',
  '/api/v1/admin/tenants?tag=vip&trialEndingWithinDays=7&limit=20',
];

/** Whether GET /api/v1/admin/tenants declares a `cursor` query parameter in openapi.json (keyset paging). */
export function listAcceptsCursor(): boolean {
  const doc = JSON.parse(readFileSync(join(__dirname, '..', 'openapi.json'), 'utf8')) as {
    paths: Record<string, { get?: { parameters?: { name: string; in: string }[] } }>;
  };
  return (doc.paths['/api/v1/admin/tenants']?.get?.parameters ?? []).some((p) => p.name === 'cursor' && p.in === 'query');
}

/** Drops and recreates database `db` and applies the service's migrations (TypeORM, as scripts/test-db.ts). */
export async function recreateDatabase(db: string, entities: string = ENTITY_GLOB): Promise<DataSource> {
  if (!db.startsWith('control_plane_bench_hot')) throw new Error(`refusing to recreate ${db}: bench databases are control_plane_bench_hot*`);
  const admin = new Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${db}`);
  await admin.end();
  const ds = new DataSource(buildDataSourceOptions(`postgres://postgres@127.0.0.1:5432/${db}`, { entities: [entities] }));
  await ds.initialize();
  await ds.runMigrations({ transaction: 'each' });
  return ds;
}

/**
 * Inserts the three list plans (starter, growth, enterprise) and `tenants` tenants with quotas,
 * plan subscriptions, usage rows, level counters, tags, statuses and trials, in bulk SQL, then ANALYZE.
 */
export async function seedTenants(ds: DataSource, tenants: number): Promise<void> {
  await ds.query(`INSERT INTO plans (code, name, currency, limits, monthly_price_cents, annual_price_cents) VALUES
    ('starter', 'Starter', 'USD', '{"members": 5}', 1900, 19000),
    ('growth', 'Growth', 'USD', '{"members": 25}', 4900, 49000),
    ('enterprise', 'Enterprise', 'USD', '{}', 19900, 199000)`);
  await ds.query(
    `INSERT INTO tenants (name, slug, contact_email, status, tags, created_at)
     SELECT 'Tenant ' || md5(i::text), 'tenant-' || i, 'ops' || i || '@example.com',
            CASE WHEN i % 50 = 0 THEN 'suspended' ELSE 'active' END,
            CASE WHEN i % 3 = 0 THEN ARRAY['vip'] WHEN i % 3 = 1 THEN ARRAY['eu','beta'] ELSE ARRAY[]::text[] END,
            now() - (i || ' minutes')::interval
     FROM generate_series(1, $1) AS i`,
    [tenants],
  );
  await ds.query(
    `INSERT INTO tenant_quotas (tenant_id, plan_id, billing_status, trial_ends_at)
     SELECT t.id, p.id,
            CASE WHEN row_number() OVER () % 4 = 0 THEN 'trial' WHEN row_number() OVER () % 17 = 0 THEN 'past_due' ELSE 'active' END,
            CASE WHEN row_number() OVER () % 4 = 0 THEN now() + ((row_number() OVER () % 30) || ' days')::interval END
     FROM tenants t JOIN plans p ON p.code = (ARRAY['starter','growth','enterprise'])[1 + (abs(hashtext(t.slug)) % 3)]
     WHERE t.slug LIKE 'tenant-%'`,
  );
  await ds.query(`INSERT INTO tenant_usage (tenant_id, last_calculated_at) SELECT id, now() FROM tenants WHERE slug LIKE 'tenant-%'`);
  // Level counters at the fixed period start (COUNT_PERIOD_START), as provisioning creates them.
  await ds.query(
    `INSERT INTO usage_counters (tenant_id, metric, period_start, value)
     SELECT id, m.metric, DATE '1970-01-01', CASE m.metric WHEN 'members' THEN 1 + abs(hashtext(slug)) % 20 WHEN 'orgAdmins' THEN 1 ELSE 0 END
     FROM tenants CROSS JOIN (VALUES ('members'), ('orgAdmins'), ('projects'), ('domains')) AS m(metric)
     WHERE slug LIKE 'tenant-%'`,
  );
  // Each tenant's plan subscription (what provisioning creates): licenses = the plan's members limit.
  await ds.query(
    `INSERT INTO subscriptions (tenant_id, kind, plan_id, item_code, status, interval, quantity, unit_amount_cents, currency,
                                billing_cycle_anchor, current_period_start, current_period_end, trial_start, trial_ends_at)
     SELECT q.tenant_id, 'plan', p.id, p.code, q.billing_status, 'month', (p.limits->>'members')::int, p.monthly_price_cents, p.currency,
            COALESCE(q.trial_ends_at, now() + interval '20 days'), now() - interval '10 days', COALESCE(q.trial_ends_at, now() + interval '20 days'),
            CASE WHEN q.trial_ends_at IS NOT NULL THEN now() - interval '10 days' END, q.trial_ends_at
     FROM tenant_quotas q JOIN plans p ON p.id = q.plan_id JOIN tenants t ON t.id = q.tenant_id
     WHERE t.slug LIKE 'tenant-%'`,
  );
  await ds.query('ANALYZE');
}

/** Latency summary of one page shape, in ms. */
export interface ShapeResult {
  path: string;
  p50: number;
  p95: number;
  p99: number;
  errors: number;
  requests: number;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/**
 * Issues `requests` GETs of `path` from `concurrency` clients (fetch, keep-alive) and returns
 * p50/p95/p99 in ms and the count of non-200 answers.
 */
export async function measure(base: string, path: string, token: string, concurrency = CONCURRENCY, requests = REQUESTS): Promise<ShapeResult> {
  const latencies: number[] = [];
  let errors = 0;
  let next = 0;
  const worker = async () => {
    while (next < requests) {
      next += 1;
      const started = process.hrtime.bigint();
      const res = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } });
      await res.arrayBuffer();
      latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
      if (res.status !== 200) errors += 1;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  latencies.sort((a, b) => a - b);
  const r = (v: number) => Math.round(v * 10) / 10;
  return { path, p50: r(percentile(latencies, 50)), p95: r(percentile(latencies, 95)), p99: r(percentile(latencies, 99)), errors, requests };
}

/**
 * Measures every shape of {@link LIST_SHAPES} (after one warm-up pass of the first) and, when the
 * route accepts `cursor`, a deep keyset page reached by following `meta.nextCursor` `cursorDepth`
 * pages of 100 from the start. Latencies in ms.
 */
export async function measureShapes(
  base: string,
  token: string,
  concurrency = CONCURRENCY,
  requests = REQUESTS,
  cursorDepth = 50,
): Promise<{ results: ShapeResult[]; keyset: ShapeResult | 'not available yet' }> {
  await measure(base, LIST_SHAPES[0], token, concurrency, Math.min(requests, 100)); // warm-up
  const results: ShapeResult[] = [];
  for (const path of LIST_SHAPES) results.push(await measure(base, path, token, concurrency, requests));
  if (!listAcceptsCursor()) return { results, keyset: 'not available yet' };
  let path = '/api/v1/admin/tenants?limit=100&sort=name&order=asc';
  for (let page = 0; page < cursorDepth; page += 1) {
    const res = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } });
    const body = (await res.json()) as { meta?: { nextCursor?: string | null } };
    const next = body.meta?.nextCursor;
    if (!next) break;
    path = `/api/v1/admin/tenants?limit=100&sort=name&order=asc&cursor=${encodeURIComponent(next)}`;
  }
  return { results, keyset: await measure(base, path, token, concurrency, requests) };
}

function start(db: string): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', '@swc-node/register', 'bench/bench-app.ts', 'full', String(PORT)], {
      env: {
        ...process.env,
        DATABASE_URL: `postgres://postgres@127.0.0.1:5432/${db}`,
        REDIS_URL,
        LOG_LEVEL: 'silent',
        MIGRATIONS_RUN: 'false',
        AUTH_RATE_LIMIT_PER_MINUTE: '10000000',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    child.stdout!.on('data', (d: Buffer) => d.toString().includes('ready') && resolve(child));
    child.on('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
}

/** Seeds `tenants` tenants into their own database, boots the service on it and measures every shape. */
async function runSize(tenants: number): Promise<{ tenants: number; results: ShapeResult[]; keyset: ShapeResult | 'not available yet' }> {
  const db = `control_plane_bench_hot_list_${tenants}`;
  const ds = await recreateDatabase(db);
  await seedTenants(ds, tenants);
  await ds.destroy();
  const server = await start(db);
  try {
    const login = await fetch(`http://127.0.0.1:${PORT}/api/v1/admin/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'owner@example.com', password: 'change-me-owner-password' }),
    });
    const { accessToken } = (await login.json()) as { accessToken: string };
    return { tenants, ...(await measureShapes(`http://127.0.0.1:${PORT}`, accessToken)) };
  } finally {
    server.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 1000));
  }
}

async function main(): Promise<void> {
  const large = await runSize(TENANTS);
  const small = await runSize(BASE_TENANTS);
  const ratios = large.results.map((r, i) => ({ path: r.path, p95Ratio: Math.round((r.p95 / small.results[i].p95) * 100) / 100 }));
  process.stdout.write(`${JSON.stringify({ concurrency: CONCURRENCY, requestsPerShape: REQUESTS, large, small, ratios }, null, 2)}\n`);
}

if (require.main === module) void main();
