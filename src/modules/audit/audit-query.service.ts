import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Brackets, SelectQueryBuilder } from 'typeorm';
import { decodeCursor, encodeCursor, CursorPage } from '../../common/http';
import { TenantScopedRepository } from '../../database/tenant-scoped.repository';
import { AuditLogDto, AuditLogQueryDto } from './dto/audit-log.dto';
import { AuditLog } from './entities/audit-log.entity';

/** Filters of a tenant's own audit log: the staff filters without `tenantId` (the tenant is the caller's). */
export type TenantAuditLogQuery = Omit<AuditLogQueryDto, 'tenantId'>;

/** A cursor page of audit rows: `meta.nextCursor` is null on the last page. */
export type AuditLogPage = CursorPage<AuditLogDto>;

/**
 * Audit log reads: filtered, newest first, keyset-paginated on (occurredAt, id). Two entry points
 * and no optional scope, so a tenant-side read cannot become a platform-wide one by omission
 * (docs/adr/0013): {@link listForTenant} for a tenant's admins, {@link listAll} for staff.
 */
@Injectable()
export class AuditQueryService {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  /**
   * Rows of `tenantId` only (through the tenant scope), in the tenant-side view: staff rows
   * keep who/what/when/outcome but not their payloads, staff id, IP or user agent.
   * @throws ValidationError naming `cursor` when the cursor is malformed.
   */
  async listForTenant(tenantId: string, query: TenantAuditLogQuery): Promise<AuditLogPage> {
    const qb = new TenantScopedRepository(this.txHost.tx, AuditLog, tenantId).queryBuilder('a');
    return this.page(qb, query, (row) => toTenantView(toDto(row)));
  }

  /**
   * Rows of every tenant and of none (staff sign-ins, platform actions), optionally filtered by
   * `query.tenantId`; full rows. For staff routes only.
   * @throws ValidationError naming `cursor` when the cursor is malformed.
   */
  async listAll(query: AuditLogQueryDto): Promise<AuditLogPage> {
    // eslint-disable-next-line no-restricted-syntax -- the staff audit trail spans all tenants; tenantId is an optional filter of /admin/audit-logs.
    const qb = this.txHost.tx.getRepository(AuditLog).createQueryBuilder('a');
    if (query.tenantId) qb.andWhere('a.tenant_id = :tenantId', { tenantId: query.tenantId });
    return this.page(qb, query, toDto);
  }

  /** The latest `limit` rows of a tenant (the staff tenant detail view), full rows. */
  async latestForTenant(tenantId: string, limit = 10): Promise<AuditLogDto[]> {
    const rows = await new TenantScopedRepository(this.txHost.tx, AuditLog, tenantId).find({ order: { occurredAt: 'DESC', id: 'DESC' }, take: limit });
    return rows.map(toDto);
  }

  /** Applies the filters shared by both lists (ANDed), then reads one page plus one row to know whether another follows. */
  private async page(qb: SelectQueryBuilder<AuditLog>, query: TenantAuditLogQuery, view: (row: AuditLog) => AuditLogDto): Promise<AuditLogPage> {
    if (query.from) qb.andWhere('a.occurred_at >= :from', { from: query.from });
    if (query.to) qb.andWhere('a.occurred_at < :to', { to: query.to });
    if (query.actorId) qb.andWhere('a.actor_id = :actorId', { actorId: query.actorId });
    if (query.action) qb.andWhere('a.action = :action', { action: query.action });
    if (query.module) qb.andWhere('a.module = :module', { module: query.module });
    if (query.resourceType) qb.andWhere('a.resource_type = :resourceType', { resourceType: query.resourceType });
    if (query.resourceId) qb.andWhere('a.resource_id = :resourceId', { resourceId: query.resourceId });
    if (query.outcome) qb.andWhere('a.outcome = :outcome', { outcome: query.outcome });
    if (query.channel) qb.andWhere('a.channel = :channel', { channel: query.channel });
    if (query.cursor) {
      const { at, id } = decodeCursor(query.cursor);
      qb.andWhere(new Brackets((w) => w.where('(a.occurred_at, a.id) < (:at, :id)', { at, id })));
    }
    const rows = await qb.orderBy('a.occurred_at', 'DESC').addOrderBy('a.id', 'DESC').take(query.limit + 1).getMany();
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    return {
      data: page.map(view),
      meta: { nextCursor: rows.length > query.limit && last ? encodeCursor({ at: last.occurredAt.toISOString(), id: last.id }) : null, limit: query.limit },
    };
  }
}

function toDto(a: AuditLog): AuditLogDto {
  return {
    id: a.id,
    occurredAt: a.occurredAt.toISOString(),
    requestId: a.requestId,
    channel: a.channel,
    actorType: a.actorType,
    actorId: a.actorId,
    actorEmail: a.actorEmail,
    actorClientId: a.actorClientId,
    impersonatorId: a.impersonatorId,
    tenantId: a.tenantId,
    action: a.action,
    module: a.module,
    resourceType: a.resourceType,
    resourceId: a.resourceId,
    method: a.method,
    path: a.path,
    statusCode: a.statusCode,
    outcome: a.outcome,
    errorCode: a.errorCode,
    ip: a.ip,
    userAgent: a.userAgent,
    changes: a.changes,
    metadata: a.metadata,
  };
}

/**
 * The tenant-side view of a row: tenant admins see that staff acted on their tenant and who, but
 * not staff-internal payloads (note bodies, quota notes, customer ids), the staff id, IP or user agent.
 */
function toTenantView(row: AuditLogDto): AuditLogDto {
  if (row.actorType !== 'platform') return row;
  return { ...row, actorId: null, changes: null, metadata: null, ip: null, userAgent: null };
}
