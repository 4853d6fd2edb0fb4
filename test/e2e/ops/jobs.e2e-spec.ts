import { Injectable, Module, OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { UnitOfWork } from '../../../src/common/events';
import { JobContext, Jobs } from '../../../src/common/jobs';
import { createTestApp, loginStaff, TestApp } from '../../support/app';
import { waitFor } from '../../support/fixtures';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

/** Gates of the test job: item `i` waits until `open` is at least i (the test steps the job). */
const gate = { open: Number.POSITIVE_INFINITY, runs: 0 };

/** A test job type: `items` items, each recorded, checkpointed, and held by {@link gate}. */
@Injectable()
class CountingJob implements OnModuleInit {
  constructor(private readonly jobs: Jobs, private readonly uow: UnitOfWork) {}

  onModuleInit(): void {
    this.jobs.register<{ items: number }>('test.counting', { run: (ctx) => this.run(ctx) });
    this.jobs.register('test.broken', {
      run: async () => {
        throw new Error('the downstream system is down');
      },
    });
  }

  private async run(ctx: JobContext<{ items: number }>): Promise<{ counted: number }> {
    gate.runs += 1;
    const recorded = await ctx.recordedItems();
    let done = recorded.size;
    await ctx.checkpoint(done, ctx.params.items);
    for (let i = 0; i < ctx.params.items; i += 1) {
      if (recorded.has(String(i))) continue;
      while (gate.open < i) await new Promise((r) => setTimeout(r, 20));
      await this.uow.run(() => ctx.recordItem({ seq: i, key: String(i), outcome: 'ok' }));
      done += 1;
      await ctx.checkpoint(done);
    }
    return { counted: done };
  }
}

@Module({ providers: [CountingJob] })
class CountingJobModule {}

/**
 * The job mechanism: a durable record per long-running operation, progress, cancel at the next
 * checkpoint, retry that resumes, and a sweep that never leaves a job running after its worker died.
 */
describe('jobs (records, progress, cancel, retry, crash recovery)', () => {
  let t: TestApp;
  let owner: string;
  beforeAll(async () => {
    t = await createTestApp({}, [CountingJobModule]);
    owner = (await loginStaff(t)).accessToken;
  });
  afterAll(() => t?.close());

  const call = async (path: string, method = 'GET', body?: unknown): Promise<{ status: number; body: Json }> => {
    const res = await fetch(`${t.baseUrl}${path}`, { method, headers: { Authorization: `Bearer ${owner}`, 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: res.status, body: await res.json() };
  };
  const enqueue = (type: string, params: Record<string, unknown>, total?: number) => t.app.get(UnitOfWork).run(() => t.app.get(Jobs).enqueue({ type, tenantId: null, params, total }));
  const job = async (id: string) => (await call(`/api/v1/admin/jobs/${id}`)).body;
  const row = async (id: string) => (await t.db.query(`SELECT status, attempts, progress_done, locked_until, error FROM jobs WHERE id = $1`, [id]))[0];

  it('runs a job to 100 % with its progress checkpointed, listed and filtered', async () => {
    gate.open = 1;
    const record = await enqueue('test.counting', { items: 4 });
    await waitFor(async () => (await row(record.id)).progress_done === 2);
    expect(await job(record.id)).toMatchObject({ status: 'running', progress: { done: 2, total: 4, percent: 50 }, attempts: 1 });
    gate.open = Number.POSITIVE_INFINITY;
    await waitFor(async () => (await row(record.id)).status === 'succeeded');
    expect(await job(record.id)).toMatchObject({ status: 'succeeded', progress: { done: 4, total: 4, percent: 100 }, result: { counted: 4 }, error: null, finishedAt: expect.any(String) });
    const listed = (await call('/api/v1/admin/jobs?type=test.counting&status=succeeded')).body;
    expect(listed.data.map((j: Json) => j.id)).toContain(record.id);
    expect((await call('/api/v1/admin/jobs?status=bogus')).status).toBe(400);
    expect((await call(`/api/v1/admin/jobs/${randomUUID()}`)).body.code).toBe('job_not_found');
  });

  it('cancel stops a running job at its next checkpoint, keeps what it did; retry resumes after the recorded items', async () => {
    gate.open = 1;
    const record = await enqueue('test.counting', { items: 5 });
    await waitFor(async () => (await row(record.id)).progress_done === 2);
    const cancel = await call('/api/v1/admin/jobs/cancel', 'POST', { jobIds: [record.id, randomUUID()] });
    expect(cancel.status).toBe(200);
    expect(cancel.body.data).toEqual([{ jobId: record.id, outcome: 'cancelling' }, { jobId: expect.any(String), outcome: 'not_found' }]);
    gate.open = 2; // lets the third item through; the checkpoint after it stops the run
    await waitFor(async () => (await row(record.id)).status === 'cancelled');
    const cancelled = await job(record.id);
    expect(cancelled).toMatchObject({ status: 'cancelled', error: { code: 'job_cancelled' }, progress: { done: 3, total: 5 } });
    expect((await call(`/api/v1/admin/jobs/${record.id}/items`)).body.meta.total).toBe(3);

    gate.open = Number.POSITIVE_INFINITY;
    const runsBefore = gate.runs;
    const retry = await call('/api/v1/admin/jobs/retry', 'POST', { jobIds: [record.id] });
    expect(retry.body.data).toEqual([{ jobId: record.id, outcome: 'queued' }]);
    await waitFor(async () => (await row(record.id)).status === 'succeeded');
    expect(gate.runs).toBe(runsBefore + 1);
    expect(await job(record.id)).toMatchObject({ status: 'succeeded', attempts: 2, progress: { done: 5, total: 5 }, result: { counted: 5 } });
    // The resumed run did not do the first three items again.
    expect((await t.db.query(`SELECT count(*)::int AS n FROM job_items WHERE job_id = $1`, [record.id]))[0].n).toBe(5);

    // Finished jobs are skipped by cancel and retry; a queued job is cancelled at once.
    expect((await call('/api/v1/admin/jobs/retry', 'POST', { jobIds: [record.id] })).body.data).toEqual([{ jobId: record.id, outcome: 'skipped', reason: 'the job is succeeded' }]);
    expect((await call('/api/v1/admin/jobs/cancel', 'POST', { jobIds: [] })).status).toBe(400);
  });

  it('a handler error fails the job with its message; the failed job can be retried', async () => {
    const record = await enqueue('test.broken', {});
    await waitFor(async () => (await row(record.id)).status === 'failed');
    expect(await job(record.id)).toMatchObject({ status: 'failed', error: { code: 'job_failed', message: 'the downstream system is down' }, attempts: 1 });
    expect((await call('/api/v1/admin/jobs/retry', 'POST', { jobIds: [record.id] })).body.data[0].outcome).toBe('queued');
    await waitFor(async () => (await row(record.id)).status === 'failed' && (await row(record.id)).attempts === 2);
  });

  it('a job whose worker died is never left running: the sweep re-queues it (it resumes) or fails it when no attempt is left', async () => {
    const jobs = t.app.get(Jobs);
    // A worker took it, recorded two items and died: the lease expired.
    const id = randomUUID();
    await t.db.query(
      `INSERT INTO jobs (id, type, requested_by, status, params, progress_done, progress_total, attempts, max_attempts, locked_until, worker_id, started_at)
       VALUES ($1, 'test.counting', '{"type": "system", "id": null, "email": null, "role": null}', 'running', '{"items": 3}', 2, 3, 1, 3, now() - interval '1 second', 'dead-host:1', now())`,
      [id],
    );
    await t.db.query(`INSERT INTO job_items (id, job_id, seq, item_key, outcome) VALUES ($1, $3, 0, '0', 'ok'), ($2, $3, 1, '1', 'ok')`, [randomUUID(), randomUUID(), id]);
    gate.open = Number.POSITIVE_INFINITY;
    expect(await jobs.sweep()).toBeGreaterThanOrEqual(1);
    await waitFor(async () => (await row(id)).status === 'succeeded');
    expect(await row(id)).toMatchObject({ status: 'succeeded', attempts: 2, progress_done: 3 });

    // Out of attempts: failed with the mechanism's code, not stuck.
    const spent = randomUUID();
    await t.db.query(
      `INSERT INTO jobs (id, type, requested_by, status, params, attempts, max_attempts, locked_until, worker_id)
       VALUES ($1, 'test.counting', '{"type": "system", "id": null, "email": null, "role": null}', 'running', '{"items": 3}', 3, 3, now() - interval '1 second', 'dead-host:1')`,
      [spent],
    );
    await jobs.sweep();
    expect(await row(spent)).toMatchObject({ status: 'failed', error: { code: 'job_worker_lost', message: expect.stringContaining('3 time(s)') }, locked_until: null });

    // Still leased: left alone.
    const leased = randomUUID();
    await t.db.query(
      `INSERT INTO jobs (id, type, requested_by, status, params, attempts, locked_until, worker_id) VALUES ($1, 'test.counting', '{"type": "system", "id": null, "email": null, "role": null}', 'running', '{"items": 1}', 1, now() + interval '1 minute', 'busy-host:1')`,
      [leased],
    );
    await jobs.sweep();
    expect((await row(leased)).status).toBe('running');
    await t.db.query(`DELETE FROM jobs WHERE id = $1`, [leased]);
  });

  it('lists every queue’s counts and opens bull-board at /admin/queues for owners and admins only', async () => {
    const queues = (await call('/api/v1/admin/jobs/queues')).body.data as Json[];
    expect(queues.map((q) => q.name)).toEqual(expect.arrayContaining(['jobs', 'outbox', 'webhooks']));
    expect(queues.find((q) => q.name === 'jobs')).toMatchObject({ waiting: expect.any(Number), running: expect.any(Number), delayed: expect.any(Number), failed: expect.any(Number) });

    expect((await fetch(`${t.baseUrl}/admin/queues`)).status).toBe(401);
    expect((await fetch(`${t.baseUrl}/admin/queues`, { headers: { Cookie: 'cp_queue_board=forged.9999999999.AAAA' } })).status).toBe(401);
    const { createStaff } = await import('../../support/app');
    const support = await createStaff(t, owner, 'support');
    const supportToken = (await loginStaff(t, support.email, support.password)).accessToken;
    expect((await fetch(`${t.baseUrl}/api/v1/admin/jobs/board-session`, { method: 'POST', headers: { Authorization: `Bearer ${supportToken}` } })).status).toBe(403);

    const session = await fetch(`${t.baseUrl}/api/v1/admin/jobs/board-session`, { method: 'POST', headers: { Authorization: `Bearer ${owner}` } });
    expect(session.status).toBe(204);
    const cookie = session.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^cp_queue_board=[^;]+; Path=\/admin\/queues; Expires=[^;]+; HttpOnly; SameSite=Strict$/);
    const value = cookie.split(';')[0]!;
    const page = await fetch(`${t.baseUrl}/admin/queues`, { headers: { Cookie: value } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="root">');
    const api = await fetch(`${t.baseUrl}/admin/queues/api/queues`, { headers: { Cookie: value } });
    expect(api.status).toBe(200);
    expect(((await api.json()) as Json).queues.map((q: Json) => q.name)).toEqual(expect.arrayContaining(['jobs', 'outbox']));
    expect((await t.db.query(`SELECT count(*)::int AS n FROM audit_logs WHERE action = 'job.boardSession' AND actor_email = 'owner@example.com'`))[0].n).toBeGreaterThanOrEqual(1);
  });
});
