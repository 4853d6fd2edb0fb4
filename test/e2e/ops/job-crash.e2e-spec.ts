import { ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { Jobs, JOBS_QUEUE } from '../../../src/common/jobs';
import { createTestApp, TestApp } from '../../support/app';
import { insertPlan, provisionTenant, STANDARD_PLAN_LIMITS, waitFor } from '../../support/fixtures';
import { TEST_ENV } from '../../support/test-env';

const DAY_MS = 86_400_000;
const TENANTS = 150;

/** Boots test/support/webhook-worker.ts (the whole AppModule, its Bull workers included) as its own process. */
function startWorker(): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', '@swc-node/register', 'test/support/webhook-worker.ts'], { env: { ...process.env, ...TEST_ENV }, stdio: ['ignore', 'pipe', 'inherit'] });
    child.stdout!.on('data', (d: Buffer) => d.toString().includes('ready') && resolve(child));
    child.on('exit', (code, signal) => reject(new Error(`worker exited early: ${code ?? signal}`)));
  });
}

/**
 * kill -9 of the worker in the middle of a bulk job: the job is never left running — the sweep
 * re-queues it once its lease has run out, another instance resumes after the last recorded tenant,
 * and every tenant is changed exactly once (its change and its item commit together).
 */
describe('a worker killed mid-job', () => {
  let t: TestApp | undefined;
  let worker: ChildProcess | undefined;
  afterAll(async () => {
    worker?.kill('SIGKILL');
    await t?.close();
  });

  it('the bulk job resumes on another instance and changes each tenant exactly once', async () => {
    const setup = await createTestApp();
    const plan = await insertPlan(setup, { limits: STANDARD_PLAN_LIMITS });
    const tenants = [];
    for (let i = 0; i < TENANTS; i += 1) tenants.push(await provisionTenant(setup, plan.code, { trialDays: 10 }));
    const ids = tenants.map((x) => x.id);
    const before = new Map<string, number>((await setup.db.query(`SELECT tenant_id, trial_ends_at FROM subscriptions WHERE kind = 'plan' AND tenant_id = ANY($1)`, [ids])).map((r: { tenant_id: string; trial_ends_at: Date }) => [r.tenant_id, r.trial_ends_at.getTime()]));
    await setup.close(); // only the child works the queues while the job starts

    worker = await startWorker();
    // The job as POST /admin/tenants/bulk/extend-trial records and queues it (no HTTP instance is up).
    const { default: Bull } = await import('bull');
    const bull = new Bull(JOBS_QUEUE, TEST_ENV.REDIS_URL, { prefix: 'cp' });
    const { DataSource } = await import('typeorm');
    const db = new DataSource({ type: 'postgres', url: TEST_ENV.DATABASE_URL });
    await db.initialize();
    const jobId = randomUUID();
    try {
      await db.query(
        `INSERT INTO jobs (id, type, requested_by, params, progress_total) VALUES ($1, 'tenants.bulk_extend_trial', '{"type": "system", "id": null, "email": null, "role": null}', $2, $3)`,
        [jobId, JSON.stringify({ action: 'extend_trial', tenantIds: ids, reason: 'crash test', dryRun: false, days: 3 }), TENANTS],
      );
      await bull.add('run', { jobId }, { jobId, attempts: 1, removeOnComplete: true, removeOnFail: true });
      const progress = async () => (await db.query(`SELECT progress_done FROM jobs WHERE id = $1`, [jobId]))[0].progress_done as number;
      await waitFor(async () => (await progress()) >= 5, 20_000);
      worker.kill('SIGKILL');
      worker = undefined;
    } finally {
      await bull.close();
      await db.destroy();
    }
    t = await createTestApp();
    const row = async () => (await t!.db.query(`SELECT status, attempts, progress_done, worker_id FROM jobs WHERE id = $1`, [jobId]))[0];
    const stuck = await row();
    expect(stuck).toMatchObject({ status: 'running', attempts: 1 });
    expect(stuck.progress_done).toBeLessThan(TENANTS);

    // Its lease runs out (60 s; moved forward here instead of waiting), and the sweep (every 30 s)
    // hands the job to a live instance, which resumes it.
    await t.db.query(`UPDATE jobs SET locked_until = now() - interval '1 second' WHERE id = $1`, [jobId]);
    await t.app.get(Jobs).sweep();
    await waitFor(async () => (await row()).status === 'succeeded', 30_000);
    expect(await row()).toMatchObject({ status: 'succeeded', attempts: 2, progress_done: TENANTS });
    const items = await t.db.query(`SELECT outcome, count(*)::int AS n FROM job_items WHERE job_id = $1 GROUP BY outcome`, [jobId]);
    expect(items).toEqual([{ outcome: 'ok', n: TENANTS }]);
    const after = await t.db.query(`SELECT tenant_id, trial_ends_at FROM subscriptions WHERE kind = 'plan' AND tenant_id = ANY($1)`, [ids]);
    for (const r of after as { tenant_id: string; trial_ends_at: Date }[]) expect(r.trial_ends_at.getTime() - before.get(r.tenant_id)!).toBe(3 * DAY_MS);
    expect((await t.db.query(`SELECT count(*)::int AS n FROM audit_logs WHERE action = 'tenants.bulk_extend_trial' AND tenant_id = ANY($1)`, [ids]))[0].n).toBe(TENANTS);
    // These tenants stay in the worker's shared database: cancel their subscriptions so that later
    // files' billing runs (with clocks set years ahead) do not renew 150 trials.
    await t.db.query(`UPDATE subscriptions SET status = 'cancelled', cancelled_at = now() WHERE tenant_id = ANY($1)`, [ids]);
    await t.db.query(`UPDATE tenant_quotas SET billing_status = 'cancelled' WHERE tenant_id = ANY($1)`, [ids]);
  }, 120_000);
});
