import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { stringify } from 'csv-stringify';
import { createHash, randomUUID } from 'node:crypto';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { RequestContext } from '../../../common/context';
import { AppError, NotFoundError, ValidationError } from '../../../common/errors';
import { EXPORT_LINK_TTL_SECONDS, ExportFilters, ExportLinks, ExportSources, ExportStorage, ExportType } from '../../../common/exports';
import { Page, toPage } from '../../../common/http';
import { JobContext, JobRecord, jobRecordsById, Jobs, requesterOf, toJobDto } from '../../../common/jobs';
import { Clock } from '../../../common/time';
import { TenantScopedRepository } from '../../../database/tenant-scoped.repository';
import { DataExport } from './data-export.entity';
import { ExportDto, ExportFiltersDto, ExportLinkDto, ExportListQueryDto } from './exports.dto';

/** Job type that writes an export file. */
export const EXPORT_JOB = 'exports.csv';
/** Days an export file is kept. */
export const EXPORT_RETENTION_DAYS = 7;
/** Rows between two checkpoints (progress, lease, cancellation). */
const CHECKPOINT_ROWS = 5000;

/** Who asks: staff (every export) or a tenant admin (its own rows). */
export type ExportScope = { kind: 'platform' } | { kind: 'tenant'; tenantId: string };

/**
 * Exports as CSV files (seed: "async, expire, logged"): the request records the export and
 * queues its job in one transaction; the job streams the rows from a database cursor through
 * csv-stringify (formulas escaped) to the export store, in bounded memory, in one consistent
 * snapshot; downloads go through signed links that expire after 10 minutes; files are purged 7
 * days after they were written.
 */
@Injectable()
export class ExportsService implements OnModuleInit {
  private readonly logger = new Logger(ExportsService.name);

  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly jobs: Jobs,
    private readonly sources: ExportSources,
    private readonly storage: ExportStorage,
    private readonly links: ExportLinks,
    private readonly context: RequestContext,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.jobs.register<{ exportId: string }>(EXPORT_JOB, { run: (ctx) => this.write(ctx) });
  }

  /**
   * Records an export and queues its job. @throws ValidationError naming `type` (not exportable
   * here) or `filters.<name>` (a filter the type does not take, or `from` not before `to`)
   */
  async request(scope: ExportScope, type: ExportType, input: ExportFiltersDto | undefined): Promise<ExportDto> {
    const source = this.sources.get(type);
    if (!source || (scope.kind === 'tenant' && !source.tenantExportable)) throw new ValidationError([{ field: 'type', message: `${type} cannot be exported here` }]);
    const filters: ExportFilters = {};
    if (input?.tenantId) filters.tenantId = input.tenantId;
    if (input?.from) filters.from = input.from.toISOString();
    if (input?.to) filters.to = input.to.toISOString();
    if (input?.status) filters.status = input.status;
    for (const name of Object.keys(filters) as (keyof ExportFilters)[]) {
      if (!source.filters.includes(name)) throw new ValidationError([{ field: `filters.${name}`, message: `${type} exports do not take ${name}; they take ${source.filters.join(', ') || 'no filter'}` }]);
    }
    if (filters.status && source.statuses && !source.statuses.includes(filters.status)) {
      throw new ValidationError([{ field: 'filters.status', message: `${type} have no status ${filters.status}; one of ${source.statuses.join(', ')}` }]);
    }
    if (filters.from && filters.to && filters.from >= filters.to) throw new ValidationError([{ field: 'filters.from', message: 'from must be before to' }]);
    if (scope.kind === 'tenant') filters.tenantId = scope.tenantId;
    const id = randomUUID();
    const tenantId = scope.kind === 'tenant' ? scope.tenantId : null;
    const job = await this.jobs.enqueue({ type: EXPORT_JOB, tenantId, params: { exportId: id, type } });
    await this.txHost.tx.getRepository(DataExport).insert({ id, jobId: job.id, tenantId, type, format: 'csv', filters, requestedBy: requesterOf(this.context.actor) });
    this.context.noteAudit({ resourceType: 'export', resourceId: id, tenantId: tenantId ?? filters.tenantId, metadata: { type, filters: { ...filters } } });
    return this.get(scope, id);
  }

  /** Exports, newest first (a tenant sees its own only). */
  async list(scope: ExportScope, query: ExportListQueryDto): Promise<Page<ExportDto>> {
    const where = { ...(query.type ? { type: query.type } : {}) };
    const [rows, total] =
      scope.kind === 'tenant'
        ? await this.scoped(scope.tenantId).findAndCount({ where, order: { createdAt: 'DESC', id: 'DESC' }, take: query.limit, skip: query.offset })
        : await this.txHost.tx.getRepository(DataExport).findAndCount({ where, order: { createdAt: 'DESC', id: 'DESC' }, take: query.limit, skip: query.offset });
    const jobs = await this.jobsOf(rows.map((r) => r.jobId));
    return toPage(rows.map((r) => this.toDto(r, jobs.get(r.jobId)!)), total, query);
  }

  /** One export. @throws NotFoundError `export_not_found` (another tenant's too) */
  async get(scope: ExportScope, exportId: string): Promise<ExportDto> {
    const row = await this.find(scope, exportId);
    const jobs = await this.jobsOf([row.jobId]);
    return this.toDto(row, jobs.get(row.jobId)!);
  }

  /**
   * A fresh signed link to the file, valid 10 minutes. @throws NotFoundError | ConflictError
   * `export_not_ready` (still being written, failed or cancelled) | `export_expired`
   */
  async link(scope: ExportScope, exportId: string): Promise<ExportLinkDto> {
    const dto = await this.get(scope, exportId);
    if (dto.status === 'expired') throw new AppError('export_expired', 410, `Export ${exportId} has expired; its file was purged. Request a new export.`);
    if (dto.status !== 'succeeded') throw new AppError('export_not_ready', 409, `Export ${exportId} is ${dto.status}; a link is available once it has succeeded.`, { state: dto.status });
    const expires = Math.floor(this.clock.now().getTime() / 1000) + EXPORT_LINK_TTL_SECONDS;
    const by = this.context.actor.id!;
    const signature = this.links.sign({ exportId, expires, by });
    this.context.noteAudit({ resourceType: 'export', resourceId: exportId, metadata: { linkExpiresAt: new Date(expires * 1000).toISOString() } });
    return { url: `/api/v1/exports/${exportId}/file?expires=${expires}&by=${by}&signature=${signature}`, expiresAt: new Date(expires * 1000).toISOString() };
  }

  /**
   * The file behind a valid link: its stream and names. @throws AppError 403 `export_link_invalid`
   * (bad signature, expired link) | 410 `export_expired`
   */
  async open(exportId: string, expires: number, by: string, signature: string) {
    if (!this.links.verify({ exportId, expires, by }, signature, this.clock.now().getTime())) {
      throw new AppError('export_link_invalid', 403, 'The download link is invalid or has expired; ask for a new one (GET …/exports/{exportId}/download).');
    }
    const row = await this.txHost.tx.getRepository(DataExport).findOneBy({ id: exportId });
    if (!row || !row.fileKey || row.purgedAt) throw new AppError('export_expired', 410, `Export ${exportId} has no file any more.`);
    const day = row.completedAt!.toISOString().slice(0, 10);
    return { row, stream: await this.storage.reader(row.fileKey), filename: `${row.type}-${day}-${row.id.slice(0, 8)}.csv` };
  }

  /**
   * Deletes the files of exports past their expiry (and the partial files of failed ones) and
   * marks them purged. Returns how many.
   */
  async purgeExpired(): Promise<number> {
    const rows: { id: string; file_key: string | null }[] = await this.txHost.tx.query(
      `SELECT e.id, e.file_key FROM data_exports e JOIN jobs j ON j.id = e.job_id
       WHERE e.purged_at IS NULL AND (e.expires_at < now() OR (j.status IN ('failed', 'cancelled') AND j.finished_at < now() - interval '1 hour'))
       ORDER BY e.created_at LIMIT 1000`,
    );
    for (const r of rows) {
      await this.storage.remove(r.file_key ?? `exports/${r.id}.csv`);
      await this.txHost.tx.query(`UPDATE data_exports SET purged_at = now() WHERE id = $1`, [r.id]);
    }
    if (rows.length) this.logger.log(`purged ${rows.length} export file(s)`);
    return rows.length;
  }

  /** The job: counts, then streams the rows to the store; checkpoints every 5,000 rows. */
  private async write(ctx: JobContext<{ exportId: string }>): Promise<{ rows: number; bytes: number }> {
    const row = await this.txHost.tx.getRepository(DataExport).findOneByOrFail({ id: ctx.params.exportId });
    const source = this.sources.get(row.type)!;
    const { sql, params } = source.query(row.filters);
    const key = `exports/${row.id}.csv`;
    const runner = this.txHost.tx.connection.createQueryRunner();
    await runner.connect();
    let rows = 0;
    let bytes = 0;
    const hash = createHash('sha256');
    try {
      // One snapshot for the count and the rows: the file matches the count.
      await runner.startTransaction('REPEATABLE READ');
      // The cursor is one statement for PostgreSQL from its first to its last row: the service's
      // statement timeout (meant for requests) would cut a long export off, so the export's own
      // transaction allows an hour (the job's lease and cancellation still bound it).
      await runner.query(`SET LOCAL statement_timeout = '1h'`);
      const [{ n }]: { n: number }[] = await runner.query(`SELECT count(*)::int AS n FROM (${sql}) counted`, params);
      await ctx.checkpoint(0, n);
      const cursor = await runner.stream(sql, params);
      const progress = new Transform({
        objectMode: true,
        transform: (record: Record<string, unknown>, _enc, done) => {
          rows += 1;
          if (rows % CHECKPOINT_ROWS !== 0) return done(null, record);
          ctx.checkpoint(rows).then(() => done(null, record), done);
        },
      });
      const measure = new Transform({
        transform: (chunk: Buffer, _enc, done) => {
          bytes += chunk.length;
          hash.update(chunk);
          done(null, chunk);
        },
      });
      const csv = stringify({ header: true, columns: [...source.columns], escape_formulas: true, cast: { date: (d) => d.toISOString(), boolean: (b) => (b ? 'true' : 'false'), object: (o) => JSON.stringify(o) } });
      await pipeline(cursor, progress, csv, measure, await this.storage.writer(key));
      await runner.commitTransaction();
    } catch (err) {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      await this.storage.remove(key);
      throw err;
    } finally {
      await runner.release();
    }
    const completedAt = this.clock.now();
    await this.txHost.tx.getRepository(DataExport).update(
      { id: row.id },
      { fileKey: key, rowCount: rows, byteSize: String(bytes), sha256: hash.digest('hex'), completedAt, expiresAt: new Date(completedAt.getTime() + EXPORT_RETENTION_DAYS * 86_400_000) },
    );
    await ctx.checkpoint(rows, rows);
    return { rows, bytes };
  }

  private scoped(tenantId: string): TenantScopedRepository<DataExport> {
    return new TenantScopedRepository(this.txHost.tx, DataExport, tenantId);
  }

  private async find(scope: ExportScope, exportId: string): Promise<DataExport> {
    const row = scope.kind === 'tenant' ? await this.scoped(scope.tenantId).findOne({ id: exportId }) : await this.txHost.tx.getRepository(DataExport).findOneBy({ id: exportId });
    if (!row) throw new NotFoundError('Export', exportId);
    return row;
  }

  private jobsOf(ids: string[]): Promise<Map<string, JobRecord>> {
    return jobRecordsById(this.txHost.tx, ids);
  }

  private toDto(r: DataExport, job: JobRecord): ExportDto {
    const expired = r.purgedAt !== null || (r.expiresAt !== null && r.expiresAt.getTime() <= this.clock.now().getTime());
    return {
      id: r.id,
      type: r.type,
      format: r.format,
      filters: { ...r.filters },
      status: expired && job.status === 'succeeded' ? 'expired' : job.status,
      job: toJobDto(job),
      file: r.fileKey && r.rowCount !== null ? { rows: r.rowCount, bytes: Number(r.byteSize), sha256: r.sha256! } : null,
      tenantId: r.tenantId,
      createdAt: r.createdAt.toISOString(),
      completedAt: r.completedAt?.toISOString() ?? null,
      expiresAt: r.expiresAt?.toISOString() ?? null,
    };
  }
}
