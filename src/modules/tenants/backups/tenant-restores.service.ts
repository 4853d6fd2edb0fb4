import { Injectable, OnModuleInit } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { plainToInstance } from 'class-transformer';
import { validate, ValidationError as ClassValidationError } from 'class-validator';
import { createHash, randomUUID } from 'node:crypto';
import { ArchiveShapeError, assertArchiveShape, BackupArchive, BackupSection, BackupSections, BackupSigner, migrateArchive, RestoreOutcome } from '../../../common/backups';
import { RequestContext } from '../../../common/context';
import { AppError, NotFoundError, UnprocessableError, ValidationError } from '../../../common/errors';
import { UnitOfWork } from '../../../common/events';
import { ExportStorage } from '../../../common/exports';
import { Page, PageQueryDto, toPage } from '../../../common/http';
import { JobContext, JobItem, JobItemDto, JobRecord, jobRecordsById, Jobs, requesterOf, toJobDto, toJobItemDto } from '../../../common/jobs';
import { Clock } from '../../../common/time';
import type { JsonObject } from '../../../database/json';
import { TenantScopedRepository } from '../../../database/tenant-scoped.repository';
import { AuditService } from '../../audit';
import { RestoreChangesQueryDto, RestoreDto, RestoreSectionReport } from './backups.dto';
import { TenantRestore } from './tenant-restore.entity';

/** Job type that validates and restores an uploaded archive. */
export const RESTORE_JOB = 'tenants.restore';
/** Largest archive a restore accepts (the multipart limit). */
export const MAX_ARCHIVE_BYTES = 20 * 1024 * 1024;
/** Store key of an uploaded archive. */
export const restoreFileKey = (restoreId: string): string => `restores/${restoreId}.json`;

/** What a restore job's params hold. */
interface RestoreParams {
  restoreId: string;
  dryRun: boolean;
}

/** One record's outcome with its section, in archive order. */
type SectionOutcome = RestoreOutcome & { section: string };

/** Carries a dry run out of its transaction, which is then rolled back. */
class DryRunRollback extends Error {
  constructor() {
    super('dry run: rolled back');
  }
}

/** The class-validator errors of one record as `{ field, message }`, the field a path under `prefix`. */
export function recordErrors(errors: ClassValidationError[], prefix: string): { field: string; message: string }[] {
  const out: { field: string; message: string }[] = [];
  for (const e of errors) {
    const path = /^\d+$/.test(e.property) ? `${prefix}[${e.property}]` : `${prefix}.${e.property}`;
    for (const message of Object.values(e.constraints ?? {})) out.push({ field: path, message });
    if (e.children?.length) out.push(...recordErrors(e.children, path));
  }
  return out;
}

/**
 * Restores of uploaded tenant backups. The request verifies the archive at once — its signature
 * (422 `backup_signature_invalid`: a tampered archive is refused), its tenant (422
 * `backup_foreign_tenant`), its schema version (older ones migrated, newer ones 422) — stores the
 * upload and queues a job. The job validates every record against the current schema (failing
 * with the record's path), then runs every section's restore in ONE transaction: all or nothing.
 * A dry run goes through the same code, records what would change, and rolls everything back
 * (quotas included: a restore past the members limit is reported). A restore creates what is
 * missing and updates what differs; it never deletes what was created after the backup.
 */
@Injectable()
export class TenantRestoresService implements OnModuleInit {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly uow: UnitOfWork,
    private readonly jobs: Jobs,
    private readonly sections: BackupSections,
    private readonly signer: BackupSigner,
    private readonly storage: ExportStorage,
    private readonly context: RequestContext,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.jobs.register<RestoreParams>(RESTORE_JOB, { run: (ctx) => this.run(ctx) });
  }

  private restores(tenantId: string): TenantScopedRepository<TenantRestore> {
    return new TenantScopedRepository(this.txHost.tx, TenantRestore, tenantId);
  }

  /**
   * Checks an uploaded archive and queues its restore (in the request's transaction).
   * @throws ValidationError naming `file` (missing, not JSON) | UnprocessableError
   *   `backup_invalid` | `backup_signature_invalid` | `backup_foreign_tenant` | `backup_schema_unsupported`
   */
  async request(tenantId: string, file: { buffer: Buffer; size: number } | undefined, dryRun: boolean): Promise<RestoreDto> {
    if (!file?.buffer?.length) throw new ValidationError([{ field: 'file', message: 'attach the backup archive (the JSON file a backup download gave) as the multipart part file' }]);
    const archive = this.verified(tenantId, this.parsed(file.buffer));
    const id = randomUUID();
    const key = restoreFileKey(id);
    const out = await this.storage.writer(key);
    await new Promise<void>((resolve, reject) => out.end(file.buffer, () => resolve()).on('error', reject));
    // A request that does not commit leaves no upload behind (checked once its transaction ended).
    await this.uow.afterTransaction(async () => {
      if (!(await this.restores(tenantId).exists({ id }))) await this.storage.remove(key);
    });
    const job = await this.jobs.enqueue({ type: RESTORE_JOB, tenantId, params: { restoreId: id, dryRun } });
    const m = archive.manifest;
    const manifest = { schemaVersion: m.schemaVersion, tenantSlug: m.tenantSlug, createdAt: m.createdAt, includesCredentials: m.includesCredentials, counts: m.counts };
    const sha256 = createHash('sha256').update(file.buffer).digest('hex');
    await this.restores(tenantId).insertOne({ id, jobId: job.id, dryRun, requestedBy: requesterOf(this.context.actor), manifest, fileKey: key, byteSize: String(file.buffer.length), sha256 });
    this.context.noteAudit({ resourceType: 'tenant_restore', resourceId: id, tenantId, metadata: { dryRun, backupCreatedAt: m.createdAt, schemaVersion: m.schemaVersion, counts: m.counts, sha256 } });
    return this.get(tenantId, id);
  }

  /** The tenant's restores, newest first. */
  async list(tenantId: string, query: PageQueryDto): Promise<Page<RestoreDto>> {
    const [rows, total] = await this.restores(tenantId).findAndCount({ order: { createdAt: 'DESC', id: 'DESC' }, take: query.limit, skip: query.offset });
    const jobs = await this.jobsOf(tenantId, rows.map((r) => r.jobId));
    return toPage(rows.map((r) => toRestoreDto(r, jobs.get(r.jobId)!)), total, query);
  }

  /** One restore. @throws NotFoundError `restore_not_found` */
  async get(tenantId: string, restoreId: string): Promise<RestoreDto> {
    const row = await this.find(tenantId, restoreId);
    const jobs = await this.jobsOf(tenantId, [row.jobId]);
    return toRestoreDto(row, jobs.get(row.jobId)!);
  }

  /** Per-record outcomes of a restore, in archive order. @throws NotFoundError */
  async changes(tenantId: string, restoreId: string, query: RestoreChangesQueryDto): Promise<Page<JobItemDto>> {
    const row = await this.find(tenantId, restoreId);
    const [items, total] = await this.txHost.tx.getRepository(JobItem).findAndCount({
      where: { jobId: row.jobId, ...(query.outcome ? { outcome: query.outcome as JobItem['outcome'] } : {}) },
      order: { seq: 'ASC' },
      take: query.limit,
      skip: query.offset,
    });
    return toPage(items.map(toJobItemDto), total, query);
  }

  /** One run of a restore job. The upload is deleted when it ends, however it ends. */
  private async run(ctx: JobContext<RestoreParams>): Promise<JsonObject> {
    const tenantId = ctx.job.tenantId!;
    const row = await this.find(tenantId, ctx.params.restoreId);
    try {
      await ctx.checkpoint(0);
      const archive = this.verified(tenantId, this.parsed(await this.read(row)));
      const plan = await this.validated(archive);
      const total = plan.reduce((n, p) => n + p.records.length, 0);
      await ctx.checkpoint(0, total);
      const outcomes: SectionOutcome[] = [];
      const work = async () => {
        for (const { section, records } of plan) {
          for (const [i, record] of records.entries()) {
            try {
              for (const o of await section.restore(tenantId, [record], { includesCredentials: archive.manifest.includesCredentials })) outcomes.push({ ...o, section: section.name });
            } catch (err) {
              if (err instanceof AppError) throw new AppError(err.code, err.status as never, `data.${section.name}[${i}]: ${err.detail}`, err.extra);
              throw err;
            }
          }
        }
      };
      const result = ctx.params.dryRun ? await this.simulate(ctx, work, outcomes) : await this.apply(ctx, work, outcomes, row);
      await ctx.checkpoint(total, total);
      return result;
    } finally {
      await this.storage.remove(row.fileKey);
      await this.restores(tenantId).update({ id: row.id }, { fileRemovedAt: this.clock.now() });
    }
  }

  /** Everything in one transaction with its items and audit rows; an error (a quota at commit too) rolls it all back. */
  private async apply(ctx: JobContext<RestoreParams>, work: () => Promise<void>, outcomes: SectionOutcome[], row: TenantRestore): Promise<JsonObject> {
    const tenantId = ctx.job.tenantId!;
    await this.uow.run(async () => {
      await work();
      for (const [seq, o] of outcomes.entries()) {
        const changed = o.action === 'create' || o.action === 'update';
        await ctx.recordItem({ seq, key: `${o.section}:${o.key}`, outcome: changed || o.action === 'unchanged' ? 'ok' : 'skipped', message: o.note ?? null, detail: { section: o.section, action: o.action, ...(o.changes ? { changes: o.changes } : {}) } });
        if (!changed) continue;
        await this.audit.record({
          channel: 'job',
          action: `${RESTORE_JOB}.${o.action}`,
          module: 'tenants',
          resourceType: o.resourceType,
          resourceId: o.key,
          tenantId,
          changes: o.action === 'create' ? { before: null, after: (o.changes ?? null) as never } : { before: pick(o.changes, 'before'), after: pick(o.changes, 'after') },
          metadata: { jobId: ctx.job.id, restoreId: row.id, section: o.section },
        });
      }
      await this.audit.record({
        channel: 'job',
        action: RESTORE_JOB,
        module: 'tenants',
        resourceType: 'tenant_restore',
        resourceId: row.id,
        tenantId,
        metadata: { jobId: ctx.job.id, backupCreatedAt: row.manifest.createdAt as string, sections: report(outcomes) as never },
      });
    });
    return { dryRun: false, applied: true, sections: report(outcomes) as never };
  }

  /** The same work, rolled back at its very end (after the quota checks that run before commit). */
  private async simulate(ctx: JobContext<RestoreParams>, work: () => Promise<void>, outcomes: SectionOutcome[]): Promise<JsonObject> {
    let problem: JsonObject | null = null;
    try {
      await this.uow.run(async () => {
        await work();
        await this.uow.beforeCommit(() => Promise.reject(new DryRunRollback()));
      });
    } catch (err) {
      if (err instanceof AppError) problem = { code: err.code, detail: err.detail, ...err.extra };
      else if (!(err instanceof DryRunRollback)) throw err;
    }
    await this.uow.run(async () => {
      for (const [seq, o] of outcomes.entries()) {
        const changes = o.action === 'create' || o.action === 'update';
        await ctx.recordItem({ seq, key: `${o.section}:${o.key}`, outcome: changes ? 'would_change' : 'would_skip', message: o.note ?? null, detail: { section: o.section, action: o.action, ...(o.changes ? { changes: o.changes } : {}) } });
      }
    });
    return { dryRun: true, applied: false, wouldSucceed: problem === null, problem, sections: report(outcomes) as never };
  }

  /** Every record of every section, validated against the current schema. @throws UnprocessableError `backup_record_invalid` naming the first invalid record's field */
  private async validated(archive: BackupArchive): Promise<{ section: BackupSection; records: object[] }[]> {
    const plan: { section: BackupSection; records: object[] }[] = [];
    for (const section of this.sections.all()) {
      const raw = archive.data[section.name] ?? [];
      const records: object[] = [];
      for (const [i, value] of raw.entries()) {
        const path = `data.${section.name}[${i}]`;
        if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new UnprocessableError('backup_record_invalid', `${path}: a record must be an object`, { field: path });
        const record = plainToInstance(section.recordType, value);
        const errors = recordErrors(await validate(record, { whitelist: !section.readOnly, forbidUnknownValues: false }), path);
        if (errors.length) throw new UnprocessableError('backup_record_invalid', `${errors[0]!.field}: ${errors[0]!.message}`, { field: errors[0]!.field });
        records.push(record);
      }
      plan.push({ section, records });
    }
    return plan;
  }

  /** @throws ValidationError naming `file` when it is not JSON */
  private parsed(buffer: Buffer): unknown {
    try {
      return JSON.parse(buffer.toString('utf8'));
    } catch {
      throw new ValidationError([{ field: 'file', message: 'file is not a JSON document (upload the .json file a backup download gave, unchanged)' }]);
    }
  }

  /** Shape, signature, tenant and schema version of an archive; returns it migrated to the current version. */
  private verified(tenantId: string, doc: unknown): BackupArchive {
    try {
      assertArchiveShape(doc);
    } catch (err) {
      if (err instanceof ArchiveShapeError) throw new UnprocessableError('backup_invalid', err.message, { field: 'file' });
      throw err;
    }
    if (!this.signer.verify(doc)) {
      throw new UnprocessableError('backup_signature_invalid', 'The archive’s signature does not verify: it was changed after the backup, or was not made by this server. Nothing was restored.', { field: 'file' });
    }
    if (doc.manifest.tenantId !== tenantId) {
      throw new UnprocessableError('backup_foreign_tenant', `The archive is a backup of tenant ${doc.manifest.tenantSlug}, not of this tenant; a tenant restores only its own backups.`, { field: 'file' });
    }
    try {
      return migrateArchive(doc);
    } catch (err) {
      if (err instanceof ArchiveShapeError) throw new UnprocessableError('backup_schema_unsupported', err.message, { field: 'file' });
      throw err;
    }
  }

  /** The stored upload. @throws AppError 410 `backup_gone` when it is no longer there */
  private async read(row: TenantRestore): Promise<Buffer> {
    const chunks: Buffer[] = [];
    try {
      for await (const chunk of await this.storage.reader(row.fileKey)) chunks.push(chunk as Buffer);
    } catch {
      throw new AppError('backup_gone', 410, `The archive uploaded for restore ${row.id} is no longer on the server (uploads are kept until their restore ran, at most one hour); upload it again.`);
    }
    return Buffer.concat(chunks);
  }

  private async find(tenantId: string, restoreId: string): Promise<TenantRestore> {
    const row = await this.restores(tenantId).findOne({ id: restoreId });
    if (!row) throw new NotFoundError('Restore', restoreId);
    return row;
  }

  private jobsOf(tenantId: string, ids: string[]): Promise<Map<string, JobRecord>> {
    return jobRecordsById(this.txHost.tx, ids, tenantId);
  }
}

/** Counts per section and action. */
function report(outcomes: SectionOutcome[]): Record<string, RestoreSectionReport> {
  const out: Record<string, RestoreSectionReport> = {};
  for (const o of outcomes) {
    out[o.section] ??= { create: 0, update: 0, unchanged: 0, skipped: 0 };
    out[o.section]![o.action] += 1;
  }
  return out;
}

/** `{ field: value.before }` (or after) of a `{ field: { before, after } }` change map. */
function pick(changes: JsonObject | undefined, side: 'before' | 'after'): JsonObject {
  return Object.fromEntries(Object.entries(changes ?? {}).map(([k, v]) => [k, v && typeof v === 'object' && side in v ? v[side] : v]));
}

/** The API shape of a restore. */
function toRestoreDto(r: TenantRestore, job: JobRecord): RestoreDto {
  const m = r.manifest as { schemaVersion: number; tenantSlug: string; createdAt: string; includesCredentials: boolean; counts: Record<string, number> };
  return {
    id: r.id,
    dryRun: r.dryRun,
    status: job.status,
    archive: { schemaVersion: m.schemaVersion, tenantSlug: m.tenantSlug, createdAt: m.createdAt, includesCredentials: m.includesCredentials, counts: m.counts, bytes: Number(r.byteSize), sha256: r.sha256 },
    sections: (job.result?.sections as Record<string, RestoreSectionReport> | undefined) ?? null,
    job: toJobDto(job),
    createdAt: r.createdAt.toISOString(),
  };
}
