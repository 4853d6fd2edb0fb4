/**
 * Audit trail benches (docs/adr/0029), in the service's own process (AppModule booted here, Redis db 11):
 *  1. BENCH_AUDIT_ROWS (default 1,000,000) audit rows over BENCH_TENANTS (default 1,000) tenants and
 *     90 days, inserted in one INSERT … SELECT through the hash-chain trigger: wall time, rows/s;
 *  2. GET /api/v1/admin/audit-logs?tenantId&from&to (a random tenant, a random 1–30-day window,
 *     first page of 20), BENCH_QUERIES (default 300) sequential requests after a warm-up:
 *     p50/p95/p99 — target p95 ≤ 50 ms — and the plan of one such query;
 *  3. GET /api/v1/admin/audit-logs/verify of a chain of BENCH_VERIFY_ROWS (default 1,000,000) rows
 *     (the platform chain): wall time, rows/s, RSS growth (bounded memory);
 *  4. insert throughput of single-row INSERTs (the application's shape, autocommit, 8 connections),
 *     BENCH_INSERTS (default 5,000) rows, into one tenant and over 1,000 tenants, with the chain
 *     trigger and with it disabled.
 *
 * Run: `node --expose-gc -r @swc-node/register bench/audit-query.ts` (PostgreSQL + Redis up). It
 * (re)creates `control_plane_bench_hot_audit`. Prints JSON; results go to bench/results/.
 */
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Pool } from 'pg';
import { randomUUID } from 'node:crypto';
import { recreateDatabase } from './tenant-list';

const ROWS = Number(process.env.BENCH_AUDIT_ROWS ?? 1_000_000);
const TENANTS = Number(process.env.BENCH_TENANTS ?? 1000);
const QUERIES = Number(process.env.BENCH_QUERIES ?? 300);
const VERIFY_ROWS = Number(process.env.BENCH_VERIFY_ROWS ?? 1_000_000);
const INSERTS = Number(process.env.BENCH_INSERTS ?? 5000);
const DB = 'control_plane_bench_hot_audit';
const URL = `postgres://postgres@127.0.0.1:5432/${DB}`;
const PORT = 3917;
const DAY_MS = 86_400_000;

const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
const pct = (sorted: number[], p: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] * 100) / 100;
/** SQL of bench tenant `i`'s id: an md5 shaped as a version-4 UUID (the API validates the version). */
const tenantIdOf = (i: number | string) => `overlay(overlay(md5('bench-tenant-' || (${i})) placing '4' from 13) placing '8' from 17)::uuid`;

/** One row per statement, as the application writes them, from `connections` clients at once: rows/s. */
async function insertThroughput(pool: Pool, tenantOf: (n: number) => string, rows: number, chained: boolean, connections = 8): Promise<number> {
  let next = 0;
  const sql = chained
    ? `INSERT INTO audit_logs (id, occurred_at, request_id, channel, actor_type, actor_id, actor_email, tenant_id, action, module, resource_type, resource_id, method, path, status_code, outcome, ip, user_agent, changes)
       VALUES ($1, now(), $2, 'http', 'tenant', $3, 'user@example.com', $4, 'tenantUsers.update', 'iam', 'tenant_user', $5, 'PATCH', '/api/v1/tenant/users/x', 200, 'success', '10.0.0.1', 'bench/1', '{"after": {"role": "viewer"}, "request": {"role": "viewer"}}')`
    : // Without the trigger the chain columns must be given (NOT NULL, unique per tenant): a sequence and constants.
      `INSERT INTO audit_logs (id, occurred_at, request_id, channel, actor_type, actor_id, actor_email, tenant_id, action, module, resource_type, resource_id, method, path, status_code, outcome, ip, user_agent, changes,
                               seq, prev_hash, hash, personal_digest, chain_version)
       VALUES ($1, now(), $2, 'http', 'tenant', $3, 'user@example.com', $4, 'tenantUsers.update', 'iam', 'tenant_user', $5, 'PATCH', '/api/v1/tenant/users/x', 200, 'success', '10.0.0.1', 'bench/1', '{"after": {"role": "viewer"}, "request": {"role": "viewer"}}',
               nextval('bench_seq'), '\\x00', '\\x00', '\\x00', 1)`;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: connections }, async () => {
      const client = await pool.connect();
      try {
        for (let n = next++; n < rows; n = next++) await client.query(sql, [randomUUID(), randomUUID(), randomUUID(), tenantOf(n), `u-${n}`]);
      } finally {
        client.release();
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return Math.round(rows / seconds);
}

async function main(): Promise<void> {
  const out: Record<string, unknown> = { date: new Date().toISOString(), node: process.version, rows: ROWS, tenants: TENANTS };
  const ds = await recreateDatabase(DB);
  // 1. One statement through the chain trigger: each tenant's chain in generate_series order.
  let t0 = Date.now();
  await ds.query(
    `INSERT INTO audit_logs (id, occurred_at, request_id, channel, actor_type, actor_id, actor_email, tenant_id, action, module, resource_type, resource_id, method, path, status_code, outcome, ip, user_agent, changes)
     SELECT gen_random_uuid(), now() - ((i::bigint * 7919) % 7776000) * interval '1 second', 'req-' || i, 'http', 'tenant', md5('actor-' || (i % 5000))::uuid, 'user' || (i % 5000) || '@example.com',
            ${tenantIdOf('i % $2')}, (ARRAY['tenantUsers.update', 'tenantUsers.create', 'auth.login.tenant', 'projects.update'])[1 + i % 4], 'iam', 'tenant_user', 'u-' || (i % 977),
            'PATCH', '/api/v1/tenant/users/u-' || (i % 977), 200, CASE WHEN i % 23 = 0 THEN 'failure' ELSE 'success' END, '10.0.' || (i % 250) || '.1', 'Mozilla/5.0 (bench)',
            jsonb_build_object('request', jsonb_build_object('role', 'viewer'), 'after', jsonb_build_object('id', i, 'role', 'viewer'))
       FROM generate_series(1, $1) AS i`,
    [ROWS, TENANTS],
  );
  const insertSeconds = (Date.now() - t0) / 1000;
  await ds.query(`ANALYZE audit_logs`);
  out.bulkInsert = { rows: ROWS, seconds: insertSeconds, rowsPerSecond: Math.round(ROWS / insertSeconds) };

  // 3 (data). The platform chain for the verification bench.
  t0 = Date.now();
  await ds.query(
    `INSERT INTO audit_logs (id, occurred_at, request_id, channel, actor_type, actor_id, actor_email, tenant_id, action, module, method, path, status_code, outcome, ip, user_agent, metadata)
     SELECT gen_random_uuid(), now() - (i % 7776000) * interval '1 second', 'req-p' || i, 'http', 'platform', md5('staff-' || (i % 20))::uuid, 'staff' || (i % 20) || '@example.com',
            NULL, 'staff.update', 'iam', 'PATCH', '/api/v1/admin/staff/s', 200, 'success', '10.1.0.1', 'Mozilla/5.0 (bench)', jsonb_build_object('note', 'n' || i)
       FROM generate_series(1, $1) AS i`,
    [VERIFY_ROWS],
  );
  out.platformInsert = { rows: VERIFY_ROWS, seconds: (Date.now() - t0) / 1000 };
  await ds.query(`ANALYZE audit_logs`);
  const [{ n: totalRows }] = await ds.query(`SELECT count(*)::int AS n FROM audit_logs`);
  out.totalRows = totalRows;

  // 2. The staff query through the real app.
  Object.assign(process.env, {
    DATABASE_URL: URL, REDIS_URL: 'redis://127.0.0.1:6379/11', LOG_LEVEL: 'silent', MIGRATIONS_RUN: 'false', AUTH_RATE_LIMIT_PER_MINUTE: '10000000',
    BOOTSTRAP_OWNER_EMAIL: 'owner@example.com', BOOTSTRAP_OWNER_PASSWORD: 'change-me-owner-password',
  });
  const { AppModule } = await import('../src/app.module');
  const { configureApp } = await import('../src/app.setup');
  const app = await NestFactory.create(AppModule, { logger: false });
  configureApp(app);
  await app.listen(PORT, '127.0.0.1');
  const base = `http://127.0.0.1:${PORT}`;
  try {
    const login = await fetch(`${base}/api/v1/admin/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'owner@example.com', password: 'change-me-owner-password' }) });
    const { accessToken } = (await login.json()) as { accessToken: string };
    const headers = { authorization: `Bearer ${accessToken}` };
    const tenantIds: string[] = (await ds.query(`SELECT DISTINCT tenant_id::text AS id FROM audit_logs WHERE tenant_id IS NOT NULL`)).map((r: { id: string }) => r.id);
    const now = Date.now();
    const randomQuery = () => {
      const tenantId = tenantIds[Math.floor(Math.random() * tenantIds.length)];
      const days = 1 + Math.floor(Math.random() * 30);
      const to = now - Math.floor(Math.random() * (90 - days)) * DAY_MS;
      return { tenantId, from: new Date(to - days * DAY_MS).toISOString(), to: new Date(to).toISOString() };
    };
    const samples: number[] = [];
    let rowsReturned = 0;
    for (let i = 0; i < QUERIES + 30; i++) {
      const q = randomQuery();
      const started = process.hrtime.bigint();
      const res = await fetch(`${base}/api/v1/admin/audit-logs?${new URLSearchParams(q)}`, { headers });
      const body = (await res.json()) as { data: unknown[] };
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (res.status !== 200) throw new Error(`audit-logs answered ${res.status}: ${JSON.stringify(body)}`);
      if (i >= 30) {
        samples.push(ms);
        rowsReturned += body.data.length;
      }
    }
    samples.sort((a, b) => a - b);
    const q = randomQuery();
    const plan: { 'QUERY PLAN': string }[] = await ds.query(
      `EXPLAIN (ANALYZE, BUFFERS) SELECT * FROM audit_logs a WHERE a.tenant_id = $1 AND a.occurred_at >= $2 AND a.occurred_at < $3 ORDER BY a.occurred_at DESC, a.id DESC LIMIT 21`,
      [q.tenantId, q.from, q.to],
    );
    out.query = {
      route: 'GET /api/v1/admin/audit-logs?tenantId&from&to (limit 20)', requests: QUERIES, avgRowsPerPage: Math.round((rowsReturned / QUERIES) * 10) / 10,
      p50Ms: pct(samples, 50), p95Ms: pct(samples, 95), p99Ms: pct(samples, 99), maxMs: pct(samples, 100), targetP95Ms: 50, plan: plan.map((p) => p['QUERY PLAN']),
    };

    // 3. Verification of the platform chain.
    (global as { gc?: () => void }).gc?.();
    const rssBefore = process.memoryUsage().rss;
    let rssPeak = rssBefore;
    const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 50);
    t0 = Date.now();
    const verified = (await (await fetch(`${base}/api/v1/admin/audit-logs/verify`, { headers })).json()) as { checked: number; firstBrokenLink: unknown };
    const verifyMs = Date.now() - t0;
    clearInterval(sampler);
    out.verify = {
      chain: 'platform', checked: verified.checked, firstBrokenLink: verified.firstBrokenLink, wallMs: verifyMs, rowsPerSecond: Math.round((verified.checked / verifyMs) * 1000),
      rssBeforeMb: mb(rssBefore), rssPeakMb: mb(rssPeak), rssGrowthMb: mb(rssPeak - rssBefore),
    };
    const oneTenant = tenantIds[0];
    t0 = Date.now();
    const tenantVerified = (await (await fetch(`${base}/api/v1/admin/audit-logs/verify?tenantId=${oneTenant}`, { headers })).json()) as { checked: number };
    out.verifyTenant = { checked: tenantVerified.checked, wallMs: Date.now() - t0 };
  } finally {
    await app.close();
  }

  // 4. Insert throughput, chain trigger on and off.
  const pool = new Pool({ connectionString: URL, max: 8 });
  const [one] = (await ds.query(`SELECT ${tenantIdOf(1)}::text AS id`)) as { id: string }[];
  const many: string[] = (await ds.query(`SELECT ${tenantIdOf('i')}::text AS id FROM generate_series(0, 999) i`)).map((r: { id: string }) => r.id);
  const fresh = () => randomUUID();
  const freshOne = fresh();
  const freshMany = Array.from({ length: 1000 }, fresh);
  out.insertThroughput = {
    rows: INSERTS, connections: 8, statement: 'one row per INSERT, autocommit',
    chained: {
      oneTenantRowsPerSecond: await insertThroughput(pool, () => one.id, INSERTS, true),
      manyTenantsRowsPerSecond: await insertThroughput(pool, (n) => many[n % many.length], INSERTS, true),
    },
  };
  await ds.query(`CREATE SEQUENCE bench_seq START 100000000`);
  await ds.query(`ALTER TABLE audit_logs DISABLE TRIGGER audit_logs_chain_link`);
  await ds.query(`ALTER TABLE audit_logs DISABLE TRIGGER audit_logs_chain_flush`);
  (out.insertThroughput as Record<string, unknown>).unchained = {
    oneTenantRowsPerSecond: await insertThroughput(pool, () => freshOne, INSERTS, false),
    manyTenantsRowsPerSecond: await insertThroughput(pool, (n) => freshMany[n % freshMany.length], INSERTS, false),
  };
  await ds.query(`ALTER TABLE audit_logs ENABLE TRIGGER audit_logs_chain_link`);
  await ds.query(`ALTER TABLE audit_logs ENABLE TRIGGER audit_logs_chain_flush`);
  await pool.end();
  await ds.destroy();
  console.log(JSON.stringify(out, null, 2));
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
