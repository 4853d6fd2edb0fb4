import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsIn, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { JOB_ITEM_OUTCOMES, JOB_STATUSES, JobItem, JobRecord } from './job-record.entity';
import { JOB_ERROR_CODES } from './jobs';
import { PageQueryDto } from '../http/pagination';

const MECHANISM_CODES = Object.values(JOB_ERROR_CODES).map((c) => `\`${c}\``).join(', ');

/** Filters of the job list. */
export class JobListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ example: 'tenants.bulk_extend_trial', description: 'Job type, `<context>.<operation>`' })
  @IsOptional() @IsString() @MaxLength(100) @Matches(/^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$/, { message: 'type must look like tenants.bulk_extend_trial' })
  type?: string;

  @ApiPropertyOptional({ enum: JOB_STATUSES }) @IsOptional() @IsIn(JOB_STATUSES) status?: (typeof JOB_STATUSES)[number];
  @ApiPropertyOptional({ format: 'uuid', description: 'Jobs about this tenant' }) @IsOptional() @IsUUID('all') tenantId?: string;
}

/** `{ jobIds }` of a retry or cancel request. */
export class JobIdsDto {
  @ApiProperty({ type: [String], format: 'uuid', minItems: 1, maxItems: 100, example: ['7b0c5c2e-2b1e-4d0f-9b8e-6a1f0c3d2e11'] })
  @ArrayMinSize(1) @ArrayMaxSize(100) @ArrayUnique() @IsUUID('all', { each: true })
  jobIds: string[];
}

/** Who asked for a job. */
export class JobRequesterDto {
  @ApiProperty({ enum: ['platform', 'tenant', 'system'], description: 'platform: a staff member; tenant: a tenant user; system: scheduled work' }) type: string;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) id: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'owner@example.com' }) email: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'admin' }) role: string | null;
}

/** Progress of a job. */
export class JobProgressDto {
  @ApiProperty({ type: 'integer', example: 2, description: 'Items done so far (checkpointed)' }) done: number;
  @ApiProperty({ type: 'integer', nullable: true, example: 3, description: 'Items in all; null while unknown' }) total: number | null;
  @ApiProperty({ type: 'integer', nullable: true, example: 67, description: 'floor(done / total × 100); null while the total is unknown' }) percent: number | null;
}

/** Why a job failed or was cancelled. */
export class JobErrorDto {
  @ApiProperty({ example: 'job_worker_lost', description: `A problem code (GET /api/v1/problems) from the job's own work, or one of the mechanism's: ${MECHANISM_CODES}` }) code: string;
  @ApiProperty({ example: 'The worker running it stopped 3 time(s); no attempt is left.' }) message: string;
}

/** A long-running operation: a bulk action, an export, a compliance request, a backup, a restore. */
export class JobDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'tenants.bulk_extend_trial' }) type: string;
  @ApiProperty({ type: String, nullable: true, format: 'uuid', description: 'The tenant it concerns; null for a platform-wide job' }) tenantId: string | null;
  @ApiProperty({ type: JobRequesterDto }) requestedBy: JobRequesterDto;
  @ApiProperty({ enum: JOB_STATUSES, description: 'queued → running → succeeded | failed | cancelled; failed and cancelled jobs can be retried' }) status: string;
  @ApiProperty({ type: JobProgressDto }) progress: JobProgressDto;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'What the job was asked to do' }) params: Record<string, unknown>;
  @ApiProperty({ type: 'object', nullable: true, additionalProperties: true, description: 'Summary when it succeeded (e.g. counts per outcome); per-item results: GET /api/v1/admin/jobs/{jobId}/items' })
  result: Record<string, unknown> | null;
  @ApiProperty({ type: JobErrorDto, nullable: true }) error: JobErrorDto | null;
  @ApiProperty({ type: 'integer', example: 1, description: 'Runs started (a run resumed after a crashed worker counts again)' }) attempts: number;
  @ApiProperty({ type: 'integer', example: 3 }) maxAttempts: number;
  @ApiProperty({ type: String, nullable: true, format: 'date-time', description: 'A cancel was asked while running: it stops at its next checkpoint' }) cancelRequestedAt: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) startedAt: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) finishedAt: string | null;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

/** Filters of a job's items. */
export class JobItemListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: JOB_ITEM_OUTCOMES }) @IsOptional() @IsIn(JOB_ITEM_OUTCOMES) outcome?: (typeof JOB_ITEM_OUTCOMES)[number];
}

/** One item's result (a tenant of a bulk action). */
export class JobItemDto {
  @ApiProperty({ type: 'integer', description: 'Position in the request order' }) seq: number;
  @ApiProperty({ example: '4f9c2a8e-8d7b-4a51-9a0e-1f2b3c4d5e6f', description: 'The item, e.g. a tenant id' }) itemKey: string;
  @ApiProperty({ enum: JOB_ITEM_OUTCOMES, description: 'ok / skipped (nothing to do) / failed; in a dry run would_change / would_skip / would_fail' }) outcome: string;
  @ApiProperty({ type: String, nullable: true, example: 'not_in_trial', description: 'Problem code of a skipped or failed item' }) code: string | null;
  @ApiProperty({ type: String, nullable: true }) message: string | null;
  @ApiProperty({ type: 'object', nullable: true, additionalProperties: true, description: 'Before and after of what it changed (or would change)' }) detail: Record<string, unknown> | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

/** Per-id outcome of a retry or cancel. */
export class JobCommandResultDto {
  @ApiProperty({ format: 'uuid' }) jobId: string;
  @ApiProperty({ enum: ['cancelled', 'cancelling', 'queued', 'skipped', 'not_found'], description: 'cancelled: it had not started; cancelling: it stops at its next checkpoint; queued: retried; skipped: see reason' })
  outcome: string;
  @ApiPropertyOptional({ example: 'the job is succeeded' }) reason?: string;
}

/** Results of a retry or cancel, one per id in request order. */
export class JobCommandResultsDto {
  @ApiProperty({ type: [JobCommandResultDto] }) data: JobCommandResultDto[];
}

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

/** The API shape of a job record. */
export function toJobDto(r: JobRecord): JobDto {
  const total = r.progressTotal;
  return {
    id: r.id,
    type: r.type,
    tenantId: r.tenantId,
    requestedBy: r.requestedBy,
    status: r.status,
    progress: { done: r.progressDone, total, percent: total === null ? null : total === 0 ? 100 : Math.min(100, Math.floor((r.progressDone / total) * 100)) },
    params: r.params,
    result: r.result,
    error: r.error,
    attempts: r.attempts,
    maxAttempts: r.maxAttempts,
    cancelRequestedAt: iso(r.cancelRequestedAt),
    createdAt: r.createdAt.toISOString(),
    startedAt: iso(r.startedAt),
    finishedAt: iso(r.finishedAt),
    updatedAt: r.updatedAt.toISOString(),
  };
}

/** The API shape of a job item. */
export function toJobItemDto(i: JobItem): JobItemDto {
  return { seq: i.seq, itemKey: i.itemKey, outcome: i.outcome, code: i.code, message: i.message, detail: i.detail, createdAt: i.createdAt.toISOString() };
}
