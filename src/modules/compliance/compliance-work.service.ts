import { Injectable, OnModuleInit } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { createHash } from 'node:crypto';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AppError } from '../../common/errors';
import { EventBus, UnitOfWork } from '../../common/events';
import { ExportStorage } from '../../common/exports';
import { JOB_ERROR_CODES, JobContext, Jobs } from '../../common/jobs';
import { ErasedRows, PersonalDataErasers, PersonalDataPrincipal, PersonalDataSubject } from '../../common/tenancy';
import { Clock } from '../../common/time';
import type { JsonObject } from '../../database/json';
import { AuditService } from '../audit';
import { ARCHIVE_RETENTION_DAYS, GDPR_DELETE_JOB, GDPR_EXPORT_JOB } from './compliance-requests.service';
import { ComplianceRequest } from './entities/compliance-request.entity';
import { ComplianceRequestCompletedEvent } from './events/compliance.events';
import { Pseudonyms } from './pseudonyms';

/** Format tag of a GDPR archive. */
export const ARCHIVE_FORMAT = 'control-plane.gdpr-archive/v1';

interface WorkParams {
  requestId: string;
}

/**
 * The work of approved compliance requests, as job records (CONVENTIONS §12). An export streams
 * every context's sections of the subject from database cursors, in one snapshot, into one JSON
 * document on the export store (bounded memory; a manifest with the counts closes it). An erasure
 * runs every context's personal data eraser, one context per transaction with its job item and
 * audit row, so a retried or crash-resumed job skips the contexts already done and erasers find
 * nothing left to change in the rows they already pseudonymised.
 */
@Injectable()
export class ComplianceWork implements OnModuleInit {
  constructor(
    private readonly jobs: Jobs,
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly uow: UnitOfWork,
    private readonly erasers: PersonalDataErasers,
    private readonly pseudonyms: Pseudonyms,
    private readonly storage: ExportStorage,
    private readonly audit: AuditService,
    private readonly events: EventBus,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.jobs.register<WorkParams>(GDPR_EXPORT_JOB, { run: (ctx) => this.guarded(ctx, () => this.exportArchive(ctx)) });
    this.jobs.register<WorkParams>(GDPR_DELETE_JOB, { run: (ctx) => this.guarded(ctx, () => this.erase(ctx)) });
  }

  /** Marks the request running, runs `work`, and marks it failed (with its audit row) when the work throws. */
  private async guarded(ctx: JobContext<WorkParams>, work: () => Promise<JsonObject>): Promise<JsonObject> {
    const id = ctx.params.requestId;
    const row = await this.request(id);
    // A finished request is never worked again (its subject's email is gone by then).
    if (row.status === 'completed') return { alreadyCompleted: true, rows: row.result ?? {} };
    await this.txHost.tx.query(`UPDATE compliance_requests SET status = 'running', error = NULL, updated_at = now() WHERE id = $1 AND status IN ('approved', 'failed')`, [id]);
    try {
      return await work();
    } catch (err) {
      const error = err instanceof AppError ? { code: err.code, message: err.detail } : { code: JOB_ERROR_CODES.failed, message: err instanceof Error ? err.message.slice(0, 2000) : String(err) };
      await this.uow.run(async () => {
        await this.txHost.tx.query(`UPDATE compliance_requests SET status = 'failed', error = $2, updated_at = now() WHERE id = $1 AND status = 'running'`, [id, JSON.stringify(error)]);
        await this.audit.record({ channel: 'job', action: 'compliance.fail', module: 'compliance', resourceType: 'compliance_request', resourceId: id, tenantId: row.tenantId, metadata: { jobId: ctx.job.id, error } });
      });
      throw err;
    }
  }

  /** The subject with its principals: resolved on the first run, then reused (a retry must find the same people). */
  private async subjectOf(row: ComplianceRequest): Promise<PersonalDataSubject> {
    const base = { kind: row.subjectKind, tenantId: row.tenantId, email: row.subjectEmail } as const;
    if (row.subjectPrincipals) return { ...base, principals: row.subjectPrincipals };
    // Fail closed: a person request without its email must never widen to the whole tenant.
    if (row.subjectKind === 'person' && !row.subjectEmail) throw new Error(`compliance request ${row.id} names no person any more`);
    const byEmail = new Map<string, PersonalDataPrincipal>();
    for (const { eraser } of this.erasers.all()) {
      for (const p of eraser.identify ? await eraser.identify(base) : []) {
        const known = byEmail.get(p.email);
        if (known) {
          known.id ??= p.id;
          known.names = [...new Set([...known.names, ...p.names])];
        } else byEmail.set(p.email, { ...p, pseudonym: this.pseudonyms.email(row.tenantId, p.email) });
      }
    }
    const principals = [...byEmail.values()];
    await this.txHost.tx.query(`UPDATE compliance_requests SET subject_principals = $2, updated_at = now() WHERE id = $1`, [row.id, JSON.stringify(principals)]);
    return { ...base, principals };
  }

  /** GDPR Art. 17: each context's erasure in its own transaction, then the completion. */
  private async erase(ctx: JobContext<WorkParams>): Promise<JsonObject> {
    const row = await this.request(ctx.params.requestId);
    const subject = await this.subjectOf(row);
    const erasers = this.erasers.all();
    const recorded = await ctx.recordedItems();
    await ctx.checkpoint(recorded.size, erasers.length);
    let done = recorded.size;
    for (const [seq, { context, eraser }] of erasers.entries()) {
      if (recorded.has(context)) continue;
      await this.uow.run(async () => {
        const rows = await eraser.erase(subject);
        await ctx.recordItem({ seq, key: context, outcome: 'ok', detail: { rows } });
        await this.audit.record({
          channel: 'job',
          action: 'compliance.erase',
          module: 'compliance',
          resourceType: 'compliance_request',
          resourceId: row.id,
          tenantId: row.tenantId,
          metadata: { jobId: ctx.job.id, context, rows, subjectKind: row.subjectKind, subject: row.subjectPseudonym },
        });
      });
      done += 1;
      await ctx.checkpoint(done);
    }
    const items: { detail: { rows: ErasedRows } }[] = await this.txHost.tx.query(`SELECT detail FROM job_items WHERE job_id = $1 ORDER BY seq`, [ctx.job.id]);
    const totals: Record<string, number> = {};
    for (const item of items) for (const [table, n] of Object.entries(item.detail?.rows ?? {})) totals[table] = (totals[table] ?? 0) + n;
    await this.complete(ctx, row, totals, {});
    return { tables: totals };
  }

  /** GDPR Art. 15 and 20: the archive, streamed from one snapshot, then the completion. */
  private async exportArchive(ctx: JobContext<WorkParams>): Promise<JsonObject> {
    const row = await this.request(ctx.params.requestId);
    const subject = await this.subjectOf(row);
    const key = `compliance/${row.id}.json`;
    const counts: Record<string, number> = {};
    let bytes = 0;
    const hash = createHash('sha256');
    const runner = this.txHost.tx.connection.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction('REPEATABLE READ');
      await runner.query(`SET LOCAL statement_timeout = '1h'`);
      const sections = this.erasers.all().flatMap(({ eraser }) => eraser.sections(subject));
      const generatedAt = this.clock.now().toISOString();
      const header = { format: ARCHIVE_FORMAT, generatedAt, request: { id: row.id, tenantId: row.tenantId, subject: { kind: row.subjectKind, email: row.subjectEmail }, reason: row.reason } };
      async function* chunks(): AsyncGenerator<string> {
        yield `${JSON.stringify(header).slice(0, -1)},"sections":{`;
        for (const [i, section] of sections.entries()) {
          yield `${i ? ',' : ''}${JSON.stringify(section.name)}:[`;
          let n = 0;
          const cursor = await runner.stream(section.sql, section.params);
          for await (const record of cursor as AsyncIterable<{ row: unknown }>) {
            yield `${n ? ',' : ''}\n${JSON.stringify(record.row)}`;
            n += 1;
          }
          counts[section.name] = n;
          yield ']';
          await ctx.checkpoint(i + 1, sections.length);
        }
        yield `},"manifest":${JSON.stringify({ generatedAt, sections: sections.length, counts })}}\n`;
      }
      const measure = new Transform({
        transform: (chunk: Buffer, _enc, next) => {
          bytes += chunk.length;
          hash.update(chunk);
          next(null, chunk);
        },
      });
      await pipeline(Readable.from(chunks()), measure, await this.storage.writer(key));
      await runner.commitTransaction();
    } catch (err) {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      await this.storage.remove(key);
      throw err;
    } finally {
      await runner.release();
    }
    const sha256 = hash.digest('hex');
    const completedAt = this.clock.now();
    const archiveExpiresAt = new Date(completedAt.getTime() + ARCHIVE_RETENTION_DAYS * 86_400_000);
    await this.complete(ctx, row, counts, { archiveKey: key, archiveBytes: String(bytes), archiveSha256: sha256, archiveExpiresAt, completedAt });
    return { sections: counts, bytes, sha256 };
  }

  /**
   * Records the end: status completed, the counts, the principals cleared — and, after an
   * erasure, the subject's email cleared from this request and from the tenant's other requests
   * about the same people — with its audit row and `compliance.request_completed`, in one transaction.
   */
  private async complete(ctx: JobContext<WorkParams>, row: ComplianceRequest, counts: Record<string, number>, archive: Partial<ComplianceRequest>): Promise<void> {
    await this.uow.run(async () => {
      const repo = this.txHost.tx.getRepository(ComplianceRequest);
      await repo.update({ id: row.id }, { ...archive, status: 'completed', result: counts as JsonObject, completedAt: archive.completedAt ?? this.clock.now(), subjectPrincipals: null });
      if (row.kind === 'delete') {
        await this.txHost.tx.query(
          `UPDATE compliance_requests SET subject_email = NULL, updated_at = now()
           WHERE tenant_id = $1 AND subject_email IS NOT NULL AND ($2::text IS NULL OR subject_email = $2)`,
          [row.tenantId, row.subjectKind === 'person' ? row.subjectEmail : null],
        );
      }
      const rows = Object.values(counts).reduce((a, b) => a + b, 0);
      await this.audit.record({
        channel: 'job',
        action: 'compliance.complete',
        module: 'compliance',
        resourceType: 'compliance_request',
        resourceId: row.id,
        tenantId: row.tenantId,
        changes: { before: { status: 'running' }, after: { status: 'completed' } },
        metadata: { jobId: ctx.job.id, kind: row.kind, subjectKind: row.subjectKind, subject: row.subjectPseudonym, rows: counts, ...(archive.archiveSha256 ? { sha256: archive.archiveSha256 } : {}) },
      });
      await this.events.publish(new ComplianceRequestCompletedEvent(row.tenantId, { requestId: row.id, tenantId: row.tenantId, kind: row.kind, subjectKind: row.subjectKind, rows }));
    });
  }

  private async request(id: string): Promise<ComplianceRequest> {
    return this.txHost.tx.getRepository(ComplianceRequest).findOneByOrFail({ id });
  }
}
