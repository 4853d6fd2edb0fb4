/**
 * Operations benches, in the service's own process (AppModule booted here, Redis db 12):
 *  1. export of BENCH_AUDIT_ROWS (default 1,000,000) audit rows as CSV through the real export job
 *     (database cursor → csv-stringify → file): wall time, rows/s, file size, and RSS growth
 *     (sampled every 50 ms) — target ≤ 100 MB growth, i.e. bounded memory;
 *  2. a bulk action (extend-trial) over BENCH_TENANTS (default 1,000) tenants through the real job
 *     (each tenant its own transaction, item row and audit row): wall time and tenants/s, once as a
 *     dry run and once for real.
 *
 * Run: `node --expose-gc -r @swc-node/register bench/ops.ts` (PostgreSQL + Redis up). It
 * (re)creates `control_plane_bench_hot_ops`. Prints JSON; results go to bench/results/.
 */
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { recreateDatabase, seedTenants } from './tenant-list';

const AUDIT_ROWS = Number(process.env.BENCH_AUDIT_ROWS ?? 1_000_000);
const TENANTS = Number(process.env.BENCH_TENANTS ?? 1000);
const DB = 'control_plane_bench_hot_ops';

const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

async function main(): Promise<void> {
  const ds = await recreateDatabase(DB);
  await seedTenants(ds, TENANTS);
  const [{ id: someTenant }] = await ds.query(`SELECT id FROM tenants ORDER BY created_at LIMIT 1`);
  // 1,000,000 audit rows over 90 days, half of them of one tenant (the export's filter), in one statement.
  await ds.query(
    `INSERT INTO audit_logs (id, occurred_at, actor_type, actor_email, tenant_id, action, module, method, path, status_code, outcome, channel, metadata)
     SELECT gen_random_uuid(), now() - (i % 7776000) * interval '1 second', 'tenant', 'user' || (i % 500) || '@example.com',
            CASE WHEN i % 2 = 0 THEN $2::uuid ELSE NULL END, 'tenantUsers.update', 'iam', 'PATCH', '/api/v1/tenant/users/' || i, 200, 'success', 'http',
            jsonb_build_object('note', '=SUM(A1:A9) ' || i)
     FROM generate_series(1, $1) AS i`,
    [AUDIT_ROWS, someTenant],
  );
  await ds.query(`ANALYZE audit_logs`);
  const [owner] = await ds.query(`SELECT count(*)::int AS n FROM staff_members`);
  Object.assign(process.env, { DATABASE_URL: `postgres://postgres@127.0.0.1:5432/${DB}`, REDIS_URL: 'redis://127.0.0.1:6379/12', LOG_LEVEL: 'silent', MIGRATIONS_RUN: 'false', EXPORTS_DIR: '/tmp/cp-bench-exports' });
  const { AppModule } = await import('../src/app.module');
  const { UnitOfWork } = await import('../src/common/events');
  const { ExportsService } = await import('../src/modules/platform/exports/exports.service');
  const { TenantBulkActions } = await import('../src/modules/tenants/bulk/tenant-bulk-actions.service');
  const app = await NestFactory.create(AppModule, { logger: false });
  await app.init();
  const jobStatus = async (jobId: string) => (await ds.query(`SELECT status, result, started_at, finished_at FROM jobs WHERE id = $1`, [jobId]))[0];
  const waitJob = async (jobId: string) => {
    for (;;) {
      const row = await jobStatus(jobId);
      if (['succeeded', 'failed', 'cancelled'].includes(row.status)) return row;
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const out: Record<string, unknown> = { node: process.version, staff: owner.n };
  try {
    (global as { gc?: () => void }).gc?.();
    const rssBefore = process.memoryUsage().rss;
    let rssPeak = rssBefore;
    const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 50);
    const started = Date.now();
    const exp = await app.get(UnitOfWork).run(() => app.get(ExportsService).request({ kind: 'platform' }, 'audit_logs', undefined));
    const done = await waitJob(exp.job.id);
    const ms = Date.now() - started;
    clearInterval(sampler);
    out.export = {
      rows: done.result?.rows,
      status: done.status,
      wallMs: ms,
      rowsPerSecond: Math.round(((done.result?.rows as number) / ms) * 1000),
      fileMb: mb(done.result?.bytes as number),
      rssBeforeMb: mb(rssBefore),
      rssPeakMb: mb(rssPeak),
      rssGrowthMb: mb(rssPeak - rssBefore),
    };

    const tenantIds: string[] = (await ds.query(`SELECT t.id FROM tenants t JOIN tenant_quotas q ON q.tenant_id = t.id ORDER BY t.created_at LIMIT $1`, [TENANTS])).map((r: { id: string }) => r.id);
    for (const dryRun of [true, false]) {
      const t0 = Date.now();
      const job = await app.get(UnitOfWork).run(() => app.get(TenantBulkActions).request('extend_trial', Object.assign({ tenantIds, days: 7, reason: 'bench', dryRun })));
      const row = await waitJob(job.id);
      const wallMs = Date.now() - t0;
      out[dryRun ? 'bulkDryRun' : 'bulk'] = { tenants: tenantIds.length, status: row.status, outcomes: row.result?.outcomes, wallMs, tenantsPerSecond: Math.round((tenantIds.length / wallMs) * 1000) };
    }
  } finally {
    await app.close();
    await ds.destroy();
  }
  console.log(JSON.stringify(out, null, 2));
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
