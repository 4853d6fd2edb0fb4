import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { PlatformAuth } from '../../common/auth';
import { ApiOp, AuditResource, CursorPageOf } from '../../common/http';
import { AuditQueryService } from './audit-query.service';
import { AuditLogDto, AuditLogQueryDto } from './dto/audit-log.dto';

/** Platform-wide audit trail for staff. */
@ApiTags('audit')
@AuditResource('audit', 'audit_log')
@PlatformAuth()
@Controller('admin/audit-logs')
export class AdminAuditController {
  constructor(private readonly query: AuditQueryService) {}

  @Get()
  @ApiOp('adminAuditLogs_list', 'List audit log entries (newest first, cursor-paginated)', [400])
  @ApiOkResponse({ type: CursorPageOf(AuditLogDto) })
  list(@Query() query: AuditLogQueryDto) {
    return this.query.listAll(query);
  }
}
