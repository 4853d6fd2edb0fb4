import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { PlatformAuth, TenantAuth } from '../../common/auth';
import { RequestContext } from '../../common/context';
import { ApiOp, Audited, AuditResource, UuidPipe } from '../../common/http';
import { RecalculationJobDto, UsageDto, UsageHistoryDto, UsageHistoryQueryDto } from './dto/usage.dto';
import { UsageService } from './usage.service';

/** A tenant's usage for platform staff. */
@ApiTags('usage')
@AuditResource('usage', 'tenant_usage')
@PlatformAuth()
@Controller('admin/tenants/:tenantId/usage')
export class AdminUsageController {
  constructor(private readonly usage: UsageService) {}

  @Get()
  @ApiOp('adminTenantUsage_get', 'Current usage counters of a tenant', ['validation_failed', 'tenant_not_found'])
  @ApiOkResponse({ type: UsageDto })
  current(@Param('tenantId', UuidPipe) tenantId: string): Promise<UsageDto> {
    return this.usage.current(tenantId);
  }

  @Get('history')
  @ApiOp('adminTenantUsage_history', 'Daily usage snapshots of a tenant (UTC days, inclusive; default last 30 days)', ['validation_failed', 'tenant_not_found'])
  @ApiOkResponse({ type: UsageHistoryDto })
  history(@Param('tenantId', UuidPipe) tenantId: string, @Query() query: UsageHistoryQueryDto): Promise<UsageHistoryDto> {
    return this.usage.history(tenantId, query);
  }

  @Post('recalculate')
  @Audited('usage.recalculate')
  @PlatformAuth('owner', 'admin', 'support')
  @HttpCode(202)
  @ApiOp('adminTenantUsage_recalculate', 'Recount a tenant’s usage from the source tables and correct drift (async)', ['validation_failed', 'tenant_not_found'])
  @ApiAcceptedResponse({ type: RecalculationJobDto })
  recalculate(@Param('tenantId', UuidPipe) tenantId: string): Promise<RecalculationJobDto> {
    return this.usage.requestRecalculation(tenantId);
  }
}

/** The signed-in tenant's usage, for its admins. */
@ApiTags('usage')
@AuditResource('usage', 'tenant_usage')
@TenantAuth('admin')
@Controller('tenant/usage')
export class TenantUsageController {
  constructor(
    private readonly usage: UsageService,
    private readonly context: RequestContext,
  ) {}

  @Get()
  @ApiOp('tenantUsage_get', 'Your organisation’s current usage', ['tenant_suspended'])
  @ApiOkResponse({ type: UsageDto })
  current(): Promise<UsageDto> {
    return this.usage.current(this.context.actor.tenantId!);
  }
}
