import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ServiceAuth } from '../../../common/auth';
import { ApiOp, Audited, AuditResource } from '../../../common/http';
import { EntitlementCheckDto, EntitlementCheckResultDto, ServiceEntitlementsDto, ServiceTenantParams } from './service-entitlements.dto';
import { ServiceEntitlementsService } from './service-entitlements.service';

/** Entitlement questions of product-module services (scope entitlements:read). */
@ApiTags('service')
@AuditResource('billing', 'entitlement')
@ServiceAuth('entitlements:read')
@Controller('service')
export class ServiceEntitlementsController {
  constructor(private readonly entitlements: ServiceEntitlementsService) {}

  @Get('tenants/:tenantId/entitlements')
  @ApiOp(
    'serviceEntitlements_get',
    'A tenant’s standing, module entitlements and metric allowances',
    ['validation_failed', 'tenant_not_found'],
    'Cache the answer for `cacheTtlSeconds`; reserve quota (POST /api/v1/service/quota/reservations) before creating a metered resource rather than trusting a cached `remaining`.',
  )
  @ApiOkResponse({ type: ServiceEntitlementsDto })
  get(@Param() params: ServiceTenantParams): Promise<ServiceEntitlementsDto> {
    return this.entitlements.of(params.tenantId);
  }

  @Post('entitlements/check')
  @HttpCode(200)
  @Audited('entitlement.check')
  @ApiOp(
    'serviceEntitlements_check',
    'May this tenant do this? An explainable yes or no',
    ['validation_failed'],
    'Always 200: `allowed` false carries the code the matching problem would (`quota_exceeded`, `tenant_suspended`, `module_not_enabled`, `tenant_not_found`), a sentence for the end user and what would make it allowed. Reserves nothing.',
  )
  @ApiOkResponse({ type: EntitlementCheckResultDto })
  check(@Body() dto: EntitlementCheckDto): Promise<EntitlementCheckResultDto> {
    return this.entitlements.check(dto);
  }
}
