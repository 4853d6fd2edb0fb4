import { Injectable, Logger } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { RequestContext } from '../../common/context';
import { AppError, ConflictError, ForbiddenError, NotFoundError } from '../../common/errors';
import { UnitOfWork } from '../../common/events';
import { EXPORT_LINK_TTL_SECONDS, ExportLinks, ExportStorage } from '../../common/exports';
import { Page, toPage } from '../../common/http';
import { Jobs, requesterOf } from '../../common/jobs';
import { PersonalDataErasers, TenantDirectory } from '../../common/tenancy';
import { Clock } from '../../common/time';
import { AuditService } from '../audit';
import { ComplianceArchiveLinkDto, ComplianceRequestDto, ComplianceRequestListQueryDto, GdprRequestDto } from './dto/compliance.dto';
import { ComplianceKind, ComplianceRequest } from './entities/compliance-request.entity';
import { Pseudonyms } from './pseudonyms';

/** Hours within which a second owner or admin must approve an erasure. */
export const APPROVAL_WINDOW_HOURS = 48;
/** Days an export archive is kept on the export store. */
export const ARCHIVE_RETENTION_DAYS = 7;
/** Job types of the work. */
export const GDPR_EXPORT_JOB = 'compliance.gdpr_export';
export const GDPR_DELETE_JOB = 'compliance.gdpr_delete';
/** The signed-link namespace of archives (an export link can never open an archive, nor the reverse). */
export const archiveLinkId = (requestId: string): string => `compliance:${requestId}`;

/**
 * GDPR requests with two-person approval (GDPR Art. 15, 17, 20; the deletion confirmations of
 * Retraced and WorkOS): an export of a tenant's or a person's data runs at once; an erasure waits
 * for an owner or admin other than its requester, within 48 hours, and until then nothing is
 * erased. Every step is on the audit trail: the request, approval and rejection as their routes'
 * rows, expiry, each context's erasure and completion as job rows.
 */
@Injectable()
export class ComplianceRequests {
  private readonly logger = new Logger(ComplianceRequests.name);

  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly jobs: Jobs,
    private readonly uow: UnitOfWork,
    private readonly context: RequestContext,
    private readonly audit: AuditService,
    private readonly tenants: TenantDirectory,
    private readonly erasers: PersonalDataErasers,
    private readonly pseudonyms: Pseudonyms,
    private readonly storage: ExportStorage,
    private readonly links: ExportLinks,
    private readonly clock: Clock,
  ) {}

  /**
   * Records a request about the tenant (or the person `dto.email` of it). An export is approved at
   * once and its job queued; an erasure waits for approval until requestedAt + 48 h.
   * @throws NotFoundError `tenant_not_found` | `compliance_subject_not_found` (no such person in the tenant)
   */
  async request(kind: ComplianceKind, tenantId: string, dto: GdprRequestDto): Promise<ComplianceRequestDto> {
    if (!(await this.tenants.findById(tenantId))) throw new NotFoundError('Tenant', tenantId);
    const email = dto.email ?? null;
    if (email && !(await this.personExists(tenantId, email))) {
      throw new AppError('compliance_subject_not_found', 404, `Tenant ${tenantId} holds no person with email ${email}.`);
    }
    const now = this.clock.now();
    const actor = this.context.actor;
    const row: Partial<ComplianceRequest> = {
      id: randomUUID(),
      kind,
      subjectKind: email ? 'person' : 'tenant',
      tenantId,
      subjectEmail: email,
      subjectPseudonym: email ? this.pseudonyms.email(tenantId, email) : null,
      reason: dto.reason,
      status: kind === 'export' ? 'approved' : 'pending_approval',
      requestedBy: requesterOf(actor),
      requestedById: actor.id!,
      requestedAt: now,
      expiresAt: kind === 'delete' ? new Date(now.getTime() + APPROVAL_WINDOW_HOURS * 3_600_000) : null,
    };
    await this.txHost.tx.getRepository(ComplianceRequest).insert(row);
    if (kind === 'export') await this.queueWork(row.id!, 'export', tenantId);
    this.context.noteAudit({ resourceType: 'compliance_request', resourceId: row.id, tenantId, metadata: { kind, subjectKind: row.subjectKind, reason: dto.reason } });
    return this.get(row.id!);
  }

  /** Requests, newest first, filtered by status, kind and tenant. */
  async list(query: ComplianceRequestListQueryDto): Promise<Page<ComplianceRequestDto>> {
    const where = { ...(query.status ? { status: query.status } : {}), ...(query.kind ? { kind: query.kind } : {}), ...(query.tenantId ? { tenantId: query.tenantId } : {}) };
    const [rows, total] = await this.txHost.tx.getRepository(ComplianceRequest).findAndCount({ where, order: { createdAt: 'DESC', id: 'DESC' }, take: query.limit, skip: query.offset });
    return toPage(rows.map((r) => this.toDto(r)), total, query);
  }

  /** @throws NotFoundError `compliance_request_not_found` */
  async get(requestId: string): Promise<ComplianceRequestDto> {
    return this.toDto(await this.find(requestId));
  }

  /**
   * Approves a pending erasure and queues its job, in the caller's transaction. The approver must
   * be another staff member than the requester (two-person rule), and the 48 hours must not have
   * passed (an expired request is marked expired once this transaction ends, and nothing is erased).
   * @throws NotFoundError | ForbiddenError `approval_by_requester` | ConflictError
   *   `compliance_request_not_pending` | `compliance_request_expired`
   */
  async approve(requestId: string, note: string | undefined): Promise<ComplianceRequestDto> {
    const row = await this.find(requestId, true);
    const actor = this.context.actor;
    if (row.requestedById === actor.id) throw new ForbiddenError('You requested this erasure; another owner or admin must approve it.', 'approval_by_requester', { state: row.status });
    this.assertPending(row, 'approved');
    if (row.expiresAt && row.expiresAt.getTime() <= this.clock.now().getTime()) {
      await this.uow.afterTransaction(async () => void (await this.expireDue()));
      throw new ConflictError('compliance_request_expired', `Compliance request ${requestId} expired at ${row.expiresAt.toISOString()} without approval; nothing was erased.`, { state: 'expired' });
    }
    await this.txHost.tx.getRepository(ComplianceRequest).update(
      { id: requestId },
      { status: 'approved', approvedById: actor.id, approvedByEmail: actor.email, approvedAt: this.clock.now(), approvalNote: note ?? null },
    );
    await this.queueWork(requestId, 'delete', row.tenantId);
    this.context.noteAudit({ resourceType: 'compliance_request', resourceId: requestId, tenantId: row.tenantId, before: { status: row.status }, after: { status: 'approved' }, metadata: { requestedBy: row.requestedById } });
    return this.get(requestId);
  }

  /**
   * Rejects a pending erasure (its requester may withdraw it too): nothing is erased.
   * @throws NotFoundError | ConflictError `compliance_request_not_pending`
   */
  async reject(requestId: string, note: string): Promise<ComplianceRequestDto> {
    const row = await this.find(requestId, true);
    this.assertPending(row, 'rejected');
    const actor = this.context.actor;
    await this.txHost.tx.getRepository(ComplianceRequest).update({ id: requestId }, { status: 'rejected', rejectedById: actor.id, rejectedByEmail: actor.email, rejectedAt: this.clock.now(), rejectionNote: note });
    this.context.noteAudit({ resourceType: 'compliance_request', resourceId: requestId, tenantId: row.tenantId, before: { status: row.status }, after: { status: 'rejected' } });
    return this.get(requestId);
  }

  /**
   * A fresh signed link (10 minutes) to a completed export's archive, with its audit row. @throws NotFoundError |
   * ConflictError `compliance_archive_not_ready` | AppError 410 `compliance_archive_expired`
   */
  async link(requestId: string): Promise<ComplianceArchiveLinkDto> {
    const row = await this.find(requestId);
    if (row.kind !== 'export' || row.status !== 'completed' || !row.archiveKey) {
      throw new ConflictError('compliance_archive_not_ready', `Compliance request ${requestId} is ${row.kind === 'export' ? row.status : 'an erasure'}; an archive is available once an export has completed.`, { state: row.status });
    }
    if (this.archiveGone(row)) throw new AppError('compliance_archive_expired', 410, `The archive of compliance request ${requestId} was purged. Request a new export.`);
    const expires = Math.floor(this.clock.now().getTime() / 1000) + EXPORT_LINK_TTL_SECONDS;
    const by = this.context.actor.id!;
    const signature = this.links.sign({ exportId: archiveLinkId(requestId), expires, by });
    await this.audit.record({ channel: 'http', action: 'compliance.link', module: 'compliance', resourceType: 'compliance_request', resourceId: requestId, tenantId: row.tenantId, metadata: { linkExpiresAt: new Date(expires * 1000).toISOString() } });
    return { url: `/api/v1/compliance/archives/${requestId}?expires=${expires}&by=${by}&signature=${signature}`, expiresAt: new Date(expires * 1000).toISOString() };
  }

  /**
   * The archive behind a valid link, and an audit row of the download naming who asked for the
   * link. @throws AppError 403 `compliance_link_invalid` | 410 `compliance_archive_expired`
   */
  async open(requestId: string, expires: number, by: string, signature: string): Promise<{ stream: Readable; filename: string }> {
    if (!this.links.verify({ exportId: archiveLinkId(requestId), expires, by }, signature, this.clock.now().getTime())) {
      throw new AppError('compliance_link_invalid', 403, 'The archive link is invalid or has expired; ask for a new one (GET /api/v1/admin/compliance/requests/{requestId}/download).');
    }
    const row = await this.txHost.tx.getRepository(ComplianceRequest).findOneBy({ id: requestId });
    if (!row?.archiveKey || this.archiveGone(row)) throw new AppError('compliance_archive_expired', 410, `The archive of compliance request ${requestId} was purged. Request a new export.`);
    await this.audit.record({
      channel: 'http',
      action: 'compliance.download',
      module: 'compliance',
      resourceType: 'compliance_request',
      resourceId: row.id,
      tenantId: row.tenantId,
      metadata: { linkIssuedTo: by, sha256: row.archiveSha256, bytes: Number(row.archiveBytes) },
    });
    return { stream: await this.storage.reader(row.archiveKey), filename: `gdpr-${row.subjectKind}-${row.completedAt!.toISOString().slice(0, 10)}-${row.id.slice(0, 8)}.json` };
  }

  /**
   * Marks erasures not approved within 48 hours expired (nothing was erased), each with its audit
   * row; the sweep and a late approval call it. Returns how many.
   */
  async expireDue(): Promise<number> {
    return this.uow.run(async () => {
      const [rows]: [{ id: string; tenant_id: string; expires_at: Date }[], number] = await this.txHost.tx.query(
        `UPDATE compliance_requests SET status = 'expired', updated_at = now()
         WHERE status = 'pending_approval' AND expires_at <= $1 RETURNING id, tenant_id, expires_at`,
        [this.clock.now()],
      );
      for (const r of rows) {
        await this.audit.record({
          channel: 'job',
          action: 'compliance.expire',
          module: 'compliance',
          resourceType: 'compliance_request',
          resourceId: r.id,
          tenantId: r.tenant_id,
          changes: { before: { status: 'pending_approval' }, after: { status: 'expired' } },
          metadata: { expiresAt: new Date(r.expires_at).toISOString() },
        });
      }
      if (rows.length) this.logger.log(`${rows.length} compliance request(s) expired without approval`);
      return rows.length;
    });
  }

  /** Deletes archives older than 7 days from the export store and marks them purged. Returns how many. */
  async purgeArchives(): Promise<number> {
    const rows: { id: string; archive_key: string }[] = await this.txHost.tx.query(
      `SELECT id, archive_key FROM compliance_requests WHERE archive_key IS NOT NULL AND archive_purged_at IS NULL AND archive_expires_at <= $1 ORDER BY archive_expires_at LIMIT 1000`,
      [this.clock.now()],
    );
    for (const r of rows) {
      await this.storage.remove(r.archive_key);
      await this.txHost.tx.query(`UPDATE compliance_requests SET archive_purged_at = now(), updated_at = now() WHERE id = $1`, [r.id]);
    }
    return rows.length;
  }

  private async queueWork(requestId: string, kind: ComplianceKind, tenantId: string): Promise<void> {
    const job = await this.jobs.enqueue({ type: kind === 'export' ? GDPR_EXPORT_JOB : GDPR_DELETE_JOB, tenantId, params: { requestId }, total: this.erasers.all().length });
    await this.txHost.tx.getRepository(ComplianceRequest).update({ id: requestId }, { jobId: job.id });
  }

  /** Whether any context knows a person with this email in the tenant. */
  private async personExists(tenantId: string, email: string): Promise<boolean> {
    for (const { eraser } of this.erasers.all()) {
      if (eraser.identify && (await eraser.identify({ kind: 'person', tenantId, email })).length) return true;
    }
    return false;
  }

  private assertPending(row: ComplianceRequest, verb: 'approved' | 'rejected'): void {
    if (row.status !== 'pending_approval') {
      throw new ConflictError('compliance_request_not_pending', `Compliance request ${row.id} is ${row.status}; only a pending request can be ${verb}.`, { state: row.status });
    }
  }

  private archiveGone(row: ComplianceRequest): boolean {
    return row.archivePurgedAt !== null || (row.archiveExpiresAt !== null && row.archiveExpiresAt.getTime() <= this.clock.now().getTime());
  }

  private async find(requestId: string, lock = false): Promise<ComplianceRequest> {
    const qb = this.txHost.tx.getRepository(ComplianceRequest).createQueryBuilder('r').where('r.id = :requestId', { requestId });
    if (lock) qb.setLock('pessimistic_write');
    const row = await qb.getOne();
    if (!row) throw new NotFoundError('Compliance request', requestId);
    return row;
  }

  private toDto(r: ComplianceRequest): ComplianceRequestDto {
    const iso = (d: Date | null) => (d ? d.toISOString() : null);
    return {
      id: r.id,
      kind: r.kind,
      subject: { kind: r.subjectKind, email: r.subjectEmail, pseudonym: r.subjectPseudonym },
      tenantId: r.tenantId,
      reason: r.reason,
      status: r.status,
      requestedBy: r.requestedBy,
      requestedAt: r.requestedAt.toISOString(),
      expiresAt: iso(r.expiresAt),
      approval: r.approvedById ? { staffId: r.approvedById, email: r.approvedByEmail, at: r.approvedAt!.toISOString(), note: r.approvalNote } : null,
      rejection: r.rejectedById ? { staffId: r.rejectedById, email: r.rejectedByEmail, at: r.rejectedAt!.toISOString(), note: r.rejectionNote } : null,
      jobId: r.jobId,
      result: r.result as Record<string, number> | null,
      error: r.error,
      archive: r.archiveKey && r.archiveSha256 ? { bytes: Number(r.archiveBytes), sha256: r.archiveSha256, expiresAt: r.archiveExpiresAt!.toISOString(), purged: this.archiveGone(r) } : null,
      completedAt: iso(r.completedAt),
      createdAt: r.createdAt.toISOString(),
      updatedAt: r.updatedAt.toISOString(),
    };
  }
}
