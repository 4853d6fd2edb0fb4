import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags, OmitType } from '@nestjs/swagger';
import { PartnerAccess, TenantAuth } from '../../common/auth';
import { RequestContext } from '../../common/context';
import { ApiOp, AuditResource, CursorPageOf } from '../../common/http';
import { AuditQueryService } from './audit-query.service';
import { AuditLogDto, AuditLogQueryDto } from './dto/audit-log.dto';

/**
 * Filters of the tenant-side audit log: the admin view's filters without `tenantId` (the tenant
 * is the caller's; a `tenantId` parameter is rejected as unknown with 400).
 */
export class TenantAuditLogQueryDto extends OmitType(AuditLogQueryDto, ['tenantId'] as const) {}

/** A tenant's own audit trail, for its admins (issue 3 §6). */
@ApiTags('audit')
@AuditResource('audit', 'audit_log')
@TenantAuth('admin')
@Controller('tenant/audit-logs')
export class TenantAuditController {
  constructor(
    private readonly query: AuditQueryService,
    private readonly context: RequestContext,
  ) {}

  @Get()
  @PartnerAccess('audit:read')
  @ApiOp('tenantAuditLogs_list', 'List your organisation’s audit log entries (newest first, cursor-paginated)', [400])
  @ApiOkResponse({ type: CursorPageOf(AuditLogDto) })
  list(@Query() query: TenantAuditLogQueryDto) {
    return this.query.listForTenant(this.context.actor.tenantId!, query);
  }
}
