import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { PlatformAuth, ServiceAuth, TenantAuth } from '../../common/auth';
import { RequestContext } from '../../common/context';
import { ApiOp, Audited, AuditResource, UuidPipe } from '../../common/http';
import { RecalculationJobDto, UsageDto, UsageHistoryDto, UsageHistoryQueryDto, UsageSeriesDto, UsageSeriesQueryDto } from './dto/usage.dto';
import { UsageSeriesService } from './usage-series.service';
import { UsageService } from './usage.service';

const SERIES_DESCRIPTION =
  'A metered metric (automationsPerMonth) is the sum of the usage events that occurred in each UTC bucket, day or hour, from the stored events; a level (members, projects, domains) is its daily snapshot (today: the live value). Buckets without events are 0, so a chart needs no gap filling.';

/** A tenant's usage for platform staff. */
@ApiTags('usage')
@AuditResource('usage', 'tenant_usage')
@PlatformAuth()
@Controller('admin/tenants/:tenantId/usage')
export class AdminUsageController {
  constructor(
    private readonly usage: UsageService,
    private readonly series: UsageSeriesService,
  ) {}

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

  @Get('series')
  @ApiOp('adminTenantUsage_series', 'One metric of a tenant over time, by day or hour (charts)', ['validation_failed', 'tenant_not_found'], SERIES_DESCRIPTION)
  @ApiOkResponse({ type: UsageSeriesDto })
  usageSeries(@Param('tenantId', UuidPipe) tenantId: string, @Query() query: UsageSeriesQueryDto): Promise<UsageSeriesDto> {
    return this.series.series(tenantId, query);
  }

  @Post('recalculate')
  @Audited('usage.recalculate')
  @PlatformAuth('owner', 'admin')
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
    private readonly series: UsageSeriesService,
    private readonly context: RequestContext,
  ) {}

  @Get()
  @ApiOp('tenantUsage_get', 'Your organisation’s current usage', ['tenant_suspended'])
  @ApiOkResponse({ type: UsageDto })
  current(): Promise<UsageDto> {
    return this.usage.current(this.context.actor.tenantId!);
  }

  @Get('history')
  @ApiOp('tenantUsage_history', 'Daily usage snapshots of your organisation (UTC days, inclusive; default last 30 days)', ['validation_failed', 'tenant_suspended'])
  @ApiOkResponse({ type: UsageHistoryDto })
  history(@Query() query: UsageHistoryQueryDto): Promise<UsageHistoryDto> {
    return this.usage.history(this.context.actor.tenantId!, query);
  }

  @Get('series')
  @ApiOp('tenantUsage_series', 'One metric of your organisation over time, by day or hour (charts)', ['validation_failed', 'tenant_suspended'], SERIES_DESCRIPTION)
  @ApiOkResponse({ type: UsageSeriesDto })
  usageSeries(@Query() query: UsageSeriesQueryDto): Promise<UsageSeriesDto> {
    return this.series.series(this.context.actor.tenantId!, query);
  }
}

/** A tenant's usage over time for product-module services (scope usage:read). */
@ApiTags('service')
@AuditResource('usage', 'tenant_usage')
@ServiceAuth('usage:read')
@Controller('service/tenants/:tenantId/usage')
export class ServiceTenantUsageController {
  constructor(private readonly series: UsageSeriesService) {}

  @Get()
  @ApiOp('serviceTenantUsage_series', 'One metric of a tenant over time, by day or hour', ['validation_failed', 'tenant_not_found'], SERIES_DESCRIPTION)
  @ApiOkResponse({ type: UsageSeriesDto })
  usageSeries(@Param('tenantId', UuidPipe) tenantId: string, @Query() query: UsageSeriesQueryDto): Promise<UsageSeriesDto> {
    return this.series.series(tenantId, query);
  }
}
