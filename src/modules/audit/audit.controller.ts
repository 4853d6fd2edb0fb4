import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { PlatformAuth } from '../../common/auth';
import { ApiOp, AuditResource, CursorPageOf } from '../../common/http';
import { AuditQueryService } from './audit-query.service';
import { AuditChainService } from './chain/audit-chain.service';
import { AuditChainVerificationDto, AuditChainVerifyQueryDto } from './dto/audit-chain.dto';
import { AuditLogDto, AuditLogQueryDto } from './dto/audit-log.dto';

/** Platform-wide audit trail for staff. */
@ApiTags('audit')
@AuditResource('audit', 'audit_log')
@PlatformAuth()
@Controller('admin/audit-logs')
export class AdminAuditController {
  constructor(
    private readonly query: AuditQueryService,
    private readonly chains: AuditChainService,
  ) {}

  @Get()
  @ApiOp('adminAuditLogs_list', 'List audit log entries (newest first, cursor-paginated)', [400])
  @ApiOkResponse({ type: CursorPageOf(AuditLogDto) })
  list(@Query() query: AuditLogQueryDto) {
    return this.query.listAll(query);
  }

  @Get('verify')
  @PlatformAuth('owner', 'admin')
  @ApiOp(
    'adminAuditLogs_verify',
    'Verify the hash chain of a tenant’s audit rows (or the platform’s) and report its first broken link',
    [400],
    'Recomputes every link from the first row at or after `from` to the last row before `to` (docs/adr/0029), in bounded memory, and stops at the first that fails.',
  )
  @ApiOkResponse({ type: AuditChainVerificationDto })
  verify(@Query() query: AuditChainVerifyQueryDto): Promise<AuditChainVerificationDto> {
    return this.chains.verify(query.tenantId ?? null, { from: query.from, to: query.to });
  }
}
