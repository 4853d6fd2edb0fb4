import { Injectable, OnModuleInit } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { createHash, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import type { Readable, Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { IsNull } from 'typeorm';
import { BACKUP_FORMAT, BACKUP_SCHEMA_VERSION, BackupManifest, BackupSections, BackupSigner, canonicalJson } from '../../../common/backups';
import { RequestContext } from '../../../common/context';
import { AppError, ConflictError, NotFoundError } from '../../../common/errors';
import { UnitOfWork } from '../../../common/events';
import { ExportStorage } from '../../../common/exports';
import { Page, PageQueryDto, toPage } from '../../../common/http';
import { JobContext, JobRecord, jobRecordsById, Jobs, requesterOf, toJobDto } from '../../../common/jobs';
import { Clock } from '../../../common/time';
import { TenantScopedRepository } from '../../../database/tenant-scoped.repository';
import { Tenant } from '../entities/tenant.entity';
import { BackupDto, CreateBackupDto } from './backups.dto';
import { TenantBackup } from './tenant-backup.entity';

/** Job type that writes a tenant backup archive. */
export const BACKUP_JOB = 'tenants.backup';
/** How long a written archive waits on the server for its one download. */
export const BACKUP_RETENTION_MS = 3_600_000;
/** Store key of a backup's archive. */
export const backupFileKey = (backupId: string): string => `backups/${backupId}.json`;

/** An archive being downloaded: its stream and name, and what to do once it was sent (or broke off). */
export interface BackupDownload {
  backup: TenantBackup;
  stream: Readable;
  filename: string;
}

/**
 * Tenant backups (CONVENTIONS §12): the request records the backup and queues its job in one
 * transaction; the job writes one JSON archive of every registered section (BackupSections) from
 * one consistent snapshot, streaming records page by page to the export store while signing them
 * (BackupSigner); the tenant admin downloads it once — the file is deleted when it was sent in
 * full, or one hour after it was written (the archive lives on the admin's machine, not on the server).
 */
@Injectable()
export class TenantBackupsService implements OnModuleInit {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly uow: UnitOfWork,
    private readonly jobs: Jobs,
    private readonly sections: BackupSections,
    private readonly signer: BackupSigner,
    private readonly storage: ExportStorage,
    private readonly context: RequestContext,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.jobs.register<{ backupId: string; includeCredentials: boolean }>(BACKUP_JOB, { run: (ctx) => this.write(ctx) });
  }

  private backups(tenantId: string): TenantScopedRepository<TenantBackup> {
    return new TenantScopedRepository(this.txHost.tx, TenantBackup, tenantId);
  }

  /** Records a backup of the caller's tenant and queues its job (in the request's transaction). */
  async request(tenantId: string, dto: CreateBackupDto): Promise<BackupDto> {
    const id = randomUUID();
    const includesCredentials = dto.includeCredentials === true;
    const job = await this.jobs.enqueue({ type: BACKUP_JOB, tenantId, params: { backupId: id, includeCredentials: includesCredentials }, total: this.sections.all().length });
    await this.backups(tenantId).insertOne({ id, jobId: job.id, includesCredentials, requestedBy: requesterOf(this.context.actor) });
    this.context.noteAudit({ resourceType: 'tenant_backup', resourceId: id, tenantId, metadata: { includesCredentials } });
    return this.get(tenantId, id);
  }

  /** The tenant's backups, newest first. */
  async list(tenantId: string, query: PageQueryDto): Promise<Page<BackupDto>> {
    const [rows, total] = await this.backups(tenantId).findAndCount({ order: { createdAt: 'DESC', id: 'DESC' }, take: query.limit, skip: query.offset });
    const jobs = await this.jobsOf(tenantId, rows.map((r) => r.jobId));
    return toPage(rows.map((r) => this.toDto(r, jobs.get(r.jobId)!)), total, query);
  }

  /** One backup. @throws NotFoundError `backup_not_found` (another tenant's too) */
  async get(tenantId: string, backupId: string): Promise<BackupDto> {
    const row = await this.find(tenantId, backupId);
    const jobs = await this.jobsOf(tenantId, [row.jobId]);
    return this.toDto(row, jobs.get(row.jobId)!);
  }

  /**
   * Claims the archive for its one download (one atomic UPDATE: of two concurrent downloads one
   * wins) and opens it. @throws NotFoundError | ConflictError `backup_not_ready` | AppError 410
   * `backup_gone` (downloaded, being downloaded, or deleted after an hour)
   */
  async openDownload(tenantId: string, backupId: string): Promise<BackupDownload> {
    const dto = await this.get(tenantId, backupId);
    if (dto.status === 'downloaded' || dto.status === 'expired') throw this.gone(backupId, dto.status);
    if (dto.status !== 'succeeded') throw new ConflictError('backup_not_ready', `Backup ${backupId} is ${dto.status}; it can be downloaded once it has succeeded.`, { state: dto.status });
    const claimed = await this.backups(tenantId).update({ id: backupId, downloadStartedAt: IsNull(), fileRemovedAt: IsNull() }, { downloadStartedAt: this.clock.now() });
    if (!claimed) throw this.gone(backupId, 'downloaded');
    const backup = await this.find(tenantId, backupId);
    try {
      const stream = await this.storage.reader(backup.fileKey!);
      return { backup, stream, filename: `backup-${dto.completedAt!.slice(0, 10)}-${backupId.slice(0, 8)}.json` };
    } catch {
      await this.backups(tenantId).update({ id: backupId }, { fileRemovedAt: this.clock.now() });
      throw this.gone(backupId, 'expired');
    }
  }

  /** The archive was sent in full: marks it downloaded and deletes its file (after commit). */
  async downloaded(tenantId: string, backupId: string): Promise<void> {
    await this.uow.run(async () => {
      const row = await this.find(tenantId, backupId);
      const now = this.clock.now();
      await this.backups(tenantId).update({ id: backupId }, { downloadedAt: now, fileRemovedAt: now });
      await this.uow.afterCommit(() => this.storage.remove(row.fileKey ?? backupFileKey(backupId)));
    });
  }

  /** The transfer broke off before the end: the archive may be downloaded again (until it expires). */
  async releaseDownload(tenantId: string, backupId: string): Promise<void> {
    await this.backups(tenantId).update({ id: backupId, downloadedAt: IsNull() }, { downloadStartedAt: null });
  }

  /**
   * The job: one REPEATABLE READ snapshot of every section, written as
   * `{"data":{…},"manifest":{…},"signature":"v1.…"}` — `data` in canonical JSON (sections and
   * members in key order), signed as it streams; the manifest, with the counts, comes last.
   */
  private async write(ctx: JobContext<{ backupId: string; includeCredentials: boolean }>): Promise<{ counts: Record<string, number>; bytes: number }> {
    const tenantId = ctx.job.tenantId!;
    const includeCredentials = ctx.params.includeCredentials === true;
    const key = backupFileKey(ctx.params.backupId);
    await ctx.checkpoint(0);
    const sections = [...this.sections.all()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const counts: Record<string, number> = {};
    const hash = createHash('sha256');
    let bytes = 0;
    const out = await this.storage.writer(key);
    const put = async (text: string, signed: { update(t: string): void } | null) => {
      signed?.update(text);
      const chunk = Buffer.from(text, 'utf8');
      hash.update(chunk);
      bytes += chunk.length;
      if (!out.write(chunk)) await once(out, 'drain');
    };
    try {
      const manifest = await this.uow.run(async () => {
        // One snapshot for every section: the archive is consistent across them.
        await this.txHost.tx.query(`SET TRANSACTION ISOLATION LEVEL REPEATABLE READ`);
        await this.txHost.tx.query(`SET LOCAL statement_timeout = '15min'`);
        const tenant = await this.txHost.tx.getRepository(Tenant).findOneByOrFail({ id: tenantId });
        const signature = this.signer.start();
        await put('{"data":', null);
        await put('{', signature);
        for (const [i, section] of sections.entries()) {
          await put(`${i ? ',' : ''}${JSON.stringify(section.name)}:[`, signature);
          let n = 0;
          for await (const record of section.export(tenantId, { includeCredentials })) {
            await put(`${n ? ',' : ''}${canonicalJson(record)}`, signature);
            n += 1;
          }
          await put(']', signature);
          counts[section.name] = n;
        }
        await put('}', signature);
        const requester = ctx.job.requestedBy;
        const m: BackupManifest = {
          format: BACKUP_FORMAT,
          schemaVersion: BACKUP_SCHEMA_VERSION,
          tenantId,
          tenantSlug: tenant.slug,
          createdAt: this.clock.now().toISOString(),
          createdBy: { id: requester.id, email: requester.email },
          includesCredentials: includeCredentials,
          counts,
        };
        await put(`,"manifest":${canonicalJson(m)},"signature":${JSON.stringify(signature.finish(m))}}`, null);
        return m;
      });
      out.end();
      await finished(out as Writable);
      const completedAt = this.clock.now();
      await this.backups(tenantId).update(
        { id: ctx.params.backupId },
        { fileKey: key, byteSize: String(bytes), sha256: hash.digest('hex'), counts: manifest.counts, completedAt, expiresAt: new Date(completedAt.getTime() + BACKUP_RETENTION_MS) },
      );
      await ctx.checkpoint(sections.length, sections.length);
      return { counts, bytes };
    } catch (err) {
      out.destroy();
      await this.storage.remove(key);
      throw err;
    }
  }

  private gone(backupId: string, why: string): AppError {
    const detail =
      why === 'expired'
        ? `Backup ${backupId} was deleted from the server one hour after it was written; make a new backup.`
        : `Backup ${backupId} was already downloaded; its file is no longer on the server. Make a new backup.`;
    return new AppError('backup_gone', 410, detail);
  }

  private async find(tenantId: string, backupId: string): Promise<TenantBackup> {
    const row = await this.backups(tenantId).findOne({ id: backupId });
    if (!row) throw new NotFoundError('Backup', backupId);
    return row;
  }

  private jobsOf(tenantId: string, ids: string[]): Promise<Map<string, JobRecord>> {
    return jobRecordsById(this.txHost.tx, ids, tenantId);
  }

  private toDto(r: TenantBackup, job: JobRecord): BackupDto {
    let status: string = job.status;
    if (job.status === 'succeeded' && r.downloadedAt) status = 'downloaded';
    else if (job.status === 'succeeded' && (r.fileRemovedAt || (r.expiresAt && r.expiresAt.getTime() <= this.clock.now().getTime()))) status = 'expired';
    return {
      id: r.id,
      status,
      includesCredentials: r.includesCredentials,
      counts: r.counts,
      file: r.fileKey && r.sha256 ? { bytes: Number(r.byteSize), sha256: r.sha256 } : null,
      job: toJobDto(job),
      createdAt: r.createdAt.toISOString(),
      completedAt: r.completedAt?.toISOString() ?? null,
      expiresAt: r.expiresAt?.toISOString() ?? null,
      downloadedAt: r.downloadedAt?.toISOString() ?? null,
    };
  }
}
