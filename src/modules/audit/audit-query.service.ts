import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Brackets, Repository } from 'typeorm';
import { decodeCursor, encodeCursor } from '../../common/http';
import { AuditLogDto, AuditLogQueryDto } from './dto/audit-log.dto';
import { AuditLog } from './entities/audit-log.entity';

/** Audit log reads: filtered, newest first, keyset-paginated on (occurredAt, id). */
@Injectable()
export class AuditQueryService {
  constructor(@InjectRepository(AuditLog) private readonly repo: Repository<AuditLog>) {}

  /**
   * Lists rows matching `query`; `tenantScope` (tenant-side reads) overrides any tenantId filter.
   * @throws ValidationError naming `cursor` when the cursor is malformed.
   */
  async list(query: AuditLogQueryDto, tenantScope?: string): Promise<{ data: AuditLogDto[]; meta: { nextCursor: string | null; limit: number } }> {
    const qb = this.repo.createQueryBuilder('a');
    const tenantId = tenantScope ?? query.tenantId;
    if (tenantId) qb.andWhere('a.tenant_id = :tenantId', { tenantId });
    if (query.from) qb.andWhere('a.occurred_at >= :from', { from: query.from });
    if (query.to) qb.andWhere('a.occurred_at < :to', { to: query.to });
    if (query.actorId) qb.andWhere('a.actor_id = :actorId', { actorId: query.actorId });
    if (query.action) qb.andWhere('a.action = :action', { action: query.action });
    if (query.module) qb.andWhere('a.module = :module', { module: query.module });
    if (query.resourceType) qb.andWhere('a.resource_type = :resourceType', { resourceType: query.resourceType });
    if (query.resourceId) qb.andWhere('a.resource_id = :resourceId', { resourceId: query.resourceId });
    if (query.outcome) qb.andWhere('a.outcome = :outcome', { outcome: query.outcome });
    if (query.cursor) {
      const { at, id } = decodeCursor(query.cursor);
      qb.andWhere(new Brackets((w) => w.where('(a.occurred_at, a.id) < (:at, :id)', { at, id })));
    }
    const rows = await qb.orderBy('a.occurred_at', 'DESC').addOrderBy('a.id', 'DESC').take(query.limit + 1).getMany();
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    return {
      // Tenant admins see that staff acted on their tenant and who, but not staff-internal
      // payloads (note bodies, quota notes, customer ids), the staff id, IP or user agent.
      data: page.map((row) => (tenantScope ? toTenantView(toDto(row)) : toDto(row))),
      meta: { nextCursor: rows.length > query.limit && last ? encodeCursor({ at: last.occurredAt.toISOString(), id: last.id }) : null, limit: query.limit },
    };
  }

  /** The latest `limit` rows of a tenant (tenant detail view). */
  async latestForTenant(tenantId: string, limit = 10): Promise<AuditLogDto[]> {
    const rows = await this.repo.find({ where: { tenantId }, order: { occurredAt: 'DESC', id: 'DESC' }, take: limit });
    return rows.map(toDto);
  }
}

function toDto(a: AuditLog): AuditLogDto {
  return {
    id: a.id,
    occurredAt: a.occurredAt.toISOString(),
    requestId: a.requestId,
    actorType: a.actorType,
    actorId: a.actorId,
    actorEmail: a.actorEmail,
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

/** The tenant-side view of a row: platform staff rows keep who/what/when/outcome only. */
function toTenantView(row: AuditLogDto): AuditLogDto {
  if (row.actorType !== 'platform') return row;
  return { ...row, actorId: null, changes: null, metadata: null, ip: null, userAgent: null };
}
