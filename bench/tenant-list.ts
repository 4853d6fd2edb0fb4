/**
 * Admin tenant list latency at 10,000 tenants. Target: p95 ≤ 50 ms on this 2-core machine.
 *
 * Run: `node -r @swc-node/register bench/tenant-list.ts` (PostgreSQL + Redis up). It (re)creates the
 * database `control_plane_bench`, migrates it, inserts BENCH_TENANTS tenants (default 10,000) with
 * quotas, usage rows, tags and a spread of plans/statuses/trials in bulk SQL, boots the real service
 * on it, then measures GET /api/v1/admin/tenants for several query shapes with BENCH_CONCURRENCY
 * (default 4) clients for BENCH_REQUESTS (default 400) requests each, and prints p50/p95/p99.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions, ENTITY_GLOB } from '../src/database/typeorm-options';

const DB = 'control_plane_bench';
const URL_ = `postgres://postgres@127.0.0.1:5432/${DB}`;
const TENANTS = Number(process.env.BENCH_TENANTS ?? 10_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 400);
const PORT = 3910;

async function seed(): Promise<void> {
  const admin = new Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${DB}`);
  await admin.end();
  const ds = new DataSource(buildDataSourceOptions(URL_, { entities: [ENTITY_GLOB] }));
  await ds.initialize();
  await ds.runMigrations();
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
    [TENANTS],
  );
  await ds.query(
    `INSERT INTO tenant_quotas (tenant_id, plan_id, billing_status, trial_ends_at)
     SELECT t.id, p.id,
            CASE WHEN row_number() OVER () % 4 = 0 THEN 'trial' WHEN row_number() OVER () % 17 = 0 THEN 'past_due' ELSE 'active' END,
            CASE WHEN row_number() OVER () % 4 = 0 THEN now() + ((row_number() OVER () % 30) || ' days')::interval END
     FROM tenants t JOIN plans p ON p.code = (ARRAY['starter','growth','enterprise'])[1 + (abs(hashtext(t.slug)) % 3)]`,
  );
  await ds.query(`INSERT INTO tenant_usage (tenant_id, last_calculated_at) SELECT id, now() FROM tenants`);
  // Level counters at the fixed period start (COUNT_PERIOD_START), as provisioning creates them.
  await ds.query(
    `INSERT INTO usage_counters (tenant_id, metric, period_start, value)
     SELECT id, m.metric, DATE '1970-01-01', CASE m.metric WHEN 'members' THEN 1 + abs(hashtext(slug)) % 20 WHEN 'orgAdmins' THEN 1 ELSE 0 END
     FROM tenants CROSS JOIN (VALUES ('members'), ('orgAdmins'), ('projects'), ('domains')) AS m(metric)`,
  );
  await ds.query('ANALYZE');
  await ds.destroy();
}

function start(): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', '@swc-node/register', 'bench/bench-app.ts', 'full', String(PORT)], {
      env: { ...process.env, DATABASE_URL: URL_, REDIS_URL: 'redis://127.0.0.1:6379/8', LOG_LEVEL: 'silent', MIGRATIONS_RUN: 'false', AUTH_RATE_LIMIT_PER_MINUTE: '10000000' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    child.stdout!.on('data', (d: Buffer) => d.toString().includes('ready') && resolve(child));
    child.on('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function measure(path: string, token: string): Promise<{ path: string; p50: number; p95: number; p99: number; errors: number }> {
  const latencies: number[] = [];
  let errors = 0;
  let next = 0;
  const worker = async () => {
    while (next < REQUESTS) {
      next += 1;
      const started = process.hrtime.bigint();
      const res = await fetch(`http://127.0.0.1:${PORT}${path}`, { headers: { authorization: `Bearer ${token}` } });
      await res.arrayBuffer();
      latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
      if (res.status !== 200) errors += 1;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  latencies.sort((a, b) => a - b);
  const r = (v: number) => Math.round(v * 10) / 10;
  return { path, p50: r(percentile(latencies, 50)), p95: r(percentile(latencies, 95)), p99: r(percentile(latencies, 99)), errors };
}

async function main(): Promise<void> {
  await seed();
  const server = await start();
  try {
    const login = await fetch(`http://127.0.0.1:${PORT}/api/v1/admin/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'owner@example.com', password: 'change-me-owner-password' }),
    });
    const { accessToken } = (await login.json()) as { accessToken: string };
    const shapes = [
      '/api/v1/admin/tenants?limit=20',
      '/api/v1/admin/tenants?limit=100&offset=5000&sort=name&order=asc',
      '/api/v1/admin/tenants?q=tenant-99&limit=20',
      '/api/v1/admin/tenants?q=ops12&limit=20&sort=createdAt&order=desc',
      '/api/v1/admin/tenants?status=active&billingStatus=trial&planCode=growth&sort=trialEndsAt&order=asc&limit=20',
      '/api/v1/admin/tenants?tag=vip&trialEndingWithinDays=7&limit=20',
    ];
    await measure(shapes[0], accessToken); // warm-up
    const results = [];
    for (const path of shapes) results.push(await measure(path, accessToken));
    process.stdout.write(`${JSON.stringify({ tenants: TENANTS, concurrency: CONCURRENCY, requestsPerShape: REQUESTS, results }, null, 2)}\n`);
  } finally {
    server.kill('SIGTERM');
  }
}

void main();
