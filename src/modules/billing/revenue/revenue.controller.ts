import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { PlatformAuth } from '../../../common/auth';
import { RequestContext } from '../../../common/context';
import { ApiOp, Audited, AuditResource, UuidPipe } from '../../../common/http';
import { MrrRebuildService } from './mrr-rebuild.service';
import { RebuildMetricsDto, MrrRebuildResultDto, RevenueMetricsDto, RevenueMetricsQueryDto, TenantBillingSummaryDto } from './revenue.dto';
import { RevenueMetricsService } from './revenue-metrics.service';
import { TenantBillingSummaryService } from './tenant-billing-summary.service';

/** The platform's revenue metrics (MRR, churn, ARPA, LTV, forecast) and the check of their ledger, for staff. */
@ApiTags('revenue')
@AuditResource('billing', 'mrr_movement')
@PlatformAuth()
@Controller('admin/billing/metrics')
export class AdminRevenueMetricsController {
  constructor(
    private readonly metrics: RevenueMetricsService,
    private readonly rebuilds: MrrRebuildService,
    private readonly context: RequestContext,
  ) {}

  @Get()
  @ApiOp('adminRevenue_metrics', 'Revenue metrics per currency: MRR, ARR, monthly MRR movements, paying tenants, logo and revenue churn, ARPA, LTV, a 3-month forecast; trial conversion; failed and recent payments', ['validation_failed'])
  @ApiOkResponse({ type: RevenueMetricsDto })
  get(@Query() query: RevenueMetricsQueryDto): Promise<RevenueMetricsDto> {
    return this.metrics.metrics(query);
  }

  @Post('rebuild')
  @HttpCode(200)
  @Audited('revenue.rebuild')
  @PlatformAuth('owner', 'admin')
  @ApiOp('adminRevenue_rebuild', 'Replay the subscription history through the MRR rules and compare with the recorded movements (dryRun: true, the default, changes nothing; false rewrites the tenants that differ)', ['validation_failed'])
  @ApiOkResponse({ type: MrrRebuildResultDto })
  async rebuild(@Body() dto: RebuildMetricsDto): Promise<MrrRebuildResultDto> {
    const result = await this.rebuilds.rebuild({ dryRun: dto.dryRun ?? true, tenantId: dto.tenantId });
    const { differences: _list, ...counts } = result;
    this.context.noteAudit({ tenantId: dto.tenantId, metadata: counts });
    return result;
  }
}

/** One tenant's billing summary for staff. */
@ApiTags('revenue')
@AuditResource('billing', 'tenant_billing')
@PlatformAuth()
@Controller('admin/tenants/:tenantId/billing')
export class AdminTenantBillingSummaryController {
  constructor(private readonly summaries: TenantBillingSummaryService) {}

  @Get('summary')
  @ApiOp('adminRevenue_tenantSummary', 'A tenant’s billing summary: lifetime value to date, current MRR, open balance, latest invoices and payments', ['validation_failed', 'tenant_not_found'])
  @ApiOkResponse({ type: TenantBillingSummaryDto })
  summary(@Param('tenantId', UuidPipe) tenantId: string): Promise<TenantBillingSummaryDto> {
    return this.summaries.summary(tenantId);
  }
}
