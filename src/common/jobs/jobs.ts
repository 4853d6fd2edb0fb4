import { InjectQueue } from '@nestjs/bull';
import { Injectable, Logger } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import type { Queue } from 'bull';
import { ClsService } from 'nestjs-cls';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { TenantScopedRepository } from '../../database/tenant-scoped.repository';
import { hostname } from 'node:os';
import type { JsonObject } from '../../database/json';
import { Actor, RequestContext, SYSTEM_ACTOR } from '../context/request-context';
import { AppError } from '../errors';
import { UnitOfWork } from '../events';
import { JobError, JobItemOutcome, JobRecord, JobRequester } from './job-record.entity';

/** Bull queue that carries "run job <id> now"; the Bull job id is the record id. */
export const JOBS_QUEUE = 'jobs';
/** Bull job name of a run. */
export const RUN_JOB = 'run';
/** Seconds a running worker's lease lasts; renewed at every checkpoint and every third of it. */
export const JOB_LEASE_SECONDS = 60;

/** Codes stored in `jobs.error` by the mechanism itself (a handler's own AppError code is stored as is). */
export const JOB_ERROR_CODES = {
  cancelled: 'job_cancelled',
  failed: 'job_failed',
  workerLost: 'job_worker_lost',
  unknownType: 'job_type_unknown',
} as const;

/** Thrown by {@link JobContext.checkpoint} once a cancel was requested: the run stops there. */
export class JobCancelledError extends Error {
  constructor(readonly jobId: string) {
    super(`job ${jobId} was cancelled`);
  }
}

/** What a handler gets for one run of a job. */
export interface JobContext<P = JsonObject> {
  /** The record as claimed for this run (attempts already counted). */
  readonly job: JobRecord;
  readonly params: P;
  /**
   * Records progress (`done` of `total` items) and renews the lease; call it between items.
   * @throws JobCancelledError when a cancel was requested: let it propagate.
   */
  checkpoint(done: number, total?: number | null): Promise<void>;
  /** Item keys already recorded by an earlier run of this job (a resumed run skips them). */
  recordedItems(): Promise<Set<string>>;
  /**
   * Records one item's outcome in the current transaction (so it commits with the item's change);
   * a second record of the same key is ignored.
   */
  recordItem(item: { seq: number; key: string; outcome: JobItemOutcome; code?: string | null; message?: string | null; detail?: JsonObject | null }): Promise<void>;
}

/** Runs one job type. Return the job's result (a small JSON summary; items go to recordItem). */
export interface JobHandler<P = JsonObject> {
  run(ctx: JobContext<P>): Promise<JsonObject>;
}

/** What {@link Jobs.enqueue} needs. */
export interface JobSpec {
  /** `<context>.<operation>`; a handler must be registered for it. */
  type: string;
  tenantId: string | null;
  params: JsonObject;
  /** Items in all, when known up front. */
  total?: number | null;
  maxAttempts?: number;
}

/** Per-id outcome of a cancel or retry request. */
export interface JobCommandResult {
  jobId: string;
  outcome: 'cancelled' | 'cancelling' | 'queued' | 'skipped' | 'not_found';
  /** Why it was skipped (its status). */
  reason?: string;
}

const WORKER_ID = `${hostname()}:${process.pid}`;

/**
 * The job mechanism (CONVENTIONS §12): records, the handler registry, runs and their leases,
 * cancel/retry, and the sweep that heals what a crash left behind. Contexts register a
 * {@link JobHandler} per type at boot and call {@link enqueue} inside their unit of work; the
 * Bull job is added after commit, so a rolled-back request leaves no job.
 */
@Injectable()
export class Jobs {
  private readonly logger = new Logger(Jobs.name);
  private readonly handlers = new Map<string, JobHandler<never>>();

  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly uow: UnitOfWork,
    private readonly cls: ClsService,
    private readonly context: RequestContext,
    @InjectQueue(JOBS_QUEUE) private readonly queue: Queue,
  ) {}

  /** Registers the handler of `type` (at boot). @throws Error on a duplicate type. */
  register<P>(type: string, handler: JobHandler<P>): void {
    if (this.handlers.has(type)) throw new Error(`job type ${type} has two handlers`);
    this.handlers.set(type, handler as JobHandler<never>);
  }

  /** Registered job types. */
  types(): string[] {
    return [...this.handlers.keys()].sort();
  }

  /**
   * Creates a queued job record in the current transaction, requested by the current actor, and
   * queues its run once the transaction commits. @throws Error for an unregistered type (a bug).
   */
  async enqueue(spec: JobSpec): Promise<JobRecord> {
    if (!this.handlers.has(spec.type)) throw new Error(`no handler registered for job type ${spec.type}`);
    const repo = this.txHost.tx.getRepository(JobRecord);
    const record = repo.create({
      id: randomUUID(),
      type: spec.type,
      tenantId: spec.tenantId,
      requestedBy: requesterOf(this.context.actor),
      status: 'queued',
      params: spec.params,
      progressDone: 0,
      progressTotal: spec.total ?? null,
      maxAttempts: spec.maxAttempts ?? 3,
    });
    await repo.insert(record);
    await this.uow.afterCommit(() => this.queueRun(record.id));
    return (await repo.findOneByOrFail({ id: record.id })) as JobRecord;
  }

  /**
   * Cancels jobs: a queued one at once, a running one at its next checkpoint (`cancelling`);
   * a finished one is skipped. `tenantId` limits the ids to one tenant's jobs (tenant routes).
   */
  async cancel(jobIds: string[], tenantId?: string): Promise<JobCommandResult[]> {
    const out: JobCommandResult[] = [];
    for (const jobId of jobIds) {
      const [rows]: [{ status: string; was: string }[], number] = await this.txHost.tx.query(
        `UPDATE jobs j SET
           status = CASE WHEN j.status = 'queued' THEN 'cancelled' ELSE j.status END,
           finished_at = CASE WHEN j.status = 'queued' THEN now() ELSE j.finished_at END,
           error = CASE WHEN j.status = 'queued' THEN jsonb_build_object('code', $3::text, 'message', 'Cancelled before it started.') ELSE j.error END,
           cancel_requested_at = coalesce(j.cancel_requested_at, now()),
           updated_at = now()
         FROM (SELECT id, status AS was FROM jobs WHERE id = $1 AND ($2::uuid IS NULL OR tenant_id = $2) FOR UPDATE) old
         WHERE j.id = old.id AND j.status IN ('queued', 'running')
         RETURNING j.status, old.was`,
        [jobId, tenantId ?? null, JOB_ERROR_CODES.cancelled],
      );
      const row = rows[0];
      if (row) {
        out.push({ jobId, outcome: row.was === 'queued' ? 'cancelled' : 'cancelling' });
        if (row.was === 'queued') await this.uow.afterCommit(() => this.removeRun(jobId));
        continue;
      }
      const status = await this.statusOf(jobId, tenantId);
      out.push(status ? { jobId, outcome: 'skipped', reason: `the job is ${status}` } : { jobId, outcome: 'not_found' });
    }
    return out;
  }

  /**
   * Queues failed or cancelled jobs again; a resumed run skips the items an earlier run recorded.
   * Gives each retried job a fresh allowance of attempts. Others are skipped.
   */
  async retry(jobIds: string[], tenantId?: string): Promise<JobCommandResult[]> {
    const out: JobCommandResult[] = [];
    for (const jobId of jobIds) {
      const [rows]: [{ id: string }[], number] = await this.txHost.tx.query(
        `UPDATE jobs SET status = 'queued', error = NULL, cancel_requested_at = NULL, finished_at = NULL, locked_until = NULL, worker_id = NULL,
                         max_attempts = attempts + 3, updated_at = now()
         WHERE id = $1 AND ($2::uuid IS NULL OR tenant_id = $2) AND status IN ('failed', 'cancelled')
         RETURNING id`,
        [jobId, tenantId ?? null],
      );
      if (rows.length) {
        await this.uow.afterCommit(() => this.queueRun(jobId, true));
        out.push({ jobId, outcome: 'queued' });
        continue;
      }
      const status = await this.statusOf(jobId, tenantId);
      out.push(status ? { jobId, outcome: 'skipped', reason: `the job is ${status}` } : { jobId, outcome: 'not_found' });
    }
    return out;
  }

  /**
   * One run of a job (the Bull processor calls it). Claims the record — queued, or running with an
   * expired lease (its worker died) — runs its handler as the requester, and records the outcome.
   * Returns the final status, or null when there was nothing to run (finished, or another worker
   * holds it).
   */
  async execute(jobId: string): Promise<string | null> {
    const [claimed]: [JobRecord[], number] = await this.txHost.tx.query(
      `UPDATE jobs SET status = 'running', attempts = attempts + 1, locked_until = now() + make_interval(secs => $2), worker_id = $3,
                       started_at = coalesce(started_at, now()), updated_at = now()
       WHERE id = $1 AND (status = 'queued' OR (status = 'running' AND locked_until < now())) AND cancel_requested_at IS NULL
       RETURNING id`,
      [jobId, JOB_LEASE_SECONDS, WORKER_ID],
    );
    if (!claimed.length) return null;
    const job = await this.txHost.tx.getRepository(JobRecord).findOneByOrFail({ id: jobId });
    if (job.attempts > job.maxAttempts) {
      await this.finish(job.id, 'failed', null, { code: JOB_ERROR_CODES.workerLost, message: `Stopped after ${job.maxAttempts} attempts: the worker running it stopped each time.` });
      return 'failed';
    }
    const handler = this.handlers.get(job.type);
    if (!handler) {
      await this.finish(job.id, 'failed', null, { code: JOB_ERROR_CODES.unknownType, message: `No handler for job type ${job.type} on this instance.` });
      return 'failed';
    }
    const heartbeat = setInterval(() => {
      void this.renewLease(job.id).catch((err: Error) => this.logger.warn(`lease renewal of job ${job.id} failed: ${err.message}`));
    }, (JOB_LEASE_SECONDS * 1000) / 3);
    heartbeat.unref();
    try {
      const result = await this.cls.run(async () => {
        this.context.setActor(actorOf(job));
        return handler.run(this.contextFor(job) as never);
      });
      return (await this.finish(job.id, 'succeeded', result, null)) ? 'succeeded' : null;
    } catch (err) {
      if (err instanceof JobCancelledError) {
        await this.finish(job.id, 'cancelled', null, { code: JOB_ERROR_CODES.cancelled, message: 'Cancelled while running; the items done before stay done.' });
        return 'cancelled';
      }
      const error: JobError =
        err instanceof AppError ? { code: err.code, message: err.detail } : { code: JOB_ERROR_CODES.failed, message: err instanceof Error ? err.message.slice(0, 2000) : String(err) };
      if (!(err instanceof AppError)) this.logger.error(`job ${job.id} (${job.type}) failed: ${error.message}`);
      await this.finish(job.id, 'failed', null, error);
      return 'failed';
    } finally {
      clearInterval(heartbeat);
    }
  }

  /**
   * Heals what crashes leave behind (once per cluster, every 30 s): a running job whose lease
   * expired goes back to queued (or fails once its attempts are spent), and a queued job whose run
   * was never queued (a crash between commit and enqueue) is queued. Returns how many it touched.
   */
  async sweep(): Promise<number> {
    const [expired]: [{ id: string; status: string }[], number] = await this.txHost.tx.query(
      `UPDATE jobs SET
         status = CASE WHEN cancel_requested_at IS NOT NULL THEN 'cancelled' WHEN attempts >= max_attempts THEN 'failed' ELSE 'queued' END,
         error = CASE WHEN cancel_requested_at IS NOT NULL THEN jsonb_build_object('code', $2::text, 'message', 'Cancelled; its worker stopped before the next checkpoint.')
                      WHEN attempts >= max_attempts
                      THEN jsonb_build_object('code', $1::text, 'message', 'The worker running it stopped ' || attempts || ' time(s); no attempt is left.')
                      ELSE error END,
         finished_at = CASE WHEN cancel_requested_at IS NOT NULL OR attempts >= max_attempts THEN now() ELSE NULL END,
         locked_until = NULL, worker_id = NULL, updated_at = now()
       WHERE status = 'running' AND locked_until < now()
       RETURNING id, status`,
      [JOB_ERROR_CODES.workerLost, JOB_ERROR_CODES.cancelled],
    );
    const stale: { id: string }[] = await this.txHost.tx.query(
      `SELECT id FROM jobs WHERE status = 'queued' AND updated_at < now() - interval '60 seconds' ORDER BY created_at LIMIT 500`,
    );
    const requeue = [...new Set([...expired.filter((r) => r.status === 'queued').map((r) => r.id), ...stale.map((r) => r.id)])];
    for (const id of requeue) await this.queueRun(id, true);
    if (expired.length) this.logger.warn(`jobs sweep: ${expired.length} job(s) lost their worker`);
    return expired.length + stale.length;
  }

  private contextFor(job: JobRecord): JobContext {
    return {
      job,
      params: job.params,
      checkpoint: async (done, total) => {
        const [rows]: [{ cancel_requested_at: Date | null }[], number] = await this.txHost.tx.query(
          `UPDATE jobs SET progress_done = $2, progress_total = coalesce($3, progress_total), locked_until = now() + make_interval(secs => $4), updated_at = now()
           WHERE id = $1 AND status = 'running' RETURNING cancel_requested_at`,
          [job.id, done, total ?? null, JOB_LEASE_SECONDS],
        );
        if (!rows.length || rows[0]!.cancel_requested_at) throw new JobCancelledError(job.id);
      },
      recordedItems: async () => {
        const rows: { item_key: string }[] = await this.txHost.tx.query(`SELECT item_key FROM job_items WHERE job_id = $1`, [job.id]);
        return new Set(rows.map((r) => r.item_key));
      },
      recordItem: async (item) => {
        await this.txHost.tx.query(
          `INSERT INTO job_items (id, job_id, seq, item_key, outcome, code, message, detail) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (job_id, item_key) DO NOTHING`,
          [randomUUID(), job.id, item.seq, item.key, item.outcome, item.code ?? null, item.message ?? null, item.detail ? JSON.stringify(item.detail) : null],
        );
      },
    };
  }

  private async renewLease(jobId: string): Promise<void> {
    await this.txHost.tx.query(`UPDATE jobs SET locked_until = now() + make_interval(secs => $2) WHERE id = $1 AND status = 'running' AND worker_id = $3`, [jobId, JOB_LEASE_SECONDS, WORKER_ID]);
  }

  /** Records the end of this worker's run; false when the run had lost its lease to another worker. */
  private async finish(jobId: string, status: 'succeeded' | 'failed' | 'cancelled', result: JsonObject | null, error: JobError | null): Promise<boolean> {
    const [rows]: [unknown[], number] = await this.txHost.tx.query(
      `UPDATE jobs SET status = $2, result = $3, error = $4, finished_at = now(), locked_until = NULL,
                       progress_done = CASE WHEN $2 = 'succeeded' AND progress_total IS NOT NULL THEN progress_total ELSE progress_done END, updated_at = now()
       WHERE id = $1 AND status = 'running' AND worker_id = $5 RETURNING id`,
      [jobId, status, result === null ? null : JSON.stringify(result), error === null ? null : JSON.stringify(error), WORKER_ID],
    );
    if (!rows.length) this.logger.warn(`job ${jobId}: its lease passed to another worker before this run ended; its outcome (${status}) is not recorded`);
    return rows.length > 0;
  }

  private async statusOf(jobId: string, tenantId: string | undefined): Promise<string | null> {
    const rows: { status: string }[] = await this.txHost.tx.query(`SELECT status FROM jobs WHERE id = $1 AND ($2::uuid IS NULL OR tenant_id = $2)`, [jobId, tenantId ?? null]);
    return rows[0]?.status ?? null;
  }

  /**
   * Adds the Bull run of `jobId` (idempotent while it exists: same job id). `replace`: first drop a
   * finished Bull job of that id, and one still "active" for a worker that died (the record's lease
   * expired, which outlasts Bull's lock), so the new run starts now rather than after Bull's
   * stalled-job check.
   */
  private async queueRun(jobId: string, replace = false): Promise<void> {
    if (replace) {
      const existing = await this.queue.getJob(jobId);
      if (existing && (await existing.isActive())) await existing.moveToFailed({ message: 'its worker stopped' }, true).catch(() => undefined);
      if (existing && ((await existing.isCompleted()) || (await existing.isFailed()))) await existing.remove().catch(() => undefined);
    }
    await this.queue.add(RUN_JOB, { jobId }, { jobId, attempts: 1, removeOnComplete: true, removeOnFail: true });
  }

  private async removeRun(jobId: string): Promise<void> {
    const existing = await this.queue.getJob(jobId).catch(() => null);
    if (existing && !(await existing.isActive())) await existing.remove().catch(() => undefined);
  }
}

/** The requester snapshot of an actor. */
export function requesterOf(actor: Actor): JobRequester {
  const type = actor.type === 'platform' || actor.type === 'tenant' ? actor.type : 'system';
  return { type, id: actor.id, email: actor.email, role: actor.role };
}

/** The actor a job runs as: its requester, in the job's tenant when a tenant user asked. */
function actorOf(job: JobRecord): Actor {
  const r = job.requestedBy;
  if (r.type === 'system') return SYSTEM_ACTOR;
  return { ...SYSTEM_ACTOR, type: r.type, id: r.id, email: r.email, role: r.role, tenantId: r.type === 'tenant' ? job.tenantId : null };
}

/**
 * The job records of `ids`, by id — of one tenant when `tenantId` is given (tenant routes), of any
 * tenant otherwise (staff). For resources that embed their job (exports, backups, restores).
 */
export async function jobRecordsById(manager: EntityManager, ids: string[], tenantId?: string): Promise<Map<string, JobRecord>> {
  if (!ids.length) return new Map();
  const query = tenantId ? new TenantScopedRepository(manager, JobRecord, tenantId).queryBuilder('j').andWhere('j.id IN (:...ids)', { ids }) : manager.getRepository(JobRecord).createQueryBuilder('j').where('j.id IN (:...ids)', { ids });
  const rows = await query.getMany();
  return new Map(rows.map((j) => [j.id, j]));
}
