import '../errors';
import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { PlatformAuth } from '../../../common/auth';
import { ApiOp, UuidPipe } from '../../../common/http';
import { TenantHealthDto, TenantHealthHistoryDto, TenantHealthHistoryQueryDto, TenantHealthSummaryDto } from './tenant-health.dto';
import { TenantHealthService } from './tenant-health.service';

/**
 * Tenant health and risk for platform staff. Registered before the tenants context's routes so
 * `health-summary` is not read as a tenant id.
 */
@ApiTags('tenant-health')
@PlatformAuth()
@Controller('admin/tenants')
export class TenantHealthController {
  constructor(private readonly health: TenantHealthService) {}

  @Get('health-summary')
  @ApiOp('adminTenantHealth_summary', 'Tenants by risk: counts, the 20 riskiest with their top reason, movers since last week', [], 'From the latest daily snapshots (taken at 02:30 UTC).')
  @ApiOkResponse({ type: TenantHealthSummaryDto })
  summary(): Promise<TenantHealthSummaryDto> {
    return this.health.summary();
  }

  @Get(':tenantId/health')
  @ApiOp(
    'adminTenantHealth_get',
    'A tenant’s health score 0–100 and risk, with the signals that explain it',
    ['validation_failed', 'tenant_not_found'],
    'Computed now from sign-ins and active users (30 days vs the 30 before), seat utilisation, metered module usage, payment failures and past-due invoices, trial days left, support load (impersonation sessions and #support notes, the ticket proxy) and failing webhooks. Weights and thresholds: health model v1 (docs/adr/0027).',
  )
  @ApiOkResponse({ type: TenantHealthDto })
  get(@Param('tenantId', UuidPipe) tenantId: string): Promise<TenantHealthDto> {
    return this.health.health(tenantId);
  }

  @Get(':tenantId/health/history')
  @ApiOp('adminTenantHealth_history', 'A tenant’s daily health snapshots (default the last 90 days)', ['validation_failed', 'tenant_not_found'])
  @ApiOkResponse({ type: TenantHealthHistoryDto })
  history(@Param('tenantId', UuidPipe) tenantId: string, @Query() query: TenantHealthHistoryQueryDto): Promise<TenantHealthHistoryDto> {
    return this.health.history(tenantId, query.days ?? 90);
  }
}
