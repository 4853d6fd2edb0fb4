import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { JsonObject } from '../../database/json';
import { TenantOwned } from '../../database/tenant-scoped.repository';

/** Lifecycle of a job record: queued → running → succeeded | failed | cancelled (failed/cancelled may be retried → queued). */
export const JOB_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

/** Who asked for a job: a snapshot of the principal at request time (the job acts as them). */
export interface JobRequester {
  type: 'platform' | 'tenant' | 'system';
  id: string | null;
  email: string | null;
  role: string | null;
}

/** Why a job failed: a stable problem code and a human-readable message. */
export interface JobError {
  code: string;
  message: string;
}

/**
 * A durable record of one long-running operation (CONVENTIONS §12): bulk actions, exports,
 * compliance requests, backups, restores, recalculations. The record is the truth; the Bull job
 * of the same id only says "run this now". While running, the worker holds a lease
 * (`locked_until`, renewed at every checkpoint and by a heartbeat); a lease that expires means the
 * worker died, and the sweep re-queues the job (or fails it after `max_attempts`).
 */
@TenantOwned()
@Entity({ name: 'jobs' })
@Index('ix_jobs_created', ['createdAt', 'id'])
@Index('ix_jobs_tenant_created', ['tenantId', 'createdAt'])
@Index('ix_jobs_status_lease', ['status', 'lockedUntil'], { where: `status IN ('queued', 'running')` })
export class JobRecord {
  @PrimaryColumn('uuid') id: string;
  /** `<context>.<operation>`, e.g. `tenants.bulk_extend_trial`, `exports.csv`. */
  @Column({ type: 'text' }) type: string;
  /** The tenant the job concerns; null for platform-wide jobs (a bulk action over many tenants). */
  @Column({ type: 'uuid', nullable: true }) tenantId: string | null;
  @Column({ type: 'jsonb' }) requestedBy: JobRequester;
  @Column({ type: 'text', default: 'queued' }) status: JobStatus;
  /** What the handler needs, as validated at request time; no secret. */
  @Column({ type: 'jsonb', default: () => `'{}'` }) params: JsonObject;
  /** Items done so far (checkpointed). */
  @Column({ type: 'int', default: 0 }) progressDone: number;
  /** Items in all, once known; null while unknown. */
  @Column({ type: 'int', nullable: true }) progressTotal: number | null;
  @Column({ type: 'jsonb', nullable: true }) result: JsonObject | null;
  @Column({ type: 'jsonb', nullable: true }) error: JobError | null;
  /** Runs started (1 on the first run; a crash-resumed or retried job counts again). */
  @Column({ type: 'int', default: 0 }) attempts: number;
  @Column({ type: 'int', default: 3 }) maxAttempts: number;
  /** Set by a cancel request while running: the job stops at its next checkpoint. */
  @Column({ type: 'timestamptz', nullable: true }) cancelRequestedAt: Date | null;
  /** Lease of the running worker; null unless running. */
  @Column({ type: 'timestamptz', nullable: true }) lockedUntil: Date | null;
  /** The worker instance running it (hostname:pid), for operators. */
  @Column({ type: 'text', nullable: true }) workerId: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @Column({ type: 'timestamptz', nullable: true }) startedAt: Date | null;
  @Column({ type: 'timestamptz', nullable: true }) finishedAt: Date | null;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}

/** Outcome of one item of a job (a tenant of a bulk action). */
export const JOB_ITEM_OUTCOMES = ['ok', 'skipped', 'failed', 'would_change', 'would_skip', 'would_fail'] as const;
export type JobItemOutcome = (typeof JOB_ITEM_OUTCOMES)[number];

/**
 * Per-item result of a job, written in the same transaction as the item's change, so a resumed
 * job knows exactly which items are done (`(job_id, item_key)` is unique).
 */
@Entity({ name: 'job_items' })
@Index('ux_job_items_key', ['jobId', 'itemKey'], { unique: true })
@Index('ix_job_items_seq', ['jobId', 'seq'])
export class JobItem {
  @PrimaryColumn('uuid') id: string;
  @Column({ type: 'uuid' }) jobId: string;
  /** Items go with their job. */
  @ManyToOne(() => JobRecord, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'job_id' }) job?: JobRecord;
  /** Position in the job's input order. */
  @Column({ type: 'int' }) seq: number;
  /** The item's identity, e.g. a tenant id. */
  @Column({ type: 'text' }) itemKey: string;
  @Column({ type: 'text' }) outcome: JobItemOutcome;
  /** Problem code for failed/skipped items (e.g. `not_in_trial`). */
  @Column({ type: 'text', nullable: true }) code: string | null;
  @Column({ type: 'text', nullable: true }) message: string | null;
  /** What changed (or would change): before/after of the fields the action touches. */
  @Column({ type: 'jsonb', nullable: true }) detail: JsonObject | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}
