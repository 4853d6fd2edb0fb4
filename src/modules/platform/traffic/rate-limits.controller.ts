import { Body, Controller, Delete, Get, Param, Put, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { PlatformAuth } from '../../../common/auth';
import { ApiOp, Audited, AuditResource, PageOf, UuidPipe } from '../../../common/http';
import { RateLimitListQueryDto, SetTenantRateLimitDto, TenantRateLimitDto } from './dto/rate-limits.dto';
import { RateLimitsService } from './rate-limits.service';

/**
 * Tenants' request rates for platform staff: the effective rate of every tenant with its source
 * (override, plan or platform default), and overrides — a temporary throttle of a noisy tenant
 * (`until`), or a raise. Changes by owners and admins, audited.
 */
@ApiTags('rate-limits')
@AuditResource('platform', 'tenant_rate_limit')
@PlatformAuth()
@Controller('admin/rate-limits')
export class RateLimitsController {
  constructor(private readonly rateLimits: RateLimitsService) {}

  @Get()
  @ApiOp('adminRateLimits_list', 'List tenants’ effective request rates and where each comes from (override, plan, default)', ['validation_failed'])
  @ApiOkResponse({ type: PageOf(TenantRateLimitDto) })
  list(@Query() query: RateLimitListQueryDto) {
    return this.rateLimits.list(query);
  }

  @Get(':tenantId')
  @ApiOp('adminRateLimits_get', 'Get a tenant’s effective request rate, its plan’s and its override', ['validation_failed', 'tenant_not_found'])
  @ApiOkResponse({ type: TenantRateLimitDto })
  get(@Param('tenantId', UuidPipe) tenantId: string): Promise<TenantRateLimitDto> {
    return this.rateLimits.get(tenantId);
  }

  @Put(':tenantId')
  @Audited('rateLimits.set')
  @PlatformAuth('owner', 'admin')
  @ApiOp(
    'adminRateLimits_set',
    'Override a tenant’s request rate, optionally until an instant (temporary throttling)',
    ['validation_failed', 'tenant_not_found'],
    'Replaces any earlier override. It applies on every instance within 5 seconds; past `until` the plan’s rate (or the platform default) applies again by itself. Requests past the rate answer 429 `tenant_rate_limited` with Retry-After.',
  )
  @ApiOkResponse({ type: TenantRateLimitDto })
  set(@Param('tenantId', UuidPipe) tenantId: string, @Body() dto: SetTenantRateLimitDto): Promise<TenantRateLimitDto> {
    return this.rateLimits.set(tenantId, dto);
  }

  @Delete(':tenantId')
  @Audited('rateLimits.clear')
  @PlatformAuth('owner', 'admin')
  @ApiOp('adminRateLimits_clear', 'Clear a tenant’s request-rate override (back to its plan’s rate)', ['validation_failed', 'tenant_not_found'], 'Idempotent: a tenant without an override is answered as it is.')
  @ApiOkResponse({ type: TenantRateLimitDto })
  clear(@Param('tenantId', UuidPipe) tenantId: string): Promise<TenantRateLimitDto> {
    return this.rateLimits.clear(tenantId);
  }
}
